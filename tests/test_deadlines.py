"""parse_deadline: the words after /ask that say when help is needed, and those that seem to."""

import time as timer
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.deadlines import DeadlineParse, parse_deadline

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)
FRIDAY_MORNING = datetime(2026, 11, 27, 9, 0, tzinfo=BERLIN)
FRIDAY_EVENING = datetime(2026, 11, 27, 19, 30, tzinfo=BERLIN)
SATURDAY = datetime(2026, 11, 28, 11, 0, tzinfo=BERLIN)
BEFORE_MIDNIGHT = datetime(2026, 11, 23, 23, 59, tzinfo=BERLIN)
YEAR_END = datetime(2026, 12, 30, 10, 0, tzinfo=BERLIN)
# The day before the clocks change: Berlin springs forward on 2026-03-29 at 02:00, New York falls
# back on 2026-11-01 at 02:00.
BERLIN_BEFORE_SPRING = datetime(2026, 3, 28, 10, 0, tzinfo=BERLIN)
NEW_YORK_BEFORE_FALL = datetime(2026, 10, 31, 12, 0, tzinfo=NEW_YORK)
# 01:45 the first time round (still EDT); the same wall time comes again an hour later in EST.
NEW_YORK_IN_REPEATED_HOUR = datetime(2026, 11, 1, 1, 45, tzinfo=NEW_YORK)

NOWS = [
    MONDAY,
    FRIDAY_MORNING,
    FRIDAY_EVENING,
    SATURDAY,
    BEFORE_MIDNIGHT,
    YEAR_END,
    BERLIN_BEFORE_SPRING,
    NEW_YORK_BEFORE_FALL,
    NEW_YORK_IN_REPEATED_HOUR,
]


def wall(now: datetime, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=now.tzinfo)


