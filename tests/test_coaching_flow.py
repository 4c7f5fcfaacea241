"""SMART coaching in the modal, deadlines in words, the message shortcut, and the asker's own
changes to a request: all through signed requests and the fake Slack."""

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.requests import Delivery, RequestStatus
from bot.slack.blocks import ids
from tests.slack_stand_in.pytest_plugin import ASKER_ID, HELP_CHANNEL_ID, HELPER_1_ID
from tests.support import find_message, requests

SMART = {
    ids.WHAT_INPUT: "Could someone review the retry logic in billing-sync PR #412: is backing "
    "off per customer enough?",
    ids.WHY_INPUT: "It's the last blocker for Thursday's release to customers",
    ids.KIND_INPUT: "feedback",
    ids.SIZE_INPUT: "half_hour",
}
VAGUE = {
    ids.WHAT_INPUT: "need some help with some stuff please",
    ids.KIND_INPUT: "other",
    ids.SIZE_INPUT: "half_day",
}


def smart(clock, **changes):
    return {**SMART, ids.NEEDED_BY_INPUT: int((clock() + timedelta(days=1)).timestamp()), **changes}


def channel_posts(fake_slack) -> list:
    return [
        c
        for c in fake_slack.calls_to("chat.postMessage")
        if c.args["channel"].startswith(("C", "G"))
    ]


def review(fake_slack, view, response) -> dict:
    """The review screen as Slack shows it after `response_action: update`."""
    body = response.json()
    assert body["response_action"] == "update"
    assert body["view"]["callback_id"] == ids.ASK_REVIEW
    return fake_slack.apply_view_response(view["id"], body)


def block_text(view) -> str:
    return json.dumps(view["blocks"])


# The review


def test_a_smart_request_posts_straight_away(open_ask_modal, driver, fake_slack, session, clock):
    response = driver.view_submission(open_ask_modal(), smart(clock), user_id=ASKER_ID)
    assert response.body == ""
    assert len(channel_posts(fake_slack)) == 1
    assert requests(session)[0].status == RequestStatus.OPEN


def test_a_vague_request_gets_a_private_review_first(
    open_ask_modal, driver, fake_slack, session
) -> None:
    view = open_ask_modal()
    shown = review(fake_slack, view, driver.view_submission(view, VAGUE, user_id=ASKER_ID))

    text = block_text(shown)
    for label in ("Specific", "Meaningful", "Action-oriented", "Realistic", "Time-bound"):
        assert f"*{label}*" in text
    assert "need some help with some stuff" in text  # tips quote the asker's own words
    assert shown["submit"]["text"] == "Post as it is"
    assert shown["notify_on_close"] is True
    assert fake_slack.calls_to("chat.postMessage") == []  # nobody else sees anything yet
    (draft,) = requests(session)
    assert draft.status == RequestStatus.DRAFT
    assert json.loads(shown["private_metadata"]) == {"request_id": draft.id}


def test_post_as_it_is(open_ask_modal, driver, fake_slack, session) -> None:
    view = open_ask_modal()
    shown = review(fake_slack, view, driver.view_submission(view, VAGUE, user_id=ASKER_ID))
    assert driver.view_submission(shown, {}, user_id=ASKER_ID).body == ""
    (post,) = channel_posts(fake_slack)
    assert "need some help with some stuff" in post.args["text"]
    (request,) = requests(session)
    assert (request.status, request.delivery) == (RequestStatus.OPEN, Delivery.POSTED)


