"""Nothing lost, nothing posted twice: the delivery claim and the stalled-post recovery job."""

import dataclasses
import logging
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot.domain.requests import Delivery
from bot.scheduler import build_scheduler, resume_stalled_job
from db import queries
from db.engine import create_db_engine, create_session_factory
from db.migrate import upgrade
from db.models import HelpRequest
from tests import factories
from tests.slack_stand_in.pytest_plugin import ASKER_ID, HELP_CHANNEL_ID
from tests.support import find_message, scratch_database


def test_a_claim_is_taken_once(session, clock) -> None:
    request = factories.help_request(session, at=clock(), delivery=Delivery.PENDING)
    session.commit()
    now, stale = clock(), clock() - timedelta(minutes=5)
    assert queries.claim_delivery(session, request.id, ASKER_ID, now, stale)
    assert not queries.claim_delivery(session, request.id, ASKER_ID, now, stale)
    assert not queries.claim_delivery(session, request.id, "USOMEONE", now, stale)


@pytest.fixture
def real_sessions(tmp_path):
    """Sessions on their own connections with real commits, for concurrency."""
    with scratch_database(tmp_path) as url:
        engine = create_db_engine(url)
        upgrade(engine)
        yield create_session_factory(engine)
        engine.dispose()


def test_concurrent_claims_let_exactly_one_through(real_sessions, clock) -> None:
    with real_sessions() as session:
        ids = []
        for _ in range(20):
            request = factories.help_request(session, at=clock(), delivery=Delivery.PENDING)
            session.commit()
            ids.append(request.id)

    for request_id in ids:
        barrier = threading.Barrier(2)
        wins: list[bool] = []

        def claim(
            request_id: int = request_id,
            barrier: threading.Barrier = barrier,
            wins: list[bool] = wins,
        ) -> None:
            with real_sessions() as session:
                barrier.wait()
                won = queries.claim_delivery(
                    session, request_id, ASKER_ID, clock(), clock() - timedelta(minutes=5)
                )
                session.commit()
                wins.append(won)

        threads = [threading.Thread(target=claim) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(wins) == [False, True]


def posting(session, clock, claimed_ago) -> HelpRequest:
    """A request whose post was claimed `claimed_ago` and has not finished."""
    return factories.help_request(
        session, at=clock(), delivery=Delivery.POSTING, delivery_claimed_at=clock() - claimed_ago
    )


def test_a_stalled_post_is_finished_by_the_job(deps, session, fake_slack, clock) -> None:
    stalled = posting(session, clock, claimed_ago=timedelta(minutes=10))
    live = posting(session, clock, claimed_ago=timedelta(minutes=1))
    session.commit()

    resume_stalled_job(deps)

    ts, _ = find_message(fake_slack, HELP_CHANNEL_ID, "is asking for help")
    session.expire_all()
    assert (stalled.delivery, stalled.posted_ts) == (Delivery.POSTED, ts)
    assert (live.delivery, live.posted_ts) == (Delivery.POSTING, None)
    find_message(fake_slack, fake_slack.dm_channel_id(ASKER_ID), "I posted")

    resume_stalled_job(deps)  # nothing left to do: no second post
    assert len([m for (c, _), m in fake_slack.messages.items() if c == HELP_CHANNEL_ID]) == 1


def test_the_job_leaves_a_refused_post_for_the_asker(deps, session, fake_slack, clock) -> None:
    stalled = posting(session, clock, claimed_ago=timedelta(minutes=10))
    session.commit()
    fake_slack.fail("chat.postMessage", "channel_not_found")

    resume_stalled_job(deps)
    resume_stalled_job(deps)  # a failed post waits for the asker's Try again, not the job

    session.expire_all()
    assert stalled.delivery == Delivery.FAILED
    assert len(fake_slack.calls_to("chat.postMessage")) == 2  # the attempt and the notice


def test_the_scheduler_runs_the_job_every_minute(deps) -> None:
    job = build_scheduler(deps).get_job("resume_stalled_posts")
    assert job is not None
    assert job.trigger.interval == timedelta(minutes=1)
    assert job.func.__wrapped__ is resume_stalled_job
    assert job.args == (deps,)


def test_a_job_that_finds_the_database_out_of_reach_logs_one_line(deps, caplog) -> None:
    job = build_scheduler(deps).get_job("resume_stalled_posts")
    assert job is not None

    def unreachable_session():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    outage = dataclasses.replace(deps, sessions=unreachable_session)
    with caplog.at_level(logging.WARNING, logger="bot.scheduler"):
        job.func(outage)
    assert [r.getMessage() for r in caplog.records] == [
        "resume_stalled_job skipped: the database is out of reach (OperationalError)"
    ]
    assert not any(r.exc_info for r in caplog.records)

    def broken_session():
        raise ValueError("a bug, not an outage")

    with pytest.raises(ValueError, match="a bug"):
        job.func(dataclasses.replace(deps, sessions=broken_session))


def test_requests_by_asker_newest_first(session, clock) -> None:
    first = factories.help_request(session, at=clock(), delivery=Delivery.PENDING)
    clock.advance(minutes=1)
    second = factories.help_request(session, at=clock(), delivery=Delivery.PENDING)
    session.commit()
    assert [r.id for r in queries.requests_by_asker(session, "T0001", ASKER_ID)] == [
        second.id,
        first.id,
    ]
    assert session.scalars(select(HelpRequest)).all()


def test_every_background_job_is_scheduled(deps) -> None:
    scheduler = build_scheduler(deps)
    minutes = {job.id: job.trigger.interval.total_seconds() / 60 for job in scheduler.get_jobs()}
    assert minutes == {
        "resume_stalled_posts": 1,
        "widen_unanswered": 1,
        "follow_up_past_needed_by": 1,
        "plan_nudges_and_digests": 5,
        "send_outbox": 1,
        "recover_recorded_events": 1,
        "forget_processed_views": 60,
    }
