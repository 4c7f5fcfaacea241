"""The follow-up after a request's needed-by: asked once in the asker's working hours; resolved,
extended (asking more people) or closed from it; expired after a week unanswered."""

import json
from datetime import UTC, datetime, timedelta

from bot.domain.offers import EventKind, Route
from bot.domain.requests import RequestStatus
from bot.services import closing
from bot.slack.blocks import ids
from bot.slack.blocks.text import slack_date
from tests.factories import DATA_CHANNEL
from tests.slack_stand_in.pytest_plugin import ASKER_ID, HELPER_1_ID
from tests.support import (
    dms_to,
    events,
    holding,
    kinds,
    last_view,
    note_for,
    notice_ref,
    offer_by_button,
    post_of,
    press_in_dm,
    send,
    shown,
    the_request,
    use_menu,
)


def past_needed_by(clock, request):
    clock.now = request.needed_by + timedelta(minutes=1)


def follow_up(deps):
    with deps.sessions() as session:
        return closing.follow_up_due(session, deps.slack, clock=deps.clock)


def into_working_hours(clock, tz="Europe/Berlin"):
    """The follow-up waits for the asker's working hours, like a nudge: move the clock there."""
    from zoneinfo import ZoneInfo

    while True:
        local = clock().astimezone(ZoneInfo(tz))
        if local.weekday() < 5 and 9 <= local.hour < 17:
            return
        clock.advance(hours=1)


def expire(deps):
    with deps.sessions() as session:
        return closing.expire_unanswered(session, deps.slack, clock=deps.clock)


def follow_ups(fake_slack):
    return [
        c for c in dms_to(fake_slack, ASKER_ID) if "Did you get what you needed?" in c.args["text"]
    ]


