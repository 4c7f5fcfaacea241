"""The workspace's working week: admins choose it on the settings form (signed requests against
the fake Slack), and nudges, follow-ups, the helper ranking and the SMART coach all use it.

The week chosen here is Sunday to Thursday, 08:00-16:00; everyone involved is in Berlin
(UTC+1 in November), so 10:00 there is 09:00 UTC."""

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from bot.domain.outbox import CHANNEL_DIGEST, PERSONAL_DIGEST
from bot.domain.prefs import WorkspacePolicy
from bot.domain.requests import HelpKind, RequestDraft, RequestSize
from bot.domain.smart import Criterion, Verdict
from bot.domain.worktime import STANDARD_WEEK, WorkingWeek
from bot.services import closing, scheduled
from bot.services.asks import Prepared, prepare_request
from bot.services.prefs import policy_of
from bot.slack.blocks import ids
from db.models import OutboxMessage, WorkspaceSettings
from tests import factories
from tests.slack_stand_in.pytest_plugin import ADMIN_ID, ASKER_ID, HELP_CHANNEL_ID, TEAM_ID
from tests.support import FakeClock, home_of, opened, text_of

BERLIN = "Europe/Berlin"
SUNDAY_10 = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
FRIDAY_10 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
SUNDAY_TO_THURSDAY = WorkingWeek(frozenset({6, 0, 1, 2, 3}), time(8), time(16))


def settings_form(driver, fake_slack) -> dict:
    home = home_of(driver, fake_slack, ADMIN_ID)
    driver.block_action(ids.EDIT_WORKSPACE_SETTINGS, user_id=ADMIN_ID, view=home)
    return opened(fake_slack, ids.SETTINGS_MODAL)


def week_values(days=("6", "0", "1", "2", "3"), starts="8", ends="16") -> dict:
    return {
        ids.SETTINGS_WORKDAYS_INPUT: list(days),
        ids.SETTINGS_STARTS_INPUT: starts,
        ids.SETTINGS_ENDS_INPUT: ends,
    }


def crafted(form: dict) -> dict:
    """As a crafted payload would be: past the client's own checks for required inputs."""
    for block in form["blocks"]:
        block["optional"] = True
    return form


@pytest.fixture
def sunday_to_thursday(session, driver, fake_slack) -> None:
    """An admin has saved a Sunday-to-Thursday week, 08:00-16:00, on the settings form."""
    response = driver.view_submission(
        settings_form(driver, fake_slack), week_values(), user_id=ADMIN_ID
    )
    assert response.status == 200
    assert not response.body
    session.expire_all()


# --- The form ------------------------------------------------------------------------------


def test_an_admin_saves_the_working_week(sunday_to_thursday, session, driver, fake_slack) -> None:
    assert policy_of(session, TEAM_ID) == WorkspacePolicy(working_week=SUNDAY_TO_THURSDAY)
    assert "Sunday to Thursday, 08:00 to 16:00" in text_of(home_of(driver, fake_slack, ADMIN_ID))

    form = settings_form(driver, fake_slack)  # shows what is stored
    by_block = {b["block_id"]: b["element"] for b in form["blocks"]}
    ticked = by_block[ids.SETTINGS_WORKDAYS_BLOCK]["initial_options"]
    assert {o["value"] for o in ticked} == {"6", "0", "1", "2", "3"}
    assert by_block[ids.SETTINGS_STARTS_BLOCK]["initial_option"]["value"] == "8"
    assert by_block[ids.SETTINGS_ENDS_BLOCK]["initial_option"]["value"] == "16"


def test_a_workspace_that_chose_nothing_has_the_standard_week(session, driver, fake_slack) -> None:
    assert policy_of(session, TEAM_ID).working_week == STANDARD_WEEK
    assert "Monday to Friday, 09:00 to 17:00" in text_of(home_of(driver, fake_slack, ADMIN_ID))


@pytest.mark.parametrize(
    ("values", "block"),
    [
        (week_values(days=()), ids.SETTINGS_WORKDAYS_BLOCK),
        (week_values(starts="16", ends="8"), ids.SETTINGS_ENDS_BLOCK),
        (week_values(starts="9", ends="9"), ids.SETTINGS_ENDS_BLOCK),
    ],
    ids=["no workday", "ends before it starts", "ends as it starts"],
)
def test_a_week_that_cannot_be_is_a_field_error(session, driver, fake_slack, values, block) -> None:
    form = crafted(settings_form(driver, fake_slack))
    response = driver.view_submission(form, values, user_id=ADMIN_ID)

    assert response.json()["response_action"] == "errors"
    assert list(response.json()["errors"]) == [block]
    session.expire_all()
    assert session.scalars(select(WorkspaceSettings)).all() == []


