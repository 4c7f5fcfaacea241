"""The admins' form for the workspace's nudges and digests."""

import json
from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.nudges import NudgeKind
from bot.domain.prefs import WorkspacePolicy, nudge_kinds
from bot.slack.blocks import ids
from bot.slack.blocks.home import NUDGE_LABELS, WEEKDAYS
from bot.slack.blocks.state import option_values, selected, state_values, text


def _numbers(values: range, unit: str) -> list[Option]:
    return [Option(value=str(n), label=f"{n} {unit}") for n in values]


def _select(
    block_id: str,
    action_id: str,
    label: str,
    options: list[Option],
    value: int,
    hint: str | None = None,
) -> InputBlock:
    initial = next((o for o in options if o.value == str(value)), None)
    return InputBlock(
        block_id=block_id,
        label=label,
        hint=hint,
        element=StaticSelectElement(action_id=action_id, options=options, initial_option=initial),
    )


def settings_modal(policy: WorkspacePolicy) -> dict[str, Any]:
    kinds = [Option(value=k, label=NUDGE_LABELS[k].capitalize()) for k in NudgeKind]
    caps = _numbers(range(1, 8), "a week")
    quiet = _numbers(range(1, 27), "weeks")
    days = [Option(value=str(n), label=day) for n, day in enumerate(WEEKDAYS)]
    hours = [Option(value=str(h), label=f"{h:02d}:00") for h in range(24)]
    blocks = [
        InputBlock(
            block_id=ids.SETTINGS_KINDS_BLOCK,
            label="Nudges to send",
            optional=True,
            element=CheckboxesElement(
                action_id=ids.SETTINGS_KINDS_INPUT,
                options=kinds,
                initial_options=[o for o in kinds if o.value in policy.enabled] or None,
            ),
        ),
        _select(
            ids.SETTINGS_CAP_BLOCK,
            ids.SETTINGS_CAP_INPUT,
            "At most, per person",
            caps,
            policy.weekly_cap,
            hint="And never more than one a day.",
        ),
        _select(
            ids.SETTINGS_QUIET_BLOCK,
            ids.SETTINGS_QUIET_INPUT,
            "Invite to a small ask after",
            quiet,
            policy.inactive_weeks,
        ),
        _select(
            ids.SETTINGS_DAY_BLOCK,
            ids.SETTINGS_DAY_INPUT,
            "Weekly digest day",
            days,
            policy.digest_weekday,
        ),
        _select(
            ids.SETTINGS_HOUR_BLOCK,
            ids.SETTINGS_HOUR_INPUT,
            "Weekly digest hour",
            hours,
            policy.digest_hour,
            hint="Each person's digest arrives at this hour in their own time zone.",
        ),
        InputBlock(
            block_id=ids.SETTINGS_TZ_BLOCK,
            label="Time zone for channel digests",
            hint="A name like Europe/Berlin or America/New_York.",
            element=PlainTextInputElement(
                action_id=ids.SETTINGS_TZ_INPUT, initial_value=policy.digest_tz, max_length=64
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=ids.SETTINGS_MODAL,
        title=PlainTextObject(text="Nudges and digests"),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=json.dumps({}),
        blocks=blocks,
    ).to_dict()


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
