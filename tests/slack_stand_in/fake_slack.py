"""A fake Slack Web API on loopback that answers like Slack and records every call.

The app under test talks to it through slack_sdk's real WebClient (``base_url=fake.base_url``),
so request encoding, retries and error handling are exercised end to end.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import itertools
import json
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .contract import (
    MethodDocs,
    check_call,
    check_message_content,
    check_view,
    default_reference_dir,
    load_method_docs,
)

_JSON_ARGS = ("blocks", "view", "attachments", "metadata")
_UNSET: Any = object()

BOT_ID = "B0001"
APP_ID = "A0001"
TEAM_DOMAIN = "reciprocity-test"
TEAM_NAME = "Reciprocity Test"
_TRIGGER_ID = re.compile(r"^\d+\.\d+\.[0-9A-Za-z]+$")

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class Call:
    """One request the fake received; ``args`` has JSON-string arguments decoded, no token."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    http_status: int


@dataclass(frozen=True)
class _Injection:
    status: int
    error: str
    retry_after: int | None = None
    # Close the socket unanswered (after doing the method's work if `performed`), or do the
    # work and answer `delay` seconds late.
    drop: bool = False
    performed: bool = True
    delay: float = 0.0


@dataclass(frozen=True)
class _Reply:
    status: int
    body: JsonDict | str
    headers: Mapping[str, str] | None = None
    drop: bool = False
    delay: float = 0.0


