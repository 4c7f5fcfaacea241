"""The Slack stand-in itself: the fake Web API, its contract checks, and the signed driver."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.client import RemoteDisconnected
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackObjectFormationError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.models.blocks import SectionBlock
from slack_sdk.signature import SignatureVerifier

from tests.slack_stand_in.contract import (
    block_problems,
    check_view,
    default_reference_dir,
)
from tests.slack_stand_in.driver import SlackDriver, build_state_values
from tests.slack_stand_in.fake_slack import FakeSlack
from tests.slack_stand_in.pytest_plugin import (
    ARCHIVED_CHANNEL_ID,
    ASKER_ID,
    BOT_TOKEN,
    BOT_USER_ID,
    DEACTIVATED_ID,
    GENERAL_CHANNEL_ID,
    HELP_CHANNEL_ID,
    HELPER_1_ID,
    PRIVATE_CHANNEL_ID,
    SIGNING_SECRET,
    TEAM_ID,
)

pytest_plugins = ["pytester", "tests.slack_stand_in.pytest_plugin"]

needs_reference = pytest.mark.skipif(
    default_reference_dir() is None, reason="Slack reference folder is absent"
)

TS = re.compile(r"^\d{10}\.\d{6}$")
TEXT_BLOCK = {"type": "section", "text": {"type": "mrkdwn", "text": "*Need help* with SQL"}}


@pytest.fixture
def client(fake_slack: FakeSlack) -> WebClient:
    return WebClient(token=BOT_TOKEN, base_url=fake_slack.base_url)


def _error(excinfo: pytest.ExceptionInfo[SlackApiError]) -> str:
    return str(excinfo.value.response["error"])


def modal(**overrides: Any) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": "ask",
        "title": {"type": "plain_text", "text": "Ask for help"},
        "submit": {"type": "plain_text", "text": "Ask"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": "C0HELP",
        "blocks": [
            {
                "type": "input",
                "block_id": "question",
                "label": {"type": "plain_text", "text": "Question"},
                "element": {"type": "plain_text_input", "action_id": "text", "max_length": 200},
            },
            {
                "type": "input",
                "block_id": "urgency",
                "label": {"type": "plain_text", "text": "Urgency"},
                "element": {
                    "type": "static_select",
                    "action_id": "level",
                    "options": [
                        {"text": {"type": "plain_text", "text": "Low"}, "value": "low"},
                        {"text": {"type": "plain_text", "text": "High"}, "value": "high"},
                    ],
                    "initial_option": {
                        "text": {"type": "plain_text", "text": "Low"},
                        "value": "low",
                    },
                },
            },
            {
                "type": "input",
                "block_id": "who",
                "optional": True,
                "label": {"type": "plain_text", "text": "Who"},
                "element": {"type": "users_select", "action_id": "helper"},
            },
            {
                "type": "input",
                "block_id": "when",
                "optional": True,
                "label": {"type": "plain_text", "text": "By"},
                "element": {"type": "datepicker", "action_id": "due"},
            },
            {
                "type": "input",
                "block_id": "at",
                "optional": True,
                "label": {"type": "plain_text", "text": "At"},
                "element": {"type": "datetimepicker", "action_id": "moment"},
            },
            {
                "type": "input",
                "block_id": "topics",
                "optional": True,
                "label": {"type": "plain_text", "text": "Topics"},
                "element": {
                    "type": "checkboxes",
                    "action_id": "tags",
                    "options": [
                        {"text": {"type": "plain_text", "text": "SQL"}, "value": "sql"},
                        {"text": {"type": "plain_text", "text": "Go"}, "value": "go"},
                    ],
                },
            },
            {
                "type": "input",
                "block_id": "minutes",
                "optional": True,
                "label": {"type": "plain_text", "text": "Minutes"},
                "element": {
                    "type": "number_input",
                    "action_id": "count",
                    "is_decimal_allowed": False,
                },
            },
        ],
    }
    view.update(overrides)
    return view


# -- the fake Web API -----------------------------------------------------------------------------


def test_post_update_and_permalink_have_slack_shapes(fake_slack: FakeSlack, client: WebClient):
    auth = client.auth_test()
    assert (auth["user_id"], auth["team_id"], auth["bot_id"]) == (BOT_USER_ID, TEAM_ID, "B0001")

    posted = client.chat_postMessage(channel=HELP_CHANNEL_ID, text="Need help", blocks=[TEXT_BLOCK])
    assert posted["channel"] == HELP_CHANNEL_ID
    assert TS.match(posted["ts"])
    message = posted["message"]
    assert message["type"] == "message"
    assert (message["user"], message["bot_id"], message["ts"]) == (
        BOT_USER_ID,
        "B0001",
        posted["ts"],
    )
    assert message["blocks"] == [TEXT_BLOCK]
    # The form-encoded JSON string arrives decoded.
    assert fake_slack.calls_to("chat.postMessage")[0].args["blocks"] == [TEXT_BLOCK]

    later = client.chat_postMessage(channel=HELP_CHANNEL_ID, text="again")
    assert float(later["ts"]) > float(posted["ts"])

    updated = client.chat_update(channel=HELP_CHANNEL_ID, ts=posted["ts"], text="Answered")
    assert updated["ts"] == posted["ts"]
    assert updated["message"]["text"] == "Answered"
    assert fake_slack.messages[(HELP_CHANNEL_ID, posted["ts"])]["text"] == "Answered"

    link = client.chat_getPermalink(channel=HELP_CHANNEL_ID, message_ts=posted["ts"])
    assert link["permalink"] == (
        f"https://reciprocity-test.slack.com/archives/{HELP_CHANNEL_ID}/"
        f"p{posted['ts'].replace('.', '')}"
    )
    with pytest.raises(SlackApiError) as missing:
        client.chat_getPermalink(channel=HELP_CHANNEL_ID, message_ts="1.000001")
    assert _error(missing) == "message_not_found"
    with pytest.raises(SlackApiError) as gone:
        client.chat_update(channel=HELP_CHANNEL_ID, ts="1.000001", text="x")
    assert _error(gone) == "message_not_found"


def test_posting_to_a_user_lands_in_one_stable_dm(fake_slack: FakeSlack, client: WebClient):
    first = client.chat_postMessage(channel=ASKER_ID, text="hi")
    second = client.chat_postMessage(channel=ASKER_ID, text="hi again")
    opened = client.conversations_open(users=ASKER_ID)
    assert first["channel"].startswith("D")
    assert first["channel"] == second["channel"] == opened["channel"]["id"]
    assert fake_slack.dm_channel_id(ASKER_ID) == first["channel"]
    group = client.conversations_open(users=f"{ASKER_ID},{HELPER_1_ID}")
    assert group["channel"]["id"].startswith("G")
    im = client.conversations_open(users=ASKER_ID, return_im=True)
    assert im["channel"]["is_im"] is True
    assert im["channel"]["user"] == ASKER_ID


@pytest.mark.parametrize(
    ("channel", "error"),
    [
        (ARCHIVED_CHANNEL_ID, "is_archived"),
        (PRIVATE_CHANNEL_ID, "not_in_channel"),
        ("X0NOPE", "channel_not_found"),
        ("D0NOBODY", "channel_not_found"),
        (DEACTIVATED_ID, "user_disabled"),
    ],
)
def test_channel_rules(client: WebClient, channel: str, error: str):
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel=channel, text="hello")
    assert _error(excinfo) == error


def test_unregistered_channel_is_lenient_and_conversations_info(client: WebClient):
    assert client.chat_postMessage(channel="C0UNKNOWN", text="hi")["ok"]
    assert client.conversations_info(channel=GENERAL_CHANNEL_ID)["channel"]["name"] == "general"
    with pytest.raises(SlackApiError) as excinfo:
        client.conversations_info(channel="X0NOPE")
    assert _error(excinfo) == "channel_not_found"


@needs_reference
def test_unknown_method_and_missing_argument_are_violations(
    fake_slack: FakeSlack, client: WebClient
):
    with pytest.raises(SlackApiError) as unknown:
        client.api_call("chat.postMesage", params={"channel": "C1", "text": "x"})
    assert _error(unknown) == "unknown_method"
    with pytest.raises(SlackApiError) as missing:
        client.api_call("users.info", params={})
    assert _error(missing) == "invalid_arguments"
    with pytest.raises(SlackApiError) as no_trigger:
        client.api_call("views.open", json={"view": modal()})
    assert _error(no_trigger) == "invalid_arguments"
    violations = fake_slack.take_violations()
    assert any("chat.postMesage" in v for v in violations)
    assert any("users.info" in v and "user" in v for v in violations)
    assert any("views.open" in v and "trigger_id" in v for v in violations)
    # Any documented method without a simulation just succeeds.
    assert client.reactions_add(channel=HELP_CHANNEL_ID, name="eyes", timestamp="1.000001")["ok"]


def test_without_reference_folder_only_block_kit_is_checked():
    with FakeSlack(reference_dir=None) as fake:
        web = WebClient(token="xoxb-test-token", base_url=fake.base_url)
        assert web.api_call("made.up", params={})["ok"]
        with pytest.raises(SlackApiError) as no_user:
            web.api_call("users.info", params={})
        assert _error(no_user) == "user_not_found"  # not invalid_arguments: no docs to say so
        with pytest.raises(SlackApiError) as excinfo:
            web.chat_postMessage(channel="C1", text="x", blocks=[{"type": "nope"}])
        assert _error(excinfo) == "invalid_blocks"
        assert len(fake.violations) == 1


@pytest.mark.parametrize(
    "blocks",
    [
        [{"type": "no_such_block"}],
        [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}],
        [{"type": "actions", "elements": [{"type": "no_such_element", "action_id": "a"}]}],
        [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}, "accessory": {"type": "?"}}],
        [TEXT_BLOCK] * 51,
    ],
    ids=["unknown-type", "long-section", "unknown-element", "unknown-accessory", "51-blocks"],
)
def test_invalid_blocks_are_refused(fake_slack: FakeSlack, client: WebClient, blocks: list):
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel=HELP_CHANNEL_ID, text="fallback", blocks=blocks)
    assert _error(excinfo) == "invalid_blocks"
    violations = fake_slack.take_violations()
    assert violations
    assert all("chat.postMessage" in v for v in violations)
    assert fake_slack.messages == {}


def test_fifty_blocks_are_fine(client: WebClient):
    assert client.chat_postMessage(channel=HELP_CHANNEL_ID, text="t", blocks=[TEXT_BLOCK] * 50)


def test_blocks_without_text_fallback_succeed_but_are_a_violation(
    fake_slack: FakeSlack, client: WebClient
):
    with pytest.warns(UserWarning, match="text"):  # slack_sdk warns too, client side
        assert client.chat_postMessage(channel=HELP_CHANNEL_ID, blocks=[TEXT_BLOCK])["ok"]
    assert fake_slack.take_violations() == [
        "chat.postMessage: blocks sent without a non-empty `text` fallback"
    ]
    with pytest.raises(SlackApiError) as excinfo, pytest.warns(UserWarning, match="text"):
        client.chat_postMessage(channel=HELP_CHANNEL_ID)
    assert _error(excinfo) == "no_text"
    fake_slack.take_violations()


def test_slack_sdk_models_do_the_block_kit_validation():
    # The contract leans on slack_sdk raising for these; guard against a silent upgrade.
    with pytest.raises(SlackObjectFormationError):
        SectionBlock(text="x" * 3001).to_dict()
    assert block_problems({"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}})
    assert block_problems({"type": "section"})
    assert block_problems({"type": "bogus"})
    assert block_problems(TEXT_BLOCK) == []
    assert check_view("views.open", modal()) == []
    long_title = modal(title={"type": "plain_text", "text": "x" * 25})
    assert [p.error for p in check_view("views.open", long_title)] == ["invalid_arguments"]
    too_many = modal(blocks=[{"type": "divider"}] * 101)
    assert check_view("views.open", too_many)
    huge = modal(private_metadata="x" * 3000, blocks=[TEXT_BLOCK] * 100)
    huge["blocks"] = [{"type": "section", "text": {"type": "mrkdwn", "text": "y" * 2990}}] * 90
    assert [p.error for p in check_view("views.open", huge)] == ["view_too_large"]


def test_invalid_view_is_refused(fake_slack: FakeSlack, client: WebClient):
    with pytest.raises(SlackApiError) as excinfo:
        client.views_open(trigger_id="1.2.abc", view=modal(submit="Submit this request please!"))
    assert _error(excinfo) == "invalid_arguments"
    assert any("submit" in v for v in fake_slack.take_violations())


def test_bad_token(fake_slack: FakeSlack):
    with pytest.raises(SlackApiError) as wrong:
        WebClient(token="xoxb-wrong", base_url=fake_slack.base_url).auth_test()
    assert _error(wrong) == "invalid_auth"
    with pytest.raises(SlackApiError) as absent:
        WebClient(base_url=fake_slack.base_url).auth_test()
    assert _error(absent) == "not_authed"


def test_fail_injects_an_error_once(fake_slack: FakeSlack, client: WebClient):
    fake_slack.fail("chat.postMessage", "fatal_error")
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel=HELP_CHANNEL_ID, text="x")
    assert _error(excinfo) == "fatal_error"
    assert client.chat_postMessage(channel=HELP_CHANNEL_ID, text="x")["ok"]
    assert [c.http_status for c in fake_slack.calls_to("chat.postMessage")] == [200, 200]


def test_a_dropped_connection_after_the_work_leaves_the_message_stored(fake_slack: FakeSlack):
    web = WebClient(token=BOT_TOKEN, base_url=fake_slack.base_url, retry_handlers=[])
    fake_slack.drop_connection("chat.postMessage", performed=True)
    with pytest.raises(RemoteDisconnected):
        web.chat_postMessage(channel=HELP_CHANNEL_ID, text="x")
    fake_slack.drop_connection("chat.postMessage", performed=False)
    with pytest.raises(RemoteDisconnected):
        web.chat_postMessage(channel=HELP_CHANNEL_ID, text="y")
    assert [m["text"] for m in fake_slack.messages.values()] == ["x"]


def test_a_late_answer_times_the_client_out_after_the_work(fake_slack: FakeSlack):
    web = WebClient(token=BOT_TOKEN, base_url=fake_slack.base_url, timeout=0.2)
    fake_slack.answer_late("chat.postMessage", delay=0.5)
    with pytest.raises(TimeoutError):
        web.chat_postMessage(channel=HELP_CHANNEL_ID, text="x", metadata=_TAG)
    # The history shows it, and its metadata when asked for it.
    history = web.conversations_history(channel=HELP_CHANNEL_ID, include_all_metadata=True)
    assert [m["metadata"] for m in history["messages"]] == [_TAG]
    plain = web.conversations_history(channel=HELP_CHANNEL_ID)
    assert "metadata" not in plain["messages"][0]


_TAG = {"event_type": "reciprocity_test", "event_payload": {"key": "k1"}}


def test_rate_limit_recovers_with_retry_handler(fake_slack: FakeSlack):
    fake_slack.rate_limit("users.info", retry_after=0)
    web = WebClient(token=BOT_TOKEN, base_url=fake_slack.base_url)
    web.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    assert web.users_info(user=ASKER_ID)["user"]["tz"] == "Europe/Berlin"
    assert [c.http_status for c in fake_slack.calls_to("users.info")] == [429, 200]


def test_rate_limit_without_handler_raises_429(fake_slack: FakeSlack):
    fake_slack.rate_limit("users.info", retry_after=7)
    web = WebClient(token=BOT_TOKEN, base_url=fake_slack.base_url, retry_handlers=[])
    with pytest.raises(SlackApiError) as excinfo:
        web.users_info(user=ASKER_ID)
    response = excinfo.value.response
    assert response.status_code == 429
    assert response["error"] == "ratelimited"
    headers = {k.lower(): v for k, v in response.headers.items()}
    assert headers["retry-after"] in ("7", ["7"])


def test_server_error_recovers_with_retry_handler(fake_slack: FakeSlack):
    fake_slack.server_error("chat.postMessage", status=503)
    web = WebClient(token=BOT_TOKEN, base_url=fake_slack.base_url)
    web.retry_handlers.append(
        ServerErrorRetryHandler(
            max_retry_count=1,
            interval_calculator=FixedValueRetryIntervalCalculator(fixed_internal=0.01),
        )
    )
    assert web.chat_postMessage(channel=HELP_CHANNEL_ID, text="x")["ok"]
    assert [c.http_status for c in fake_slack.calls_to("chat.postMessage")] == [503, 200]


def test_views_open_update_and_exchanged_trigger(fake_slack: FakeSlack, client: WebClient):
    opened = client.views_open(trigger_id="12.34.abcdef", view=modal())["view"]
    for key in (
        "id", "team_id", "type", "title", "blocks", "close", "submit", "private_metadata",
        "callback_id", "external_id", "state", "hash", "clear_on_close", "notify_on_close",
        "root_view_id", "app_id", "bot_id", "previous_view_id",
    ):  # fmt: skip
        assert key in opened, key
    assert opened["id"].startswith("V")
    assert opened["state"] == {"values": {}}
    assert fake_slack.views[opened["id"]]["callback_id"] == "ask"
    with pytest.raises(SlackApiError) as excinfo:
        client.views_open(trigger_id="12.34.abcdef", view=modal())
    assert _error(excinfo) == "exchanged_trigger_id"

    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal())
    assert updated["view"]["id"] == opened["id"]
    with pytest.raises(SlackApiError) as conflict:
        client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal())
    assert _error(conflict) == "hash_conflict"
    with pytest.raises(SlackApiError) as not_found:
        client.views_update(view_id="V404", view=modal())
    assert _error(not_found) == "not_found"
    home = {"type": "home", "blocks": [TEXT_BLOCK]}
    published = client.views_publish(user_id=ASKER_ID, view=home)["view"]
    assert client.views_publish(user_id=ASKER_ID, view=home)["view"]["id"] == published["id"]


def test_users_info_and_list_paging(client: WebClient, fake_slack: FakeSlack):
    user = client.users_info(user=ASKER_ID)["user"]
    assert (user["tz"], user["tz_offset"], user["profile"]["display_name"]) == (
        "Europe/Berlin",
        3600,
        "asker",
    )
    with pytest.raises(SlackApiError) as excinfo:
        client.users_info(user="U0NOBODY")
    assert _error(excinfo) == "user_not_found"

    seen: list[str] = []
    pages = 0
    cursor = None
    while True:
        page = client.users_list(limit=3, cursor=cursor)
        pages += 1
        assert len(page["members"]) <= 3
        seen += [m["id"] for m in page["members"]]
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert seen == list(fake_slack.users)
    assert pages == -(-len(seen) // 3)


def test_wait_for_and_response_url(fake_slack: FakeSlack):
    body = json.dumps({"text": "done", "replace_original": True}).encode()
    request = urllib.request.Request(
        fake_slack.response_url_base + "commands/T0001/1/x",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    threading.Timer(0.05, lambda: urllib.request.urlopen(request, timeout=5).read()).start()
    (call,) = fake_slack.wait_for("response_url", timeout=5)
    assert call.args == {"text": "done", "replace_original": True}
    with pytest.raises(AssertionError, match="calls seen"):
        fake_slack.wait_for("chat.postMessage", timeout=0.05)


def test_plugin_fails_a_test_that_breaks_the_contract(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        from slack_sdk import WebClient

        pytest_plugins = ["tests.slack_stand_in.pytest_plugin"]

        def test_blocks_without_fallback(fake_slack):
            web = WebClient(token="xoxb-test-token", base_url=fake_slack.base_url)
            body = {"channel": "C0HELP", "blocks": [{"type": "divider"}]}
            assert web.api_call("chat.postMessage", json=body)["ok"]
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*broke Slack's contract*", "*text* fallback*"])


# -- the driver -----------------------------------------------------------------------------------


def test_driver_signatures_verify():
    fixed = 1_700_000_000.0
    driver = SlackDriver(SIGNING_SECRET, url="http://127.0.0.1:9/unused", clock=lambda: fixed)
    body = "token=x&text=hello"
    signature = driver.sign(body, int(fixed))
    verifier = SignatureVerifier(SIGNING_SECRET, clock=_FixedClock(fixed))
    assert verifier.is_valid(body, int(fixed), signature)
    assert not SignatureVerifier("other-secret", clock=_FixedClock(fixed)).is_valid(
        body, int(fixed), signature
    )
    with pytest.raises(ValueError, match="exactly one"):
        SlackDriver(SIGNING_SECRET)


class _FixedClock:
    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now


def test_state_values_are_built_as_slack_builds_them():
    view = modal()
    state = build_state_values(
        view,
        {
            "text": "How do I index this?",
            "urgency.level": "high",
            "helper": HELPER_1_ID,
            "due": dt.date(2026, 3, 1),
            "moment": dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC),
            "tags": ["sql", "go"],
            "count": 30,
        },
    )
    assert state["question"]["text"] == {
        "type": "plain_text_input",
        "value": "How do I index this?",
    }
    assert state["urgency"]["level"]["selected_option"]["value"] == "high"
    assert state["who"]["helper"] == {"type": "users_select", "selected_user": HELPER_1_ID}
    assert state["when"]["due"]["selected_date"] == "2026-03-01"
    assert state["at"]["moment"]["selected_date_time"] == 1772357400
    assert [o["value"] for o in state["topics"]["tags"]["selected_options"]] == ["sql", "go"]
    assert state["minutes"]["count"] == {"type": "number_input", "value": "30"}

    untouched = build_state_values(view, {"text": "q"})
    assert untouched["urgency"]["level"]["selected_option"]["value"] == "low"
    assert untouched["who"]["helper"]["selected_user"] is None
    assert untouched["topics"]["tags"]["selected_options"] == []

    with pytest.raises(ValueError, match="no input"):
        build_state_values(view, {"nope": "x"})
    with pytest.raises(ValueError, match="not one of the options"):
        build_state_values(view, {"text": "q", "level": "urgent"})
    with pytest.raises(ValueError, match="required input"):
        build_state_values(view, {})
    with pytest.raises(ValueError, match="max_length"):
        build_state_values(view, {"text": "x" * 201})


@pytest.fixture
def bolt_app(fake_slack: FakeSlack) -> tuple[App, dict[str, Any]]:
    """A minimal real Bolt app wired to the fake, recording what its listeners saw."""
    seen: dict[str, Any] = {}
    app = App(
        signing_secret=SIGNING_SECRET,
        client=WebClient(token=BOT_TOKEN, base_url=fake_slack.base_url),
    )

    @app.command("/ask")
    def ask(ack: Ack, body: dict, client: WebClient) -> None:
        ack()
        seen["command"] = body
        client.views_open(trigger_id=body["trigger_id"], view=modal())

    @app.view("ask")
    def submitted(ack: Ack, view: dict, body: dict, client: WebClient) -> None:
        ack()
        seen["state"] = view["state"]["values"]
        seen["submitter"] = body["user"]["id"]
        client.chat_postMessage(
            channel=view["private_metadata"],
            text="New question",
            blocks=[
                TEXT_BLOCK,
                {
                    "type": "actions",
                    "block_id": "answer",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": "claim",
                            "text": {"type": "plain_text", "text": "I can help"},
                            "value": "q1",
                        }
                    ],
                },
            ],
        )

    @app.action("claim")
    def claim(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        ack()
        seen["action"] = action
        client.chat_update(
            channel=body["container"]["channel_id"],
            ts=body["container"]["message_ts"],
            text=f"Claimed by <@{body['user']['id']}>",
        )

    @app.event("app_mention")
    def mention(event: dict, request: Any, client: WebClient) -> None:
        seen["retry"] = request.headers.get("x-slack-retry-num")
        client.chat_postMessage(channel=event["channel"], text="Hello!", thread_ts=event["ts"])

    @app.view_closed("ask")
    def closed(ack: Ack, body: dict) -> None:
        seen["closed"] = body  # before ack(): dispatch returns as soon as ack() runs
        ack()

    @app.shortcut("save_question")
    def shortcut(ack: Ack, shortcut: dict) -> None:
        seen["shortcut"] = shortcut  # before ack(): dispatch returns as soon as ack() runs
        ack()

    @app.action("level")
    def picked(ack: Ack, body: dict, action: dict) -> None:
        seen["picked"] = (
            body["container"],
            action,
        )  # before ack(): dispatch returns as soon as ack() runs
        ack()

    return app, seen


def test_bolt_app_receives_close_shortcut_and_view_action(
    fake_slack: FakeSlack, bolt_app: tuple[App, dict]
):
    app, seen = bolt_app
    driver = SlackDriver(SIGNING_SECRET, app=app)
    view = WebClient(token=BOT_TOKEN, base_url=fake_slack.base_url).views_open(
        trigger_id=driver.new_trigger_id(), view=modal(notify_on_close=True)
    )["view"]

    assert driver.view_closed(view, user_id=ASKER_ID).status == 200
    assert seen["closed"]["view"]["id"] == view["id"]
    assert seen["closed"]["is_cleared"] is False

    message = {"type": "message", "text": "how?", "user": ASKER_ID, "ts": "1700000000.000200"}
    shortcut = driver.message_shortcut(
        "save_question", user_id=ASKER_ID, channel_id=HELP_CHANNEL_ID, message=message
    )
    assert shortcut.status == 200
    assert seen["shortcut"]["message"]["text"] == "how?"
    assert seen["shortcut"]["channel"]["id"] == HELP_CHANNEL_ID

    assert driver.block_action("level", user_id=ASKER_ID, view=view, selected="high").status == 200
    container, action = seen["picked"]
    assert container == {"type": "view", "view_id": view["id"]}
    assert action["type"] == "static_select"
    assert action["selected_option"]["value"] == "high"


def test_bolt_app_in_process_round_trip(fake_slack: FakeSlack, bolt_app: tuple[App, dict]):
    app, seen = bolt_app
    driver = SlackDriver(SIGNING_SECRET, app=app, response_url_base=fake_slack.response_url_base)

    response = driver.slash_command(
        "/ask", "sql help", user_id=ASKER_ID, channel_id=HELP_CHANNEL_ID
    )
    assert response.status == 200
    (opened,) = fake_slack.wait_for("views.open")
    assert seen["command"]["text"] == "sql help"
    assert seen["command"]["response_url"].startswith(fake_slack.response_url_base)
    view = next(iter(fake_slack.views.values()))
    assert opened.args["trigger_id"] == seen["command"]["trigger_id"]

    values = {"text": "Index?", "level": "high", "helper": HELPER_1_ID, "count": 5}
    assert driver.view_submission(view, values, user_id=ASKER_ID).status == 200
    (posted,) = fake_slack.wait_for("chat.postMessage")
    assert seen["submitter"] == ASKER_ID
    assert seen["state"]["question"]["text"]["value"] == "Index?"
    assert seen["state"]["urgency"]["level"]["selected_option"]["value"] == "high"
    assert seen["state"]["who"]["helper"]["selected_user"] == HELPER_1_ID
    assert seen["state"]["minutes"]["count"]["value"] == "5"
    assert seen["state"]["when"]["due"]["selected_date"] is None

    ((channel, ts), message) = next(iter(fake_slack.messages.items()))
    assert channel == HELP_CHANNEL_ID
    clicked = driver.block_action("claim", user_id=HELPER_1_ID, message=message, channel_id=channel)
    assert clicked.status == 200
    fake_slack.wait_for("chat.update")
    assert seen["action"]["value"] == "q1"
    assert seen["action"]["block_id"] == "answer"
    assert fake_slack.messages[(channel, ts)]["text"] == f"Claimed by <@{HELPER_1_ID}>"

    mention = {"type": "app_mention", "user": ASKER_ID, "text": "<@UBOT0001> hi", "ts": ts}
    mention |= {"channel": HELP_CHANNEL_ID}
    assert driver.event(mention, retry_num=1).status == 200
    calls = fake_slack.wait_for("chat.postMessage", count=2)
    assert calls[1].args["thread_ts"] == ts
    assert seen["retry"] == ["1"]
    assert posted.args["channel"] == HELP_CHANNEL_ID

    with pytest.raises(ValueError, match="no interactive element"):
        driver.block_action("nope", user_id=HELPER_1_ID, message=message, channel_id=channel)


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # keeps request lines out of the test output


@pytest.fixture
def app_url(bolt_app: tuple[App, dict]) -> Iterator[str]:
    app, _ = bolt_app
    server = make_server(
        "127.0.0.1",
        0,
        SlackRequestHandler(app),
        server_class=_ThreadingWSGIServer,
        handler_class=_QuietHandler,
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/slack/events"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_bolt_app_over_http(fake_slack: FakeSlack, app_url: str):
    driver = SlackDriver(SIGNING_SECRET, url=app_url)
    assert driver.url_verification("c-123").json() == {"challenge": "c-123"}
    assert driver.slash_command("/ask", user_id=ASKER_ID).status == 200
    fake_slack.wait_for("views.open")

    forged = driver.send_raw(
        "command=%2Fask", content_type="application/x-www-form-urlencoded", signature="v0=bad"
    )
    assert forged.status == 401
    stale = SlackDriver(SIGNING_SECRET, url=app_url, clock=lambda: time.time() - 600)
    assert stale.slash_command("/ask", user_id=ASKER_ID).status == 401
    wrong_secret = SlackDriver("not-the-secret", url=app_url)
    assert wrong_secret.slash_command("/ask", user_id=ASKER_ID).status == 401
