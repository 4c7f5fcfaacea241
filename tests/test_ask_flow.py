"""The /ask slice end to end: signed requests in, the fake Slack and the database out."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.domain.requests import Delivery, HelpKind, RequestSize, RequestStatus
from bot.slack.blocks import ids
from db.models import HelpRequest
from tests.slack_stand_in.pytest_plugin import (
    ARCHIVED_CHANNEL_ID,
    ASKER_ID,
    GENERAL_CHANNEL_ID,
    HELP_CHANNEL_ID,
    HELPER_1_ID,
    PRIVATE_CHANNEL_ID,
    TEAM_ID,
)
from tests.support import find_message, requests, submit_and_post

WHAT = (
    "Could someone review the retry logic in billing-sync PR #412: "
    "is backing off per customer enough?"
)


def answers(clock, **changes):
    values = {
        ids.WHAT_INPUT: WHAT,
        ids.WHY_INPUT: "It's the last blocker before Thursday's release to customers",
        ids.KIND_INPUT: HelpKind.FEEDBACK.value,
        ids.SIZE_INPUT: RequestSize.HALF_HOUR.value,
        ids.NEEDED_BY_INPUT: int((clock() + timedelta(days=1)).timestamp()),
    }
    values.update(changes)
    return {key: value for key, value in values.items() if value is not None}


def message_text(call) -> str:
    """Everything a reader sees in a posted message: fallback text and every block's text."""
    return call.args["text"] + json.dumps(call.args["blocks"])


# /ask


def test_ask_opens_the_request_modal(driver, fake_slack) -> None:
    response = driver.slash_command("/ask", "", user_id=ASKER_ID)

    assert response.status == 200
    assert response.body == ""
    (call,) = fake_slack.calls_to("views.open")
    assert call.args["trigger_id"]
    view = call.args["view"]
    assert view["callback_id"] == ids.ASK_MODAL
    blocks = {block.get("block_id"): block for block in view["blocks"]}
    # Left empty, the app chooses: the topic's channel, else HELP_CHANNEL.
    assert "initial_conversation" not in blocks[ids.CHANNEL_BLOCK]["element"]
    assert blocks[ids.CHANNEL_BLOCK]["optional"] is True
    assert "initial_value" not in blocks[ids.WHAT_BLOCK]["element"]
    labels = [block["label"]["text"] for block in view["blocks"] if block["type"] == "input"]
    assert labels == [
        "What do you need?",
        "Why does it matter?",
        "What would help most?",
        "How big is it?",
        "Needed by",
        "Where should it go?",
    ]


def test_ask_with_text_prefills_what(open_ask_modal) -> None:
    view = open_ask_modal("  how do I rotate the staging DB password?  ")
    what = next(b for b in view["blocks"] if b.get("block_id") == ids.WHAT_BLOCK)
    assert what["element"]["initial_value"] == "how do I rotate the staging DB password?"


def test_modal_that_cannot_open_is_explained(driver, fake_slack) -> None:
    fake_slack.fail("views.open", "expired_trigger_id")
    driver.slash_command("/ask", "", user_id=ASKER_ID)
    (reply,) = fake_slack.calls_to("response_url")
    assert "couldn't open the request form" in reply.args["text"]
    assert "expired_trigger_id" in reply.args["text"]


# A valid submission


def test_valid_submission_is_stored_posted_and_confirmed(
    open_ask_modal, driver, fake_slack, session, clock
) -> None:
    view = open_ask_modal()
    needed_by = int((clock() + timedelta(days=1)).timestamp())

    response = driver.view_submission(view, answers(clock), user_id=ASKER_ID)

    assert response.status == 200
    assert response.body == ""  # an empty ack closes the modal
    (post,) = [c for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] != ASKER_ID]
    assert post.args["channel"] == HELP_CHANNEL_ID
    shown = message_text(post)
    assert f"<@{ASKER_ID}> is asking for help" in shown
    for part in (
        WHAT,
        "Thursday",
        "Feedback or a review",
        "About 30 minutes",
        f"<!date^{needed_by}^",
    ):
        assert part in shown

    (request,) = requests(session)
    assert (request.team_id, request.asker_id) == (TEAM_ID, ASKER_ID)
    assert request.what == WHAT
    assert request.why == "It's the last blocker before Thursday's release to customers"
    assert (request.help_kind, request.size) == (HelpKind.FEEDBACK, RequestSize.HALF_HOUR)
    assert int(request.needed_by.timestamp()) == needed_by
    assert request.destination_channel == HELP_CHANNEL_ID
    assert request.status == RequestStatus.OPEN
    assert request.delivery == Delivery.POSTED
    assert request.created_at == clock()
    ts, _ = find_message(fake_slack, HELP_CHANNEL_ID, "is asking for help")
    assert (request.posted_channel, request.posted_ts) == (HELP_CHANNEL_ID, ts)

    (permalink,) = fake_slack.calls_to("chat.getPermalink")
    assert permalink.args == {"channel": HELP_CHANNEL_ID, "message_ts": ts}
    (dm,) = [c for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == ASKER_ID]
    assert f"/archives/{HELP_CHANNEL_ID}/p{ts.replace('.', '')}" in dm.args["text"]
    assert f"<#{HELP_CHANNEL_ID}>" in dm.args["text"]


