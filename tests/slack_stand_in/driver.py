"""Sends genuinely signed Slack requests into the app, in process or over HTTP.

Payload shapes follow the bodies Slack sends (see bolt-python's scenario payloads and the
java-slack-sdk key oracles in the shared reference folder).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import hmac
import itertools
import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from slack_bolt.request import BoltRequest

if TYPE_CHECKING:
    from slack_bolt import App

JsonDict = dict[str, Any]

API_APP_ID = "A0001"
VERIFICATION_TOKEN = "verification-token-legacy"
TEAM_DOMAIN = "reciprocity-test"

_SELECTS_ONE_OPTION = frozenset({"static_select", "radio_buttons", "external_select", "overflow"})
_SELECTS_OPTIONS = frozenset({"multi_static_select", "checkboxes", "multi_external_select"})
_TEXT_VALUE = frozenset({"plain_text_input", "number_input", "email_text_input", "url_text_input"})
# element type -> (state key, initial key) for elements whose value is a single id or string
_SIMPLE_SELECTED: Mapping[str, tuple[str, str]] = {
    "users_select": ("selected_user", "initial_user"),
    "conversations_select": ("selected_conversation", "initial_conversation"),
    "channels_select": ("selected_channel", "initial_channel"),
    "datepicker": ("selected_date", "initial_date"),
    "timepicker": ("selected_time", "initial_time"),
    "datetimepicker": ("selected_date_time", "initial_date_time"),
}
_MULTI_SELECTED: Mapping[str, tuple[str, str]] = {
    "multi_users_select": ("selected_users", "initial_users"),
    "multi_conversations_select": ("selected_conversations", "initial_conversations"),
    "multi_channels_select": ("selected_channels", "initial_channels"),
}


@dataclass
class DriverResponse:
    """What the app answered: HTTP status, body text and headers (first value of each)."""

    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class SlackDriver:
    """Plays Slack's side of the Events API and interactivity, with v0 request signatures."""

    def __init__(
        self,
        signing_secret: str,
        *,
        app: App | None = None,
        url: str | None = None,
        team_id: str = "T0001",
        response_url_base: str | None = None,
        clock: Callable[[], float] = time.time,
        bot_user_id: str = "UBOT0001",
    ) -> None:
        if (app is None) == (url is None):
            raise ValueError("SlackDriver needs exactly one of app= or url=")
        self.signing_secret = signing_secret
        self.app = app
        self.url = url
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.response_url_base = response_url_base
        self.clock = clock
        self._seq: Iterator[int] = itertools.count(1)

    # -- signing and transport -----------------------------------------------------------------

    def sign(self, body: str, timestamp: int) -> str:
        base = f"v0:{timestamp}:{body}".encode()
        digest = hmac.new(self.signing_secret.encode(), base, hashlib.sha256).hexdigest()
        return f"v0={digest}"

    def send_raw(
        self,
        body: str,
        *,
        content_type: str,
        timestamp: int | None = None,
        signature: str | None = None,
        extra_headers: dict[str, str] | None = None,
    ) -> DriverResponse:
        """Send ``body`` as Slack would; pass ``signature``/``timestamp`` to forge bad ones."""
        ts = int(self.clock()) if timestamp is None else timestamp
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": signature if signature is not None else self.sign(body, ts),
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            **(extra_headers or {}),
        }
        if self.app is not None:
            response = self.app.dispatch(BoltRequest(body=body, headers=headers))
            return DriverResponse(
                status=response.status,
                body=response.body or "",
                headers={k: (v[0] if v else "") for k, v in response.headers.items()},
            )
        assert self.url is not None
        request = urllib.request.Request(
            self.url, data=body.encode("utf-8"), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as http:
                return DriverResponse(
                    http.status, http.read().decode("utf-8"), dict(http.headers.items())
                )
        except urllib.error.HTTPError as error:
            return DriverResponse(
                error.code, error.read().decode("utf-8"), dict(error.headers.items())
            )

    def _send_form(self, fields: Mapping[str, str]) -> DriverResponse:
        return self.send_raw(urlencode(fields), content_type="application/x-www-form-urlencoded")

    def _send_payload(self, payload: Mapping[str, Any]) -> DriverResponse:
        return self._send_form({"payload": json.dumps(payload)})

    # -- ids Slack would mint ------------------------------------------------------------------

    def new_trigger_id(self) -> str:
        # Slack's format is "<digits>.<digits>.<hex>"; the fake rejects anything else.
        prefix = f"{next(self._seq)}{int(self.clock())}"
        return f"{prefix}.{secrets.randbelow(10**10)}.{secrets.token_hex(16)}"

    def _response_url(self, kind: str) -> str:
        suffix = f"{self.team_id}/{next(self._seq)}/{secrets.token_hex(12)}"
        if self.response_url_base is None:
            return f"https://hooks.slack.com/{kind}/{suffix}"
        return f"{self.response_url_base}{kind}/{suffix}"

    def _action_ts(self) -> str:
        return f"{self.clock():.6f}"

    def _user(self, user_id: str) -> JsonDict:
        name = _default_username(user_id)
        return {"id": user_id, "username": name, "name": name, "team_id": self.team_id}

    def _team(self) -> JsonDict:
        return {"id": self.team_id, "domain": TEAM_DOMAIN}

    # -- requests ------------------------------------------------------------------------------

    def slash_command(
        self,
        command: str = "/ask",
        text: str = "",
        *,
        user_id: str,
        channel_id: str = "C0GENERAL",
        user_name: str = "",
        trigger_id: str | None = None,
    ) -> DriverResponse:
        return self._send_form(
            {
                "token": VERIFICATION_TOKEN,
                "team_id": self.team_id,
                "team_domain": TEAM_DOMAIN,
                "channel_id": channel_id,
                "channel_name": _channel_name(channel_id),
                "user_id": user_id,
                "user_name": user_name or _default_username(user_id),
                "command": command,
                "text": text,
                "api_app_id": API_APP_ID,
                "is_enterprise_install": "false",
                "response_url": self._response_url("commands"),
                "trigger_id": trigger_id or self.new_trigger_id(),
            }
        )

    def view_submission(
        self, view: Mapping[str, Any], values: Mapping[str, Any], *, user_id: str
    ) -> DriverResponse:
        submitted = copy.deepcopy(dict(view))
        submitted["state"] = {"values": build_state_values(view, values)}
        return self._send_payload(
            {
                "type": "view_submission",
                "team": self._team(),
                "user": self._user(user_id),
                "api_app_id": API_APP_ID,
                "token": VERIFICATION_TOKEN,
                "trigger_id": self.new_trigger_id(),
                "view": submitted,
                "response_urls": [],
                "is_enterprise_install": False,
                "enterprise": None,
            }
        )

    def view_closed(self, view: Mapping[str, Any], *, user_id: str) -> DriverResponse:
        closed = copy.deepcopy(dict(view))
        closed.setdefault("state", {"values": {}})
        return self._send_payload(
            {
                "type": "view_closed",
                "team": self._team(),
                "user": self._user(user_id),
                "api_app_id": API_APP_ID,
                "token": VERIFICATION_TOKEN,
                "view": closed,
                "is_cleared": False,
                "is_enterprise_install": False,
                "enterprise": None,
            }
        )

    def block_action(
        self,
        action_id: str,
        *,
        user_id: str,
        value: str | None = None,
        block_id: str | None = None,
        message: Mapping[str, Any] | None = None,
        channel_id: str | None = None,
        view: Mapping[str, Any] | None = None,
        selected: Any = None,
    ) -> DriverResponse:
        """A click/selection on an interactive element of a message (or of a view).

        When the message or view has blocks, the element is looked up there so the action has
        its real type and block_id; ``selected`` is the simple value for selects and pickers.
        """
        if message is not None and view is not None:
            raise ValueError("block_action takes a message or a view, not both")
        if message is not None and channel_id is None:
            raise ValueError("a message action needs the channel_id the message is in")
        blocks = list((message or view or {}).get("blocks") or [])
        action = self._build_action(action_id, blocks, value, block_id, selected)
        payload: JsonDict = {
            "type": "block_actions",
            "user": self._user(user_id),
            "api_app_id": API_APP_ID,
            "token": VERIFICATION_TOKEN,
            "trigger_id": self.new_trigger_id(),
            "team": self._team(),
            "enterprise": None,
            "is_enterprise_install": False,
            "actions": [action],
        }
        if view is not None:
            payload["container"] = {"type": "view", "view_id": view.get("id")}
            payload["view"] = copy.deepcopy(dict(view))
            payload["view"].setdefault("state", {"values": {}})
        elif message is not None:
            assert channel_id is not None
            payload["container"] = {
                "type": "message",
                "message_ts": message.get("ts"),
                "channel_id": channel_id,
                "is_ephemeral": False,
            }
            payload["channel"] = {"id": channel_id, "name": _channel_name(channel_id)}
            payload["message"] = copy.deepcopy(dict(message))
            payload["state"] = {"values": {}}
            payload["response_url"] = self._response_url("actions")
        else:
            # An ephemeral message (never stored by Slack, so the app only gets its container).
            channel = channel_id or "C0GENERAL"
            payload["container"] = {
                "type": "message",
                "message_ts": self._action_ts(),
                "channel_id": channel,
                "is_ephemeral": True,
            }
            payload["channel"] = {"id": channel, "name": _channel_name(channel)}
            payload["state"] = {"values": {}}
            payload["response_url"] = self._response_url("actions")
        return self._send_payload(payload)

    def _build_action(
        self,
        action_id: str,
        blocks: list[Any],
        value: str | None,
        block_id: str | None,
        selected: Any,
    ) -> JsonDict:
        found = _find_interactive(blocks, action_id, block_id)
        if found is None:
            if blocks:
                raise ValueError(f"no interactive element with action_id {action_id!r} in blocks")
            action: JsonDict = {
                "type": "button",
                "action_id": action_id,
                "block_id": block_id or f"b{secrets.token_hex(2)}",
                "text": {"type": "plain_text", "text": action_id, "emoji": True},
                "action_ts": self._action_ts(),
            }
            if value is not None:
                action["value"] = value
            return action
        found_block_id, element = found
        kind = element.get("type")
        action = {
            "type": kind,
            "action_id": action_id,
            "block_id": found_block_id,
            "action_ts": self._action_ts(),
        }
        if kind == "button":
            action["text"] = copy.deepcopy(element.get("text"))
            button_value = value if value is not None else element.get("value")
            if button_value is not None:
                action["value"] = button_value
            if element.get("style"):
                action["style"] = element["style"]
            return action
        if selected is None and value is not None:
            selected = value
        if kind in _SELECTS_ONE_OPTION:
            action["selected_option"] = _option_for(element, selected, action_id)
        elif kind in _SELECTS_OPTIONS:
            action["selected_options"] = [
                _option_for(element, item, action_id) for item in _as_list(selected)
            ]
        else:
            state = _element_state(element, selected, action_id, touched=True)
            state.pop("type", None)
            action.update(state)
        return action

    def message_shortcut(
        self,
        callback_id: str,
        *,
        user_id: str,
        channel_id: str,
        message: Mapping[str, Any],
    ) -> DriverResponse:
        return self._send_payload(
            {
                "type": "message_action",
                "token": VERIFICATION_TOKEN,
                "action_ts": self._action_ts(),
                "team": self._team(),
                "user": {
                    "id": user_id,
                    "name": _default_username(user_id),
                    "username": _default_username(user_id),
                    "team_id": self.team_id,
                },
                "channel": {"id": channel_id, "name": _channel_name(channel_id)},
                "is_enterprise_install": False,
                "enterprise": None,
                "callback_id": callback_id,
                "trigger_id": self.new_trigger_id(),
                "message_ts": message.get("ts"),
                "message": copy.deepcopy(dict(message)),
                "response_url": self._response_url("app"),
            }
        )

    def event(
        self,
        event: Mapping[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
    ) -> DriverResponse:
        now = self.clock()
        inner = copy.deepcopy(dict(event))
        inner.setdefault("event_ts", f"{now:.6f}")
        envelope = {
            "token": VERIFICATION_TOKEN,
            "team_id": self.team_id,
            "context_team_id": self.team_id,
            "context_enterprise_id": None,
            "api_app_id": API_APP_ID,
            "event": inner,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._seq):04d}{secrets.token_hex(4).upper()}",
            "event_time": int(now),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": self.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": f"4-{secrets.token_hex(16)}",
        }
        extra: dict[str, str] = {}
        if retry_num is not None:
            extra = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return self.send_raw(
            json.dumps(envelope), content_type="application/json", extra_headers=extra
        )

    def url_verification(self, challenge: str) -> DriverResponse:
        body = {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
        return self.send_raw(json.dumps(body), content_type="application/json")


# -- view state, built as Slack builds it --------------------------------------------------------


def build_state_values(view: Mapping[str, Any], values: Mapping[str, Any]) -> JsonDict:
    """``state.values`` for submitting ``view`` with ``values`` (action_id or block.action)."""
    inputs: list[tuple[str, str, JsonDict]] = []
    for index, block in enumerate(view.get("blocks") or []):
        element = block.get("element") if isinstance(block, Mapping) else None
        if block.get("type") == "input" and isinstance(element, Mapping):
            block_id = str(block.get("block_id") or f"input{index}")
            inputs.append((block_id, str(element.get("action_id")), block))
    by_key: dict[str, list[tuple[str, str, JsonDict]]] = {}
    for entry in inputs:
        block_id, action_id, _ = entry
        by_key.setdefault(action_id, []).append(entry)
        by_key.setdefault(f"{block_id}.{action_id}", []).append(entry)
    chosen: dict[tuple[str, str], Any] = {}
    for key, value in values.items():
        matches = by_key.get(key, [])
        if not matches:
            known = sorted(k for k in by_key if "." not in k)
            raise ValueError(f"no input with action_id {key!r} in the view; inputs: {known}")
        if len(matches) > 1:
            raise ValueError(f"action_id {key!r} is in several blocks; use 'block_id.action_id'")
        chosen[(matches[0][0], matches[0][1])] = value
    state: JsonDict = {}
    for block_id, action_id, block in inputs:
        element = block["element"]
        touched = (block_id, action_id) in chosen
        entry = _element_state(element, chosen.get((block_id, action_id)), action_id, touched)
        if not block.get("optional") and _is_empty(entry):
            # Slack's client refuses to submit a modal with a required input left empty.
            raise ValueError(f"required input {block_id}.{action_id} has no value")
        state.setdefault(block_id, {})[action_id] = entry
    return state


def _element_state(
    element: Mapping[str, Any], value: Any, action_id: str, touched: bool
) -> JsonDict:
    kind = element.get("type")
    state: JsonDict = {"type": kind}
    if kind in _TEXT_VALUE:
        text = _text_value(element, value, action_id) if touched else element.get("initial_value")
        state["value"] = text if text not in ("", None) else None
    elif kind == "rich_text_input":
        state["rich_text_value"] = (
            _rich_text(str(value)) if touched else element.get("initial_value")
        )
    elif kind in _SELECTS_ONE_OPTION:
        state["selected_option"] = (
            _option_for(element, value, action_id)
            if touched and value is not None
            else copy.deepcopy(element.get("initial_option"))
        )
    elif kind in _SELECTS_OPTIONS:
        state["selected_options"] = (
            [_option_for(element, item, action_id) for item in _as_list(value)]
            if touched
            else copy.deepcopy(element.get("initial_options") or [])
        )
    elif kind in _SIMPLE_SELECTED:
        key, initial = _SIMPLE_SELECTED[kind]
        state[key] = _picker_value(kind, value, action_id) if touched else element.get(initial)
    elif kind in _MULTI_SELECTED:
        key, initial = _MULTI_SELECTED[kind]
        state[key] = list(_as_list(value)) if touched else list(element.get(initial) or [])
    else:
        raise ValueError(f"{action_id}: the driver cannot fill a {kind!r} element")
    return state


def _text_value(element: Mapping[str, Any], value: Any, action_id: str) -> str:
    kind = element.get("type")
    if kind == "number_input":
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError(f"{action_id}: number_input needs a number, got {value!r}")
        if isinstance(value, float) and not element.get("is_decimal_allowed"):
            raise ValueError(f"{action_id}: this number_input does not allow decimals")
        return str(value)
    if not isinstance(value, str):
        raise ValueError(f"{action_id}: {kind} needs a str, got {value!r}")
    max_length = element.get("max_length")
    min_length = element.get("min_length")
    # Slack's client enforces these lengths before it submits.
    if value and max_length is not None and len(value) > int(max_length):
        raise ValueError(f"{action_id}: {len(value)} characters, max_length is {max_length}")
    if value and min_length is not None and len(value) < int(min_length):
        raise ValueError(f"{action_id}: {len(value)} characters, min_length is {min_length}")
    return value


def _picker_value(kind: str, value: Any, action_id: str) -> Any:
    if value is None:
        return None
    if kind == "datepicker":
        if isinstance(value, dt.datetime):
            raise ValueError(f"{action_id}: datepicker needs a date, got a datetime")
        return value.isoformat() if isinstance(value, dt.date) else _checked_str(value, action_id)
    if kind == "timepicker":
        if isinstance(value, dt.time):
            return value.strftime("%H:%M")
        return _checked_str(value, action_id)
    if kind == "datetimepicker":
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                raise ValueError(f"{action_id}: datetimepicker needs an aware datetime")
            return int(value.timestamp())
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{action_id}: datetimepicker needs epoch seconds (int)")
        return value
    return _checked_str(value, action_id)


def _checked_str(value: Any, action_id: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{action_id}: expected a str, got {value!r}")
    return value


def _option_for(element: Mapping[str, Any], value: Any, action_id: str) -> JsonDict:
    if isinstance(value, Mapping):
        return copy.deepcopy(dict(value))  # external_select: the test supplies the option
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options") or [])
    for option in options:
        if option.get("value") == value:
            return copy.deepcopy(option)
    known = [o.get("value") for o in options]
    raise ValueError(f"{action_id}: {value!r} is not one of the options {known}")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str | Mapping):
        return [value]
    return list(value)


def _is_empty(entry: Mapping[str, Any]) -> bool:
    values = [v for k, v in entry.items() if k != "type"]
    return all(v is None or v == [] for v in values)


def _rich_text(text: str) -> JsonDict:
    return {
        "type": "rich_text",
        "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
    }


def _find_interactive(
    blocks: list[Any], action_id: str, block_id: str | None
) -> tuple[str, JsonDict] | None:
    for block in blocks:
        if not isinstance(block, Mapping):
            continue
        if block_id is not None and block.get("block_id") != block_id:
            continue
        candidates = list(block.get("elements") or []) if block.get("type") == "actions" else []
        for key in ("accessory", "element"):
            if isinstance(block.get(key), Mapping):
                candidates.append(block[key])
        for element in candidates:
            if isinstance(element, Mapping) and element.get("action_id") == action_id:
                return str(block.get("block_id") or ""), dict(element)
    return None


def _default_username(user_id: str) -> str:
    return user_id.lower()


def _channel_name(channel_id: str) -> str:
    if channel_id.startswith("D"):
        return "directmessage"
    return {"C0GENERAL": "general", "C0HELP": "help"}.get(channel_id, channel_id.lower())