def test_the_asker_is_asked_once_how_it_went(posted, deps, fake_slack, session, clock) -> None:
    clock.now = posted.needed_by - timedelta(minutes=1)
    assert follow_up(deps) == []  # not yet
    past_needed_by(clock, posted)
    assert follow_up(deps) == [posted.id]
    assert follow_up(deps) == []  # once only

    (asked,) = follow_ups(fake_slack)
    buttons = [
        e["action_id"]
        for b in asked.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert buttons == [ids.FOLLOW_UP_RESOLVED, ids.FOLLOW_UP_EXTEND, ids.FOLLOW_UP_DONE]
    request = the_request(session)
    assert (request.status, request.followed_up_at) == (RequestStatus.OPEN, clock())
    assert kinds(session, posted.id)[-1] == EventKind.FOLLOWED_UP


def test_no_longer_needed_closes_it(posted, deps, driver, fake_slack, session, clock) -> None:
    past_needed_by(clock, posted)
    follow_up(deps)
    ts = press_in_dm(driver, fake_slack, ASKER_ID, ids.FOLLOW_UP_DONE)

    assert the_request(session).status == RequestStatus.EXPIRED
    assert "closed your request" in fake_slack.messages[notice_ref(fake_slack, ts)]["text"]
    assert "has closed: its needed-by date passed" in shown(post_of(fake_slack, posted))
    (expired,) = [e for e in events(session, posted.id) if e.kind == EventKind.EXPIRED]
    assert (expired.actor_id, expired.created_at) == (ASKER_ID, clock())
    assert expire(deps) == []


def test_still_need_help_extends_it_and_asks_more_people(
    helpers, deps, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    send(fake_slack, driver, open_ask_modal(), clock, Route.CHANNEL)
    request = the_request(session)
    assert request.posted_channel == DATA_CHANNEL
    past_needed_by(clock, request)
    follow_up(deps)
    ts = press_in_dm(driver, fake_slack, ASKER_ID, ids.FOLLOW_UP_EXTEND)
    form = last_view(fake_slack)
    assert form["callback_id"] == ids.EXTEND_MODAL

    past = driver.view_submission(
        form, {ids.EXTEND_INPUT: clock() - timedelta(hours=1)}, user_id=ASKER_ID
    )
    body = past.json()
    assert body["response_action"] == "errors"
    assert ids.EXTEND_BLOCK in body["errors"]
    assert the_request(session).followed_up_at is not None

    new_needed_by = (clock() + timedelta(days=3)).replace(second=0, microsecond=0)
    response = driver.view_submission(form, {ids.EXTEND_INPUT: new_needed_by}, user_id=ASKER_ID)
    assert response.body == ""

    request = the_request(session)
    assert (request.status, request.needed_by, request.followed_up_at) == (
        RequestStatus.OPEN,
        new_needed_by,
        None,
    )
    assert request.widen_at is not None
    assert request.widened_at is None
    asked = sorted(
        c.args["channel"]
        for c in fake_slack.calls_to("chat.postMessage")
        if c.args["channel"].startswith("UDB")
    )
    assert asked == ["UDB1", "UDB2", "UDB3"]
    assert slack_date(new_needed_by) in shown(post_of(fake_slack, request))
    answered = fake_slack.messages[notice_ref(fake_slack, ts)]["text"]
    assert "New needed-by" in answered
    assert "<@UDB1>" in answered
    assert holding(fake_slack, ASKER_ID, ids.FOLLOW_UP_EXTEND) == []
    (extended,) = [e for e in events(session, request.id) if e.kind == EventKind.EXTENDED]
    assert extended.created_at == clock()

    past_needed_by(clock, request)  # the new needed-by passes too: asked again
    into_working_hours(clock)
    assert follow_up(deps) == [request.id]


def test_yes_resolved_answers_the_follow_up_in_place(
    posted, deps, driver, fake_slack, session, clock
) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    past_needed_by(clock, posted)
    follow_up(deps)
    ts = press_in_dm(driver, fake_slack, ASKER_ID, ids.FOLLOW_UP_RESOLVED)
    form = last_view(fake_slack)
    assert form["callback_id"] == ids.RESOLVE_MODAL
    posts = len(fake_slack.calls_to("chat.postMessage"))
    driver.view_submission(form, {note_for(HELPER_1_ID): "Thanks a lot"}, user_id=ASKER_ID)

    assert the_request(session).status == RequestStatus.RESOLVED
    answered = fake_slack.messages[notice_ref(fake_slack, ts)]
    assert "Marked resolved" in answered["text"]
    assert ids.FOLLOW_UP_DONE not in json.dumps(answered["blocks"])
    # The only new message is the helper's thanks; the asker's answer replaced the follow-up.
    new = fake_slack.calls_to("chat.postMessage")[posts:]
    assert [c.args["channel"] for c in new] == [HELPER_1_ID]


def test_an_unanswered_follow_up_expires_after_a_week(
    posted, deps, fake_slack, session, clock
) -> None:
    past_needed_by(clock, posted)
    follow_up(deps)
    clock.advance(days=7, minutes=-2)
    assert expire(deps) == []
    clock.advance(minutes=3)
    assert expire(deps) == [posted.id]
    assert expire(deps) == []

    assert the_request(session).status == RequestStatus.EXPIRED
    assert "has closed: its needed-by date passed" in shown(post_of(fake_slack, posted))
    (expired,) = [e for e in events(session, posted.id) if e.kind == EventKind.EXPIRED]
    assert (expired.actor_id, expired.created_at) == (None, clock())


def offered_then_expired(posted, deps, driver, fake_slack, clock):
    """An offer on the post, then the follow-up left unanswered until the request expires;
    returns what the expiry closed."""
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    past_needed_by(clock, posted)
    follow_up(deps)
    clock.advance(days=8)
    return expire(deps)


def test_an_expired_request_can_still_be_resolved(
    posted, deps, driver, fake_slack, session, clock
) -> None:
    offered_then_expired(posted, deps, driver, fake_slack, clock)
    press_in_dm(driver, fake_slack, ASKER_ID, ids.FOLLOW_UP_RESOLVED)
    driver.view_submission(
        last_view(fake_slack), {note_for(HELPER_1_ID): "Thanks"}, user_id=ASKER_ID
    )
    assert the_request(session).status == RequestStatus.RESOLVED


def test_still_need_help_reopens_an_expired_request(
    posted, deps, driver, fake_slack, session, clock
) -> None:
    assert offered_then_expired(posted, deps, driver, fake_slack, clock) == [posted.id]
    press_in_dm(driver, fake_slack, ASKER_ID, ids.FOLLOW_UP_EXTEND)
    new_needed_by = (clock() + timedelta(days=2)).replace(second=0, microsecond=0)
    driver.view_submission(
        last_view(fake_slack), {ids.EXTEND_INPUT: new_needed_by}, user_id=ASKER_ID
    )

    request = the_request(session)
    assert (request.status, request.needed_by) == (RequestStatus.OPEN, new_needed_by)
    post = shown(post_of(fake_slack, request))
    assert "1 person has offered" in post
    assert ids.OFFER_FROM_POST in post
    assert kinds(session, request.id)[-2:] == [EventKind.EXPIRED, EventKind.EXTENDED]


def test_the_follow_up_waits_for_the_askers_working_hours(posted, deps, session, clock) -> None:
    from zoneinfo import ZoneInfo

    request = the_request(session)
    # Saturday 03:00 in Berlin: the asker hears nothing until Monday 9:00, their time.
    clock.now = datetime(2026, 11, 28, 3, 0, tzinfo=ZoneInfo("Europe/Berlin")).astimezone(UTC)
    request.needed_by = clock() - timedelta(hours=1)
    session.commit()
    assert follow_up(deps) == []
    clock.now = datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")).astimezone(UTC)
    assert follow_up(deps) == [request.id]


def test_a_new_needed_by_from_the_edit_form_restarts_the_follow_up(
    posted, deps, driver, fake_slack, session, clock
) -> None:
    past_needed_by(clock, posted)
    follow_up(deps)
    use_menu(driver, fake_slack, ASKER_ID, ids.MENU_EDIT, posted)  # instead of the buttons
    later = clock() + timedelta(days=10)
    response = driver.view_submission(
        last_view(fake_slack), {ids.NEEDED_BY_INPUT: later}, user_id=ASKER_ID
    )
    assert response.body == ""
    assert the_request(session).needed_by == later.replace(microsecond=0)

    clock.advance(days=7, minutes=1)
    assert expire(deps) == []  # its needed-by is three days ahead still
    assert the_request(session).status == RequestStatus.OPEN
    clock.advance(days=3)
    into_working_hours(clock)
    assert follow_up(deps) == [posted.id]  # asked again once the new needed-by passes
