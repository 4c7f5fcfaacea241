"""The admins' form for the workspace's nudges and digests."""

from typing import Any

from slack_sdk.models.blocks import (
    Option,
)

from bot.domain.nudges import NudgeKind
from bot.domain.prefs import WorkspacePolicy, nudge_kinds
from bot.slack.blocks import ids
from bot.slack.blocks.home import NUDGE_LABELS, WEEKDAYS
from bot.slack.blocks.inputs import checkboxes_input, modal, select_input, text_input
from bot.slack.blocks.state import option_values, selected, state_values, text


def _numbers(values: range, unit: str) -> list[Option]:
    return [Option(value=str(n), label=f"{n} {unit}") for n in values]


def settings_modal(policy: WorkspacePolicy) -> dict[str, Any]:
    kinds = [Option(value=k, label=NUDGE_LABELS[k].capitalize()) for k in NudgeKind]
    caps = _numbers(range(1, 8), "a week")
    quiet = _numbers(range(1, 27), "weeks")
    days = [Option(value=str(n), label=day) for n, day in enumerate(WEEKDAYS)]
    hours = [Option(value=str(h), label=f"{h:02d}:00") for h in range(24)]
    blocks = [
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
    return modal(ids.SETTINGS_MODAL, "Nudges and digests", "Save", blocks, metadata={})


def _int(value: str | None) -> int:
    return int(value) if value is not None and value.lstrip("-").isdigit() else -1


def read_settings_form(view: Any) -> WorkspacePolicy:
    """Anything missing or malformed reads as out of range, and validation says so."""
    values = state_values(view)
    kinds = option_values(values, ids.SETTINGS_KINDS_BLOCK, ids.SETTINGS_KINDS_INPUT)
    return WorkspacePolicy(
        enabled=nudge_kinds(kinds),
        weekly_cap=_int(selected(values, ids.SETTINGS_CAP_BLOCK, ids.SETTINGS_CAP_INPUT)),
        inactive_weeks=_int(selected(values, ids.SETTINGS_QUIET_BLOCK, ids.SETTINGS_QUIET_INPUT)),
        digest_weekday=_int(selected(values, ids.SETTINGS_DAY_BLOCK, ids.SETTINGS_DAY_INPUT)),
        digest_hour=_int(selected(values, ids.SETTINGS_HOUR_BLOCK, ids.SETTINGS_HOUR_INPUT)),
        digest_tz=text(values, ids.SETTINGS_TZ_BLOCK, ids.SETTINGS_TZ_INPUT).strip(),
    )
