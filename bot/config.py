"""Settings read from the environment, checked once at start-up.

Every problem is reported as one sentence that names the variable and says where to get a good
value, because the person reading it is usually setting the app up for the first time.
"""

import logging
import os
import re
from collections.abc import Mapping
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

    api_url = _get(env, "SLACK_API_URL") or DEFAULT_API_URL
    parsed = urlparse(api_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise SettingsError(
            f"SLACK_API_URL must be an http(s) URL such as {DEFAULT_API_URL}, not {api_url!r}; "
            "leave it unset to talk to Slack itself."
        )
    if not api_url.endswith("/"):
        api_url += "/"

    database_url = _get(env, "DATABASE_URL") or DEFAULT_DATABASE_URL
    try:
        url = make_url(database_url)
    except ArgumentError:
        raise SettingsError(
            "DATABASE_URL is not a database URL: use sqlite:///reciprocity.db or "
            "postgresql+psycopg://user:password@host:5432/dbname."
        ) from None
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise SettingsError(
            f"DATABASE_URL names {url.get_backend_name()!r}; Reciprocity supports sqlite and "
            "postgresql (postgresql+psycopg://user:password@host:5432/dbname)."
        )
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        parent = Path(url.database).expanduser().resolve().parent
        if not parent.is_dir():
            raise SettingsError(f"DATABASE_URL points into {parent}, which does not exist.")

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

    level_name = (_get(env, "LOG_LEVEL") or "INFO").upper()
    log_level = logging.getLevelNamesMapping().get(level_name)
    if log_level is None:
        raise SettingsError(
            f"LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, not {level_name!r}."
        )

    port_text = _get(env, "PORT") or str(DEFAULT_PORT)
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SettingsError(f"PORT must be a TCP port number (1-65535), not {port_text!r}.")

    allow_anonymous = _flag(env, "ALLOW_ANONYMOUS_ASKS")
    support_resources = _support_resources(_get(env, "SUPPORT_RESOURCES"))
    admin_user_ids = _admin_user_ids(_get(env, "ADMIN_USER_IDS"))
    fraction_text = _get(env, "WIDEN_FRACTION") or "0.25"
    try:
        widen_fraction = float(fraction_text)
    except ValueError:
        widen_fraction = -1.0
    if not 0 < widen_fraction <= 1:
        raise SettingsError(
            f"WIDEN_FRACTION must be a number above 0 and at most 1, not {fraction_text!r}: the "
            "share of the time left to wait for an offer before widening a request."
        )
    hours_text = _get(env, "WIDEN_NO_DEADLINE_HOURS") or "4"
    if not hours_text.isdigit() or not 1 <= int(hours_text) <= 168:
        raise SettingsError(
            f"WIDEN_NO_DEADLINE_HOURS must be a whole number of hours from 1 to 168, not "
            f"{hours_text!r}."
        )

    offer_emojis = _offer_emojis(_get(env, "OFFER_EMOJIS"))
    scheduler = (_get(env, "SCHEDULER") or "embedded").lower()
    if scheduler not in ("embedded", "off", "only"):
        raise SettingsError(
            f"SCHEDULER must be embedded (jobs run in the app process), off (another process "
            f"runs them) or only (this process runs just the jobs), not {scheduler!r}."
        )
    pace_text = _get(env, "OUTBOX_PER_SECOND") or "20"
    try:
        outbox_per_second = float(pace_text)
    except ValueError:
        outbox_per_second = -1.0
    if not 0 < outbox_per_second <= 100:
        raise SettingsError(
            f"OUTBOX_PER_SECOND must be a number of messages a second above 0 and at most 100, "
            f"not {pace_text!r}."
        )

    return Settings(
        bot_token=bot_token,
        signing_secret=signing_secret or "",
        app_token=app_token,
        api_url=api_url,
        database_url=database_url,
        help_channel=help_channel,
        log_level=log_level,
        port=int(port_text),
        allow_anonymous=allow_anonymous,
        support_resources=support_resources,
        admin_user_ids=admin_user_ids,
        widen_fraction=widen_fraction,
        widen_without_deadline=timedelta(hours=int(hours_text)),
        offer_emojis=offer_emojis,
        scheduler=scheduler,
        outbox_per_second=outbox_per_second,
    )


def _flag(env: Mapping[str, str], name: str) -> bool:
    value = (_get(env, name) or "false").lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, not {value!r}.")


def _support_resources(value: str | None) -> tuple[SupportResource, ...]:
    if value is None:
        return ()
    resources = []
    for item in filter(None, (part.strip() for part in value.split(";"))):
        label, _, url = (piece.strip() for piece in item.partition("|"))
        if not label or not re.fullmatch(r"https?://\S+", url):
            raise SettingsError(
                "SUPPORT_RESOURCES must list label|https://link pairs separated by ';', e.g. "
                f"'Employee Assistance Programme|https://eap.example.com'; {item!r} is not one."
            )
        resources.append(SupportResource(label, url))
    return tuple(resources)


def _admin_user_ids(value: str | None) -> frozenset[str]:
    if value is None:
        return frozenset()
    found = set()
    for item in filter(None, (part.strip() for part in value.split(","))):
        if not re.fullmatch(r"[UW][A-Z0-9]{2,}", item):
            raise SettingsError(
                "ADMIN_USER_IDS must list Slack member IDs like U0123ABCD separated by commas "
                f"(in Slack: open their profile, then More > Copy member ID); {item!r} is not one."
            )
        found.add(item)
    return frozenset(found)


def _offer_emojis(value: str | None) -> tuple[str, ...]:
    if value is None:
        return Settings.offer_emojis
    found: list[str] = []
    for item in filter(None, (part.strip().strip(":").lower() for part in value.split(","))):
        # Slack's emoji names: lowercase letters, digits, and - _ + ' (e.g. +1, woman-raising-hand)
        if not re.fullmatch(r"[a-z0-9_+\-']{1,100}", item):
            raise SettingsError(
                "OFFER_EMOJIS must list emoji names separated by commas, as Slack writes them "
                f"without colons (e.g. raising_hand,hand); {item!r} is not one."
            )
        found.append(item)
    if not found:
        raise SettingsError("OFFER_EMOJIS is empty: list at least one emoji name, or unset it.")
    return tuple(dict.fromkeys(found))
