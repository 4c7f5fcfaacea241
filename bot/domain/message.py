"""What a scheduled message says, as structure: the domain writes words and references (a person,
a channel, a moment, a link), and `bot.slack.blocks.scheduled` decides how Slack shows them.

The outbox stores a message as `to_json` gives it, so a change to the way parts are rendered
reaches messages that are already planned; `from_json` reads every version written so far.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

VERSION = 1


@dataclass(frozen=True)
class Text:
    """Words as a person reads them; the renderer escapes whatever needs it."""

    text: str


@dataclass(frozen=True)
class Command:
    """A slash command to type, like "/ask", shown so it reads as something to type."""

    text: str


@dataclass(frozen=True)
class Mention:
    user_id: str


@dataclass(frozen=True)
class ChannelRef:
    channel_id: str


@dataclass(frozen=True)
class Date:
    """A moment every reader sees in their own time zone."""

    moment: datetime


@dataclass(frozen=True)
class Link:
    """`label` linking to `url`; just the label when there is no usable url."""

    url: str | None
    label: str


@dataclass(frozen=True)
class Prerendered:
    """Text already in Slack mrkdwn: only messages planned before the outbox stored structure."""

    mrkdwn: str


Part = Text | Command | Mention | ChannelRef | Date | Link | Prerendered


@dataclass(frozen=True)
class Line:
    parts: tuple[Part, ...]
    strong: bool = False  # a title or heading


def line(*parts: Part | str, strong: bool = False) -> Line:
    """A line from parts, a plain str being `Text`."""
    return Line(tuple(Text(p) if isinstance(p, str) else p for p in parts), strong)


Paragraph = tuple[Line, ...]


@dataclass(frozen=True)
class Message:
    paragraphs: tuple[Paragraph, ...]


def message(*paragraphs: Paragraph) -> Message:
    return Message(tuple(paragraphs))


# --- Stored form ----------------------------------------------------------------------------


def to_json(msg: Message) -> dict[str, Any]:
    return {
        "v": VERSION,
        "paragraphs": [
            [{"strong": ln.strong, "parts": [_part_to_json(p) for p in ln.parts]} for ln in para]
            for para in msg.paragraphs
        ],
    }


def from_json(data: Mapping[str, Any]) -> Message:
    if data.get("v") != VERSION:
        raise ValueError(f"unknown message version {data.get('v')!r}")
    return Message(
        tuple(
            tuple(
                Line(tuple(_part_from_json(p) for p in ln["parts"]), bool(ln["strong"]))
                for ln in para
            )
            for para in data["paragraphs"]
        )
    )


def _part_to_json(part: Part) -> dict[str, Any]:
    match part:
        case Text(text):
            return {"t": "text", "text": text}
        case Command(text):
            return {"t": "command", "text": text}
        case Mention(user_id):
            return {"t": "mention", "user": user_id}
        case ChannelRef(channel_id):
            return {"t": "channel", "channel": channel_id}
        case Date(moment):
            return {"t": "date", "at": moment.isoformat()}
        case Link(url, label):
            return {"t": "link", "url": url, "label": label}
        case Prerendered(mrkdwn):
            return {"t": "mrkdwn", "text": mrkdwn}


def _part_from_json(data: Mapping[str, Any]) -> Part:
    match data["t"]:
        case "text":
            return Text(data["text"])
        case "command":
            return Command(data["text"])
        case "mention":
            return Mention(data["user"])
        case "channel":
            return ChannelRef(data["channel"])
        case "date":
            return Date(datetime.fromisoformat(data["at"]))
        case "link":
            return Link(data["url"], data["label"])
        case "mrkdwn":
            return Prerendered(data["text"])
    raise ValueError(f"unknown message part {data['t']!r}")