class SlackApiFailure(Exception):
    """Raised inside a method handler to answer ``{"ok": false, "error": ...}``."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


class FakeSlack:
    """Slack's Web API for one workspace, with one bot installed, served on 127.0.0.1."""

    def __init__(
        self,
        *,
        token: str = "xoxb-test-token",
        team_id: str = "T0001",
        bot_user_id: str = "UBOT0001",
        reference_dir: Path | None = _UNSET,
    ) -> None:
        self.token = token
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = BOT_ID
        self.app_id = APP_ID
        self.reference_dir: Path | None = (
            default_reference_dir() if reference_dir is _UNSET else reference_dir
        )
        self._docs: MethodDocs | None = load_method_docs(self.reference_dir)
        self._lock = threading.RLock()
        self._arrived = threading.Condition(self._lock)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._clock_micros = itertools.count(1_700_000_000_000_100, 100)
        self._ids = itertools.count(1)
        self._users: dict[str, JsonDict] = {}
        self._channels: dict[str, JsonDict] = {}
        self._baseline: tuple[dict[str, JsonDict], dict[str, JsonDict]] | None = None
        # DM and group ids are derived from their members, so they stay stable across resets.
        self._dm_ids: dict[str, str] = {}
        self._group_ids: dict[frozenset[str], str] = {}
        self._clear_run_state()
        self.add_user(bot_user_id, name="reciprocity", real_name="Reciprocity", is_bot=True)

    def _clear_run_state(self) -> None:
        self._calls: list[Call] = []
        self._violations: list[str] = []
        self._injections: dict[str, deque[_Injection]] = {}
        self._messages: dict[tuple[str, str], JsonDict] = {}
        self._views: dict[str, JsonDict] = {}
        self._home_view_ids: dict[str, str] = {}
        self._used_trigger_ids: set[str] = set()
        self._joined: set[str] = set()

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        if self._server is not None:
            return self
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.fake = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, name="fake-slack", kwargs={"poll_interval": 0.05}
        )
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started; call start() first")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    @property
    def response_url_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/response/"

    def set_baseline(self) -> None:
        """Make the current users and channels the ones ``reset()`` returns to."""
        with self._lock:
            self._baseline = (copy.deepcopy(self._users), copy.deepcopy(self._channels))

    def reset(self) -> None:
        """Forget calls, violations, injected failures, messages and views.

        Users and channels are kept; if ``set_baseline()`` was called they are put back as they
        were then, so one test's additions do not leak into the next.
        """
        with self._lock:
            self._clear_run_state()
            if self._baseline is not None:
                self._users = copy.deepcopy(self._baseline[0])
                self._channels = copy.deepcopy(self._baseline[1])

    # -- what tests read -----------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self._calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until ``count`` calls to ``method`` arrived (listeners run on other threads)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                matching = [call for call in self._calls if call.method == method]
                if len(matching) >= count:
                    return matching
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [f"{c.method} -> {c.http_status}" for c in self._calls]
                    raise AssertionError(
                        f"expected {count} call(s) to {method} within {timeout}s, "
                        f"got {len(matching)}; calls seen: {seen or 'none'}"
                    )
                self._arrived.wait(remaining)

    @property
    def violations(self) -> list[str]:
        with self._lock:
            return list(self._violations)

    def take_violations(self) -> list[str]:
        """Return and forget the violations, for tests that break the contract on purpose."""
        with self._lock:
            taken, self._violations = self._violations, []
            return taken

    @property
    def messages(self) -> dict[tuple[str, str], JsonDict]:
        with self._lock:
            return copy.deepcopy(self._messages)

    @property
    def views(self) -> dict[str, JsonDict]:
        with self._lock:
            return copy.deepcopy(self._views)

    @property
    def users(self) -> dict[str, JsonDict]:
        with self._lock:
            return copy.deepcopy(self._users)

    @property
    def channels(self) -> dict[str, JsonDict]:
        with self._lock:
            return copy.deepcopy(self._channels)

    def dm_channel_id(self, user_id: str) -> str:
        """The DM channel id chat.postMessage / conversations.open give for ``user_id``."""
        with self._lock:
            return self._dm_for(user_id)

    # -- failure injection ---------------------------------------------------------------------

    def apply_view_response(self, view_id: str, response: Mapping[str, Any]) -> JsonDict:
        """Do what Slack does with a view_submission answered `response_action: update`: check
        the new view like any other and put it in place of the submitted one, keeping its id
        and giving it a new hash. That view never crosses the Web API, so tests hand over the
        ack body here; a contract problem is recorded as a violation like any call's."""
        if response.get("response_action") != "update":
            raise AssertionError(f"not a response_action update: {response!r}")
        spec = response.get("view")
        with self._lock:
            problems = check_view("response_action update", spec)
            self._violations.extend(problem.message for problem in problems)
            current = self._views.get(view_id)
            if current is None or not isinstance(spec, dict):
                raise AssertionError(f"no view {view_id} to update, or no view in {response!r}")
            view = self._new_view(spec, view_id=view_id)
            view["root_view_id"] = current["root_view_id"]
            self._views[view_id] = view
            return copy.deepcopy(view)

    def fail(self, method: str, error: str, *, times: int = 1) -> None:
        self._inject(method, _Injection(200, error), times)

    def rate_limit(self, method: str, *, retry_after: int = 1, times: int = 1) -> None:
        self._inject(method, _Injection(429, "ratelimited", retry_after), times)

    def server_error(self, method: str, *, status: int = 503, times: int = 1) -> None:
        if not 500 <= status <= 599:
            raise ValueError(f"server_error needs a 5xx status, got {status}")
        self._inject(method, _Injection(status, "server_error"), times)

    def drop_connection(self, method: str, *, performed: bool, times: int = 1) -> None:
        """The connection closes with no answer, after the method did its work (a post is
        stored) if `performed`, before it if not: either way the caller cannot tell which."""
        self._inject(method, _Injection(200, "", drop=True, performed=performed), times)

    def answer_late(self, method: str, *, delay: float, times: int = 1) -> None:
        """The method does its work, and its answer leaves `delay` seconds later: past a
        client timeout shorter than that, the caller gave up on a call that succeeded."""
        if delay <= 0:
            raise ValueError(f"answer_late needs a positive delay, got {delay}")
        self._inject(method, _Injection(200, "", delay=delay), times)

    def _inject(self, method: str, injection: _Injection, times: int) -> None:
        with self._lock:
            self._injections.setdefault(method, deque()).extend([injection] * times)

    # -- directory -----------------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        real_name: str = "",
        tz: str = "America/New_York",
        tz_offset: int = -18000,
        is_bot: bool = False,
        deleted: bool = False,
        is_admin: bool = False,
        is_owner: bool = False,
    ) -> None:
        real = real_name or name
        user: JsonDict = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "deleted": deleted,
            "color": "9f69e7",
            "real_name": real,
            "tz": tz,
            "tz_label": _tz_label(tz),
            "tz_offset": tz_offset,
            "profile": {
                "title": "",
                "phone": "",
                "skype": "",
                "real_name": real,
                "real_name_normalized": real,
                "display_name": name,
                "display_name_normalized": name,
                "status_text": "",
                "status_emoji": "",
                "status_expiration": 0,
                "avatar_hash": "g0000000000",
                "first_name": real.split(" ")[0],
                "last_name": " ".join(real.split(" ")[1:]),
                "image_48": "https://secure.gravatar.com/avatar/0.jpg",
                "image_72": "https://secure.gravatar.com/avatar/0.jpg",
                "team": self.team_id,
            },
            "is_admin": is_admin,
            "is_owner": is_owner,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": 1_700_000_000,
            "is_email_confirmed": not is_bot,
            "who_can_share_contact_card": "EVERYONE",
        }
        if is_bot:
            user["profile"]["bot_id"] = self.bot_id if user_id == self.bot_user_id else "B9999"
            user["profile"]["api_app_id"] = self.app_id if user_id == self.bot_user_id else "A9999"
        if deleted:
            # Slack drops the time zone of deactivated accounts.
            for key in ("tz", "tz_label", "tz_offset"):
                user.pop(key)
        with self._lock:
            self._users[user_id] = user

    def add_channel(
        self,
        channel_id: str,
        *,
        name: str,
        is_private: bool = False,
        is_archived: bool = False,
        is_member: bool = True,
    ) -> None:
        channel: JsonDict = {
            "id": channel_id,
            "name": name,
            "is_channel": not is_private,
            "is_group": is_private,
            "is_im": False,
            "is_mpim": False,
            "is_private": is_private,
            "created": 1_600_000_000,
            "is_archived": is_archived,
            "is_general": name == "general",
            "unlinked": 0,
            "name_normalized": name,
            "is_shared": False,
            "is_org_shared": False,
            "is_ext_shared": False,
            "is_pending_ext_shared": False,
            "is_member": is_member,
            "creator": "U0CREATOR",
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }
        with self._lock:
            self._channels[channel_id] = channel

    # -- request handling (called from server threads) ----------------------------------------

    def _handle_api(self, method: str, args: JsonDict, headers: dict[str, str]) -> _Reply:
        with self._lock:
            reply = self._answer(method, args, headers)
            self._record(method, args, headers, reply.status)
            return reply

    def _handle_response_url(self, path: str, body: Any, headers: dict[str, str]) -> _Reply:
        with self._lock:
            args: JsonDict = body if isinstance(body, dict) else {"_raw": body}
            headers = {**headers, ":path": path}
            if isinstance(body, dict):
                for problem in check_message_content("response_url", body):
                    self._violations.append(problem.message)
            self._record("response_url", args, headers, 200)
            return _Reply(200, {"ok": True})

    def _record(self, method: str, args: JsonDict, headers: dict[str, str], status: int) -> None:
        self._calls.append(Call(method, args, headers, status))
        self._arrived.notify_all()

    def _answer(self, method: str, args: JsonDict, headers: dict[str, str]) -> _Reply:
        token = args.pop("token", None)
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            token = auth[7:].strip()
        if not token:
            return _Reply(200, {"ok": False, "error": "not_authed"})
        if token != self.token:
            return _Reply(200, {"ok": False, "error": "invalid_auth"})
        queue = self._injections.get(method)
        injected = queue.popleft() if queue else None
        if injected is not None and injected.drop and not injected.performed:
            return _Reply(200, {}, drop=True)
        if injected is not None and (injected.drop or injected.delay):
            done = self._perform(method, args)
            return _Reply(done.status, done.body, done.headers, injected.drop, injected.delay)
        if injected is not None:
            if injected.status == 429:
                return _Reply(
                    429,
                    {"ok": False, "error": "ratelimited"},
                    {"Retry-After": str(injected.retry_after)},
                )
            if injected.status >= 500:
                return _Reply(injected.status, _edge_error_page(injected.status))
            return _Reply(200, {"ok": False, "error": injected.error})
        return self._perform(method, args)

    def _perform(self, method: str, args: JsonDict) -> _Reply:
        problems = check_call(method, args, self._docs)
        for problem in problems:
            self._violations.append(problem.message)
        failing = next((p for p in problems if p.error is not None), None)
        if failing is not None:
            return _Reply(200, {"ok": False, "error": failing.error})
        handler = _HANDLERS.get(method)
        if handler is None:
            # Known (or, without docs, unknowable) methods with no simulation just succeed.
            return _Reply(200, {"ok": True})
        try:
            body = handler(self, args)
        except SlackApiFailure as failure:
            return _Reply(200, {"ok": False, "error": failure.error, **failure.extra})
        except Exception as exc:
            # Surfaced as a violation so a bug in the stand-in fails the test loudly, instead
            # of a dropped connection the app might retry or swallow.
            self._violations.append(f"{method}: FakeSlack internal error (stand-in bug): {exc!r}")
            return _Reply(500, {"ok": False, "error": "internal_error"})
        return _Reply(200, {"ok": True, **body})

    # -- helpers for handlers ------------------------------------------------------------------

    def _next_ts(self) -> str:
        micros = next(self._clock_micros)
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08d}"

    def _dm_for(self, user_id: str) -> str:
        dm = self._dm_ids.get(user_id)
        if dm is None:
            dm = "D" + user_id[1:]
            self._dm_ids[user_id] = dm
        return dm

    def _dm_user(self, channel_id: str) -> str | None:
        owner = next((u for u, dm in self._dm_ids.items() if dm == channel_id), None)
        if owner is None and channel_id[:1] == "D":
            # A DM the user opened (e.g. a message.im event) exists before the app asks for it.
            owner = next((u for u in self._users if u[1:] == channel_id[1:]), None)
            if owner is not None:
                self._dm_for(owner)
        return owner

    def _resolve_postable(self, channel: Any) -> str:
        """The channel id a message lands in, or SlackApiFailure as Slack would refuse it."""
        if not isinstance(channel, str) or not channel:
            raise SlackApiFailure("channel_not_found")
        channel = self._by_name(channel)
        if channel[0] in "UW":
            user = self._users.get(channel)
            if user is not None and user.get("deleted"):
                raise SlackApiFailure("user_disabled")
            return self._dm_for(channel)
        if self._dm_user(channel) is not None or channel in self._group_ids.values():
            return channel
        registered = self._channels.get(channel)
        if registered is not None:
            if registered["is_archived"]:
                raise SlackApiFailure("is_archived")
            if not (registered["is_member"] or channel in self._joined):
                raise SlackApiFailure("not_in_channel")
            return channel
        if channel[0] in "CG":
            return channel
        raise SlackApiFailure("channel_not_found")

    def _by_name(self, channel: str) -> str:
        name = channel.removeprefix("#")
        for channel_id, info in self._channels.items():
            if info["name"] == name:
                return channel_id
        return channel

    def _channel_object(self, channel_id: str) -> JsonDict:
        channel = self._by_name(channel_id)
        registered = self._channels.get(channel)
        if registered is not None:
            info = copy.deepcopy(registered)
            info["is_member"] = info["is_member"] or channel in self._joined
            return info
        dm_user = self._dm_user(channel)
        if dm_user is not None:
            return _im_object(channel, dm_user)
        group = next((m for m, gid in self._group_ids.items() if gid == channel), None)
        if group is not None:
            return {
                "id": channel,
                "name": "mpdm-" + "--".join(sorted(group)) + "-1",
                "is_channel": False,
                "is_group": False,
                "is_im": False,
                "is_mpim": True,
                "is_private": True,
                "created": 1_700_000_000,
                "is_archived": False,
                "is_member": True,
            }
        if channel[:1] in ("C", "G"):
            # Lenient default: an unregistered channel is a public one the bot is in.
            return {
                "id": channel,
                "name": channel.lower(),
                "is_channel": True,
                "is_group": False,
                "is_im": False,
                "is_mpim": False,
                "is_private": False,
                "created": 1_600_000_000,
                "is_archived": False,
                "is_general": False,
                "name_normalized": channel.lower(),
                "is_member": True,
            }
        raise SlackApiFailure("channel_not_found")

    def _message(self, args: Mapping[str, Any], ts: str) -> JsonDict:
        message: JsonDict = {
            "type": "message",
            "subtype": None,
            "text": args.get("text") or "",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "ts": ts,
            "team": self.team_id,
            "bot_profile": {
                "id": self.bot_id,
                "deleted": False,
                "name": "reciprocity",
                "updated": 1_700_000_000,
                "app_id": self.app_id,
                "team_id": self.team_id,
            },
        }
        del message["subtype"]
        for key in ("blocks", "attachments", "metadata", "thread_ts"):
            if args.get(key) not in (None, ""):
                message[key] = copy.deepcopy(args[key])
        return message

    def _take_trigger(self, args: Mapping[str, Any]) -> None:
        trigger = args.get("trigger_id")
        if trigger is None:
            return
        if not isinstance(trigger, str) or not _TRIGGER_ID.match(trigger):
            raise SlackApiFailure("invalid_trigger_id")
        if trigger in self._used_trigger_ids:
            raise SlackApiFailure("exchanged_trigger_id")
        self._used_trigger_ids.add(trigger)

    def _new_view(self, spec: Mapping[str, Any], *, view_id: str | None = None) -> JsonDict:
        view_id = view_id or self._next_id("V")
        blocks = _with_generated_ids(spec.get("blocks") or [])
        return {
            "id": view_id,
            "team_id": self.team_id,
            "type": spec.get("type", "modal"),
            "blocks": blocks,
            "private_metadata": spec.get("private_metadata", ""),
            "callback_id": spec.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": _text_object(spec.get("title")),
            "clear_on_close": bool(spec.get("clear_on_close", False)),
            "notify_on_close": bool(spec.get("notify_on_close", False)),
            "close": _text_object(spec.get("close")),
            "submit": _text_object(spec.get("submit")),
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": self.app_id,
            "external_id": spec.get("external_id", ""),
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }

    def _check_external_id(self, spec: Mapping[str, Any], replacing: str | None = None) -> None:
        external = spec.get("external_id")
        if not external:
            return
        for view_id, view in self._views.items():
            if view.get("external_id") == external and view_id != replacing:
                raise SlackApiFailure("duplicate_external_id")