# (text, now, expected needed_by as wall-clock parts, phrase, remaining)
FOUND = [
    # The two examples from the issue.
    ("review my PR #412 by Friday", MONDAY, (2026, 11, 27, 17), "by Friday", "review my PR #412"),
    (
        "tomorrow 3pm: help me rehearse the board demo",
        MONDAY,
        (2026, 11, 24, 15),
        "tomorrow 3pm",
        "help me rehearse the board demo",
    ),
    # Relative days; a date without a time is the end of that working day.
    ("today", MONDAY, (2026, 11, 23, 17), "today", ""),
    ("TODAY please", MONDAY, (2026, 11, 23, 17), "TODAY", "please"),
    ("tonight", MONDAY, (2026, 11, 23, 20), "tonight", ""),
    ("tonight 9pm", MONDAY, (2026, 11, 23, 21), "tonight 9pm", ""),
    ("by tomorrow", MONDAY, (2026, 11, 24, 17), "by tomorrow", ""),
    ("tmrw pls", MONDAY, (2026, 11, 24, 17), "tmrw", "pls"),
    ("the day after tomorrow", MONDAY, (2026, 11, 25, 17), "the day after tomorrow", ""),
    ("tomorrow", BEFORE_MIDNIGHT, (2026, 11, 24, 17), "tomorrow", ""),
    # Lead words.
    ("before Wednesday", MONDAY, (2026, 11, 25, 17), "before Wednesday", ""),
    ("until thursday", MONDAY, (2026, 11, 26, 17), "until thursday", ""),
    ("due Tue", MONDAY, (2026, 11, 24, 17), "due Tue", ""),
    ("due by fri", MONDAY, (2026, 11, 27, 17), "due by fri", ""),
    ("on Thursday", MONDAY, (2026, 11, 26, 17), "on Thursday", ""),
    ("for tomorrow", MONDAY, (2026, 11, 24, 17), "for tomorrow", ""),
    ("needed by Fri", MONDAY, (2026, 11, 27, 17), "needed by Fri", ""),
    ("Needed by: Friday", MONDAY, (2026, 11, 27, 17), "Needed by: Friday", ""),
    ("no later than Thursday noon", MONDAY, (2026, 11, 26, 12), "no later than Thursday noon", ""),
    ("by Friday at the latest", MONDAY, (2026, 11, 27, 17), "by Friday at the latest", ""),
    ("Deadline: tomorrow 3pm", MONDAY, (2026, 11, 24, 15), "Deadline: tomorrow 3pm", ""),
    # Times after and before the day.
    ("Friday 3:30pm", MONDAY, (2026, 11, 27, 15, 30), "Friday 3:30pm", ""),
    ("Friday, 3 p.m.", MONDAY, (2026, 11, 27, 15), "Friday, 3 p.m.", ""),
    ("Thursday at 15:00", MONDAY, (2026, 11, 26, 15), "Thursday at 15:00", ""),
    ("tomorrow 09:30", MONDAY, (2026, 11, 24, 9, 30), "tomorrow 09:30", ""),
    ("tomorrow 9am", MONDAY, (2026, 11, 24, 9), "tomorrow 9am", ""),
    ("tomorrow at noon", MONDAY, (2026, 11, 24, 12), "tomorrow at noon", ""),
    ("Friday midday", MONDAY, (2026, 11, 27, 12), "Friday midday", ""),
    ("tomorrow by 11:00", MONDAY, (2026, 11, 24, 11), "tomorrow by 11:00", ""),
    ("by 3pm tomorrow", MONDAY, (2026, 11, 24, 15), "by 3pm tomorrow", ""),
    ("by 5pm on Friday", MONDAY, (2026, 11, 27, 17), "by 5pm on Friday", ""),
    ("tomorrow afternoon", MONDAY, (2026, 11, 24, 17), "tomorrow afternoon", ""),
    ("Friday lunchtime", MONDAY, (2026, 11, 27, 12), "Friday lunchtime", ""),
    ("tomorrow evening", MONDAY, (2026, 11, 24, 20), "tomorrow evening", ""),
    ("by this afternoon", MONDAY, (2026, 11, 23, 17), "by this afternoon", ""),
    # A time alone is today, while it is still ahead.
    ("by 3pm", MONDAY, (2026, 11, 23, 15), "by 3pm", ""),
    ("at 15:00", MONDAY, (2026, 11, 23, 15), "at 15:00", ""),
    ("before noon please", MONDAY, (2026, 11, 23, 12), "before noon", "please"),
    # Weekdays: the next one, counting today until its end of day.
    ("Friday", MONDAY, (2026, 11, 27, 17), "Friday", ""),
    ("fri", MONDAY, (2026, 11, 27, 17), "fri", ""),
    ("by Monday", MONDAY, (2026, 11, 23, 17), "by Monday", ""),
    ("by Friday", FRIDAY_MORNING, (2026, 11, 27, 17), "by Friday", ""),
    ("this Thursday", MONDAY, (2026, 11, 26, 17), "this Thursday", ""),
    ("this coming Thursday", MONDAY, (2026, 11, 26, 17), "this coming Thursday", ""),
    ("by Monday", FRIDAY_EVENING, (2026, 11, 30, 17), "by Monday", ""),
    ("by sat", MONDAY, (2026, 11, 28, 17), "by sat", ""),
    ("on Sun", MONDAY, (2026, 11, 29, 17), "on Sun", ""),
    ("next sat", SATURDAY, (2026, 12, 5, 17), "next sat", ""),
    ("Friday next week", MONDAY, (2026, 12, 4, 17), "Friday next week", ""),
    ("Wednesday of next week", FRIDAY_MORNING, (2026, 12, 2, 17), "Wednesday of next week", ""),
    ("thursday this week", MONDAY, (2026, 11, 26, 17), "thursday this week", ""),
    # "next <day>" where both readings agree: the day has passed this week, or is today.
    ("next Monday", MONDAY, (2026, 11, 30, 17), "next Monday", ""),
    ("by next Tuesday", FRIDAY_MORNING, (2026, 12, 1, 17), "by next Tuesday", ""),
    ("next Friday", SATURDAY, (2026, 12, 4, 17), "next Friday", ""),
    # End of the working day, week and month.
    ("by EOD", MONDAY, (2026, 11, 23, 17), "by EOD", ""),
    ("eod", MONDAY, (2026, 11, 23, 17), "eod", ""),
    ("COB", MONDAY, (2026, 11, 23, 17), "COB", ""),
    ("by close of business", MONDAY, (2026, 11, 23, 17), "by close of business", ""),
    ("by the end of the day", MONDAY, (2026, 11, 23, 17), "by the end of the day", ""),
    ("end of day today", MONDAY, (2026, 11, 23, 17), "end of day today", ""),
    ("EOD tomorrow", MONDAY, (2026, 11, 24, 17), "EOD tomorrow", ""),
    ("Friday COB", MONDAY, (2026, 11, 27, 17), "Friday COB", ""),
    ("by end of tomorrow", MONDAY, (2026, 11, 24, 17), "by end of tomorrow", ""),
    ("end of week", MONDAY, (2026, 11, 27, 17), "end of week", ""),
    ("by EOW", FRIDAY_MORNING, (2026, 11, 27, 17), "by EOW", ""),
    ("by the end of the week", MONDAY, (2026, 11, 27, 17), "by the end of the week", ""),
    ("end of next week", MONDAY, (2026, 12, 4, 17), "end of next week", ""),
    ("end of next week", SATURDAY, (2026, 12, 4, 17), "end of next week", ""),
    ("end of month", MONDAY, (2026, 11, 30, 17), "end of month", ""),
    ("by the end of the month", YEAR_END, (2026, 12, 31, 17), "by the end of the month", ""),
    ("end of next month", YEAR_END, (2027, 1, 31, 17), "end of next month", ""),
    ("EOM", datetime(2028, 2, 3, 9, tzinfo=BERLIN), (2028, 2, 29, 17), "EOM", ""),
    # In N units: minutes and hours are elapsed time, days and weeks name a working day.
    ("in 2 hours", MONDAY, (2026, 11, 23, 12), "in 2 hours", ""),
    ("in an hour", MONDAY, (2026, 11, 23, 11), "in an hour", ""),
    ("in half an hour", MONDAY, (2026, 11, 23, 10, 30), "in half an hour", ""),
    ("within 45 minutes", MONDAY, (2026, 11, 23, 10, 45), "within 45 minutes", ""),
    ("in 90 mins", MONDAY, (2026, 11, 23, 11, 30), "in 90 mins", ""),
    ("in 2h", MONDAY, (2026, 11, 23, 12), "in 2h", ""),
    ("in a day", MONDAY, (2026, 11, 24, 17), "in a day", ""),
    ("in three days", MONDAY, (2026, 11, 26, 17), "in three days", ""),
    ("due in 2 days at 10am", MONDAY, (2026, 11, 25, 10), "due in 2 days at 10am", ""),
    ("in 2 weeks", MONDAY, (2026, 12, 7, 17), "in 2 weeks", ""),
    ("in a week", MONDAY, (2026, 11, 30, 17), "in a week", ""),
    ("in 2 hours", BEFORE_MIDNIGHT, (2026, 11, 24, 1, 59), "in 2 hours", ""),
    # Written dates.
    ("2026-11-27", MONDAY, (2026, 11, 27, 17), "2026-11-27", ""),
    ("by 2026-12-01 14:00", MONDAY, (2026, 12, 1, 14), "by 2026-12-01 14:00", ""),
    ("27 Nov", MONDAY, (2026, 11, 27, 17), "27 Nov", ""),
    ("Nov 27", MONDAY, (2026, 11, 27, 17), "Nov 27", ""),
    ("November 27th", MONDAY, (2026, 11, 27, 17), "November 27th", ""),
    ("November 27th at 3pm", MONDAY, (2026, 11, 27, 15), "November 27th at 3pm", ""),
    ("by the 1st of December", MONDAY, (2026, 12, 1, 17), "by the 1st of December", ""),
    ("1st of December", MONDAY, (2026, 12, 1, 17), "1st of December", ""),
    ("Dec 3, 2026", MONDAY, (2026, 12, 3, 17), "Dec 3, 2026", ""),
    ("3 Dec 2026 10:00", MONDAY, (2026, 12, 3, 10), "3 Dec 2026 10:00", ""),
    ("Sept 1", MONDAY, (2027, 9, 1, 17), "Sept 1", ""),
    ("by May 3", MONDAY, (2027, 5, 3, 17), "by May 3", ""),
    ("May 3", MONDAY, (2027, 5, 3, 17), "May 3", ""),
    ("March 5th", MONDAY, (2027, 3, 5, 17), "March 5th", ""),
    ("Jan 5", YEAR_END, (2027, 1, 5, 17), "Jan 5", ""),
    ("Feb 29", datetime(2027, 3, 10, 9, tzinfo=BERLIN), (2028, 2, 29, 17), "Feb 29", ""),
    # A weekday next to the date it falls on is one phrase.
    ("Fri, 27 Nov", MONDAY, (2026, 11, 27, 17), "Fri, 27 Nov", ""),
    ("Friday 27 November 2pm", MONDAY, (2026, 11, 27, 14), "Friday 27 November 2pm", ""),
    # Vague words do not stop a real deadline being read.
    ("urgent: need the Q3 numbers by Friday", MONDAY, (2026, 11, 27, 17), "by Friday", None),
    ("ASAP, ideally by tomorrow", MONDAY, (2026, 11, 24, 17), "by tomorrow", "ASAP, ideally"),
    # Agreeing mentions: the first is the phrase, the later one is part of the sentence.
    (
        "tomorrow: help me rehearse the demo I give tomorrow",
        MONDAY,
        (2026, 11, 24, 17),
        "tomorrow",
        "help me rehearse the demo I give tomorrow",
    ),
    ("Friday: the deck, in 4 days", MONDAY, (2026, 11, 27, 17), "Friday", "the deck, in 4 days"),
]


