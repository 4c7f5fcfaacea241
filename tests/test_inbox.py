"""Nothing acknowledged that isn't safe: an offer emoji is recorded before Slack is answered, so
with the database out of reach Slack is asked to send it again; one recorded whose processing
failed is processed once by the recovery job; *I can help* pressed while the database is out of
reach says to try again in a moment; /readyz says whether the database answers."""

import logging
import socket
import time

from sqlalchemy import func, select

from bot.scheduler import recover_inbox_job
from bot.services.inbox import GRACE
from bot.slack.blocks import ids
from bot.slack.blocks.replies import PRESS_AGAIN_SOON
from bot.slack.http import wsgi_app
from db.engine import create_db_engine, reachability_probe
from db.models import InboxEvent
from tests.slack_stand_in.pytest_plugin import ASKER_ID, HELPER_1_ID
from tests.support import (
    SIGNING_SECRET,
    database_down,
    dms_to,
    ephemerals,
    holding,
    offer_by_button,
    offers,
    reaction,
)


def inbox(session) -> list[InboxEvent]:
    session.expire_all()
    return list(session.scalars(select(InboxEvent).order_by(InboxEvent.id)))


def offer_notices(fake_slack) -> list[str]:
    return [
        c.args["text"] for c in dms_to(fake_slack, ASKER_ID) if "offered to help" in c.args["text"]
    ]


def test_an_offer_emoji_is_recorded_and_its_retry_changes_nothing(
    posted, driver, fake_slack, session
) -> None:
    event = reaction(HELPER_1_ID, posted)
    assert driver.event(event, event_id="Ev0001INBOX").status == 200
    (recorded,) = inbox(session)
    assert (recorded.event_id, recorded.kind) == ("Ev0001INBOX", "reaction_added")
    assert recorded.processed_at is not None
    assert len(offers(session)) == 1

    since = len(fake_slack.calls)
    assert driver.event(event, event_id="Ev0001INBOX", retry_num=1).status == 200
    assert len(fake_slack.calls) == since
    assert len(inbox(session)) == 1
    assert len(offers(session)) == 1
    assert len(offer_notices(fake_slack)) == 1


def test_other_reactions_are_not_recorded(posted, driver, session) -> None:
    driver.event(reaction(HELPER_1_ID, posted, "tada"))
    assert inbox(session) == []


def test_an_offer_emoji_while_the_database_is_down_is_left_for_slack_to_send_again(
    posted, driver, fake_slack, session, engine, caplog
) -> None:
    event = reaction(HELPER_1_ID, posted)
    since = len(fake_slack.calls)
    caplog.set_level(logging.INFO)
    caplog.clear()
    with database_down(engine):
        response = driver.event(event, event_id="Ev0002DOWN")

    assert response.status == 503
    (line,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "Ev0002DOWN not recorded, the database is out of reach" in line.getMessage()
    assert len(fake_slack.calls) == since
    assert inbox(session) == []
    assert offers(session) == []

    # Slack sends it again once the database is back: processed once.
    assert driver.event(event, event_id="Ev0002DOWN", retry_num=1).status == 200
    assert driver.event(event, event_id="Ev0002DOWN", retry_num=2).status == 200
    (offer,) = offers(session)
    assert offer.helper_id == HELPER_1_ID
    assert len(offer_notices(fake_slack)) == 1


def test_a_recorded_reaction_whose_processing_failed_is_processed_once_by_the_job(
    posted, driver, deps, fake_slack, session, engine, clock
) -> None:
    event = reaction(HELPER_1_ID, posted)
    # Recorded, then the database goes before the listener reads the request.
    with database_down(engine, touching="help_requests"):
        driver.event(event, event_id="Ev0003LATER")
    (recorded,) = inbox(session)
    assert recorded.processed_at is None
    assert offers(session) == []
    assert offer_notices(fake_slack) == []

    recover_inbox_job(deps)  # within the grace period, the listener may still be at work
    assert offers(session) == []

    clock.advance(seconds=GRACE.total_seconds() + 1)
    recover_inbox_job(deps)
    recover_inbox_job(deps)
    # Slack would not send it again (it was acknowledged); if it did, nothing changes.
    driver.event(event, event_id="Ev0003LATER", retry_num=1)

    (offer,) = offers(session)
    assert offer.helper_id == HELPER_1_ID
    assert len(offer_notices(fake_slack)) == 1
    assert len(holding(fake_slack, ASKER_ID, ids.ACCEPT_OFFER)) == 1
    (recorded,) = inbox(session)
    assert (recorded.processed_at, recorded.attempts) == (clock(), 2)


def test_i_can_help_while_the_database_is_down_says_to_try_again(
    posted, driver, fake_slack, session, engine
) -> None:
    with database_down(engine):
        offer_by_button(driver, fake_slack, posted, HELPER_1_ID)

    assert ephemerals(fake_slack, HELPER_1_ID) == [PRESS_AGAIN_SOON]
    assert offers(session) == []
    assert offer_notices(fake_slack) == []
    assert session.scalar(select(func.count()).select_from(InboxEvent)) == 0

    # Pressed again once the database is back.
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    (offer,) = offers(session)
    assert offer.helper_id == HELPER_1_ID
    assert len(offer_notices(fake_slack)) == 1
    assert ephemerals(fake_slack, HELPER_1_ID) == [PRESS_AGAIN_SOON]


# --- /readyz --------------------------------------------------------------------------------------


def readyz(app, ready) -> tuple[str, bytes]:
    answered: list[str] = []
    body = wsgi_app(app, SIGNING_SECRET, ready)(
        {"PATH_INFO": "/readyz", "REQUEST_METHOD": "GET"},
        lambda status, _headers: answered.append(status),
    )
    return answered[0], b"".join(body)


def test_readyz_says_ready_while_the_database_answers(app, engine) -> None:
    assert readyz(app, reachability_probe(engine)) == ("200 OK", b"ready\n")


def test_readyz_says_the_database_is_unreachable_when_it_refuses(app) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # nothing listens there once it is closed
    unreachable = create_db_engine(f"postgresql+psycopg://nobody@127.0.0.1:{port}/none")
    try:
        answer = readyz(app, reachability_probe(unreachable))
    finally:
        unreachable.dispose()
    assert answer == ("503 Service Unavailable", b"database unreachable\n")


def test_a_database_that_never_answers_is_unreachable_after_the_timeout(app) -> None:
    # A socket that takes the connection and never says a word, like a server that hangs.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        hanging = create_db_engine(f"postgresql+psycopg://nobody@127.0.0.1:{port}/none")
        probe = reachability_probe(hanging, timeout=0.2)
        started = time.monotonic()
        assert readyz(app, probe)[0] == "503 Service Unavailable"
        assert readyz(app, probe)[0] == "503 Service Unavailable"  # the first still hangs
        assert time.monotonic() - started < 2
    hanging.dispose()