def test_edit_goes_back_with_every_value_kept_and_a_better_ask_posts(
    open_ask_modal, driver, fake_slack, session, clock
) -> None:
    view = open_ask_modal()
    shown = review(fake_slack, view, driver.view_submission(view, VAGUE, user_id=ASKER_ID))
    draft_id = requests(session)[0].id

    driver.block_action(ids.EDIT_DRAFT, user_id=ASKER_ID, value=str(draft_id), view=shown)

    (update,) = fake_slack.calls_to("views.update")
    assert (update.args["view_id"], update.args["hash"]) == (shown["id"], shown["hash"])
    form = fake_slack.views[shown["id"]]
    assert form["callback_id"] == ids.ASK_MODAL
    elements = {b["block_id"]: b["element"] for b in form["blocks"] if b["type"] == "input"}
    assert elements[ids.WHAT_BLOCK]["initial_value"] == VAGUE[ids.WHAT_INPUT]
    assert elements[ids.KIND_BLOCK]["initial_option"]["value"] == "other"
    assert elements[ids.SIZE_BLOCK]["initial_option"]["value"] == "half_day"

    response = driver.view_submission(form, smart(clock), user_id=ASKER_ID)
    assert response.body == ""
    (post,) = channel_posts(fake_slack)
    assert "PR #412" in post.args["text"]
    (request,) = requests(session)  # the same draft, published: never two rows
    assert (request.id, request.status) == (draft_id, RequestStatus.OPEN)


@pytest.mark.parametrize("close_from", ["review", "edited form"])
def test_closing_discards_the_draft(open_ask_modal, driver, fake_slack, session, close_from):
    view = open_ask_modal()
    shown = review(fake_slack, view, driver.view_submission(view, VAGUE, user_id=ASKER_ID))
    if close_from == "edited form":
        driver.block_action(
            ids.EDIT_DRAFT, user_id=ASKER_ID, value=str(requests(session)[0].id), view=shown
        )
        shown = fake_slack.views[shown["id"]]
    assert driver.view_closed(shown, user_id=ASKER_ID).status == 200
    assert requests(session) == []
    assert fake_slack.calls_to("chat.postMessage") == []


def test_someone_else_cannot_publish_or_discard_a_draft(
    open_ask_modal, driver, fake_slack, session
):
    view = open_ask_modal()
    shown = review(fake_slack, view, driver.view_submission(view, VAGUE, user_id=ASKER_ID))
    driver.view_submission(shown, {}, user_id=HELPER_1_ID)
    driver.view_closed(shown, user_id=HELPER_1_ID)
    assert channel_posts(fake_slack) == []
    assert requests(session)[0].status == RequestStatus.DRAFT
    (dm,) = fake_slack.calls_to("chat.postMessage")
    assert (dm.args["channel"], dm.args["text"]) == (
        HELPER_1_ID,
        "I can't find that request any more.",
    )


# Deadlines typed in words, in the asker's Slack time zone


def test_ask_text_with_a_deadline_prefills_needed_by_in_the_askers_zone(
    driver, fake_slack, clock
) -> None:
    # 09:30 UTC on Monday 23 Nov is 10:30 in Berlin; "by Friday" means 17:00 Berlin time.
    driver.slash_command("/ask", "review my PR #412 by Friday", user_id=ASKER_ID)
    form = fake_slack.calls_to("views.open")[0].args["view"]
    elements = {b["block_id"]: b["element"] for b in form["blocks"] if b["type"] == "input"}
    assert elements[ids.WHAT_BLOCK]["initial_value"] == "review my PR #412"
    friday_5pm_berlin = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
    assert elements[ids.NEEDED_BY_BLOCK]["initial_date_time"] == int(friday_5pm_berlin.timestamp())

    driver.slash_command("/ask", "tomorrow 3pm: rehearse the board demo", user_id=ASKER_ID)
    assert len(fake_slack.calls_to("users.info")) == 1  # the time zone is cached


def test_an_ambiguous_deadline_is_left_empty(driver, fake_slack) -> None:
    driver.slash_command("/ask", "check my slides, due 3/4", user_id=ASKER_ID)
    form = fake_slack.calls_to("views.open")[0].args["view"]
    elements = {b["block_id"]: b["element"] for b in form["blocks"] if b["type"] == "input"}
    assert "initial_date_time" not in elements[ids.NEEDED_BY_BLOCK]
    assert elements[ids.WHAT_BLOCK]["initial_value"] == "check my slides, due 3/4"
    assert "couldn't tell when" in block_text(form)


