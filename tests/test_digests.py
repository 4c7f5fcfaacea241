"""Weekly digests: when they are due, and what the channel and personal digests say."""

import ast
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.digests import (
    MAX_MATCHING,
    MAX_OPEN,
    MAX_PERSONAL_ITEMS,
    MAX_THANKED,
    AskedItem,
    ChannelWeek,
    Digest,
    HelpedItem,
    OpenItem,
    PersonalWeek,
    SectionKind,
    Thanked,
    ThanksItem,
    channel_digest,
    digest_due,
    personal_digest,
)
from bot.domain.nudges import WorkspaceFacts
from bot.domain.requests import RequestStatus
from bot.slack.blocks.scheduled import mrkdwn, mrkdwn_line

BERLIN = ZoneInfo("Europe/Berlin")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday
FACTS = WorkspaceFacts(requests_last_month=40, offered_share=0.9, median_first_offer=None)
NO_FACTS = WorkspaceFacts(requests_last_month=2, offered_share=1.0, median_first_offer=None)
RESEARCH = re.compile(r"Flynn and Lake, 2008|Zhao and Epley, 2022")
MENTION = re.compile(r"<@(U[A-Z0-9]+)>")


# --- When ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("local", "due"),
    [
        (datetime(2026, 11, 23, 8, 59, tzinfo=BERLIN), None),
        (datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN), "2026-W48"),
        (datetime(2026, 11, 23, 23, 59, tzinfo=BERLIN), "2026-W48"),
        (datetime(2026, 11, 24, 9, 0, tzinfo=BERLIN), None),  # missed Monday: not sent late
        (datetime(2026, 11, 22, 9, 0, tzinfo=BERLIN), None),
    ],
)
def test_due_only_on_the_chosen_day_from_the_hour(local: datetime, due: str | None) -> None:
    assert digest_due(local.astimezone(UTC), BERLIN) == due


def test_due_in_each_recipients_own_zone() -> None:
    # Monday 09:30 UTC: 10:30 in Berlin, 01:30 in Los Angeles.
    moment = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    assert digest_due(moment, BERLIN) == "2026-W48"
    assert digest_due(moment, LOS_ANGELES) is None
    # 17:00 UTC is 09:00 in Los Angeles.
    assert digest_due(moment.replace(hour=17, minute=0), LOS_ANGELES) == "2026-W48"


def test_the_day_and_hour_are_chosen_by_the_workspace() -> None:
    friday_four = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # 16:00 in Berlin
    assert digest_due(friday_four, BERLIN, weekday=4, hour=16) == "2026-W48"
    assert digest_due(friday_four, BERLIN, weekday=4, hour=17) is None
    assert digest_due(friday_four, BERLIN) is None


@pytest.mark.parametrize(
    ("moment", "tz", "week"),
    [
        (datetime(2026, 12, 28, 9, 0, tzinfo=UTC), UTC, "2026-W53"),
        (datetime(2027, 1, 4, 9, 0, tzinfo=UTC), UTC, "2027-W01"),
        # Sunday 3 January 23:30 UTC is Monday 00:30 in Berlin: due at midnight-hour 0.
        (datetime(2027, 1, 3, 23, 30, tzinfo=UTC), BERLIN, "2027-W01"),
    ],
)
def test_periods_around_the_year_boundary(moment: datetime, tz: ZoneInfo, week: str) -> None:
    assert digest_due(moment, tz, hour=0) == week


def test_nonsense_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="weekday"):
        digest_due(NOW, BERLIN, weekday=7)
    with pytest.raises(ValueError, match="timezone-aware"):
        digest_due(NOW.replace(tzinfo=None), BERLIN)


# --- Channel digest -----------------------------------------------------------------------


def open_item(i: int, **kw: object) -> OpenItem:
    fields: dict[str, object] = {
        "id": i,
        "what": f"Request {i} about the deploy pipeline",
        "permalink": f"https://example.slack.com/archives/C1/p{i}",
        "needed_by": None,
    }
    fields.update(kw)
    return OpenItem(**fields)  # type: ignore[arg-type]


def week(**kw: object) -> ChannelWeek:
    fields: dict[str, object] = {
        "channel": "C0HELP",
        "asked": 5,
        "offered": 4,
        "resolved": 3,
        "open_requests": [open_item(1)],
        "thanked": [Thanked("UANA", 2), Thanked("UBEN", 1)],
    }
    fields.update(kw)
    return ChannelWeek(**fields)  # type: ignore[arg-type]


