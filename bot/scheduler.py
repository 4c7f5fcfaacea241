"""Background jobs, run by APScheduler inside the app process."""

import logging

from apscheduler.schedulers.background import BackgroundScheduler

from bot.services.asks import resume_stalled_deliveries, widen_due
from bot.services.closing import expire_unanswered, follow_up_due
from bot.slack.deps import Deps

log = logging.getLogger(__name__)


def resume_stalled_job(deps: Deps) -> None:
    with deps.sessions() as session:
        results = resume_stalled_deliveries(session, deps.slack, clock=deps.clock)
    if results:
        log.info("resumed %d stalled post(s)", len(results))


def widen_job(deps: Deps) -> None:
    with deps.sessions() as session:
        widened = widen_due(session, deps.slack, clock=deps.clock)
    if widened:
        log.info("widened %d request(s) nobody had offered on", len(widened))


def follow_up_job(deps: Deps) -> None:
    with deps.sessions() as session:
        asked = follow_up_due(session, deps.slack, clock=deps.clock)
        expired = expire_unanswered(session, deps.slack, clock=deps.clock)
    if asked or expired:
        log.info("followed up %d request(s) past needed-by; %d expired", len(asked), len(expired))


def build_scheduler(deps: Deps) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        resume_stalled_job,
        "interval",
        minutes=1,
        args=[deps],
        id="resume_stalled_posts",
        # A run that overlaps the next is skipped, not stacked: the claims make it safe anyway.
        max_instances=1,
        coalesce=True,
    )
    scheduler.add_job(
        widen_job,
        "interval",
        minutes=1,
        args=[deps],
        id="widen_unanswered",
        max_instances=1,
        coalesce=True,
    )
    scheduler.add_job(
        follow_up_job,
        "interval",
        minutes=1,
        args=[deps],
        id="follow_up_past_needed_by",
        max_instances=1,
        coalesce=True,
    )
    return scheduler