@pytest.mark.parametrize(("text", "now", "expected", "phrase", "remaining"), FOUND)
def test_deadline_phrases_are_read(text, now, expected, phrase, remaining) -> None:
    result = parse_deadline(text, now)
    assert result.needed_by == wall(now, *expected)
    assert result.phrase == phrase
    if remaining is not None:
        assert result.remaining == remaining
    assert not result.ambiguous


# (text, remaining): what is left once the phrase is taken out.
REMAINING = [
    ("review my PR #412 by Friday.", "review my PR #412."),
    ("review my PR #412 - by Friday", "review my PR #412"),
    ("review my PR #412 \u2013 by Friday", "review my PR #412"),  # an en dash
    ("By Friday: review my PR #412", "review my PR #412"),
    ("Please, by Friday, review my PR #412", "Please, review my PR #412"),
    ("review my PR #412 (by Friday) thanks", "review my PR #412 thanks"),
    ("review my PR by Friday, it's blocking", "review my PR, it's blocking"),
    ("review  by Friday  my PR", "review my PR"),
    ("needed by -- Friday: review my PR", "review my PR"),
    ("help me by tomorrow 3pm with the deck", "help me with the deck"),
    ("  tomorrow 3pm  ", ""),
    ("tomorrow 3pm:", ""),
    ("tomorrow 3pm?", ""),
    ("first line by Friday\nsecond line", "first line\nsecond line"),
    ("stand by me by Friday", "stand by me"),
    ("the urgent deck, due Thursday.", "the urgent deck."),
]


