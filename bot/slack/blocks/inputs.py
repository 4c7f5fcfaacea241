"""The parts every form is made of: a modal around its blocks, and its kinds of input."""

import json
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    InputBlock,
    InputInteractiveElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.problems import Fault, FieldProblem
from bot.slack.blocks.text import INITIAL_VALUE, MODAL_TITLE, truncate

# A form's wording of what can be wrong with its fields, by field and fault: a template that
# may name the problem's `limit`, `given` and `item`.
Wording = Mapping[tuple[str, Fault], str]


def modal(
    callback_id: str,
    title: str,
    submit: str,
    blocks: Sequence[Any],
    *,
    metadata: dict[str, Any] | None = None,
    notify_on_close: bool | None = None,
) -> dict[str, Any]:
    return View(
        type="modal",
        callback_id=callback_id,
        title=PlainTextObject(text=truncate(title, MODAL_TITLE)),
        submit=PlainTextObject(text=submit),
        close=PlainTextObject(text="Cancel"),
        private_metadata=(
            json.dumps(metadata, separators=(",", ":")) if metadata is not None else None
        ),
        notify_on_close=notify_on_close,
        blocks=blocks,
    ).to_dict()


def text_input(
    block_id: str,
    action_id: str,
    label: str,
    *,
    hint: str | None = None,
    optional: bool = False,
    multiline: bool = False,
    max_length: int | None = None,
    initial: str | None = None,
    placeholder: str | None = None,
) -> InputBlock:
    """A plain-text input; an empty `initial` leaves the field empty, and a longer one than the
    field takes is shown cut, saying so."""
    longest = min(max_length or INITIAL_VALUE, INITIAL_VALUE)
    field = PlainTextInputElement(
        action_id=action_id,
        multiline=multiline or None,
        max_length=max_length,
        initial_value=truncate(initial, longest) if initial else None,
        placeholder=placeholder,
    )
    return input_block(block_id, label, field, hint=hint, optional=optional)


def option_for(options: Sequence[Option], value: str | None) -> Option | None:
    return next((option for option in options if option.value == value), None)


def select_input(
    block_id: str,
    action_id: str,
    label: str,
    options: list[Option],
    value: str | None,
    *,
    hint: str | None = None,
    placeholder: str | None = None,
) -> InputBlock:
    """A static select with the option for `value` chosen, if there is one."""
    field = StaticSelectElement(
        action_id=action_id,
        placeholder=placeholder,
        options=options,
        initial_option=option_for(options, value),
    )
    return input_block(block_id, label, field, hint=hint)


def radio_input(
    block_id: str, action_id: str, label: str, options: list[Option], initial: Option | None = None
) -> InputBlock:
    field = RadioButtonsElement(action_id=action_id, options=options, initial_option=initial)
    return input_block(block_id, label, field)


def checkboxes_input(
    block_id: str,
    action_id: str,
    label: str,
    options: list[Option],
    checked: Collection[str],
    *,
    optional: bool = True,
) -> InputBlock:
    """Checkboxes, those whose value is in `checked` ticked; optional unless one must be."""
    ticked = [option for option in options if option.value in checked]
    field = CheckboxesElement(action_id=action_id, options=options, initial_options=ticked or None)
    return input_block(block_id, label, field, optional=optional)


def input_block(
    block_id: str,
    label: str,
    element: InputInteractiveElement,
    *,
    hint: str | None = None,
    optional: bool = False,
) -> InputBlock:
    """An input of any kind; `optional` is left out rather than sent as false, as in Slack's own
    examples."""
    return InputBlock(
        block_id=block_id, label=label, hint=hint, optional=optional or None, element=element
    )


def worded_errors(
    problems: Mapping[str, FieldProblem], blocks: Mapping[str, str], wording: Wording
) -> dict[str, str]:
    """Each field's problem in the form's words, by the field's block id, for
    `response_action: errors`."""
    return {
        blocks[field]: wording[field, p.fault].format(limit=p.limit, given=p.given, item=p.item)
        for field, p in problems.items()
    }
