"""What the weekly digests say, and when they are due.

Pure: the scheduler counts the week per channel and per person, passes the numbers in, and stores
the returned `Digest`'s `message` in the outbox; `bot.slack.blocks.scheduled` renders it. Nothing
here is sent; the outbox keys each digest by (channel or person, "digest", period) with the
period `digest_due` returns.

Everything is structure (`bot.domain.message`): people as mentions, needed-by times as dates
every reader sees in their own zone, links from the permalinks passed in, and free text (a
request's `what`, a thanks note) as typed.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import NamedTuple

from bot.domain.message import ChannelRef, Date, Line, Link, Mention, Message, Part, line, message
from bot.domain.nudges import ASK, WorkspaceFacts, asking_is_normal_line, excerpt, iso_week
from bot.domain.requests import RequestStatus
from bot.domain.worktime import require_aware

# A digest is read in a glance; past these, the rest is summed up as "and N more".
MAX_OPEN = 5
MAX_THANKED = 8
MAX_PERSONAL_ITEMS = 5
MAX_MATCHING = 3
# Thanks notes are quoted, not reproduced: a line, not a letter.
NOTE_CHARS = 120


def digest_due(now: datetime, tz: tzinfo, weekday: int = 0, hour: int = 9) -> str | None:
    """The period key ("2026-W48", the ISO week of the local date) if a digest is due now in
    `tz`, else None.

    Due on the chosen weekday (0 is Monday) from `hour` until local midnight. Only that day: if
    the scheduler was down all Monday, Tuesday gets no "weekly" digest about last week. The
    outbox key (recipient, period) makes every run after the first on that day a no-op.
    """
    if not 0 <= weekday <= 6 or not 0 <= hour <= 23:
        raise ValueError("weekday is 0 (Monday) to 6, hour is 0 to 23")
    require_aware(now)
    local = now.astimezone(tz)
    if local.weekday() != weekday or local.hour < hour:
        return None
    return iso_week(now, tz)


# --- Output ---------------------------------------------------------------------------------


class SectionKind(StrEnum):
    """Which part of a digest a section is; stable, so the Block Kit builder can style by it."""

    SUMMARY = "summary"
    OPEN_REQUESTS = "open_requests"
    THANKS = "thanks"
    NORMAL = "normal"  # the line that normalises asking
    ASKED = "asked"
    HELPED = "helped"
    MATCHING = "matching"


@dataclass(frozen=True)
class DigestSection:
    kind: SectionKind
    heading: str | None  # short; None for a section that is a line on its own
    lines: tuple[Line, ...]  # one item each


@dataclass(frozen=True)
class Digest:
    title: str
    sections: tuple[DigestSection, ...]

    @property
    def message(self) -> Message:
        """The title, then a paragraph per section under its heading."""
        paragraphs = [(line(self.title, strong=True),)]
        for section in self.sections:
            heading = (line(section.heading, strong=True),) if section.heading else ()
            paragraphs.append((*heading, *section.lines))
        return message(*paragraphs)


def _digest(title: str, sections: Sequence[DigestSection]) -> Digest:
    return Digest(title=title, sections=tuple(sections))


def preview(digests: Sequence[tuple[str, Digest]]) -> Message:
    """An admin's look at the channel digests as they would be sent now: (channel, digest)."""
    paragraphs = []
    for channel, digest in digests:
        paragraphs.append((line("Digest for ", ChannelRef(channel), strong=True),))
        paragraphs += digest.message.paragraphs
    if not paragraphs:
        paragraphs.append(
            (line("Nothing to report this week yet: no requests, offers or thanks."),)
        )
    return message(*paragraphs)


# --- Channel digest -------------------------------------------------------------------------


class OpenItem(NamedTuple):
    """A request still needing help."""

    id: int
    what: str
    permalink: str | None
    needed_by: datetime | None


class Thanked(NamedTuple):
    user_id: str
    count: int  # thanks they received this week, for choosing whom to name first


@dataclass(frozen=True)
class ChannelWeek:
    """One channel's week, counted by the caller."""

    channel: str
    asked: int  # requests posted here this week
    offered: int  # offers made on requests here this week
    resolved: int  # requests here resolved this week
    open_requests: Sequence[OpenItem]  # still open with no accepted offer, any age
    thanked: Sequence[Thanked]  # people thanked this week for requests here


def channel_digest(
    week: ChannelWeek, facts: WorkspaceFacts, *, min_requests_for_facts: int = 20
) -> Digest | None:
    """This week in one channel: counts, what still needs help, thanks, and why asking is normal.

    None when the week had no asks, offers, resolutions, open requests or thanks: an empty
    digest in a channel is noise.
    """
    thanked = any(count > 0 for _, count in week.thanked)
    if not (week.asked or week.offered or week.resolved or week.open_requests or thanked):
        return None
    sections = [
        DigestSection(SectionKind.SUMMARY, None, (line(_summary(week)),)),
    ]
    if week.open_requests:
        sections.append(
            DigestSection(
                SectionKind.OPEN_REQUESTS,
                "Still looking for help",
                _open_lines(week.open_requests, MAX_OPEN),
            )
        )
    if thanked:
        sections.append(DigestSection(SectionKind.THANKS, None, (_thanks_line(week.thanked),)))
    seed = sum(week.channel.encode())  # the same research line for a channel every week is fine
    normal = asking_is_normal_line(facts, min_requests_for_facts, seed)
    sections.append(DigestSection(SectionKind.NORMAL, None, (line(normal),)))
    return _digest("This week's asks and offers", sections)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _summary(week: ChannelWeek) -> str:
    return (
        f"This week: {_plural(max(week.asked, 0), 'request', 'requests')} asked, "
        f"{_plural(max(week.offered, 0), 'offer', 'offers')} of help, "
        f"{max(week.resolved, 0)} resolved."
    )


