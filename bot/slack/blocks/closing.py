"""Modals that close the loop: resolving with thanks, a new needed-by, passing with a reason."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    DateTimePickerElement,
    MarkdownTextObject,
    Option,
    SectionBlock,
    UserMultiSelectElement,
)

from bot.domain.offers import DECLINE_NOTE_MAX_CHARS, DeclineReason
from bot.domain.requests import RequestCard
from bot.slack.blocks import ids
from bot.slack.blocks.inputs import input_block, modal, radio_input, text_input
from bot.slack.blocks.state import selected, state_values, text, timestamp, users
from bot.slack.blocks.text import fit, slack_date

NOTE_MAX_CHARS = 1000


def _about(card: RequestCard) -> ContextBlock:
    return ContextBlock(
        elements=[MarkdownTextObject(text=f"Your request: _{fit(card.what, 280)}_")]
    )


def resolve_modal(
    card: RequestCard,
    helpers: tuple[str, ...],
    accepted: frozenset[str],
    metadata: dict[str, Any],
) -> dict[str, Any]:
    """Mark resolved: a thank-you note for each helper who offered (optional), what their help
    made possible (optional), and anyone else who helped."""
    blocks: list[Any] = [_about(card)]
    if helpers:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text="Everyone you accepted is thanked. Write a note to anyone else who "
                    "offered, and they're thanked too."
                )
            )
        )
    for helper in helpers:
        # Labels are plain text, where a mention would show as a raw id; the name goes above.
        status = "you accepted their offer" if helper in accepted else "offered to help"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f"*<@{helper}>*, {status}")))
        blocks.append(
            text_input(
                f"{ids.THANKS_BLOCK_PREFIX}{helper}",
                ids.THANKS_INPUT,
                "Thank-you note",
                optional=True,
                multiline=True,
                max_length=NOTE_MAX_CHARS,
                placeholder="Thank you for…",
            )
        )
    blocks.append(
        text_input(
            ids.IMPACT_BLOCK,
            ids.IMPACT_INPUT,
            "What did their help make possible?",
            hint="Helpers rarely hear what came of their help. One sentence is plenty.",
            optional=True,
            multiline=True,
            max_length=NOTE_MAX_CHARS,
            placeholder="We shipped the fix a day early.",
        )
    )
    blocks.append(
        input_block(
            ids.OTHERS_BLOCK,
            "Anyone else who helped?",
            UserMultiSelectElement(action_id=ids.OTHERS_INPUT, max_selected_items=10),
            optional=True,
        )
    )
    return modal(ids.RESOLVE_MODAL, "Mark resolved", "Resolve", blocks, metadata=metadata)


@dataclass(frozen=True)
class ResolveForm:
    notes: dict[str, str]
    impact: str
    others: list[str]


def read_resolve_form(view: Any) -> ResolveForm:
    values = state_values(view)
    notes = {}
    for block_id in values:
        if isinstance(block_id, str) and block_id.startswith(ids.THANKS_BLOCK_PREFIX):
            helper = block_id.removeprefix(ids.THANKS_BLOCK_PREFIX)
            note = text(values, block_id, ids.THANKS_INPUT)
            if helper and note.strip():
                notes[helper] = note
    return ResolveForm(
        notes=notes,
        impact=text(values, ids.IMPACT_BLOCK, ids.IMPACT_INPUT),
        others=users(values, ids.OTHERS_BLOCK, ids.OTHERS_INPUT),
    )


def resolve_errors(form: ResolveForm) -> dict[str, str]:
    """Slack enforces max_length in its client; a crafted payload still gets a field error."""
    errors = {
        f"{ids.THANKS_BLOCK_PREFIX}{helper}": f"Please keep it under {NOTE_MAX_CHARS:,} characters."
        for helper, note in form.notes.items()
        if len(note) > NOTE_MAX_CHARS
    }
    if len(form.impact) > NOTE_MAX_CHARS:
        errors[ids.IMPACT_BLOCK] = f"Please keep it under {NOTE_MAX_CHARS:,} characters."
    return errors


def extend_modal(
    card: RequestCard, suggested: datetime, metadata: dict[str, Any]
) -> dict[str, Any]:
    """*Still need help*: a new needed-by, which re-opens and re-routes the request."""
    was = slack_date(card.needed_by) if card.needed_by else "no deadline"
    blocks: list[Any] = [
        _about(card),
        ContextBlock(elements=[MarkdownTextObject(text=f"It was needed by {was}.")]),
        input_block(
            ids.EXTEND_BLOCK,
            "New needed-by",
            DateTimePickerElement(
                action_id=ids.EXTEND_INPUT, initial_date_time=int(suggested.timestamp())
            ),
            hint="In your own time zone. I'll ask a few more people, and widen it again if "
            "nobody offers.",
        ),
    ]
    return modal(ids.EXTEND_MODAL, "Still need help", "Extend", blocks, metadata=metadata)


def read_extend_form(view: Any) -> datetime | None:
    stamp = timestamp(state_values(view), ids.EXTEND_BLOCK, ids.EXTEND_INPUT)
    return datetime.fromtimestamp(stamp, UTC) if stamp is not None else None


def decline_modal(card: RequestCard, metadata: dict[str, Any]) -> dict[str, Any]:
    """*Not this time*: a reason, shared with the asker gathered with others' and without your
    name, and an optional note that stays private."""
    reasons = [Option(value=reason.value, label=reason.label) for reason in DeclineReason]
    blocks: list[Any] = [
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"The request: _{fit(card.what, 280)}_\n"
                    "Saying no is useful information. Your reason reaches the asker gathered "
                    "with others', never with your name."
                )
            ]
        ),
        radio_input(
            ids.DECLINE_REASON_BLOCK, ids.DECLINE_REASON_INPUT, "What's the main reason?", reasons
        ),
        text_input(
            ids.DECLINE_NOTE_BLOCK,
            ids.DECLINE_NOTE_INPUT,
            "Anything else?",
            hint="Optional, and never shown to the asker.",
            optional=True,
            multiline=True,
            max_length=DECLINE_NOTE_MAX_CHARS,
        ),
    ]
    return modal(ids.DECLINE_MODAL, "Not this time", "Send", blocks, metadata=metadata)


def read_decline_form(view: Any) -> tuple[DeclineReason | None, str]:
    values = state_values(view)
    value = selected(values, ids.DECLINE_REASON_BLOCK, ids.DECLINE_REASON_INPUT)
    reason = DeclineReason(value) if value in DeclineReason._value2member_map_ else None
    return reason, text(values, ids.DECLINE_NOTE_BLOCK, ids.DECLINE_NOTE_INPUT)