@pytest.mark.parametrize(("text", "remaining"), REMAINING)
def test_the_phrase_is_removed_tidily(text: str, remaining: str) -> None:
    result = parse_deadline(text, MONDAY)
    assert result.needed_by is not None
    assert result.remaining == remaining


# (text, now, phrase): a deadline-like phrase that is not trusted.
AMBIGUOUS = [
    # Numeric day and month: US or European?
    ("by 3/4", MONDAY, "by 3/4"),
    ("on 03/04", MONDAY, "on 03/04"),
    ("due 4.3.", MONDAY, "due 4.3."),
    ("until 12/11", MONDAY, "until 12/11"),
    ("27/11/2026", MONDAY, "27/11/2026"),
    ("4.3.26 please", MONDAY, "4.3.26"),
    # Two different deadlines.
    ("Friday or Monday", MONDAY, "Friday"),
    ("tomorrow or Thursday", MONDAY, "tomorrow"),
    ("by Friday, or EOD Monday next week", MONDAY, "by Friday"),
    ("by tomorrow at 3pm, or by 5pm", MONDAY, "by tomorrow at 3pm"),
    ("Thu 27 Nov", MONDAY, "Thu"),
    ("in 2 hours, by Friday", MONDAY, "in 2 hours"),
    # Already past.
    ("by today", datetime(2026, 11, 23, 17, 30, tzinfo=BERLIN), "by today"),
    ("EOD", FRIDAY_EVENING, "EOD"),
    ("by Friday", FRIDAY_EVENING, "by Friday"),
    ("Friday 8am", FRIDAY_MORNING, "Friday 8am"),
    ("by 9am", MONDAY, "by 9am"),
    ("tonight", BEFORE_MIDNIGHT, "tonight"),
    ("end of week", SATURDAY, "end of week"),
    ("by 2026-11-20", MONDAY, "by 2026-11-20"),
    ("Nov 20", MONDAY, "Nov 20"),  # a few days gone: a typo, not next November
    ("on 27 Nov 2025", MONDAY, "on 27 Nov 2025"),
    ("in 0 minutes", MONDAY, "in 0 minutes"),
    # "next Friday" early in the week: this Friday or the one after?
    ("next Friday", MONDAY, "next Friday"),
    ("by next Wednesday", MONDAY, "by next Wednesday"),
    ("next Sunday", SATURDAY, "next Sunday"),
    ("next sat", MONDAY, "next sat"),
    # Hours that could be morning or afternoon, or the start or end of the day.
    ("tomorrow at 9", MONDAY, "tomorrow at 9"),
    ("by 5:30", MONDAY, "by 5:30"),
    ("Friday 3:00", MONDAY, "Friday 3:00"),
    ("by 12am", MONDAY, "by 12am"),
    ("tomorrow morning", MONDAY, "tomorrow morning"),
    ("by this morning", MONDAY, "by this morning"),
    ("tonight 9am", MONDAY, "tonight 9am"),
    # Too wide to pick a time in.
    ("by next week", MONDAY, "by next week"),
    ("before the weekend", MONDAY, "before the weekend"),
    ("due this month", MONDAY, "due this month"),
    # Not a real date.
    ("by Feb 30", MONDAY, "by Feb 30"),
    ("2026-13-01", MONDAY, "2026-13-01"),
    ("Feb 29", MONDAY, "Feb 29"),  # the next one is in 2028, over a year away
    # A time in another zone: the field is in the asker's.
    ("by Friday 3pm CET", MONDAY, "by Friday 3pm CET"),
    ("at 15:00 UTC", MONDAY, "at 15:00 UTC"),
    ("tomorrow noon GMT+1", MONDAY, "tomorrow noon GMT+1"),
    # A time the clocks skip.
    ("tomorrow 2:30am", BERLIN_BEFORE_SPRING, "tomorrow 2:30am"),
]


