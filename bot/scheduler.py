"""Background jobs, run by APScheduler inside the app process."""

import logging

from apscheduler.schedulers.background import BackgroundScheduler

from bot.clock import utc_now
from bot.services.asks import resume_stalled_deliveries, widen_due
from bot.services.closing import expire_unanswered, follow_up_due
from bot.services.outbox import Pacer, send_due
from bot.services.scheduled import plan_all
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


def plan_job(deps: Deps) -> None:
    with deps.sessions() as session:
        report = plan_all(session, clock=deps.clock)
    if report.nudges or report.digests:
        log.info("planned %d nudge(s) and %d digest(s)", report.nudges, report.digests)


def send_job(deps: Deps, pacer: Pacer) -> None:
    with deps.sessions() as session:
        report = send_due(session, deps.slack, clock=deps.clock, pacer=pacer)
    if report.sent or report.failed or report.retrying or report.recovered:
        log.info(
            "outbox: %d sent, %d to retry, %d failed, %d recovered",
            report.sent,
            report.retrying,
            report.failed,
            report.recovered,
        )


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
    # Digests go out at an hour in each person's own time zone, so planning runs often; the
    # outbox keys make every run after the first at that hour plan nothing new.
    scheduler.add_job(
        plan_job,
        "interval",
        minutes=5,
        args=[deps],
        id="plan_nudges_and_digests",
        max_instances=1,
        coalesce=True,
        # At start too: a restart must not hold back what was due while the app was down.
        next_run_time=utc_now(),
    )
    scheduler.add_job(
        send_job,
        "interval",
        minutes=1,
        args=[deps, Pacer(per_second=deps.settings.outbox_per_second)],
        id="send_outbox",
        max_instances=1,
        coalesce=True,
        next_run_time=utc_now(),
    )
    return scheduler