def test_the_asker_chooses_the_channel(open_ask_modal, driver, fake_slack, session, clock) -> None:
    view = open_ask_modal()
    driver.view_submission(
        view, answers(clock, **{ids.CHANNEL_INPUT: GENERAL_CHANNEL_ID}), user_id=ASKER_ID
    )
    find_message(fake_slack, GENERAL_CHANNEL_ID, "is asking for help")
    assert requests(session)[0].posted_channel == GENERAL_CHANNEL_ID


def test_optional_fields_can_be_left_empty(open_ask_modal, driver, fake_slack, session, clock):
    view = open_ask_modal()
    submit_and_post(
        driver,
        fake_slack,
        view,
        answers(clock, **{ids.WHY_INPUT: None, ids.NEEDED_BY_INPUT: None}),
        ASKER_ID,
    )
    (request,) = requests(session)
    assert (request.why, request.needed_by) == ("", None)
    _, message = find_message(fake_slack, HELP_CHANNEL_ID, "is asking for help")
    assert "No deadline" in json.dumps(message["blocks"])
    assert "Why it matters" not in json.dumps(message["blocks"])


def test_typed_mentions_and_markup_stay_literal(open_ask_modal, driver, fake_slack, clock):
    view = open_ask_modal()
    what = "<!channel> can someone explain <https://evil.example|this link> & the rest?"
    submit_and_post(driver, fake_slack, view, answers(clock, **{ids.WHAT_INPUT: what}), ASKER_ID)
    _, message = find_message(fake_slack, HELP_CHANNEL_ID, "is asking for help")
    shown = message["text"] + json.dumps(message["blocks"])
    assert "<!channel>" not in shown
    assert "&lt;!channel&gt;" in shown
    assert "&amp; the rest" in shown


def test_a_long_request_is_split_within_slacks_section_limit(
    open_ask_modal, driver, fake_slack, clock
):
    view = open_ask_modal()
    what = ("& " * 999) + "end"  # 2,001 chars, 5,000+ once & is escaped
    submit_and_post(
        driver, fake_slack, view, answers(clock, **{ids.WHAT_INPUT: what[:2000]}), ASKER_ID
    )
    _, message = find_message(fake_slack, HELP_CHANNEL_ID, "is asking for help")
    sections = [
        b["text"]["text"] for b in message["blocks"] if b["type"] == "section" and "text" in b
    ]
    assert all(len(text) <= 3000 for text in sections)
    assert len(sections) >= 3


# Invalid submissions: field errors in the modal, nothing stored or posted


@pytest.mark.parametrize(
    ("changes", "block", "fragment"),
    [
        ({ids.WHAT_INPUT: "  \n  "}, ids.WHAT_BLOCK, "what you need"),
        ({ids.WHAT_INPUT: "help pls"}, ids.WHAT_BLOCK, "at least 15"),
    ],
)
def test_invalid_fields_come_back_as_modal_errors(
    open_ask_modal, driver, fake_slack, session, clock, changes, block, fragment
) -> None:
    view = open_ask_modal()
    response = driver.view_submission(view, answers(clock, **changes), user_id=ASKER_ID)

    assert response.status == 200
    body = response.json()
    assert body["response_action"] == "errors"
    assert list(body["errors"]) == [block]
    assert fragment in body["errors"][block]
    assert fake_slack.calls_to("chat.postMessage") == []
    assert requests(session) == []


@pytest.mark.parametrize(
    ("changes", "block", "fragment"),
    [
        ({ids.WHAT_INPUT: "x" * 2001}, ids.WHAT_BLOCK, "under 2,000"),
        ({ids.WHY_INPUT: "y" * 1001}, ids.WHY_BLOCK, "under 1,000"),
    ],
)
def test_over_long_text_is_refused_even_past_the_clients_max_length(
    open_ask_modal, driver, fake_slack, session, clock, changes, block, fragment
) -> None:
    view = open_ask_modal()
    for input_block in view["blocks"]:
        input_block.get("element", {}).pop("max_length", None)  # a crafted or stale payload
    response = driver.view_submission(view, answers(clock, **changes), user_id=ASKER_ID)
    assert fragment in response.json()["errors"][block]
    assert fake_slack.calls_to("chat.postMessage") == []
    assert requests(session) == []