def test_a_non_admin_cannot_change_the_week(session, driver, fake_slack) -> None:
    form = settings_form(driver, fake_slack)  # the admin's form, submitted by someone else
    driver.view_submission(form, week_values(), user_id=ASKER_ID)

    session.expire_all()
    assert session.scalars(select(WorkspaceSettings)).all() == []
    assert policy_of(session, TEAM_ID).working_week == STANDARD_WEEK
    told = [c.args["text"] for c in fake_slack.calls_to("chat.postMessage")]
    assert "Only workspace admins can change these settings." in told


# --- Nudges and follow-ups -----------------------------------------------------------------


def nudges_planned(session, now: datetime) -> dict[str, str]:
    """Plan at `now` with Ben (who knows postgres) and Cleo's postgres request, three hours
    without an offer; who is nudged, with which kind."""
    factories.person(session, "UBEN0001", at=now, tz=BERLIN, skills=["postgres"])
    factories.slack_user(session, "UCLEO001", at=now, tz=BERLIN)
    asked = now - timedelta(hours=3)
    factories.help_request(
        session,
        at=asked,
        what="Could someone check my postgres index migration?",
        asker_id="UCLEO001",
        posted_channel=HELP_CHANNEL_ID,
        posted_ts="1700000000.000100",
        posted_at=asked,
    )
    session.commit()
    scheduled.plan_team(session, team_id=TEAM_ID, now=now)
    session.expire_all()
    rows = session.scalars(select(OutboxMessage))
    return {r.target: r.kind for r in rows if r.kind not in (CHANNEL_DIGEST, PERSONAL_DIGEST)}


@pytest.mark.parametrize(
    ("now", "nudged"), [(SUNDAY_10, True), (FRIDAY_10, False)], ids=["sunday", "friday"]
)
def test_nudges_go_out_in_the_workspaces_week(sunday_to_thursday, session, now, nudged) -> None:
    assert ("UBEN0001" in nudges_planned(session, now)) is nudged


def test_the_standard_week_would_nudge_on_friday_not_sunday(session) -> None:
    assert "UBEN0001" in nudges_planned(session, FRIDAY_10)


def follow_ups_at(session, deps, now: datetime) -> list[int]:
    """An open request of the asker (Berlin) whose needed-by passed an hour before `now`."""
    factories.help_request(
        session,
        at=now - timedelta(days=2),
        posted_channel=HELP_CHANNEL_ID,
        posted_ts="1700000000.000200",
        posted_at=now - timedelta(days=2),
        needed_by=now - timedelta(hours=1),
    )
    session.commit()
    return closing.follow_up_due(session, deps.slack, clock=FakeClock(now))


@pytest.mark.parametrize(
    ("now", "asked"), [(SUNDAY_10, True), (FRIDAY_10, False)], ids=["sunday", "friday"]
)
def test_the_follow_up_waits_for_the_workspaces_week(
    sunday_to_thursday, session, deps, now, asked
) -> None:
    assert bool(follow_ups_at(session, deps, now)) is asked


# --- The ack path: coach and ranking ---------------------------------------------------------


def prepared_on_sunday(session, databases) -> Prepared:
    """Ada (Berlin) asks on Sunday at 10:00 for a few hours' work by 15:00 the same day; UDB1
    (Berlin) is glad to help with databases."""
    factories.slack_user(session, ASKER_ID, at=SUNDAY_10, tz=BERLIN)
    factories.person(session, "UDB1", at=SUNDAY_10, tz=BERLIN, topics=[databases])
    session.commit()
    draft = RequestDraft(
        what="Could someone pair with me on a postgres migration that locks a table?",
        why="The release waits on it.",
        kind=HelpKind.PAIRING,
        size=RequestSize.HOURS,
        needed_by=SUNDAY_10 + timedelta(hours=5),
    )
    return prepare_request(
        session,
        team_id=TEAM_ID,
        asker_id=ASKER_ID,
        draft=draft,
        allow_anonymous=False,
        source=None,
        help_channel=HELP_CHANNEL_ID,
        clock=FakeClock(SUNDAY_10),
    )


def test_the_coach_and_the_ranking_count_the_workspaces_week(
    sunday_to_thursday, session, databases
) -> None:
    prepared = prepared_on_sunday(session, databases)
    # 10:00 to 15:00 on a workday is five working hours: enough for a few hours' work.
    assert prepared.report.finding(Criterion.REALISTIC).verdict is Verdict.MET
    (suggestion,) = prepared.plan.suggestions
    assert "working hours now" in suggestion.reasons


def test_in_the_standard_week_sunday_is_no_working_time(session, databases) -> None:
    prepared = prepared_on_sunday(session, databases)
    assert prepared.report.finding(Criterion.REALISTIC).verdict is Verdict.WEAK
    assert all("working hours" not in r for s in prepared.plan.suggestions for r in s.reasons)