def test_when_slack_cannot_say_the_zone_utc_is_used(driver, fake_slack) -> None:
    fake_slack.fail("users.info", "user_not_found")
    driver.slash_command("/ask", "review my PR #412 tomorrow 3pm", user_id=ASKER_ID)
    form = fake_slack.calls_to("views.open")[0].args["view"]
    elements = {b["block_id"]: b["element"] for b in form["blocks"] if b["type"] == "input"}
    tomorrow_3pm_utc = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    assert elements[ids.NEEDED_BY_BLOCK]["initial_date_time"] == int(tomorrow_3pm_utc.timestamp())


def test_the_modal_invites_a_small_ask(open_ask_modal) -> None:
    assert "Start small" in block_text(open_ask_modal())


# The message shortcut


def test_ask_for_help_with_this_message(driver, fake_slack, slack_client, session, clock) -> None:
    original = slack_client.chat_postMessage(
        channel=HELP_CHANNEL_ID,
        text="the deploy of <https://ci.example.com/b/42|billing> fails with E42, <@UHELPER01>?",
    )
    driver.message_shortcut(
        ids.ASK_FROM_MESSAGE,
        user_id=ASKER_ID,
        channel_id=HELP_CHANNEL_ID,
        message={"ts": original["ts"], "text": original["message"]["text"], "type": "message"},
    )
    form = list(fake_slack.views.values())[-1]
    elements = {b["block_id"]: b["element"] for b in form["blocks"] if b["type"] == "input"}
    assert elements[ids.WHAT_BLOCK]["initial_value"] == (
        "the deploy of billing (https://ci.example.com/b/42) fails with E42, @UHELPER01?"
    )
    permalink = f"/archives/{HELP_CHANNEL_ID}/p{original['ts'].replace('.', '')}"
    assert permalink in block_text(form)

    driver.view_submission(form, smart(clock), user_id=ASKER_ID)
    request = requests(session)[0]
    assert permalink in request.source_permalink
    _, posted = find_message(fake_slack, HELP_CHANNEL_ID, "is asking for help")
    assert f"{permalink}|this message>" in json.dumps(posted["blocks"])


def test_the_shortcut_works_where_no_link_can_be_had(driver, fake_slack) -> None:
    driver.message_shortcut(
        ids.ASK_FROM_MESSAGE,
        user_id=ASKER_ID,
        channel_id="C0ELSEWHERE",
        message={"ts": "1700000000.000001", "text": "how do we rotate keys?", "type": "message"},
    )
    form = list(fake_slack.views.values())[-1]
    assert "this message" not in block_text(form)
    assert "how do we rotate keys?" in block_text(form)


# The asker's own request: edit and withdraw


@pytest.fixture
def posted_message(open_ask_modal, driver, fake_slack, session, clock):
    """A SMART request posted in the help channel: (request, ts, the message as posted)."""
    driver.view_submission(open_ask_modal(), smart(clock), user_id=ASKER_ID)
    ts, message = find_message(fake_slack, HELP_CHANNEL_ID, "is asking for help")
    return requests(session)[0], ts, message


def use_menu(driver, user_id, choice, request_id, ts, message):
    return driver.block_action(
        ids.REQUEST_MENU,
        user_id=user_id,
        selected=f"{choice}:{request_id}",
        message={**message, "ts": ts},
        channel_id=HELP_CHANNEL_ID,
    )


def test_the_asker_edits_the_request_in_place(
    posted_message, driver, fake_slack, session, clock
) -> None:
    request, ts, message = posted_message
    use_menu(driver, ASKER_ID, ids.MENU_EDIT, request.id, ts, message)
    form = list(fake_slack.views.values())[-1]
    assert form["callback_id"] == ids.ASK_EDIT
    assert ids.CHANNEL_BLOCK not in block_text(form)  # where it was posted stays as it is

    new_what = "Could someone review the retry logic in billing-sync PR #413 instead?"
    driver.view_submission(form, {ids.WHAT_INPUT: new_what}, user_id=ASKER_ID)

    (update,) = fake_slack.calls_to("chat.update")
    assert (update.args["channel"], update.args["ts"]) == (HELP_CHANNEL_ID, ts)
    assert "PR #413" in fake_slack.messages[(HELP_CHANNEL_ID, ts)]["text"]
    assert requests(session)[0].what == new_what
    assert len(channel_posts(fake_slack)) == 1  # edited, not posted again


