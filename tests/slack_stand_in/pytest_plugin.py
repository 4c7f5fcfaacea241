"""Pytest fixtures for the Slack stand-in.

Load with ``pytest_plugins = ["tests.slack_stand_in.pytest_plugin"]`` in the top-level
``tests/conftest.py``; the repository root must be importable (``pythonpath = ["."]``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .fake_slack import FakeSlack

BOT_TOKEN = "xoxb-test-token"
SIGNING_SECRET = "test-signing-secret"
TEAM_ID = "T0001"
BOT_USER_ID = "UBOT0001"
BOT_ID = "B0001"

ASKER_ID = "UASKER01"
HELPER_1_ID = "UHELPER01"
HELPER_2_ID = "UHELPER02"
HELPER_3_ID = "UHELPER03"
HELPER_IDS = (HELPER_1_ID, HELPER_2_ID, HELPER_3_ID)
ADMIN_ID = "UADMIN01"
DEACTIVATED_ID = "UGONE01"
OTHER_BOT_USER_ID = "UOTHERBOT"

HELP_CHANNEL_ID = "C0HELP"
GENERAL_CHANNEL_ID = "C0GENERAL"
PRIVATE_CHANNEL_ID = "G0PRIVATE"
ARCHIVED_CHANNEL_ID = "C0ARCHIVED"


def seed_workspace(fake: FakeSlack) -> None:
    """A small workspace spread over time zones, so scheduling code meets real offsets."""
    fake.add_user(ASKER_ID, name="asker", real_name="Ada Asker", tz="Europe/Berlin", tz_offset=3600)
    fake.add_user(HELPER_1_ID, name="helper1", real_name="Hal Helper")
    fake.add_user(
        HELPER_2_ID,
        name="helper2",
        real_name="Hana Helper",
        tz="Asia/Tokyo",
        tz_offset=32400,
    )
    fake.add_user(
        HELPER_3_ID,
        name="helper3",
        real_name="Hugo Helper",
        tz="America/Los_Angeles",
        tz_offset=-28800,
    )
    fake.add_user(
        ADMIN_ID, name="admin", real_name="Alex Admin", tz="UTC", tz_offset=0, is_admin=True
    )
    fake.add_user(DEACTIVATED_ID, name="gone", real_name="Gil Gone", deleted=True)
    fake.add_user(OTHER_BOT_USER_ID, name="otherbot", real_name="Other Bot", is_bot=True)
    fake.add_channel(HELP_CHANNEL_ID, name="help")
    fake.add_channel(GENERAL_CHANNEL_ID, name="general")
    fake.add_channel(PRIVATE_CHANNEL_ID, name="secret", is_private=True, is_member=False)
    fake.add_channel(ARCHIVED_CHANNEL_ID, name="old-help", is_archived=True)


@pytest.fixture(scope="session")
def fake_slack_server() -> Iterator[FakeSlack]:
    """One fake Slack for the whole run; prefer ``fake_slack``, which isolates each test."""
    fake = FakeSlack(token=BOT_TOKEN, team_id=TEAM_ID, bot_user_id=BOT_USER_ID)
    seed_workspace(fake)
    fake.set_baseline()
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def fake_slack(fake_slack_server: FakeSlack) -> Iterator[FakeSlack]:
    """The shared fake, reset for this test; the test fails if the app broke Slack's contract."""
    fake_slack_server.reset()
    yield fake_slack_server
    violations = fake_slack_server.violations
    fake_slack_server.reset()
    if violations:
        listed = "\n  - ".join(violations)
        pytest.fail(f"the app broke Slack's contract:\n  - {listed}", pytrace=False)