@pytest.mark.parametrize(("text", "now", "phrase"), AMBIGUOUS)
def test_unclear_phrases_leave_the_deadline_empty(text, now, phrase) -> None:
    assert parse_deadline(text, now) == DeadlineParse(
        needed_by=None, phrase=phrase, remaining=text, ambiguous=True
    )


NOTHING = [
    "",
    "   ",
    "How do I get read access to the billing replica?",
    # Vague words are for the coaching, not the deadline field.
    "asap",
    "URGENT: prod is down",
    "whenever you have a moment",
    "soon-ish, no rush",
    "need this soon",
    "in a bit",
    "in a few days",
    "in a day or two",
    # Names and words that contain a day or a month.
    "can someone explain our Monday.com board?",
    "help with the sundays-service rota",
    "we meet on Sundays",
    "ask in #friday-demo",
    "ping @monday",
    "my friend's laptop",
    "the wednesday-standup notes",
    "Friday's retro notes need a home",
    "before Thursday's release, review the retry logic",
    "help me plan today's standup",
    "check the mon-fri schedule",
    "notes from 2026-11-27.pdf",
    "report-2026-11-27 is wrong",
    # Verbs that are also month names.
    "may I ask for a review?",
    "you may want to see this",
    "may 2 of you pair with me",
    "we march on",
    "the date in May",
    # Past tense "sat" and the sun.
    "I sat with the design team",
    "the sun is out",
    "c'mon, help",
    "to be wed in spring",
    # A time of day or a number without a lead or a day.
    "the 3pm standup keeps failing",
    "reduce latency by 5",
    "cut the build by 1.5 seconds",
    "3/4 of the tests fail",
    "upgrade to Python 3.11.",
    "it takes 2 hours",
    "for 2 days I have tried",
    "print it in 3d",
    "a 9:30 meeting",
    # A period that is not this request's deadline.
    "I'm off until next week",
    "plans for next week",
    "I broke it this morning",
    # An ordinal alone: which month?
    "by the 1st",
]


@pytest.mark.parametrize("text", NOTHING)
def test_text_without_a_deadline_is_left_alone(text: str) -> None:
    assert parse_deadline(text, MONDAY) == DeadlineParse(
        needed_by=None, phrase=None, remaining=text, ambiguous=False
    )


