import logging
import subprocess
import sys

import pytest

from bot.config import SettingsError, load_settings
from tests.support import REPO, SIGNING_SECRET

BASE = {
    "SLACK_BOT_TOKEN": "xoxb-1-2-abc",
    "SLACK_SIGNING_SECRET": SIGNING_SECRET,
    "HELP_CHANNEL": "C0HELP",
}


def test_defaults() -> None:
    settings = load_settings(BASE)
    assert settings.database_url == "sqlite:///reciprocity.db"
    assert settings.api_url == "https://slack.com/api/"
    assert settings.port == 3000
    assert settings.log_level == logging.INFO
    assert not settings.socket_mode


def test_everything_set() -> None:
    settings = load_settings(
        {
            **BASE,
            "SLACK_APP_TOKEN": "xapp-1-A1-2-abc",
            "SLACK_API_URL": "http://127.0.0.1:9000/api",
            "DATABASE_URL": "postgresql+psycopg://u@h:5432/d",
            "LOG_LEVEL": "debug",
            "PORT": "8080",
        }
    )
    assert settings.socket_mode
    assert settings.api_url == "http://127.0.0.1:9000/api/"
    assert settings.log_level == logging.DEBUG
    assert settings.port == 8080


def test_anonymous_asks_and_support_resources() -> None:
    settings = load_settings(
        {
            **BASE,
            "ALLOW_ANONYMOUS_ASKS": "yes",
            "SUPPORT_RESOURCES": "Employee Assistance Programme|https://eap.example.com; "
            "People team|https://intranet.example.com/people;",
        }
    )
    assert settings.allow_anonymous
    assert [(r.label, r.url) for r in settings.support_resources] == [
        ("Employee Assistance Programme", "https://eap.example.com"),
        ("People team", "https://intranet.example.com/people"),
    ]
    assert not load_settings(BASE).allow_anonymous
    assert load_settings(BASE).support_resources == ()


def test_admin_user_ids() -> None:
    settings = load_settings({**BASE, "ADMIN_USER_IDS": " U0123ABCD, W0456EFGH ,,U0123ABCD"})
    assert settings.admin_user_ids == frozenset({"U0123ABCD", "W0456EFGH"})
    assert load_settings(BASE).admin_user_ids == frozenset()
    assert load_settings({**BASE, "ADMIN_USER_IDS": " "}).admin_user_ids == frozenset()


def test_socket_mode_needs_no_signing_secret() -> None:
    env = {**BASE, "SLACK_APP_TOKEN": "xapp-1-A1-2-abc"}
    del env["SLACK_SIGNING_SECRET"]
    assert load_settings(env).signing_secret == ""


@pytest.mark.parametrize(
    ("changes", "names"),
    [
        ({"SLACK_BOT_TOKEN": ""}, ["SLACK_BOT_TOKEN", "OAuth & Permissions"]),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, ["SLACK_BOT_TOKEN", "xoxb-"]),
        ({"SLACK_SIGNING_SECRET": ""}, ["SLACK_SIGNING_SECRET", "Basic Information"]),
        ({"SLACK_SIGNING_SECRET": "not a secret"}, ["SLACK_SIGNING_SECRET"]),
        ({"SLACK_APP_TOKEN": "xoxb-wrong"}, ["SLACK_APP_TOKEN", "connections:write"]),
        ({"SLACK_API_URL": "slack.com/api"}, ["SLACK_API_URL"]),
        ({"DATABASE_URL": "not a url"}, ["DATABASE_URL"]),
        ({"DATABASE_URL": "mysql://u@h/d"}, ["DATABASE_URL", "sqlite"]),
        ({"DATABASE_URL": "postgresql+asyncpg://u@h/d"}, ["DATABASE_URL", "postgresql+psycopg://"]),
        ({"DATABASE_URL": "postgresql://u@h/d"}, ["DATABASE_URL", "sqlite:///"]),
        ({"DATABASE_URL": "sqlite:////no/such/dir/x.db"}, ["DATABASE_URL", "does not exist"]),
        ({"HELP_CHANNEL": ""}, ["HELP_CHANNEL", "Channel ID"]),
        ({"HELP_CHANNEL": "#help"}, ["HELP_CHANNEL", "C0123ABCD"]),
        ({"LOG_LEVEL": "LOUD"}, ["LOG_LEVEL"]),
        ({"PORT": "70000"}, ["PORT"]),
        ({"PORT": "http"}, ["PORT"]),
        ({"ALLOW_ANONYMOUS_ASKS": "maybe"}, ["ALLOW_ANONYMOUS_ASKS"]),
        ({"WIDEN_FRACTION": "0"}, ["WIDEN_FRACTION"]),
        ({"WIDEN_FRACTION": "half"}, ["WIDEN_FRACTION"]),
        ({"WIDEN_NO_DEADLINE_HOURS": "0"}, ["WIDEN_NO_DEADLINE_HOURS"]),
        ({"WIDEN_NO_DEADLINE_HOURS": "1.5"}, ["WIDEN_NO_DEADLINE_HOURS"]),
        ({"SUPPORT_RESOURCES": "EAP"}, ["SUPPORT_RESOURCES", "label|https://link"]),
        ({"SUPPORT_RESOURCES": "EAP|ftp://x"}, ["SUPPORT_RESOURCES"]),
        ({"ADMIN_USER_IDS": "@alex"}, ["ADMIN_USER_IDS", "U0123ABCD"]),
        ({"ADMIN_USER_IDS": "U0123ABCD;U0456EFGH"}, ["ADMIN_USER_IDS"]),
        ({"ADMIN_USER_IDS": "C0HELP"}, ["ADMIN_USER_IDS"]),
    ],
)
def test_bad_settings_name_the_variable(changes: dict[str, str], names: list[str]) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({**BASE, **changes})
    message = str(raised.value)
    assert "\n" not in message
    for name in names:
        assert name in message


@pytest.mark.subprocess
def test_the_app_stops_with_one_clear_sentence(tmp_path) -> None:
    env = {"PATH": "/usr/bin:/bin", "SLACK_BOT_TOKEN": "xoxb-1", "HELP_CHANNEL": "C0HELP"}
    result = subprocess.run(
        [sys.executable, str(REPO / "app.py")],
        cwd=tmp_path,  # no .env here to fill the gap
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("reciprocity: SLACK_SIGNING_SECRET is not set")
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_offer_emojis_default_and_custom() -> None:
    base = {
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "HELP_CHANNEL": "C0HELP1",
    }
    assert load_settings(base).offer_emojis == ("raising_hand", "hand")
    custom = load_settings({**base, "OFFER_EMOJIS": ":+1:, eyes ,+1"})
    assert custom.offer_emojis == ("+1", "eyes")
    with pytest.raises(SettingsError, match="OFFER_EMOJIS"):
        load_settings({**base, "OFFER_EMOJIS": "raising hand"})


def test_scheduler_mode_and_outbox_pace() -> None:
    base = {
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "HELP_CHANNEL": "C0HELP1",
    }
    settings = load_settings(base)
    assert (settings.scheduler, settings.outbox_per_second) == ("embedded", 20.0)
    only = load_settings({**base, "SCHEDULER": "Only", "OUTBOX_PER_SECOND": "2.5"})
    assert (only.scheduler, only.outbox_per_second) == ("only", 2.5)
    with pytest.raises(SettingsError, match="SCHEDULER"):
        load_settings({**base, "SCHEDULER": "sometimes"})
    with pytest.raises(SettingsError, match="OUTBOX_PER_SECOND"):
        load_settings({**base, "OUTBOX_PER_SECOND": "0"})
