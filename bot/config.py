"""Settings read from the environment, checked once at start-up.

Every problem is reported as one sentence that names the variable and says where to get a good
value, because the person reading it is usually setting the app up for the first time.
"""

import logging
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.domain.support import SupportResource

DEFAULT_DATABASE_URL = "sqlite:///reciprocity.db"
DEFAULT_PORT = 3000
DEFAULT_API_URL = "https://slack.com/api/"

_SETTINGS_PAGE = "your app's page at https://api.slack.com/apps"


class SettingsError(Exception):
    """A setting is missing or malformed; the message is meant for a person."""


@dataclass(frozen=True)
class Settings:
    bot_token: str
    signing_secret: str
    app_token: str | None
    api_url: str
    database_url: str
    help_channel: str
    log_level: int
    port: int
    allow_anonymous: bool = False
    support_resources: tuple[SupportResource, ...] = ()
    # People who may keep the workspace's topics besides Slack's own admins and owners.
    admin_user_ids: frozenset[str] = frozenset()
    # Widening: wait this share of the time left before the deadline (or this long when there is
    # none) for an offer, then widen a request once.
    widen_fraction: float = 0.25
    widen_without_deadline: timedelta = timedelta(hours=4)
    # Reacting to a posted request with one of these offers help; the first is the one suggested.
    offer_emojis: tuple[str, ...] = ("raising_hand", "hand")
    # Where the background jobs run: in this process beside the app ("embedded"), not here
    # ("off": another process runs them), or only them ("only": no Slack requests served).
    scheduler: str = "embedded"
    # Scheduled messages are paced to this many a second (Slack's chat.postMessage limits).
    outbox_per_second: float = 20.0

    @property
    def socket_mode(self) -> bool:
        return self.app_token is not None


