"""People's own choices about nudges and digests (from the messages and from App Home), and the
admins' workspace settings, through signed requests against the fake Slack."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.domain.message import Message, line, to_json
from bot.domain.outbox import PERSONAL_DIGEST, OutboxStatus, outbox_key
from bot.domain.prefs import WorkspacePolicy
from bot.services import outbox
from bot.services.prefs import policy_of, prefs_of
from bot.slack.blocks import ids
from db import outbox_queries as oq
from db.models import PersonPrefs, WorkspaceSettings
from tests.slack_stand_in.pytest_plugin import ADMIN_ID, ASKER_ID, TEAM_ID
from tests.support import headers, home_of, opened, text_of


def sent(session, deps, fake_slack, clock, kind: str, user_id: str = ASKER_ID) -> tuple[str, dict]:
    """Send one scheduled message of `kind` to `user_id` through the outbox; its ts and body."""
    oq.enqueue(
        session,
        [
            {
                "team_id": TEAM_ID,
                "key": outbox_key(kind, user_id, "2026-W48"),
                "kind": kind,
                "target": user_id,
                "period": "2026-W48",
                "payload": to_json(Message(((line("Small asks are welcome here."),),))),
                "status": OutboxStatus.PENDING,
                "next_attempt_at": clock(),
                "created_at": clock(),
            }
        ],
    )
    session.commit()
    outbox.send_due(session, deps.slack, clock=clock, pacer=outbox.Pacer(per_second=1000))
    channel = fake_slack.dm_channel_id(user_id)
    ((ts, message),) = [(t, m) for (c, t), m in fake_slack.messages.items() if c == channel]
    return ts, message


def click(driver, fake_slack, user_id, action_id, ts, message):
    value = next(
        e.get("value")
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == action_id
    )
    driver.block_action(
        action_id,
        user_id=user_id,
        value=value,
        message={**message, "ts": ts},
        channel_id=fake_slack.dm_channel_id(user_id),
    )


def test_snooze_on_a_nudge_pauses_nudges_for_two_weeks(
    session, deps, driver, fake_slack, clock
) -> None:
    ts, message = sent(session, deps, fake_slack, clock, "start_small")

    click(driver, fake_slack, ASKER_ID, ids.SNOOZE_NUDGES, ts, message)

    session.expire_all()
    assert prefs_of(session, TEAM_ID, ASKER_ID).snoozed_until == clock() + timedelta(days=14)
    answered = fake_slack.messages[(fake_slack.dm_channel_id(ASKER_ID), ts)]
    assert "Snoozed" in answered["text"]
    assert "actions" not in str(answered["blocks"])


def test_stop_these_stops_only_that_kind(session, deps, driver, fake_slack, clock) -> None:
    ts, message = sent(session, deps, fake_slack, clock, "reciprocity")

    click(driver, fake_slack, ASKER_ID, ids.STOP_NUDGES, ts, message)
    click(driver, fake_slack, ASKER_ID, ids.STOP_NUDGES, ts, message)  # a double click

    session.expire_all()
    prefs = prefs_of(session, TEAM_ID, ASKER_ID)
    assert prefs.stopped == {"reciprocity"}
    assert prefs.snoozed_until is None
    assert len(session.scalars(select(PersonPrefs)).all()) == 1


def test_a_crafted_stop_of_an_unknown_kind_changes_nothing(
    session, deps, driver, fake_slack, clock
) -> None:
    ts, message = sent(session, deps, fake_slack, clock, "reciprocity")
    driver.block_action(
        ids.STOP_NUDGES,
        user_id=ASKER_ID,
        value="everything",
        message={**message, "ts": ts},
        channel_id=fake_slack.dm_channel_id(ASKER_ID),
    )
    session.expire_all()
    assert session.scalars(select(PersonPrefs)).all() == []


def test_the_digest_can_be_turned_off_and_on_again_from_home(
    session, deps, driver, fake_slack, clock
) -> None:
    ts, message = sent(session, deps, fake_slack, clock, PERSONAL_DIGEST)
    click(driver, fake_slack, ASKER_ID, ids.DIGEST_OFF, ts, message)
    session.expire_all()
    assert prefs_of(session, TEAM_ID, ASKER_ID).digest_off

    home = home_of(driver, fake_slack, ASKER_ID)
    assert "Weekly digest: off" in text_of(home)
    driver.block_action(ids.NUDGE_PREFS, user_id=ASKER_ID, value=ids.PREFS_DIGEST_ON, view=home)

    session.expire_all()
    assert not prefs_of(session, TEAM_ID, ASKER_ID).digest_off
    assert "Weekly digest: on" in text_of(home_of(driver, fake_slack, ASKER_ID))


def test_resume_from_home_clears_snooze_and_stops(session, deps, driver, fake_slack, clock) -> None:
    ts, message = sent(session, deps, fake_slack, clock, "start_small")
    click(driver, fake_slack, ASKER_ID, ids.STOP_NUDGES, ts, message)
    home = home_of(driver, fake_slack, ASKER_ID)
    assert "Nudges on, except: start small" in text_of(home)

    driver.block_action(ids.NUDGE_PREFS, user_id=ASKER_ID, value=ids.PREFS_RESUME, view=home)

    session.expire_all()
    assert prefs_of(session, TEAM_ID, ASKER_ID).stopped == frozenset()


# --- The workspace's settings ----------------------------------------------------------------


def settings_values(**changes) -> dict:
    values = {
        ids.SETTINGS_KINDS_INPUT: ["start_small", "matching_requests"],
        ids.SETTINGS_CAP_INPUT: "3",
        ids.SETTINGS_QUIET_INPUT: "6",
        ids.SETTINGS_DAY_INPUT: "4",
        ids.SETTINGS_HOUR_INPUT: "10",
        ids.SETTINGS_TZ_INPUT: "Europe/Berlin",
    }
    values.update(changes)
    return values


def test_an_admin_changes_the_workspace_settings(session, driver, fake_slack) -> None:
    home = home_of(driver, fake_slack, ADMIN_ID)
    assert "Workspace settings" in headers(home)
    driver.block_action(ids.EDIT_WORKSPACE_SETTINGS, user_id=ADMIN_ID, view=home)
    form = opened(fake_slack, ids.SETTINGS_MODAL)

    response = driver.view_submission(form, settings_values(), user_id=ADMIN_ID)

    assert response.status == 200
    assert not response.body
    session.expire_all()
    assert policy_of(session, TEAM_ID) == WorkspacePolicy(
        enabled=frozenset({"start_small", "matching_requests"}),
        weekly_cap=3,
        inactive_weeks=6,
        digest_weekday=4,
        digest_hour=10,
        digest_tz="Europe/Berlin",
    )
    assert "Fridays at 10:00" in text_of(home_of(driver, fake_slack, ADMIN_ID))


@pytest.mark.parametrize(
    ("field", "value", "block"),
    [
        (ids.SETTINGS_TZ_INPUT, "Mars/Olympus", ids.SETTINGS_TZ_BLOCK),
        (ids.SETTINGS_TZ_INPUT, "", ids.SETTINGS_TZ_BLOCK),
    ],
)
def test_a_bad_setting_is_a_field_error(session, driver, fake_slack, field, value, block) -> None:
    home = home_of(driver, fake_slack, ADMIN_ID)
    driver.block_action(ids.EDIT_WORKSPACE_SETTINGS, user_id=ADMIN_ID, view=home)
    form = opened(fake_slack, ids.SETTINGS_MODAL)
    for b in form["blocks"]:  # as a crafted payload would: past the client's own checks
        b["optional"] = True
        b.get("element", {}).pop("max_length", None)
    response = driver.view_submission(form, settings_values(**{field: value}), user_id=ADMIN_ID)

    assert response.json()["response_action"] == "errors"
    assert block in response.json()["errors"]
    session.expire_all()
    assert session.scalars(select(WorkspaceSettings)).all() == []


def test_non_admins_are_refused_the_settings(session, driver, fake_slack) -> None:
    assert "Workspace settings" not in headers(home_of(driver, fake_slack, ASKER_ID))
    # The button exists only on an admin's Home: a non-admin pressing it is a crafted payload.
    admin_home = home_of(driver, fake_slack, ADMIN_ID)
    driver.block_action(ids.EDIT_WORKSPACE_SETTINGS, user_id=ASKER_ID, view=admin_home)
    assert not [v for v in fake_slack.views.values() if v["callback_id"] == ids.SETTINGS_MODAL]
    told = [c.args["text"] for c in fake_slack.calls_to("chat.postMessage")]
    assert "Only workspace admins can change these settings." in told

    # The admin's form, submitted by someone else.
    driver.block_action(ids.EDIT_WORKSPACE_SETTINGS, user_id=ADMIN_ID, view=admin_home)
    form = opened(fake_slack, ids.SETTINGS_MODAL)
    driver.view_submission(form, settings_values(), user_id=ASKER_ID)
    session.expire_all()
    assert session.scalars(select(WorkspaceSettings)).all() == []
