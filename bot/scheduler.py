"""Background jobs, run by APScheduler inside the app process."""

import functools
import logging
from collections.abc import Callable
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler

from bot.clock import utc_now
from bot.services.asks import resume_stalled_deliveries, widen_due
from bot.services.closing import expire_unanswered, follow_up_due
from bot.services.inbox import recover
from bot.services.outbox import Pacer, send_due
from bot.services.scheduled import plan_all
from bot.services.submissions import forget_old_submissions
from bot.slack.deps import Deps
from db.engine import unreachable

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
    # A minute's worth at the paced rate, so the job, which runs every minute, keeps up with it.
    limit = max(1, int(pacer.per_second * 60))
    with deps.sessions() as session:
        report = send_due(session, deps.slack, clock=deps.clock, pacer=pacer, limit=limit)
    if report.sent or report.failed or report.retrying or report.recovered:
        log.info(
            "outbox: %d sent, %d to retry, %d failed, %d recovered",
            report.sent,
            report.retrying,
            report.failed,
            report.recovered,
        )


def recover_inbox_job(deps: Deps) -> None:
    with deps.sessions() as session:
        recovered = recover(session, deps.slack, clock=deps.clock)
    if recovered:
        log.info("processed %d recorded event(s) whose processing had failed", recovered)


def forget_submissions_job(deps: Deps) -> None:
    with deps.sessions() as session:
        forget_old_submissions(session, clock=deps.clock)


def _skipped_while_unreachable(job: Callable[..., None]) -> Callable[..., None]:
    """A run that finds the database out of reach logs one line and leaves its work to the next
    run (every job's work is claimed row by row, so nothing is half-done): an outage should not
    fill the log with a traceback from every job every minute."""

    @functools.wraps(job)
    def run(*args: Any) -> None:
        try:
            job(*args)
        except Exception as error:
            if not unreachable(error):
                raise
            log.warning(
                "%s skipped: the database is out of reach (%s)",
                job.__name__,
                error.__class__.__name__,
            )

    return run


def build_scheduler(deps: Deps) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    pacer = Pacer(per_second=deps.settings.outbox_per_second)
    # (job, its arguments, id, minutes between runs, also run at start)
    jobs: list[tuple[Callable[..., None], list[Any], str, int, bool]] = [
        (resume_stalled_job, [deps], "resume_stalled_posts", 1, False),
        (widen_job, [deps], "widen_unanswered", 1, False),
        (follow_up_job, [deps], "follow_up_past_needed_by", 1, False),
        # Digests go out at an hour in each person's own time zone, so planning runs often; the
        # outbox keys make every run after the first at that hour plan nothing new. Both outbox
        # jobs also run at start: a restart must not hold back what fell due while it was down.
        (plan_job, [deps], "plan_nudges_and_digests", 5, True),
        (send_job, [deps, pacer], "send_outbox", 1, True),
        # Also at start: events recorded before a crash are processed once it is back.
        (recover_inbox_job, [deps], "recover_recorded_events", 1, True),
        (forget_submissions_job, [deps], "forget_processed_views", 60, False),
    ]
    for job, args, job_id, minutes, at_start in jobs:
        scheduler.add_job(
            _skipped_while_unreachable(job),
            "interval",
            minutes=minutes,
            args=args,
            id=job_id,
            # A run that overlaps the next is skipped, not stacked: the claims make it safe.
            max_instances=1,
            coalesce=True,
            **({"next_run_time": utc_now()} if at_start else {}),
        )
    return scheduler