def test_the_asker_withdraws_the_request(posted_message, driver, fake_slack, session) -> None:
    request, ts, message = posted_message
    use_menu(driver, ASKER_ID, ids.MENU_WITHDRAW, request.id, ts, message)
    assert requests(session)[0].status == RequestStatus.WITHDRAWN
    shown = fake_slack.messages[(HELP_CHANNEL_ID, ts)]
    assert "withdrew this request" in json.dumps(shown["blocks"])
    assert ids.REQUEST_MENU not in json.dumps(shown["blocks"])

    use_menu(driver, ASKER_ID, ids.MENU_EDIT, request.id, ts, message)  # an old menu
    (ephemeral,) = fake_slack.calls_to("chat.postEphemeral")
    assert "withdrawn" in ephemeral.args["text"]


@pytest.mark.parametrize("choice", [ids.MENU_EDIT, ids.MENU_WITHDRAW])
def test_only_the_asker_can_change_it(posted_message, driver, fake_slack, session, choice) -> None:
    request, ts, message = posted_message
    use_menu(driver, HELPER_1_ID, choice, request.id, ts, message)
    (ephemeral,) = fake_slack.calls_to("chat.postEphemeral")
    assert ephemeral.args["user"] == HELPER_1_ID
    assert ephemeral.args["text"] == "Only the person who asked can change this request."
    assert fake_slack.calls_to("chat.update") == []
    assert len(fake_slack.calls_to("views.open")) == 1  # only the asker's original form
    assert requests(session)[0].status == RequestStatus.OPEN


# Anonymous asks


class TestAnonymous:
    @pytest.fixture
    def settings_overrides(self):
        return {"ALLOW_ANONYMOUS_ASKS": "true"}

    def test_nothing_anyone_else_sees_names_the_asker(
        self, open_ask_modal, driver, fake_slack, session, clock, caplog
    ) -> None:
        caplog.set_level(logging.DEBUG)
        view = open_ask_modal()
        assert ids.ANONYMOUS_BLOCK in block_text(view)
        anonymous = {ids.ANONYMOUS_INPUT: [ids.ANONYMOUS_VALUE]}
        # A vague ask goes through the review, so the draft, review and publish paths are covered.
        shown = review(
            fake_slack, view, driver.view_submission(view, {**VAGUE, **anonymous}, user_id=ASKER_ID)
        )
        driver.view_submission(shown, {}, user_id=ASKER_ID)

        (post,) = channel_posts(fake_slack)
        assert "Someone is asking for help" in post.args["text"]
        request = requests(session)[0]
        assert (request.anonymous, request.asker_id) == (True, ASKER_ID)  # kept for follow-ups
        to_the_asker = fake_slack.dm_channel_id(ASKER_ID)
        for call in fake_slack.calls:
            if call.args.get("channel") in (ASKER_ID, to_the_asker):
                continue  # the asker's own DM from the app
            shown_to_others = json.dumps(call.args)
            assert ASKER_ID not in shown_to_others, call.method
            assert "Ada Asker" not in shown_to_others, call.method
        for record in caplog.records:
            assert ASKER_ID not in record.getMessage(), record.getMessage()

    def test_the_choice_is_fixed_once_posted(
        self, open_ask_modal, driver, fake_slack, session, clock
    ):
        driver.view_submission(
            open_ask_modal(),
            {**smart(clock), ids.ANONYMOUS_INPUT: [ids.ANONYMOUS_VALUE]},
            user_id=ASKER_ID,
        )
        ts, message = find_message(fake_slack, HELP_CHANNEL_ID, "Someone is asking")
        request = requests(session)[0]
        use_menu(driver, ASKER_ID, ids.MENU_EDIT, request.id, ts, message)
        form = list(fake_slack.views.values())[-1]
        assert ids.ANONYMOUS_BLOCK not in block_text(form)
        driver.view_submission(form, {}, user_id=ASKER_ID)
        assert "Someone is asking" in fake_slack.messages[(HELP_CHANNEL_ID, ts)]["text"]