def _get(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _require(env: Mapping[str, str], name: str, how: str) -> str:
    value = _get(env, name)
    if value is None:
        raise SettingsError(f"{name} is not set: {how}")
    return value


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env

    bot_token = _require(
        env,
        "SLACK_BOT_TOKEN",
        f"copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions on {_SETTINGS_PAGE}.",
    )
    if not bot_token.startswith("xoxb-"):
        raise SettingsError(
            "SLACK_BOT_TOKEN must be a bot token starting with xoxb-: copy the Bot User OAuth "
            f"Token from OAuth & Permissions on {_SETTINGS_PAGE}."
        )

    app_token = _get(env, "SLACK_APP_TOKEN")
    if app_token is not None and not app_token.startswith("xapp-"):
        raise SettingsError(
            "SLACK_APP_TOKEN must be an app-level token starting with xapp-: create one with the "
            f"connections:write scope under Basic Information on {_SETTINGS_PAGE}, or unset it to "
            "serve HTTP instead of Socket Mode."
        )

    signing_secret = _get(env, "SLACK_SIGNING_SECRET")
    if signing_secret is None and app_token is None:
        raise SettingsError(
            "SLACK_SIGNING_SECRET is not set: copy the Signing Secret from Basic Information on "
            f"{_SETTINGS_PAGE} (HTTP mode verifies every request with it)."
        )
    if signing_secret is not None and not re.fullmatch(r"[0-9a-f]{16,}", signing_secret):
        raise SettingsError(
            "SLACK_SIGNING_SECRET does not look like a Signing Secret (a long hex string): copy "
            f"it again from Basic Information on {_SETTINGS_PAGE}."
        )

    help_channel = _require(
        env,
        "HELP_CHANNEL",
        "set it to the ID of the channel requests go to by default (in Slack, open the "
        "channel's details: the Channel ID, like C0123ABCD, is at the bottom), and invite the "
        "app there with /invite @Reciprocity.",
    )
    if not re.fullmatch(r"[CG][A-Z0-9]{4,}", help_channel):
        raise SettingsError(
            f"HELP_CHANNEL must be a channel ID like C0123ABCD, not {help_channel!r}: open the "
            "channel's details in Slack and copy the Channel ID at the bottom."
        )

    optional = {
        field: read(name, _get(env, name) or default) for field, name, read, default in _OPTIONAL
    }
    return Settings(
        bot_token=bot_token,
        signing_secret=signing_secret or "",
        app_token=app_token,
        help_channel=help_channel,
        **optional,
    )


# Each reader gets the variable's name and its text (the default's when unset), and returns the
# value or stops the app with one sentence.


def _api_url(name: str, text: str) -> str:
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise SettingsError(
            f"{name} must be an http(s) URL such as {DEFAULT_API_URL}, not {text!r}; "
            "leave it unset to talk to Slack itself."
        )
    return text if text.endswith("/") else text + "/"


# The drivers Reciprocity is built and tested with: pysqlite (sqlite:/// is its short form) and
# psycopg 3; any other (postgresql:// alone means psycopg2, +asyncpg is async) would fail later.
_DATABASE_DRIVERS = ("sqlite", "sqlite+pysqlite", "postgresql+psycopg")
_DATABASE_FORMS = "sqlite:///reciprocity.db or postgresql+psycopg://user:password@host:5432/dbname"


def _database_url(name: str, text: str) -> str:
    try:
        url = make_url(text)
    except ArgumentError:
        raise SettingsError(f"{name} is not a database URL: use {_DATABASE_FORMS}.") from None
    if url.drivername not in _DATABASE_DRIVERS:
        raise SettingsError(
            f"{name} names {url.drivername!r}, which Reciprocity does not support: use "
            f"{_DATABASE_FORMS}."
        )
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        parent = Path(url.database).expanduser().resolve().parent
        if not parent.is_dir():
            raise SettingsError(f"{name} points into {parent}, which does not exist.")
    return text


def _log_level(name: str, text: str) -> int:
    level_name = text.upper()
    level = logging.getLevelNamesMapping().get(level_name)
    if level is None:
        raise SettingsError(
            f"{name} must be one of DEBUG, INFO, WARNING, ERROR, not {level_name!r}."
        )
    return level


def _port(name: str, text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise SettingsError(f"{name} must be a TCP port number (1-65535), not {text!r}.")
    return int(text)


def _above_zero_up_to(text: str, most: float) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if 0 < value <= most else None


def _widen_fraction(name: str, text: str) -> float:
    fraction = _above_zero_up_to(text, 1)
    if fraction is None:
        raise SettingsError(
            f"{name} must be a number above 0 and at most 1, not {text!r}: the "
            "share of the time left to wait for an offer before widening a request."
        )
    return fraction


def _widen_hours(name: str, text: str) -> timedelta:
    if not text.isdigit() or not 1 <= int(text) <= 168:
        raise SettingsError(f"{name} must be a whole number of hours from 1 to 168, not {text!r}.")
    return timedelta(hours=int(text))


def _scheduler(name: str, text: str) -> str:
    mode = text.lower()
    if mode not in ("embedded", "off", "only"):
        raise SettingsError(
            f"{name} must be embedded (jobs run in the app process), off (another process "
            f"runs them) or only (this process runs just the jobs), not {mode!r}."
        )
    return mode


def _outbox_pace(name: str, text: str) -> float:
    pace = _above_zero_up_to(text, 100)
    if pace is None:
        raise SettingsError(
            f"{name} must be a number of messages a second above 0 and at most 100, not {text!r}."
        )
    return pace


def _flag(name: str, text: str) -> bool:
    value = text.lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, not {value!r}.")


def _support_resources(name: str, value: str) -> tuple[SupportResource, ...]:
    resources = []
    for item in filter(None, (part.strip() for part in value.split(";"))):
        label, _, url = (piece.strip() for piece in item.partition("|"))
        if not label or not re.fullmatch(r"https?://\S+", url):
            raise SettingsError(
                f"{name} must list label|https://link pairs separated by ';', e.g. "
                f"'Employee Assistance Programme|https://eap.example.com'; {item!r} is not one."
            )
        resources.append(SupportResource(label, url))
    return tuple(resources)


def _admin_user_ids(name: str, value: str) -> frozenset[str]:
    found = set()
    for item in filter(None, (part.strip() for part in value.split(","))):
        if not re.fullmatch(r"[UW][A-Z0-9]{2,}", item):
            raise SettingsError(
                f"{name} must list Slack member IDs like U0123ABCD separated by commas "
                f"(in Slack: open their profile, then More > Copy member ID); {item!r} is not one."
            )
        found.add(item)
    return frozenset(found)


def _offer_emojis(name: str, value: str) -> tuple[str, ...]:
    found: list[str] = []
    for item in filter(None, (part.strip().strip(":").lower() for part in value.split(","))):
        # Slack's emoji names: lowercase letters, digits, and - _ + ' (e.g. +1, woman-raising-hand)
        if not re.fullmatch(r"[a-z0-9_+\-']{1,100}", item):
            raise SettingsError(
                f"{name} must list emoji names separated by commas, as Slack writes them "
                f"without colons (e.g. raising_hand,hand); {item!r} is not one."
            )
        found.append(item)
    if not found:
        raise SettingsError(f"{name} is empty: list at least one emoji name, or unset it.")
    return tuple(dict.fromkeys(found))


# One line a setting the app can do without: the Settings field, its variable, its reader, and the
# text read when the variable is unset or blank.
_OPTIONAL: tuple[tuple[str, str, Callable[[str, str], object], str], ...] = (
    ("api_url", "SLACK_API_URL", _api_url, DEFAULT_API_URL),
    ("database_url", "DATABASE_URL", _database_url, DEFAULT_DATABASE_URL),
    ("log_level", "LOG_LEVEL", _log_level, "INFO"),
    ("port", "PORT", _port, str(DEFAULT_PORT)),
    ("allow_anonymous", "ALLOW_ANONYMOUS_ASKS", _flag, "false"),
    ("support_resources", "SUPPORT_RESOURCES", _support_resources, ""),
    ("admin_user_ids", "ADMIN_USER_IDS", _admin_user_ids, ""),
    ("widen_fraction", "WIDEN_FRACTION", _widen_fraction, "0.25"),
    ("widen_without_deadline", "WIDEN_NO_DEADLINE_HOURS", _widen_hours, "4"),
    ("offer_emojis", "OFFER_EMOJIS", _offer_emojis, ",".join(Settings.offer_emojis)),
    ("scheduler", "SCHEDULER", _scheduler, "embedded"),
    ("outbox_per_second", "OUTBOX_PER_SECOND", _outbox_pace, "20"),
)
