"""Scheduled messages rendered from their structure (`bot.domain.message`) and laid out by kind:
a nudge gets *Snooze* and *Stop these*, a personal digest a way to turn it off; each is tagged
with its outbox key as message metadata. Rendering happens at send time, so a change here reaches
messages already waiting in the outbox."""

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.domain.message import (
    ChannelRef,
    Command,
    Date,
    Line,
    Link,
    Mention,
    Message,
    Part,
    Prerendered,
    Text,
)
from bot.domain.outbox import CHANNEL_DIGEST, DIGEST_PREVIEW, PERSONAL_DIGEST
from bot.slack.blocks import ids, metadata
from bot.slack.blocks.text import chunks, escape, slack_date

METADATA_EVENT = "reciprocity_outbox"
_SECTION_LIMIT = 3000
_MAX_SECTIONS = 40  # of Slack's 50 blocks a message, leaving room for the buttons


def scheduled_message(kind: str, message: Message) -> tuple[str, list[dict[str, Any]]]:
    """The notification text and blocks for a scheduled message of `kind`."""
    text = mrkdwn(message)
    return text, _layout(kind, text)


def mrkdwn(message: Message) -> str:
    """Lines end in a newline, paragraphs in a blank line."""
    return "\n\n".join("\n".join(mrkdwn_line(ln) for ln in para) for para in message.paragraphs)


def mrkdwn_line(ln: Line) -> str:
    text = "".join(_part(part) for part in ln.parts)
    return f"*{text}*" if ln.strong else text


def _part(part: Part) -> str:
    match part:
        case Text(text):
            return escape(text)
        case Command(text):
            return f"`{escape(text)}`"
        case Mention(user_id):
            return f"<@{user_id}>"
        case ChannelRef(channel_id):
            return f"<#{channel_id}>"
        case Date(moment):
            return slack_date(moment)
        case Link(url, label):
            # A permalink Slack would misread (spaces, `<`, `>`, `|`) is shown as its label only.
            if not url or any(char in url for char in "<>| \n"):
                return escape(label)
            return f"<{url}|{escape(label)}>"
        case Prerendered(text):
            return text


def _layout(kind: str, text: str) -> list[dict[str, Any]]:
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
    return metadata.key_of(message, METADATA_EVENT)
