"""manifest.yml must create the app in Slack as it is: checked against Slack's manifest schema."""

import json
import re

import jsonschema
import pytest
import yaml

from tests.support import REPO

SCHEMA = REPO.parent / "shared" / "slack-reference" / "manifest" / "slack-app-manifest.schema.json"
MANIFEST_TEXT = (REPO / "manifest.yml").read_text()
MANIFEST = yaml.safe_load(MANIFEST_TEXT)


@pytest.mark.skipif(not SCHEMA.exists(), reason="Slack reference folder not present")
def test_manifest_matches_slacks_schema() -> None:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft4Validator(schema).validate(MANIFEST)


def test_ask_command_interactivity_and_socket_mode() -> None:
    commands = [c["command"] for c in MANIFEST["features"]["slash_commands"]]
    assert commands == ["/ask"]
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    assert MANIFEST["settings"]["socket_mode_enabled"] is True


def test_bot_events_later_features_need() -> None:
    events = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    assert {"reaction_added", "reaction_removed", "app_home_opened"} <= events


def test_user_events_keep_the_user_cache_fresh_and_say_why() -> None:
    events = MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    assert {"user_change", "team_join"} <= set(events)
    assert "users:read" in MANIFEST["oauth_config"]["scopes"]["bot"]  # both events need it
    lines = MANIFEST_TEXT.splitlines()
    for name in ("user_change", "team_join"):
        index = next(i for i, line in enumerate(lines) if re.fullmatch(rf"\s+- {name}", line))
        assert lines[index - 1].strip().startswith("#"), f"{name} has no comment saying why"


def test_every_scope_says_why_it_is_needed() -> None:
    scopes = MANIFEST["oauth_config"]["scopes"]["bot"]
    assert len(scopes) == len(set(scopes))
    lines = MANIFEST_TEXT.splitlines()
    for scope in scopes:
        index = next(i for i, line in enumerate(lines) if re.fullmatch(rf"\s+- {scope}", line))
        assert lines[index - 1].strip().startswith("#"), f"{scope} has no comment saying why"


def test_least_privilege() -> None:
    # Each scope here is used by a listener or a Web API call; widen only with a reason.
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == {
        "commands",
        "chat:write",
        "reactions:read",
        "users:read",
        "mpim:write",
        "im:write",
        "im:history",
        "channels:history",
        "groups:history",
    }


def test_the_message_shortcut_matches_the_listener() -> None:
    from bot.slack.blocks import ids

    (shortcut,) = MANIFEST["features"]["shortcuts"]
    assert (shortcut["type"], shortcut["callback_id"]) == ("message", ids.ASK_FROM_MESSAGE)
    assert len(shortcut["name"]) <= 24