def test_anonymous_is_ignored_where_the_workspace_does_not_allow_it(
    open_ask_modal, driver, fake_slack, session, clock
) -> None:
    view = open_ask_modal()
    assert ids.ANONYMOUS_BLOCK not in block_text(view)
    crafted = {
        **view,
        "blocks": view["blocks"]
        + [
            {
                "type": "input",
                "block_id": ids.ANONYMOUS_BLOCK,
                "optional": True,
                "label": {"type": "plain_text", "text": "Your name"},
                "element": {
                    "type": "checkboxes",
                    "action_id": ids.ANONYMOUS_INPUT,
                    "options": [
                        {"text": {"type": "plain_text", "text": "x"}, "value": ids.ANONYMOUS_VALUE}
                    ],
                },
            }
        ],
    }
    driver.view_submission(
        crafted, {**smart(clock), ids.ANONYMOUS_INPUT: [ids.ANONYMOUS_VALUE]}, user_id=ASKER_ID
    )
    (post,) = channel_posts(fake_slack)
    assert f"<@{ASKER_ID}> is asking" in post.args["text"]
    assert requests(session)[0].anonymous is False


# Sensitive asks: a gentle private route, never a block


SENSITIVE = {
    ids.WHAT_INPUT: "I'm close to burnout and could use someone to talk through how to say no "
    "to the extra on-call shifts",
    ids.WHY_INPUT: "So I can keep doing good work for the team",
    ids.KIND_INPUT: "moral_support",
    ids.SIZE_INPUT: "half_hour",
}


def sensitive_review(open_ask_modal, driver, fake_slack, clock) -> dict:
    """The review after the asker submits a sensitive request."""
    view = open_ask_modal()
    response = driver.view_submission(view, smart(clock, **SENSITIVE), user_id=ASKER_ID)
    return review(fake_slack, view, response)


class TestSensitive:
    @pytest.fixture
    def settings_overrides(self):
        return {"SUPPORT_RESOURCES": "Employee Assistance Programme|https://eap.example.com"}

    def test_the_review_offers_a_private_route_and_support(
        self, open_ask_modal, driver, fake_slack, session, clock
    ) -> None:
        shown = sensitive_review(open_ask_modal, driver, fake_slack, clock)
        text = block_text(shown)
        assert "ask one person you trust, privately" in text
        assert "<https://eap.example.com|Employee Assistance Programme>" in text
        assert ids.PRIVATE_BLOCK in text

        driver.view_submission(shown, {ids.PRIVATE_INPUT: HELPER_1_ID}, user_id=ASKER_ID)

        assert channel_posts(fake_slack) == []
        (dm,) = [
            c for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == HELPER_1_ID
        ]
        assert f"<@{ASKER_ID}> is asking you privately" in dm.args["text"]
        assert ids.REQUEST_MENU not in json.dumps(dm.args["blocks"])
        (told,) = [
            c for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == ASKER_ID
        ]
        assert f"privately to <@{HELPER_1_ID}>" in told.args["text"]
        request = requests(session)[0]
        assert (request.recipient_id, request.delivery) == (HELPER_1_ID, Delivery.POSTED)
        assert fake_slack.calls_to("chat.getPermalink") == []

    def test_it_can_still_be_posted_to_the_channel(
        self, open_ask_modal, driver, fake_slack, clock
    ) -> None:
        shown = sensitive_review(open_ask_modal, driver, fake_slack, clock)
        driver.view_submission(shown, {}, user_id=ASKER_ID)
        assert len(channel_posts(fake_slack)) == 1

    def test_not_to_oneself(self, open_ask_modal, driver, fake_slack, session, clock) -> None:
        shown = sensitive_review(open_ask_modal, driver, fake_slack, clock)
        response = driver.view_submission(shown, {ids.PRIVATE_INPUT: ASKER_ID}, user_id=ASKER_ID)
        assert response.json()["errors"] == {
            ids.PRIVATE_BLOCK: "Choose someone other than yourself."
        }
        assert requests(session)[0].status == RequestStatus.DRAFT