# -- method handlers: each returns the body after "ok": true, or raises SlackApiFailure -------


def _auth_test(fake: FakeSlack, args: JsonDict) -> JsonDict:
    return {
        "url": f"https://{TEAM_DOMAIN}.slack.com/",
        "team": TEAM_NAME,
        "user": "reciprocity",
        "team_id": fake.team_id,
        "user_id": fake.bot_user_id,
        "bot_id": fake.bot_id,
        "is_enterprise_install": False,
    }


def _chat_post_message(fake: FakeSlack, args: JsonDict) -> JsonDict:
    channel = fake._resolve_postable(args.get("channel"))
    ts = fake._next_ts()
    message = fake._message(args, ts)
    fake._messages[(channel, ts)] = message
    return {"channel": channel, "ts": ts, "message": copy.deepcopy(message)}


def _stored_message(fake: FakeSlack, channel: Any, ts: Any) -> tuple[str, JsonDict]:
    if not isinstance(channel, str) or not channel:
        raise SlackApiFailure("channel_not_found")
    channel_id = fake._by_name(channel)
    if channel_id[0] in "UW":
        channel_id = fake._dm_for(channel_id)
    message = fake._messages.get((channel_id, str(ts)))
    if message is None:
        raise SlackApiFailure("message_not_found")
    return channel_id, message