def section(digest: Digest, kind: SectionKind) -> tuple[str, ...]:
    found = [s for s in digest.sections if s.kind == kind]
    assert len(found) == 1, digest.sections
    return tuple(mrkdwn_line(line) for line in found[0].lines)


def rendered(digest: Digest) -> str:
    return mrkdwn(digest.message)


def channel(w: ChannelWeek, facts: WorkspaceFacts = FACTS) -> Digest:
    digest = channel_digest(w, facts)
    assert digest is not None
    return digest


def test_the_channel_digest_counts_the_week() -> None:
    digest = channel(week())
    assert section(digest, SectionKind.SUMMARY) == (
        "This week: 5 requests asked, 4 offers of help, 3 resolved.",
    )
    assert (
        rendered(channel(week(asked=1, offered=1))).count("1 request asked, 1 offer of help") == 1
    )


def test_open_requests_are_linked_soonest_first_and_capped() -> None:
    items = [open_item(i) for i in range(1, 9)]
    items[6] = open_item(7, needed_by=NOW + timedelta(days=1))
    items[7] = open_item(8, needed_by=NOW + timedelta(hours=2), permalink=None)
    lines = section(channel(week(open_requests=items)), SectionKind.OPEN_REQUESTS)
    assert len(lines) == MAX_OPEN + 1
    assert lines[0].startswith("• Request 8 about")  # no permalink: no link
    assert "<!date^" in lines[0]
    assert lines[1].startswith("• <https://example.slack.com/archives/C1/p7|Request 7 about")
    assert lines[-1] == f"…and {len(items) - MAX_OPEN} more"


def test_no_more_line_when_everything_fits() -> None:
    fits = week(open_requests=[open_item(i) for i in range(MAX_OPEN)])
    lines = section(channel(fits), SectionKind.OPEN_REQUESTS)
    assert not any("more" in line for line in lines)


def test_shout_outs_name_helpers_most_thanked_first_without_counts() -> None:
    thanked = [Thanked(f"U{i:03d}", i) for i in range(1, 12)]
    (line,) = section(channel(week(thanked=thanked)), SectionKind.THANKS)
    named = MENTION.findall(line)
    assert len(named) == MAX_THANKED
    assert named[0] == "U011"
    assert line.endswith(f"and {11 - MAX_THANKED} others for helping this week.")
    assert not re.search(r"\(\d+\)|\d+ times", line)


def test_shout_outs_for_two() -> None:
    (line,) = section(channel(week()), SectionKind.THANKS)
    assert line == "Thank you to <@UANA> and <@UBEN> for helping this week."


def test_the_normalising_line_uses_the_workspace_numbers_or_research() -> None:
    (line,) = section(channel(week()), SectionKind.NORMAL)
    assert line == "Last month 9 in 10 requests here got an offer."
    (line,) = section(channel(week(), NO_FACTS), SectionKind.NORMAL)
    assert RESEARCH.search(line)


def test_a_quiet_week_gets_no_channel_digest() -> None:
    empty = week(asked=0, offered=0, resolved=0, open_requests=[], thanked=[])
    assert channel_digest(empty, FACTS) is None
    assert channel_digest(week(asked=0, offered=0, resolved=0, thanked=[]), FACTS) is not None


def test_parts_left_out_when_empty() -> None:
    digest = channel(week(open_requests=[], thanked=[]))
    assert [s.kind for s in digest.sections] == [SectionKind.SUMMARY, SectionKind.NORMAL]


def test_the_title_is_plain_text_and_the_fallback_holds_everything() -> None:
    digest = channel(week())
    assert not set("*_<>&`") & set(digest.title)
    for s in digest.sections:
        for line in s.lines:
            assert mrkdwn_line(line) in rendered(digest)


# --- Personal digest ----------------------------------------------------------------------


def personal(**kw: object) -> PersonalWeek:
    fields: dict[str, object] = {
        "user_id": "UME",
        "asked": [],
        "helped": [],
        "thanks": [],
        "matching": [],
    }
    fields.update(kw)
    return PersonalWeek(**fields)  # type: ignore[arg-type]


def test_nothing_to_say_means_no_digest() -> None:
    assert personal_digest(personal()) is None
    # A draft is not an ask yet: still nothing to say.
    assert personal_digest(personal(asked=[AskedItem(1, "draft", RequestStatus.DRAFT)])) is None