def _open_lines(items: Sequence[OpenItem], cap: int) -> tuple[Line, ...]:
    # Soonest needed first, then the oldest: the ones where help makes the most difference.
    ordered = sorted(
        items,
        key=lambda item: (item.needed_by is None, item.needed_by or datetime.min, item.id),
    )
    lines = []
    for item in ordered[:cap]:
        parts: list[Part | str] = ["• ", Link(item.permalink, excerpt(item.what))]
        if item.needed_by is not None:
            # A channel has readers in many zones: each sees their own time.
            parts += [" (needed by ", Date(item.needed_by), ")"]
        lines.append(line(*parts))
    if len(ordered) > cap:
        lines.append(line(f"…and {len(ordered) - cap} more"))
    return tuple(lines)


def _names(user_ids: Sequence[str]) -> list[Part | str]:
    """ "<a>", "<a> and <b>", "<a>, <b> and <c>"."""
    parts: list[Part | str] = []
    for n, user_id in enumerate(user_ids):
        if n:
            parts.append(" and " if n == len(user_ids) - 1 else ", ")
        parts.append(Mention(user_id))
    return parts


def _thanks_line(thanked: Sequence[Thanked]) -> Line:
    # Counts choose who is named when there are many, but are never shown: a shout-out, not a
    # leaderboard.
    totals: dict[str, int] = {}
    for user_id, count in thanked:
        if count > 0:
            totals[user_id] = totals.get(user_id, 0) + count
    ordered = sorted(totals, key=lambda user_id: (-totals[user_id], user_id))
    named = ordered[:MAX_THANKED]
    rest = len(ordered) - len(named)
    if rest:
        who: list[Part | str] = []
        for n, user_id in enumerate(named):
            who += [", "] if n else []
            who.append(Mention(user_id))
        who.append(f" and {_plural(rest, 'other', 'others')}")
    else:
        who = _names(named)
    return line("Thank you to ", *who, " for helping this week.")


# --- Personal digest ------------------------------------------------------------------------


class AskedItem(NamedTuple):
    id: int
    what: str
    status: RequestStatus | str  # a stored value is accepted too


class HelpedItem(NamedTuple):
    id: int
    what: str


class ThanksItem(NamedTuple):
    from_id: str | None  # None: they chose to thank anonymously
    note: str | None


@dataclass(frozen=True)
class PersonalWeek:
    """One person's week, counted by the caller."""

    user_id: str
    asked: Sequence[AskedItem]  # requests they made or that changed status this week
    helped: Sequence[HelpedItem]  # requests where their offer was accepted or they were thanked
    thanks: Sequence[ThanksItem]  # thanks they received this week
    matching: Sequence[OpenItem]  # open requests matching their skills, none of them their own


_STATUS_WORDS: dict[RequestStatus, str] = {
    RequestStatus.OPEN: "still open",
    RequestStatus.RESOLVED: "resolved",
    RequestStatus.WITHDRAWN: "withdrawn",
    RequestStatus.EXPIRED: "closed",
}


def personal_digest(week: PersonalWeek) -> Digest | None:
    """What they asked and helped with, thanks received, and open requests they could help with.

    None when there is nothing to say: never send an empty digest. Drafts are never mentioned
    (nobody else has seen them, and they are not asks yet).
    """
    asked = [item for item in week.asked if RequestStatus(item.status) in _STATUS_WORDS]
    sections: list[DigestSection] = []
    if asked:
        lines = [
            line(f"• {excerpt(item.what)}: {_STATUS_WORDS[RequestStatus(item.status)]}")
            for item in asked[:MAX_PERSONAL_ITEMS]
        ]
        sections.append(DigestSection(SectionKind.ASKED, "You asked", _capped(lines, len(asked))))
    if week.helped:
        lines = [line(f"• {excerpt(item.what)}") for item in week.helped[:MAX_PERSONAL_ITEMS]]
        sections.append(
            DigestSection(SectionKind.HELPED, "You helped with", _capped(lines, len(week.helped)))
        )
    if week.thanks:
        lines = [_thanks_item(item) for item in week.thanks[:MAX_PERSONAL_ITEMS]]
        sections.append(
            DigestSection(
                SectionKind.THANKS, "Thanks you received", _capped(lines, len(week.thanks))
            )
        )
    matching = list(week.matching)
    if matching:
        sections.append(
            DigestSection(
                SectionKind.MATCHING,
                "Open requests you could help with",
                _open_lines(matching, MAX_MATCHING),
            )
        )
    if not sections:
        return None
    if week.helped and not asked:
        # Baker's reciprocity ring: a group stays generous when helpers ask too.
        sections.append(
            DigestSection(
                SectionKind.NORMAL,
                None,
                (
                    line(
                        "Asking is part of the exchange too: ",
                        ASK,
                        " whenever you could use a hand.",
                    ),
                ),
            )
        )
    return _digest("Your week in asking and helping", sections)


def _capped(lines: list[Line], total: int) -> tuple[Line, ...]:
    if total > len(lines):
        lines = [*lines, line(f"…and {total - len(lines)} more")]
    return tuple(lines)


def _thanks_item(item: ThanksItem) -> Line:
    who: Part | str = Mention(item.from_id) if item.from_id else "Someone"
    if item.note and item.note.strip():
        return line("• ", who, f": \u201c{excerpt(item.note, NOTE_CHARS)}\u201d")
    return line("• ", who, " said thank you")
