"""A helper passing on a direct ask, with a reason: the asker hears kindly and without names, the
reserve is asked, and the asker can widen to the channel from that feedback."""

import copy
import json

from sqlalchemy import select

from bot.domain.offers import DeclineReason, EventKind, Route, SuggestionStatus
from bot.slack.blocks import ids
from db.models import Suggestion
from tests.factories import DATA_CHANNEL
from tests.slack_stand_in.pytest_plugin import ASKER_ID
from tests.support import (
    NO_OFFERS,
    answer_direct_ask,
    direct_ask,
    dms_to,
    ephemerals,
    events,
    kinds,
    last_view,
    post_of,
    press_in_dm,
    send,
    shown,
    the_request,
)


def decline_form(driver, fake_slack, helper) -> dict:
    answer_direct_ask(driver, fake_slack, helper, ids.DECLINE_HELP)
    form = last_view(fake_slack)
    assert form["callback_id"] == ids.DECLINE_MODAL
    return form


def pass_on(driver, fake_slack, helper, reason, note=None):
    values = {ids.DECLINE_REASON_INPUT: reason.value}
    if note:
        values[ids.DECLINE_NOTE_INPUT] = note
    return driver.view_submission(decline_form(driver, fake_slack, helper), values, user_id=helper)


def feedback_dms(fake_slack):
    return [c for c in dms_to(fake_slack, ASKER_ID) if "passed" in c.args["text"]]


def suggestion(session, user_id) -> Suggestion:
    session.expire_all()
    return session.scalars(select(Suggestion).where(Suggestion.user_id == user_id)).one()


def test_passing_needs_a_reason(helpers, open_ask_modal, driver, fake_slack, session, clock):
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
    form = decline_form(driver, fake_slack, "UDB3")
    crafted = copy.deepcopy(form)  # Slack's client won't submit it without one; a crafted payload
    for block in crafted["blocks"]:
        if block.get("block_id") == ids.DECLINE_REASON_BLOCK:
            block["optional"] = True
    response = driver.view_submission(crafted, {}, user_id="UDB3")

    body = response.json()
    assert body == {
        "response_action": "errors",
        "errors": {ids.DECLINE_REASON_BLOCK: "Pick the reason that fits best."},
    }
    assert suggestion(session, "UDB3").status == SuggestionStatus.ASKED
    assert feedback_dms(fake_slack) == []