# (text, now, expected wall-clock parts, UTC offset in hours)
ACROSS_DST = [
    # Berlin springs forward overnight: tomorrow's wall-clock times are in CEST.
    ("tomorrow 3pm", BERLIN_BEFORE_SPRING, (2026, 3, 29, 15), 2),
    ("tomorrow 3:30am", BERLIN_BEFORE_SPRING, (2026, 3, 29, 3, 30), 2),
    ("by Monday", BERLIN_BEFORE_SPRING, (2026, 3, 30, 17), 2),
    ("today", BERLIN_BEFORE_SPRING, (2026, 3, 28, 17), 1),
    ("in 1 day", BERLIN_BEFORE_SPRING, (2026, 3, 29, 17), 2),
    # 24 hours of elapsed time is 11:00 on the clock once an hour has been skipped.
    ("in 24 hours", BERLIN_BEFORE_SPRING, (2026, 3, 29, 11), 2),
    # New York falls back overnight.
    ("tomorrow", NEW_YORK_BEFORE_FALL, (2026, 11, 1, 17), -5),
    ("in 24 hours", NEW_YORK_BEFORE_FALL, (2026, 11, 1, 11), -5),
    ("Sunday noon", NEW_YORK_BEFORE_FALL, (2026, 11, 1, 12), -5),
    # The repeated hour: its first occurrence, the earlier deadline.
    ("tomorrow 1:30am", NEW_YORK_BEFORE_FALL, (2026, 11, 1, 1, 30), -4),
]


@pytest.mark.parametrize(("text", "now", "expected", "offset_hours"), ACROSS_DST)
def test_wall_clock_times_follow_daylight_saving(text, now, expected, offset_hours) -> None:
    needed_by = parse_deadline(text, now).needed_by
    assert needed_by is not None
    assert needed_by.replace(tzinfo=None) == datetime(*expected)
    assert needed_by.utcoffset() == timedelta(hours=offset_hours)


def test_elapsed_time_inside_the_repeated_hour_is_not_mistaken_for_the_past() -> None:
    # 01:45 EDT plus 30 minutes is 01:15 EST: earlier on the clock, later in time.
    needed_by = parse_deadline("in 30 minutes", NEW_YORK_IN_REPEATED_HOUR).needed_by
    assert needed_by is not None
    assert needed_by - NEW_YORK_IN_REPEATED_HOUR.astimezone(ZoneInfo("UTC")) == timedelta(
        minutes=30
    )
    assert (needed_by.hour, needed_by.minute, needed_by.utcoffset()) == (1, 15, timedelta(hours=-5))


ALL_TEXTS = (
    [case[0] for case in FOUND]
    + [case[0] for case in REMAINING]
    + [case[0] for case in AMBIGUOUS]
    + NOTHING
    + [case[0] for case in ACROSS_DST]
)


@pytest.mark.parametrize("now", NOWS, ids=lambda now: now.isoformat())
def test_every_result_keeps_its_promises(now: datetime) -> None:
    for text in ALL_TEXTS:
        result = parse_deadline(text, now)
        if result.needed_by is not None:
            assert result.needed_by.tzinfo is now.tzinfo, text
            assert result.needed_by.timestamp() > now.timestamp(), text
            assert not result.ambiguous, text
        if result.phrase is None:
            assert result.remaining == text, text
            assert result.needed_by is None, text
            assert not result.ambiguous, text
        else:
            assert result.phrase in text, text
            assert result.phrase.strip() == result.phrase, text
        if result.ambiguous:
            assert result.remaining == text, text
        if any(ch.isalnum() for ch in text.replace(result.phrase or "", "", 1)):
            assert result.remaining.strip(), text


def test_now_must_carry_the_askers_zone() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_deadline("by Friday", datetime(2026, 11, 23, 10, 0))


LONG_INPUTS = [
    "by " * 1333,
    "by" + " " * 4000,
    "by" + " " * 3990 + "Friday",
    "3pm" + " " * 4000,
    "in " * 1333,
    "in " + "9" * 4000,
    "1" * 4000,
    "3/" * 2000,
    "4." * 2000,
    "Friday, " * 500,
    "tomorrow " * 444,
    "next " * 800,
    "end of " * 571,
    "Nov " * 1000,
    "27th " * 800,
    "by 3pm, " * 500,
    "x" * 4000,
    "a-" * 2000,
]


@pytest.mark.parametrize("text", LONG_INPUTS, ids=lambda text: repr(text[:12]))
def test_long_pasted_text_is_parsed_quickly(text: str) -> None:
    started = timer.perf_counter()
    parse_deadline(text, MONDAY)
    assert timer.perf_counter() - started < 0.5
