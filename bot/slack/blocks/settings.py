"""The admins' form for the workspace's nudges, digests and working week."""

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from slack_sdk.models.blocks import (
    Option,
)

from bot.domain.nudges import NudgeKind
from bot.domain.prefs import (
    INACTIVE_WEEKS,
    WEEKLY_CAPS,
    WorkspacePolicy,
    nudge_kinds,
)
from bot.domain.problems import Fault, FieldProblem
from bot.domain.text import whole_number
from bot.domain.worktime import WorkingWeek, working_week
from bot.slack.blocks import ids
from bot.slack.blocks.home import NUDGE_LABELS, WEEKDAYS
from bot.slack.blocks.inputs import (
    Wording,
    checkboxes_input,
    modal,
    select_input,
    text_input,
    worded_errors,
)
from bot.slack.blocks.state import option_values, selected, state_values, text


def _numbers(values: range, unit: str) -> list[Option]:
    return [Option(value=str(n), label=f"{n} {unit}") for n in values]


def settings_modal(policy: WorkspacePolicy) -> dict[str, Any]:
    kinds = [Option(value=k, label=NUDGE_LABELS[k].capitalize()) for k in NudgeKind]
    caps = _numbers(WEEKLY_CAPS, "a week")
    quiet = _numbers(INACTIVE_WEEKS, "weeks")
    days = [Option(value=str(n), label=day) for n, day in enumerate(WEEKDAYS)]
    hours = [Option(value=str(h), label=f"{h:02d}:00") for h in range(24)]
    week = policy.working_week
    blocks = [
        checkboxes_input(
            ids.SETTINGS_WORKDAYS_BLOCK,
            ids.SETTINGS_WORKDAYS_INPUT,
            "Workdays",
            days,
            checked={str(day) for day in week.days},
            optional=False,
        ),
        select_input(
            ids.SETTINGS_STARTS_BLOCK,
            ids.SETTINGS_STARTS_INPUT,
            "The working day starts at",
            hours,
            str(week.start.hour),
        ),
        select_input(
            ids.SETTINGS_ENDS_BLOCK,
            ids.SETTINGS_ENDS_INPUT,
            "And ends at",
            hours[1:],
            str(week.end.hour),
            hint=(
                "In each person's own time zone. Nudges and follow-ups wait for these hours; "
                "suggested helpers and the coach's deadline check count them."
            ),
        ),
        checkboxes_input(
            ids.SETTINGS_KINDS_BLOCK,
            ids.SETTINGS_KINDS_INPUT,
            "Nudges to send",
            kinds,
            checked=policy.enabled,
        ),
        select_input(
            ids.SETTINGS_CAP_BLOCK,
            ids.SETTINGS_CAP_INPUT,
            "At most, per person",
            caps,
            str(policy.weekly_cap),
            hint="And never more than one a day.",
        ),
        select_input(
            ids.SETTINGS_QUIET_BLOCK,
            ids.SETTINGS_QUIET_INPUT,
            "Invite to a small ask after",
            quiet,
            str(policy.inactive_weeks),
        ),
        select_input(
            ids.SETTINGS_DAY_BLOCK,
            ids.SETTINGS_DAY_INPUT,
            "Weekly digest day",
            days,
            str(policy.digest_weekday),
        ),
        select_input(
            ids.SETTINGS_HOUR_BLOCK,
            ids.SETTINGS_HOUR_INPUT,
            "Weekly digest hour",
            hours,
            str(policy.digest_hour),
            hint="Each person's digest arrives at this hour in their own time zone.",
        ),
        text_input(
            ids.SETTINGS_TZ_BLOCK,
            ids.SETTINGS_TZ_INPUT,
            "Time zone for channel digests",
            hint="A name like Europe/Berlin or America/New_York.",
            initial=policy.digest_tz,
            max_length=64,
        ),
    ]
    return modal(ids.SETTINGS_MODAL, "Workspace settings", "Save", blocks, metadata={})


def _int(value: str | None) -> int:
    """A chosen option's number; -1, out of every range, for anything else."""
    number = whole_number(value, 10**6)
    return -1 if number is None else number


def read_settings_form(view: Any) -> tuple[WorkspacePolicy, dict[str, FieldProblem]]:
    """The policy as submitted, and what is wrong with a working week that cannot be one (the
    policy then carries the standard week, and must not be saved). Anything else missing or
    malformed reads as out of range, and the policy's validation says so."""
    values = state_values(view)
    kinds = option_values(values, ids.SETTINGS_KINDS_BLOCK, ids.SETTINGS_KINDS_INPUT)
    policy = WorkspacePolicy(
        enabled=nudge_kinds(kinds),
        weekly_cap=_int(selected(values, ids.SETTINGS_CAP_BLOCK, ids.SETTINGS_CAP_INPUT)),
        inactive_weeks=_int(selected(values, ids.SETTINGS_QUIET_BLOCK, ids.SETTINGS_QUIET_INPUT)),
        digest_weekday=_int(selected(values, ids.SETTINGS_DAY_BLOCK, ids.SETTINGS_DAY_INPUT)),
        digest_hour=_int(selected(values, ids.SETTINGS_HOUR_BLOCK, ids.SETTINGS_HOUR_INPUT)),
        digest_tz=text(values, ids.SETTINGS_TZ_BLOCK, ids.SETTINGS_TZ_INPUT).strip(),
    )
    week, errors = _read_week(values)
    return (policy if week is None else replace(policy, working_week=week)), errors


def _read_week(values: dict[str, Any]) -> tuple[WorkingWeek | None, dict[str, FieldProblem]]:
    days = option_values(values, ids.SETTINGS_WORKDAYS_BLOCK, ids.SETTINGS_WORKDAYS_INPUT)
    starts = _int(selected(values, ids.SETTINGS_STARTS_BLOCK, ids.SETTINGS_STARTS_INPUT))
    ends = _int(selected(values, ids.SETTINGS_ENDS_BLOCK, ids.SETTINGS_ENDS_INPUT))
    weekdays = {_int(day) for day in days} & set(range(7))
    errors = {}
    if not weekdays:
        errors["workdays"] = FieldProblem(Fault.MISSING)
    if not 0 <= starts <= 23:
        errors["day_starts"] = FieldProblem(Fault.OUT_OF_RANGE, limit=23)
    elif not starts < ends <= 23:
        errors["day_ends"] = FieldProblem(Fault.TOO_EARLY)
    if errors:
        return None, errors
    return working_week(weekdays, starts, ends), {}


_HOUR = "Pick an hour from 0 to {limit}."
_WORDING: Wording = {
    ("weekly_cap", Fault.OUT_OF_RANGE): f"Pick {WEEKLY_CAPS[0]} to {{limit}} nudges a week.",
    ("inactive_weeks", Fault.OUT_OF_RANGE): f"Pick {INACTIVE_WEEKS[0]} to {{limit}} weeks.",
    ("digest_weekday", Fault.OUT_OF_RANGE): "Pick a day of the week.",
    ("digest_hour", Fault.OUT_OF_RANGE): _HOUR,
    ("digest_tz", Fault.UNKNOWN): "Use a time zone name like Europe/Berlin or America/New_York.",
    ("workdays", Fault.MISSING): "Pick at least one workday.",
    ("day_starts", Fault.OUT_OF_RANGE): _HOUR,
    ("day_ends", Fault.TOO_EARLY): (
        "Pick an hour after the day starts: a working day ends on its own day."
    ),
}


def settings_errors(problems: Mapping[str, FieldProblem]) -> dict[str, str]:
    return worded_errors(problems, ids.SETTINGS_FIELD_BLOCKS, _WORDING)