def test_the_personal_digest_says_what_happened() -> None:
    digest = personal_digest(
        personal(
            asked=[
                AskedItem(1, "Review my PR", "resolved"),
                AskedItem(2, "Intro to legal", "open"),
            ],
            helped=[HelpedItem(3, "Postgres index question")],
            thanks=[ThanksItem("UANA", "You saved my demo & my day"), ThanksItem(None, None)],
            matching=[open_item(4)],
        )
    )
    assert digest is not None
    assert section(digest, SectionKind.ASKED) == (
        "• Review my PR: resolved",
        "• Intro to legal: still open",
    )
    assert section(digest, SectionKind.HELPED) == ("• Postgres index question",)
    assert section(digest, SectionKind.THANKS) == (
        "• <@UANA>: \u201cYou saved my demo &amp; my day\u201d",
        "• Someone said thank you",
    )
    assert section(digest, SectionKind.MATCHING)[0].startswith("• <https://")
    # They asked as well as helped: no reciprocity line.
    assert all(s.kind != SectionKind.NORMAL for s in digest.sections)


def test_anonymous_thanks_never_name_anyone() -> None:
    digest = personal_digest(personal(thanks=[ThanksItem(None, "Thank you so much")]))
    assert digest is not None
    assert not MENTION.search(rendered(digest))
    assert "Someone: \u201cThank you so much\u201d" in rendered(digest)


def test_helpers_who_asked_nothing_hear_that_asking_is_part_of_it() -> None:
    digest = personal_digest(personal(helped=[HelpedItem(1, "A review")]))
    assert digest is not None
    (line,) = section(digest, SectionKind.NORMAL)
    assert "/ask" in line


def test_matching_alone_is_worth_a_digest() -> None:
    digest = personal_digest(personal(matching=[open_item(1)]))
    assert digest is not None
    assert [s.kind for s in digest.sections] == [SectionKind.MATCHING]


def test_personal_lists_are_capped() -> None:
    many = MAX_PERSONAL_ITEMS + 3
    digest = personal_digest(
        personal(
            asked=[AskedItem(i, f"ask {i}", "open") for i in range(many)],
            helped=[HelpedItem(i, f"help {i}") for i in range(many)],
            thanks=[ThanksItem(f"U{i:03d}", None) for i in range(many)],
            matching=[open_item(i) for i in range(many)],
        )
    )
    assert digest is not None
    for kind in (SectionKind.ASKED, SectionKind.HELPED, SectionKind.THANKS):
        lines = section(digest, kind)
        assert len(lines) == MAX_PERSONAL_ITEMS + 1
        assert lines[-1] == "…and 3 more"
    assert len(section(digest, SectionKind.MATCHING)) == MAX_MATCHING + 1


def test_long_notes_are_quoted_not_reproduced() -> None:
    note = "Thanks " + "so much " * 40
    digest = personal_digest(personal(thanks=[ThanksItem("UANA", note)]))
    assert digest is not None
    (line,) = section(digest, SectionKind.THANKS)
    assert len(line) < 160
    assert line.endswith("…\u201d")


# --- Markup and purity --------------------------------------------------------------------

ALLOWED_MARKUP = re.compile(
    r"<https://[^<>| ]+\|[^<>]*>|<@U[A-Z0-9]+>|<!date\^\d+\^[^<>|]+\|[^<>]+>|&amp;"
)


def test_digests_add_no_markup_beyond_mentions_links_and_dates() -> None:
    digests = [
        channel(week(open_requests=[open_item(1, needed_by=NOW)])),
        channel(week(), NO_FACTS),
        personal_digest(
            personal(
                asked=[AskedItem(1, "a", "expired")],
                helped=[HelpedItem(2, "b")],
                thanks=[ThanksItem("UANA", "x & y")],
                matching=[open_item(3, needed_by=NOW)],
            )
        ),
        personal_digest(personal(helped=[HelpedItem(2, "b")])),
    ]
    for digest in digests:
        assert digest is not None
        bare = ALLOWED_MARKUP.sub("", rendered(digest))
        assert not set("<>&") & set(bare), rendered(digest)


def test_the_digests_module_stays_pure() -> None:
    source = Path(__file__).resolve().parents[1] / "bot" / "domain" / "digests.py"
    text = source.read_text()
    imported: set[str] = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    assert imported <= {
        "collections.abc",
        "dataclasses",
        "datetime",
        "enum",
        "typing",
        "bot.domain.message",
        "bot.domain.nudges",
        "bot.domain.requests",
        "bot.domain.worktime",
    }
    assert ".now(" not in text
    assert ".today(" not in text