def test_passing_with_a_reason_tells_the_asker_kindly_and_without_names(
    helpers, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
    ts, _ = direct_ask(fake_slack, "UDB3")
    clock.advance(minutes=5)
    pass_on(driver, fake_slack, "UDB3", DeclineReason.DEADLINE, "private: I'm on leave")

    row = suggestion(session, "UDB3")
    assert (row.status, row.decline_reason, row.decline_note, row.responded_at) == (
        SuggestionStatus.DECLINED,
        DeclineReason.DEADLINE,
        "private: I'm on leave",
        clock(),
    )
    request = the_request(session)
    (passed,) = [e for e in events(session, request.id) if e.kind == EventKind.PASSED]
    assert (passed.actor_id, passed.detail, passed.created_at) == ("UDB3", "deadline", clock())
    assert len(dms_to(fake_slack, "UDB6")) == 1  # the reserve is asked instead
    assert suggestion(session, "UDB6").status == SuggestionStatus.ASKED
    assert "No problem" in fake_slack.messages[(fake_slack.dm_channel_id("UDB3"), ts)]["text"]

    (feedback,) = feedback_dms(fake_slack)
    said = feedback.args["text"] + json.dumps(feedback.args["blocks"])
    assert "One person passed: the deadline was too tight for them." in said
    buttons = [ids.FEEDBACK_EXTEND, ids.FEEDBACK_EDIT, ids.FEEDBACK_WIDEN]
    assert all(b in said for b in buttons)
    assert "UDB3" not in said
    assert "on leave" not in said
    assert request.feedback_ts is not None

    clock.advance(minutes=5)
    pass_on(driver, fake_slack, "UDB4", DeclineReason.DEADLINE)
    assert len(feedback_dms(fake_slack)) == 1  # still one message
    channel, feedback_ts = request.feedback_channel, request.feedback_ts
    updates = [
        c
        for c in fake_slack.calls_to("chat.update")
        if (c.args["channel"], c.args["ts"]) == (channel, feedback_ts)
    ]
    assert len(updates) == 1
    now_said = shown(fake_slack.messages[(channel, feedback_ts)])
    assert "Two people passed: the deadline was too tight for them." in now_said
    for private in ("UDB3", "UDB4", "on leave"):
        assert private not in now_said


def test_the_same_helper_passing_twice_counts_once(
    helpers, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
    form = decline_form(driver, fake_slack, "UDB3")
    values = {ids.DECLINE_REASON_INPUT: DeclineReason.NO_TIME.value}
    driver.view_submission(form, values, user_id="UDB3")
    driver.view_submission(form, values, user_id="UDB3")
    assert len(feedback_dms(fake_slack)) == 1
    assert "One person passed" in feedback_dms(fake_slack)[0].args["text"]
    assert fake_slack.calls_to("chat.update")[-1].args["ts"] != the_request(session).feedback_ts
    assert kinds(session, the_request(session).id).count(EventKind.PASSED) == 1


def test_widen_to_the_channel_from_the_feedback(
    helpers, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
    pass_on(driver, fake_slack, "UDB3", DeclineReason.NOT_MY_AREA)
    assert not [m for (c, _), m in fake_slack.messages.items() if c == DATA_CHANNEL]
    press_in_dm(driver, fake_slack, ASKER_ID, ids.FEEDBACK_WIDEN)

    request = the_request(session)
    assert (request.posted_channel, request.route) == (DATA_CHANNEL, Route.BOTH)
    assert "is asking for help" in post_of(fake_slack, request)["text"]
    assert any(
        f"posted it in <#{DATA_CHANNEL}>" in c.args["text"] for c in dms_to(fake_slack, ASKER_ID)
    )
    assert EventKind.WIDENED in kinds(session, request.id)

    press_in_dm(driver, fake_slack, ASKER_ID, ids.FEEDBACK_WIDEN)  # again
    assert ephemerals(fake_slack, ASKER_ID) == [
        "It's already in a channel, where everyone there can see it."
    ]
    assert len([m for (c, _), m in fake_slack.messages.items() if c == DATA_CHANNEL]) == 1


def test_an_over_long_note_when_passing_is_a_field_error(
    helpers, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
    crafted = copy.deepcopy(decline_form(driver, fake_slack, "UDB3"))
    for block in crafted["blocks"]:
        if block.get("block_id") == ids.DECLINE_NOTE_BLOCK:
            block["element"].pop("max_length", None)
    response = driver.view_submission(
        crafted,
        {ids.DECLINE_REASON_INPUT: DeclineReason.OTHER.value, ids.DECLINE_NOTE_INPUT: "x" * 501},
        user_id="UDB3",
    )
    body = response.json()
    assert body["response_action"] == "errors"
    assert list(body["errors"]) == [ids.DECLINE_NOTE_BLOCK]
    assert suggestion(session, "UDB3").status == SuggestionStatus.ASKED


def test_widening_after_an_offer_posts_with_the_offer_counted(
    helpers, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
    answer_direct_ask(driver, fake_slack, "UDB1", ids.OFFER_HELP)
    pass_on(driver, fake_slack, "UDB3", DeclineReason.NOT_MY_AREA)
    press_in_dm(driver, fake_slack, ASKER_ID, ids.FEEDBACK_WIDEN)

    post = shown(post_of(fake_slack, the_request(session)))
    assert "1 person has offered to help so far" in post
    assert NO_OFFERS not in post
