"""Background jobs, run by APScheduler inside the app process."""

import logging

from apscheduler.schedulers.background import BackgroundScheduler

from bot.services.asks import resume_stalled_deliveries
from bot.slack.deps import Deps

log = logging.getLogger(__name__)


def resume_stalled_job(deps: Deps) -> None:
    with deps.sessions() as session:
        results = resume_stalled_deliveries(session, deps.slack, clock=deps.clock)
    if results:
        log.info("resumed %d stalled post(s)", len(results))


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
    return scheduler