def test_needed_by_in_the_past_is_a_modal_error(open_ask_modal, driver, fake_slack, session, clock):
    view = open_ask_modal()
    past = int((clock() - timedelta(hours=1)).timestamp())
    response = driver.view_submission(
        view, answers(clock, **{ids.NEEDED_BY_INPUT: past}), user_id=ASKER_ID
    )
    assert response.json()["errors"] == {
        ids.NEEDED_BY_BLOCK: "That time has already passed: pick a time later than now."
    }
    assert fake_slack.calls_to("chat.postMessage") == []
    assert requests(session) == []


def test_a_malformed_state_reads_as_missing_fields(open_ask_modal, driver, fake_slack, session):
    view = open_ask_modal()
    view["blocks"] = []  # the driver then sends an empty state, as a mangled payload would
    response = driver.view_submission(view, {}, user_id=ASKER_ID)
    assert set(response.json()["errors"]) == {ids.WHAT_BLOCK, ids.KIND_BLOCK, ids.SIZE_BLOCK}
    assert requests(session) == []


# Slack refuses the post: the request is kept, the asker told, and can post it again


@pytest.mark.parametrize(
    ("channel", "error", "advice"),
    [
        (PRIVATE_CHANNEL_ID, "not_in_channel", "/invite @Reciprocity"),
        (ARCHIVED_CHANNEL_ID, "is_archived", "is archived"),
    ],
)
def test_a_refused_post_is_kept_and_explained(
    open_ask_modal, driver, fake_slack, session, clock, channel, error, advice
) -> None:
    view = open_ask_modal()
    driver.view_submission(view, answers(clock, **{ids.CHANNEL_INPUT: channel}), user_id=ASKER_ID)

    (request,) = requests(session)
    assert request.delivery == Delivery.FAILED
    assert request.delivery_error == error
    assert request.posted_ts is None
    assert request.what == WHAT
    dm_channel = fake_slack.dm_channel_id(ASKER_ID)
    _, notice = find_message(fake_slack, dm_channel, "couldn't send your request")
    assert advice in notice["text"]
    buttons = [
        e["action_id"] for b in notice["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert buttons == [ids.RETRY_POST, ids.POST_TO_HELP_CHANNEL]


def test_deleted_channel(open_ask_modal, driver, fake_slack, session, clock) -> None:
    fake_slack.fail("chat.postMessage", "channel_not_found")
    view = open_ask_modal()
    driver.view_submission(view, answers(clock), user_id=ASKER_ID)
    assert requests(session)[0].delivery_error == "channel_not_found"
    _, notice = find_message(
        fake_slack, fake_slack.dm_channel_id(ASKER_ID), "couldn't send your request"
    )
    assert "can't find" in notice["text"]
    # Already the help channel: no point offering to post there instead.
    assert ids.POST_TO_HELP_CHANNEL not in json.dumps(notice["blocks"])


def test_try_again_after_inviting_posts_once_and_updates_the_notice(
    open_ask_modal, driver, fake_slack, session, clock
) -> None:
    view = open_ask_modal()
    driver.view_submission(
        view, answers(clock, **{ids.CHANNEL_INPUT: PRIVATE_CHANNEL_ID}), user_id=ASKER_ID
    )
    dm_channel = fake_slack.dm_channel_id(ASKER_ID)
    notice_ts, notice = find_message(fake_slack, dm_channel, "couldn't send your request")
    request_id = str(requests(session)[0].id)

    fake_slack.add_channel(PRIVATE_CHANNEL_ID, name="secret", is_private=True, is_member=True)
    clock.advance(minutes=3)
    for _ in range(2):  # a double click
        driver.block_action(
            ids.RETRY_POST,
            user_id=ASKER_ID,
            value=request_id,
            message={**notice, "ts": notice_ts},
            channel_id=dm_channel,
        )

    posts = [
        c
        for c in fake_slack.calls_to("chat.postMessage")
        if c.args["channel"] == PRIVATE_CHANNEL_ID
    ]
    assert sum(1 for c in posts if c.http_status == 200) == 2  # the refused one, then one success
    find_message(fake_slack, PRIVATE_CHANNEL_ID, "is asking for help")
    session.expire_all()
    (request,) = requests(session)
    assert request.delivery == Delivery.POSTED
    assert request.posted_channel == PRIVATE_CHANNEL_ID
    assert request.posted_at == clock()
    # The notice itself now says where the request went, so its buttons are gone.
    (update,) = fake_slack.calls_to("chat.update")
    assert (update.args["channel"], update.args["ts"]) == (dm_channel, notice_ts)
    assert "I posted" in update.args["text"]
    (ephemeral,) = fake_slack.calls_to("chat.postEphemeral")
    assert ephemeral.args["text"] == "This request is already posted."


def test_post_in_the_help_channel_instead(open_ask_modal, driver, fake_slack, session, clock):
    view = open_ask_modal()
    driver.view_submission(
        view, answers(clock, **{ids.CHANNEL_INPUT: ARCHIVED_CHANNEL_ID}), user_id=ASKER_ID
    )
    dm_channel = fake_slack.dm_channel_id(ASKER_ID)
    ts, notice = find_message(fake_slack, dm_channel, "couldn't send your request")
    driver.block_action(
        ids.POST_TO_HELP_CHANNEL,
        user_id=ASKER_ID,
        value=str(requests(session)[0].id),
        message={**notice, "ts": ts},
        channel_id=dm_channel,
    )
    find_message(fake_slack, HELP_CHANNEL_ID, "is asking for help")
    session.expire_all()
    request = requests(session)[0]
    assert (request.destination_channel, request.posted_channel) == (HELP_CHANNEL_ID,) * 2


def test_only_the_asker_can_post_it_again(open_ask_modal, driver, fake_slack, session, clock):
    view = open_ask_modal()
    driver.view_submission(
        view, answers(clock, **{ids.CHANNEL_INPUT: ARCHIVED_CHANNEL_ID}), user_id=ASKER_ID
    )
    driver.block_action(
        ids.POST_TO_HELP_CHANNEL,
        user_id=HELPER_1_ID,
        value=str(requests(session)[0].id),
        channel_id=fake_slack.dm_channel_id(HELPER_1_ID),
    )
    (ephemeral,) = fake_slack.calls_to("chat.postEphemeral")
    assert ephemeral.args["user"] == HELPER_1_ID
    assert ephemeral.args["text"] == "Only the person who asked can change this request."
    session.expire_all()
    assert requests(session)[0].delivery == Delivery.FAILED
    assert not [
        c for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == HELP_CHANNEL_ID
    ]


@pytest.mark.parametrize("value", ["", "12abc", "-1"])
def test_a_malformed_button_value_is_answered(driver, fake_slack, value) -> None:
    driver.block_action(
        ids.RETRY_POST,
        user_id=ASKER_ID,
        value=value,
        channel_id=fake_slack.dm_channel_id(ASKER_ID),
    )
    (ephemeral,) = fake_slack.calls_to("chat.postEphemeral")
    assert ephemeral.args["text"] == "I can't find that request any more."
    assert fake_slack.calls_to("chat.postMessage") == []


# Slack under load: 429 with Retry-After, and 5xx


def test_a_rate_limited_post_is_retried_after_retry_after(
    open_ask_modal, driver, fake_slack, session, clock
):
    fake_slack.rate_limit("chat.postMessage", retry_after=0, times=1)
    view = open_ask_modal()
    driver.view_submission(view, answers(clock), user_id=ASKER_ID)
    statuses = [c.http_status for c in fake_slack.calls_to("chat.postMessage")]
    assert statuses[:2] == [429, 200]
    assert len(fake_slack.calls_to("chat.postMessage")) == 3  # the post, its retry, the DM
    assert requests(session)[0].delivery == Delivery.POSTED


@pytest.mark.parametrize("status", [500, 503])
def test_a_server_error_is_retried(open_ask_modal, driver, fake_slack, session, clock, status):
    fake_slack.server_error("chat.postMessage", status=status, times=2)
    view = open_ask_modal()
    driver.view_submission(view, answers(clock), user_id=ASKER_ID)
    statuses = [c.http_status for c in fake_slack.calls_to("chat.postMessage")]
    assert statuses[:3] == [status, status, 200]
    assert requests(session)[0].delivery == Delivery.POSTED


def test_slack_down_after_retries_keeps_the_request(
    open_ask_modal, driver, fake_slack, session, clock
):
    fake_slack.server_error("chat.postMessage", status=503, times=3)
    view = open_ask_modal()
    driver.view_submission(view, answers(clock), user_id=ASKER_ID)
    (request,) = requests(session)
    assert request.delivery == Delivery.FAILED
    assert request.delivery_error == "http_503"
    _, notice = find_message(
        fake_slack, fake_slack.dm_channel_id(ASKER_ID), "couldn't send your request"
    )
    assert "Try again" in notice["text"]
    # Nothing reached the channel, so nothing can be there twice after a retry.
    assert session.scalar(select(func.count()).select_from(HelpRequest)) == 1
