"""Scheduled messages laid out by kind: a nudge gets *Snooze* and *Stop these*, a personal
digest a way to turn it off; each is tagged with its outbox key as message metadata."""

import json
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.domain.outbox import CHANNEL_DIGEST, DIGEST_PREVIEW, PERSONAL_DIGEST
from bot.slack.blocks import ids
from bot.slack.blocks.text import chunks

METADATA_EVENT = "reciprocity_outbox"
_SECTION_LIMIT = 3000
_MAX_SECTIONS = 40  # of Slack's 50 blocks a message, leaving room for the buttons


def layout(kind: str, text: str) -> list[dict[str, Any]]:
    """Paragraphs (blank-line separated) as sections, then the kind's buttons."""
    blocks: list[Any] = []
    for paragraph in (p for p in text.split("\n\n") if p.strip()):
        blocks += [
            SectionBlock(text=MarkdownTextObject(text=piece))
            for piece in chunks(paragraph, _SECTION_LIMIT)
        ]
    blocks = blocks[:_MAX_SECTIONS]
    if kind == PERSONAL_DIGEST:
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text="Turn off my digest", action_id=ids.DIGEST_OFF, value=PERSONAL_DIGEST
                    )
                ]
            )
        )
    elif kind == DIGEST_PREVIEW:
        blocks.insert(
            0,
            ContextBlock(
                elements=[MarkdownTextObject(text="Preview: only you can see this, as sent now.")]
            ),
        )
    elif kind != CHANNEL_DIGEST:
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(text="Snooze 2 weeks", action_id=ids.SNOOZE_NUDGES, value=kind),
                    ButtonElement(text="Stop these", action_id=ids.STOP_NUDGES, value=kind),
                ]
            )
        )
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(text="At most one nudge a day, only in your working hours.")
                ]
            )
        )
    return [block.to_dict() for block in blocks]


def key_of(message: Any) -> str | None:
    """The outbox key a message was tagged with, if it is one of ours."""
    metadata = message.get("metadata") if isinstance(message, dict) else None
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except ValueError:
            return None
    if not isinstance(metadata, dict) or metadata.get("event_type") != METADATA_EVENT:
        return None
    payload = metadata.get("event_payload")
    key = payload.get("key") if isinstance(payload, dict) else None
    return key if isinstance(key, str) else None
