"""The event log of a request: every change stored with who did it, whom it concerns and when,
so time to first offer can be measured."""

from datetime import timedelta

from bot.domain.offers import EventKind, OfferSource, Route
from bot.slack.blocks import ids
from tests.slack_stand_in.pytest_plugin import ASKER_ID, HELPER_1_ID, HELPER_2_ID, TEAM_ID
from tests.support import (
    answer_direct_ask,
    events,
    offer_by_button,
    offer_of,
    press_in_dm,
    reaction,
    resolve_form,
    send,
    the_request,
)


def test_every_change_is_stored_with_its_time(posted, driver, fake_slack, session, clock) -> None:
    posted_at = clock()
    clock.advance(minutes=42)
    driver.event(reaction(HELPER_1_ID, posted))
    clock.advance(minutes=1)
    offer_by_button(driver, fake_slack, posted, HELPER_2_ID)
    clock.advance(minutes=1)
    press_in_dm(driver, fake_slack, HELPER_2_ID, ids.WITHDRAW_OFFER)
    clock.advance(minutes=5)
    press_in_dm(driver, fake_slack, ASKER_ID, ids.ACCEPT_OFFER)
    clock.advance(hours=2)
    driver.view_submission(
        resolve_form(driver, fake_slack, posted), {ids.IMPACT_INPUT: "Shipped"}, user_id=ASKER_ID
    )

    log = [(e.kind, e.actor_id, e.subject_id, e.created_at) for e in events(session, posted.id)]
    start = posted_at
    assert log == [
        (EventKind.POSTED, ASKER_ID, None, start),
        (EventKind.OFFERED, HELPER_1_ID, None, start + timedelta(minutes=42)),
        (EventKind.OFFERED, HELPER_2_ID, None, start + timedelta(minutes=43)),
        (EventKind.OFFER_WITHDRAWN, HELPER_2_ID, None, start + timedelta(minutes=44)),
        (EventKind.ACCEPTED, ASKER_ID, HELPER_1_ID, start + timedelta(minutes=49)),
        (EventKind.RESOLVED, ASKER_ID, None, start + timedelta(hours=2, minutes=49)),
        (EventKind.THANKED, ASKER_ID, HELPER_1_ID, start + timedelta(hours=2, minutes=49)),
    ]
    offered = [e for e in events(session, posted.id) if e.kind == EventKind.OFFERED]
    assert {e.detail for e in offered} == {"reaction", "button"}
    assert all(e.team_id == TEAM_ID for e in events(session, posted.id))
    first = min(e.created_at for e in offered)
    (post,) = [e for e in events(session, posted.id) if e.kind == EventKind.POSTED]
    assert first - post.created_at == timedelta(minutes=42)  # time to first offer


def test_an_offer_on_a_direct_ask_is_stored_as_direct(
    helpers, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
    answer_direct_ask(driver, fake_slack, "UDB2", ids.OFFER_HELP)
    request = the_request(session)
    offered = [e for e in events(session, request.id) if e.kind == EventKind.OFFERED]
    assert [(e.actor_id, e.detail) for e in offered] == [("UDB2", "direct")]
    assert offer_of(session, "UDB2").source == OfferSource.DIRECT


def test_each_helper_asked_directly_is_an_event(
    helpers, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
    clock.advance(minutes=20)
    answer_direct_ask(driver, fake_slack, "UDB2", ids.OFFER_HELP)

    request = the_request(session)
    asked = [e for e in events(session, request.id) if e.kind == EventKind.ASKED]
    assert sorted(e.subject_id for e in asked) == ["UDB1", "UDB2", "UDB3", "UDB4", "UDB5"]
    (offered,) = [e for e in events(session, request.id) if e.kind == EventKind.OFFERED]
    first_asked = min(e.created_at for e in asked)
    assert offered.created_at - first_asked == timedelta(minutes=20)