def _chat_update(fake: FakeSlack, args: JsonDict) -> JsonDict:
    channel, message = _stored_message(fake, args.get("channel"), args.get("ts"))
    for key in ("text", "blocks", "attachments", "metadata"):
        if key in args:
            message[key] = copy.deepcopy(args[key])
    message["edited"] = {"user": fake.bot_user_id, "ts": fake._next_ts()}
    return {
        "channel": channel,
        "ts": message["ts"],
        "text": message.get("text", ""),
        "message": copy.deepcopy(message),
    }


def _chat_delete(fake: FakeSlack, args: JsonDict) -> JsonDict:
    channel, message = _stored_message(fake, args.get("channel"), args.get("ts"))
    del fake._messages[(channel, message["ts"])]
    return {"channel": channel, "ts": message["ts"]}


def _chat_post_ephemeral(fake: FakeSlack, args: JsonDict) -> JsonDict:
    fake._resolve_postable(args.get("channel"))
    user = fake._users.get(str(args.get("user")))
    if user is not None and user.get("deleted"):
        raise SlackApiFailure("user_not_in_channel")
    return {"message_ts": fake._next_ts()}


def _chat_schedule_message(fake: FakeSlack, args: JsonDict) -> JsonDict:
    channel = fake._resolve_postable(args.get("channel"))
    try:
        post_at = int(args.get("post_at"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise SlackApiFailure("invalid_time") from None
    if post_at <= time.time():
        raise SlackApiFailure("time_in_past")
    message = fake._message(args, fake._next_ts())
    return {
        "channel": channel,
        "scheduled_message_id": fake._next_id("Q"),
        "post_at": post_at,
        "message": message,
    }


def _chat_get_permalink(fake: FakeSlack, args: JsonDict) -> JsonDict:
    channel, message = _stored_message(fake, args.get("channel"), args.get("message_ts"))
    ts = message["ts"]
    return {
        "channel": channel,
        "permalink": f"https://{TEAM_DOMAIN}.slack.com/archives/{channel}/p{ts.replace('.', '')}",
    }


def _view_spec(args: Mapping[str, Any]) -> JsonDict:
    spec = args.get("view")
    if not isinstance(spec, dict):
        raise SlackApiFailure("invalid_arguments")
    return spec


def _views_open(fake: FakeSlack, args: JsonDict) -> JsonDict:
    spec = _view_spec(args)
    fake._check_external_id(spec)
    fake._take_trigger(args)
    view = fake._new_view(spec)
    fake._views[view["id"]] = view
    return {"view": copy.deepcopy(view)}


def _views_push(fake: FakeSlack, args: JsonDict) -> JsonDict:
    return _views_open(fake, args)


def _views_update(fake: FakeSlack, args: JsonDict) -> JsonDict:
    view_id = args.get("view_id")
    if not view_id:
        external = args.get("external_id")
        view_id = next(
            (vid for vid, v in fake._views.items() if external and v["external_id"] == external),
            None,
        )
    current = fake._views.get(str(view_id)) if view_id else None
    if current is None:
        raise SlackApiFailure("not_found")
    expected_hash = args.get("hash")
    if expected_hash and expected_hash != current["hash"]:
        raise SlackApiFailure("hash_conflict")
    spec = _view_spec(args)
    fake._check_external_id(spec, replacing=current["id"])
    view = fake._new_view(spec, view_id=current["id"])
    view["root_view_id"] = current["root_view_id"]
    view["previous_view_id"] = current["previous_view_id"]
    if not spec.get("external_id"):
        view["external_id"] = current["external_id"]
    fake._views[view["id"]] = view
    return {"view": copy.deepcopy(view)}


def _views_publish(fake: FakeSlack, args: JsonDict) -> JsonDict:
    user_id = str(args.get("user_id"))
    if user_id not in fake._users and user_id[:1] not in ("U", "W"):
        raise SlackApiFailure("user_not_found")
    existing_id = fake._home_view_ids.get(user_id)
    existing = fake._views.get(existing_id) if existing_id else None
    expected_hash = args.get("hash")
    if expected_hash and (existing is None or expected_hash != existing["hash"]):
        raise SlackApiFailure("hash_conflict")
    view = fake._new_view(_view_spec(args), view_id=existing_id)
    fake._home_view_ids[user_id] = view["id"]
    fake._views[view["id"]] = view
    return {"view": copy.deepcopy(view)}


def _users_info(fake: FakeSlack, args: JsonDict) -> JsonDict:
    user = fake._users.get(str(args.get("user")))
    if user is None:
        raise SlackApiFailure("user_not_found")
    return {"user": copy.deepcopy(user)}


def _page(
    items: list[Any], args: Mapping[str, Any], *, default_limit: int
) -> tuple[list[Any], str]:
    try:
        limit = int(args.get("limit") or default_limit)
    except (TypeError, ValueError):
        raise SlackApiFailure("invalid_limit") from None
    if limit <= 0:
        limit = default_limit
    cursor = args.get("cursor") or ""
    start = 0
    if cursor:
        try:
            start = int(base64.b64decode(str(cursor)).decode().removeprefix("offset:"))
        except (ValueError, UnicodeDecodeError):
            raise SlackApiFailure("invalid_cursor") from None
        if not 0 <= start <= len(items):
            raise SlackApiFailure("invalid_cursor")
    end = start + limit
    next_cursor = base64.b64encode(f"offset:{end}".encode()).decode() if end < len(items) else ""
    return items[start:end], next_cursor


def _users_list(fake: FakeSlack, args: JsonDict) -> JsonDict:
    members, next_cursor = _page(list(fake._users.values()), args, default_limit=1000)
    return {
        "members": copy.deepcopy(members),
        "cache_ts": int(time.time()),
        "response_metadata": {"next_cursor": next_cursor},
    }


def _conversations_open(fake: FakeSlack, args: JsonDict) -> JsonDict:
    channel = args.get("channel")
    if channel:
        info = fake._channel_object(str(channel))
        return {"no_op": True, "already_open": True, "channel": info}
    users = [u.strip() for u in str(args.get("users") or "").split(",") if u.strip()]
    if not users:
        raise SlackApiFailure("users_list_not_supplied")
    if len(users) > 8:
        raise SlackApiFailure("too_many_users")
    for user_id in users:
        user = fake._users.get(user_id)
        if user is None and user_id[:1] not in ("U", "W"):
            raise SlackApiFailure("user_not_found")
        if user is not None and user.get("deleted"):
            raise SlackApiFailure("user_disabled")
    if len(users) == 1:
        already = users[0] in fake._dm_ids
        dm = fake._dm_for(users[0])
        body: JsonDict = {"channel": {"id": dm}}
        if _truthy(args.get("return_im")):
            body["channel"] = _im_object(dm, users[0])
        if already:
            body.update(no_op=True, already_open=True)
        return body
    members = frozenset(users) | {fake.bot_user_id}
    already = members in fake._group_ids
    group = fake._group_ids.setdefault(members, fake._next_id("G"))
    body = {"channel": {"id": group}}
    if already:
        body.update(no_op=True, already_open=True)
    return body


def _conversations_history(fake: FakeSlack, args: JsonDict) -> JsonDict:
    """The app's messages in a conversation, newest first, as Slack pages them. Message metadata
    is only returned when asked for (include_all_metadata), as Slack does."""
    channel = str(args.get("channel") or "")
    if not channel:
        raise SlackApiFailure("channel_not_found")
    channel_id = fake._by_name(channel)
    try:
        limit = max(1, min(999, int(args.get("limit") or 100)))
    except ValueError:
        raise SlackApiFailure("invalid_limit") from None
    oldest = float(args.get("oldest") or 0)
    latest = float(args["latest"]) if args.get("latest") else float("inf")
    found = sorted(
        (
            message
            for (in_channel, ts), message in fake._messages.items()
            if in_channel == channel_id and oldest < float(ts) < latest
        ),
        key=lambda message: float(message["ts"]),
        reverse=True,
    )
    with_metadata = _truthy(args.get("include_all_metadata"))
    page = []
    for message in found[:limit]:
        shown = copy.deepcopy(message)
        if not with_metadata:
            shown.pop("metadata", None)
        page.append(shown)
    return {
        "messages": page,
        "has_more": len(found) > limit,
        "pin_count": 0,
        "channel_actions_ts": None,
        "channel_actions_count": 0,
        "response_metadata": {"next_cursor": ""},
    }


def _conversations_info(fake: FakeSlack, args: JsonDict) -> JsonDict:
    return {"channel": fake._channel_object(str(args.get("channel") or ""))}


def _conversations_join(fake: FakeSlack, args: JsonDict) -> JsonDict:
    channel = fake._by_name(str(args.get("channel") or ""))
    registered = fake._channels.get(channel)
    if registered is not None:
        if registered["is_archived"]:
            raise SlackApiFailure("is_archived")
        if registered["is_private"] and not registered["is_member"]:
            raise SlackApiFailure("method_not_supported_for_channel_type")
        already = registered["is_member"] or channel in fake._joined
        fake._joined.add(channel)
        body: JsonDict = {"channel": fake._channel_object(channel)}
        if already:
            body["warning"] = "already_in_channel"
            body["response_metadata"] = {"warnings": ["already_in_channel"]}
        return body
    if channel[:1] != "C":
        raise SlackApiFailure("channel_not_found")
    return {"channel": fake._channel_object(channel)}


def _conversations_members(fake: FakeSlack, args: JsonDict) -> JsonDict:
    info = fake._channel_object(str(args.get("channel") or ""))
    if info.get("is_im"):
        everyone = [fake.bot_user_id, info["user"]]
    else:
        everyone = [uid for uid, u in fake._users.items() if not u.get("deleted")]
    members, next_cursor = _page(everyone, args, default_limit=100)
    return {"members": members, "response_metadata": {"next_cursor": next_cursor}}


def _team_info(fake: FakeSlack, args: JsonDict) -> JsonDict:
    return {
        "team": {
            "id": fake.team_id,
            "name": TEAM_NAME,
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "domain": TEAM_DOMAIN,
            "email_domain": "",
            "icon": {"image_default": True},
            "is_verified": False,
        }
    }


_HANDLERS: dict[str, Callable[[FakeSlack, JsonDict], JsonDict]] = {
    "auth.test": _auth_test,
    "chat.postMessage": _chat_post_message,
    "chat.update": _chat_update,
    "chat.delete": _chat_delete,
    "chat.postEphemeral": _chat_post_ephemeral,
    "chat.scheduleMessage": _chat_schedule_message,
    "chat.getPermalink": _chat_get_permalink,
    "views.open": _views_open,
    "views.push": _views_push,
    "views.update": _views_update,
    "views.publish": _views_publish,
    "users.info": _users_info,
    "users.list": _users_list,
    "conversations.open": _conversations_open,
    "conversations.info": _conversations_info,
    "conversations.history": _conversations_history,
    "conversations.join": _conversations_join,
    "conversations.members": _conversations_members,
    "team.info": _team_info,
}


# -- small pure helpers --------------------------------------------------------------------------


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true")


def _tz_label(tz: str) -> str:
    labels = {
        "America/New_York": "Eastern Standard Time",
        "America/Los_Angeles": "Pacific Standard Time",
        "Europe/London": "Greenwich Mean Time",
        "Europe/Berlin": "Central European Time",
        "Asia/Tokyo": "Japan Standard Time",
        "UTC": "Coordinated Universal Time",
    }
    return labels.get(tz, tz)


def _text_object(value: Any) -> JsonDict | None:
    if value is None:
        return None
    if isinstance(value, str):
        return {"type": "plain_text", "text": value, "emoji": True}
    obj = copy.deepcopy(dict(value))
    if obj.get("type") == "plain_text":
        obj.setdefault("emoji", True)
    return obj


def _with_generated_ids(blocks: list[Any]) -> list[Any]:
    # Slack gives every block a block_id and every input element an action_id when the app
    # leaves them out; apps then read state.values under those generated ids.
    result: list[Any] = []
    for index, block in enumerate(copy.deepcopy(blocks)):
        if isinstance(block, dict):
            block.setdefault("block_id", f"b{index:02d}{secrets.token_hex(2)}")
            element = block.get("element")
            if block.get("type") == "input" and isinstance(element, dict):
                element.setdefault("action_id", f"a{secrets.token_hex(3)}")
        result.append(block)
    return result


def _im_object(channel_id: str, user_id: str) -> JsonDict:
    return {
        "id": channel_id,
        "created": 1_700_000_000,
        "is_archived": False,
        "is_im": True,
        "is_org_shared": False,
        "context_team_id": "",
        "updated": 1_700_000_000_000,
        "user": user_id,
        "last_read": "0000000000.000000",
        "latest": None,
        "unread_count": 0,
        "unread_count_display": 0,
        "is_open": True,
        "priority": 0,
    }


def _edge_error_page(status: int) -> str:
    # Slack's edge answers 5xx with an HTML page, not the API's JSON envelope.
    return (
        f"<html><head><title>{status} Service Unavailable</title></head>"
        f"<body><h1>{status} Service Unavailable</h1></body></html>"
    )


def _decode_args(raw: bytes, content_type: str, query: str) -> JsonDict:
    args: JsonDict = dict(parse_qsl(query, keep_blank_values=True))
    if raw:
        text = raw.decode("utf-8")
        if "json" in content_type:
            loaded = json.loads(text)
            if isinstance(loaded, dict):
                args.update(loaded)
        elif "multipart" not in content_type:
            args.update(parse_qsl(text, keep_blank_values=True))
    for key in _JSON_ARGS:
        value = args.get(key)
        if isinstance(value, str) and value:
            # Left as a string if it is not JSON, so the contract check reports it.
            with contextlib.suppress(json.JSONDecodeError):
                args[key] = json.loads(value)
    return args


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeSlack/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the default writes every request to stderr, drowning test output

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        fake: FakeSlack = self.server.fake  # type: ignore[attr-defined]
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        content_type = headers.get("content-type", "")
        try:
            if url.path.startswith("/api/"):
                method = url.path[len("/api/") :].strip("/")
                args = _decode_args(raw, content_type, url.query)
                reply = fake._handle_api(method, args, headers)
            elif url.path.startswith("/response/"):
                body: Any = raw.decode("utf-8")
                # Slack accepts only JSON here; raw text is kept for the test to see.
                with contextlib.suppress(json.JSONDecodeError):
                    body = json.loads(body)
                reply = fake._handle_response_url(url.path, body, headers)
            else:
                reply = _Reply(404, "Not Found")
        except (ValueError, UnicodeDecodeError) as exc:
            reply = _Reply(200, {"ok": False, "error": "invalid_json", "detail": str(exc)})
        self._write(reply)

    def _write(self, reply: _Reply) -> None:
        if reply.drop:
            self.close_connection = True  # the client reads EOF where the status line should be
            return
        if reply.delay:
            time.sleep(reply.delay)  # outside the fake's lock: other calls go on meanwhile
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._send(reply)

    def _send(self, reply: _Reply) -> None:
        if isinstance(reply.body, str):
            payload = reply.body.encode("utf-8")
            content_type = "text/html; charset=utf-8"
        else:
            payload = json.dumps(reply.body).encode("utf-8")
            content_type = "application/json; charset=utf-8"
        self.send_response(reply.status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (reply.headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)
