"""Reading a needed-by time out of the words someone typed after /ask.

The result only pre-fills the request modal, where the asker sees and can change it, so every rule
here leans towards leaving the field empty: a wrong deadline that looks right is worse than none.
"""

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.domain.worktime import STANDARD_WEEK, require_aware

# A date without a time ("by Friday") means by the end of that working day, not midnight: nobody
# expects a colleague's help at 23:59, and the end of the working day is when people stop looking
# at Slack.
END_OF_WORKING_DAY = STANDARD_WEEK.end
# "Tonight" is after the working day but while the asker is plausibly still reading replies.
TONIGHT = time(20, 0)
NOON = time(12, 0)
# A month and day a few weeks gone ("Nov 20" on Nov 23) is a typo or a stale request, not a
# deadline next year; further back than this, it is read as next year's date.
RECENTLY_PAST = timedelta(days=31)
# "Nov 27" without a year is looked for this far ahead (a leap day may be further: then unclear).
DATE_WITHOUT_YEAR_AHEAD = timedelta(days=366)


@dataclass(frozen=True)
class DeadlineParse:
    """What `parse_deadline` made of the text; see its docstring."""

    needed_by: datetime | None
    phrase: str | None
    remaining: str
    ambiguous: bool


class _Unclear(Exception):
    """A deadline-like phrase whose time would have to be guessed."""


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    when: datetime | None  # None: deadline-like, but not trusted
    explicit_time: bool = False  # the asker named the hour, so it wins over a bare date
    led: bool = False  # began with "by", "before", ... (so no dangling lead word is left behind)


# --- The grammar ------------------------------------------------------------------------------
# Quantifiers only run over the whitespace between literal words, and no two adjacent ones can
# take the same characters, so a failed match backtracks over one gap at most: matching stays
# linear on long pasted text (the tests time 4,000-character inputs).

# Not inside a word, a handle, a channel, a path or a hyphenated name ("#friday", "pre-Monday").
_B_L = r"(?<![\w@#/.&-])"
# Not followed by more of a word or a name: "Monday.com", "sundays-service", "Friday's demo" (a
# possessive names an event on that day, not when the help is needed).
_B_R = r"(?![\w@]|[./'\u2019-]\w)"
# Between a phrase and its time: "Friday 3pm", "Friday, 3pm".
_SEP = r"(?:\s*,\s*|\s+)"

# Words that introduce a deadline. They become part of the phrase, so "by Friday" is removed
# whole; the longer forms come first so "due by" is not read as "due" and then "by".
_DEADLINE_LEADS = (
    r"deadline(?:\s+is)?|needed\s+by|no\s+later\s+than|due\s+(?:by|on|before)|by|before|until"
    r"|till|due"
)
_LEAD_WORDS = rf"{_DEADLINE_LEADS}|on|for|at"
_LEAD = rf"(?P<lead>{_LEAD_WORDS})(?:\s*:\s*|\s+)"
# "... by Friday at the latest": the tail says nothing more about the time.
_LATEST = r"(?:\s+at\s+the\s+latest)?"


# A time given in another zone ("3pm EST", "15:00 UTC+1") is read, so it is not left in the text,
# and then refused: the asker's zone is the only one the deadline can be pre-filled in.
_ZONES = (
    r"(?:utc|gmt)(?:[+-]\d\d?(?::?\d\d)?)?|cet|cest|eet|eest|wet|west|bst|ist|[ecmp][sd]t"
    r"|ak[sd]t|hst|jst|kst|aest|aedt|sgt|[+-]\d\d:?\d\d"
)


def _clock_re(p: str) -> str:
    """Times of day, with group names prefixed so a pattern can hold two of them."""
    return (
        # 3pm, 3 pm, 3:30pm, 3.30 p.m.
        rf"(?:(?P<{p}h>1[0-2]|0?[1-9])(?:[:.](?P<{p}m>[0-5]\d))?\s*(?P<{p}ap>[ap])(?:m|\.m\.?)"
        rf"(?!\w)"
        # 15:00, 09:30 (read as a 24-hour clock; see _clock for the hours that are not)
        rf"|(?P<{p}hh>[01]?\d|2[0-3]):(?P<{p}mm>[0-5]\d)(?![\d:])"
        rf"|(?P<{p}noon>noon|midday)(?!\w))"
        rf"(?:\s*(?P<{p}zone>{_ZONES})(?![\w:]))?"
    )


_EOD = (
    r"(?:the\s+)?end\s+of\s+(?:the\s+)?(?:business\s+|working\s+|work\s+)?day"
    r"|eod|eob|cob|close\s+of\s+(?:business|play)|end\s+of\s+(?:business|play)"
)
_PARTS_OF_DAY = r"morning|afternoon|evening|night|lunch(?:time)?"

# A time before the day: "3pm tomorrow", "by 3pm on Friday", "EOD Friday".
_PRE = rf"(?:(?:{_clock_re('p')}|(?P<peod>{_EOD})){_SEP}(?:on\s+)?)?"
# A time after the day: "tomorrow 3pm", "Friday at noon", "Monday EOD", "Thursday morning".
_POST = (
    rf"(?:{_SEP}(?:"
    rf"(?:(?:at|by|before|around)\s+|@\s*)?(?:{_clock_re('t')})"
    rf"|(?:at\s+|by\s+)?(?P<teod>{_EOD})"
    rf"|(?P<tpod>{_PARTS_OF_DAY})(?!\w)"
    # "Friday at 9": the day is clear, the hour is not (9am? 9pm?), so the whole is unclear.
    r"|(?:at|by|around)\s+(?P<tbare>\d{1,2})(?![\d:./]|\s*[ap](?:m|\.m))"
    r"))?"
)

_WEEKDAYS = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tues": 1,
    "tue": 1,
    "wednesday": 2,
    "weds": 2,
    "wed": 2,
    "thursday": 3,
    "thurs": 3,
    "thur": 3,
    "thu": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
# Abbreviations that are also ordinary words ("I sat with", "the sun", "to wed", "c'mon"): they
# count as days only after a lead or "next"/"this".
_WEAK_WEEKDAYS = frozenset({"mon", "wed", "weds", "sat", "sun"})
_WEEKDAY_RE = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))

_MONTHS_RE = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?!\w)"
)
# Month names that are also verbs ("you may 2x it", "march 3 teams"): without a lead they count
# only when capitalised, as a month is.
_VERB_MONTHS = frozenset({"may", "march"})
# A day of the month, not the start of a time ("May 3pm") or a longer number.
_MONTH_DAY = r"[0-3]?\d(?:st|nd|rd|th)?(?![\d:]|\s*[ap](?:m|\.m)(?!\w)|\.\d)"
_MD_DAY = rf"(?P<md_d>{_MONTH_DAY})"
_DM_DAY = rf"(?P<dm_d>{_MONTH_DAY})"

_DAY_WORDS = (
    r"(?P<rel>(?:the\s+)?day\s+after\s+tomorrow|today|tonight|tomorrow|tmrw|tmr)"
    rf"|(?:(?P<qual>next|this(?:\s+coming)?|(?:the\s+)?coming)\s+)?(?P<wd>{_WEEKDAY_RE})"
    r"(?:\s+(?:of\s+)?(?P<wkq>next|this)\s+week)?"
    rf"|this\s+(?P<thispod>{_PARTS_OF_DAY})"
    r"|(?P<iy>\d{4})-(?P<im>\d\d)-(?P<id>\d\d)(?!\d)"
    rf"|(?P<md_m>{_MONTHS_RE})(?:\.(?=\s))?\s+{_MD_DAY}(?:{_SEP}(?P<md_y>20\d\d)(?!\d))?"
    rf"|(?:the\s+)?{_DM_DAY}\s+(?:of\s+)?(?P<dm_m>{_MONTHS_RE})(?:{_SEP}(?P<dm_y>20\d\d)(?!\d))?"
)

_DAY = re.compile(
    rf"{_B_L}(?:{_LEAD})?{_PRE}(?P<endof>(?:the\s+)?end\s+of\s+)?(?:{_DAY_WORDS}){_POST}{_LATEST}{_B_R}",
    re.IGNORECASE,
)
_END_OF_DAY = re.compile(rf"{_B_L}(?:{_LEAD})?(?:{_EOD}){_LATEST}{_B_R}", re.IGNORECASE)
_END_OF_PERIOD = re.compile(
    rf"{_B_L}(?:{_LEAD})?(?:(?:the\s+)?end\s+of\s+(?:(?P<next>next)\s+|(?:the|this)\s+)?"
    rf"(?P<period>week|month)|(?P<abbr>eow|eom)){_LATEST}{_B_R}",
    re.IGNORECASE,
)
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_IN = re.compile(
    rf"{_B_L}(?:{_LEAD})?(?:in|within)\s+"
    rf"(?:(?P<n>\d{{1,4}})\s*|(?P<nw>{'|'.join(_NUMBER_WORDS)})\s+|(?P<half>half\s+an)\s+)"
    r"(?P<unit>minutes?|mins?|hours?|hrs?|h|days?|weeks?|wks?)"
    # "in a day or two" gives a range, not a time: left alone rather than read as "in a day".
    rf"(?!\w|\s+or\s){_POST}{_LATEST}{_B_R}",
    re.IGNORECASE,
)
# A time of day on its own needs a lead ("by 3pm", "at 15:00"): "the 3pm standup" is not a deadline.
_TIME_ALONE = re.compile(
    rf"{_B_L}(?P<lead>{_LEAD_WORDS})(?:\s*:\s*|\s+)(?:{_clock_re('t')}){_LATEST}{_B_R}",
    re.IGNORECASE,
)
# Day and month in digits: 3/4 is 3 April or March 4 depending on who typed it. Only a lead or a
# year makes it a date at all ("3/4 of the tests fail", "Python 3.11" are not); the dotted form
# needs its trailing dot ("4.3.") so "cut it by 1.5 seconds" is left alone.
_NUMERIC_DATE = re.compile(
    rf"{_B_L}(?:(?P<lead>{_LEAD_WORDS})(?:\s*:\s*|\s+))?"
    r"(?P<num>\d{1,2}/\d{1,2}(?P<slash_y>/(?:\d{4}|\d\d))?|\d{1,2}\.\d{1,2}\.(?P<dot_y>\d{4}|\d\d)?)"
    r"(?![\w/]|\.\d|\s*[ap](?:m|\.m)(?!\w))",
    re.IGNORECASE,
)
# Periods too wide to pick a time in ("by next week": Monday? Friday?). Only leads that set a
# deadline count: "off until next week" and "plans for next week" are not about this request.
_VAGUE_PERIOD = re.compile(
    rf"{_B_L}(?:needed\s+by|no\s+later\s+than|due(?:\s+by)?|by|before)(?:\s*:\s*|\s+)"
    rf"(?:(?:next|this)\s+(?:week|month)|(?:the|this|next)\s+weekend){_B_R}",
    re.IGNORECASE,
)


# --- Turning a match into a time --------------------------------------------------------------


def _at(day: date, clock: time, now: datetime) -> datetime:
    """`clock` on `day` in now's zone: wall-clock time, so DST changes move the offset, not the
    hour. A time skipped by the clocks going forward does not exist and is unclear; a repeated
    one (clocks going back) is its first occurrence, the earlier and so the safer deadline."""
    when = datetime.combine(day, clock, tzinfo=now.tzinfo)
    if when.astimezone(UTC).astimezone(now.tzinfo).replace(tzinfo=None) != when.replace(
        tzinfo=None
    ):
        raise _Unclear
    return when


def _group(m: re.Match[str], name: str) -> str | None:
    return m.groupdict().get(name)


def _words(text: str) -> str:
    return " ".join(text.lower().split())


def _clock(m: re.Match[str], p: str) -> time | None:
    """The time of day in the groups prefixed `p`, or None when none was given."""
    if _group(m, f"{p}zone"):
        raise _Unclear
    if hour_text := _group(m, f"{p}h"):
        hour = int(hour_text)
        if hour == 12 and _group(m, f"{p}ap").lower() == "a":
            # 12am: the start or the end of the day? Either reading is a guess.
            raise _Unclear
        hour = hour % 12 + (12 if _group(m, f"{p}ap").lower() == "p" else 0)
        return time(hour, int(_group(m, f"{p}m") or 0))
    if hour_text := _group(m, f"{p}hh"):
        hour = int(hour_text)
        # "by 5:30" is 17:30 to someone used to a 12-hour clock and 05:30 to others; nobody sets
        # a work deadline at 5 in the morning, but we will not guess the afternoon either.
        # "05:30", "9:30" and "15:00" read the same on both clocks.
        if 1 <= hour <= 6 and not hour_text.startswith("0"):
            raise _Unclear
        return time(hour, int(_group(m, f"{p}mm")))
    if _group(m, f"{p}noon"):
        return NOON
    if _group(m, f"{p}eod"):
        return END_OF_WORKING_DAY
    if part := _group(m, f"{p}pod"):
        return _part_of_day(part)
    if _group(m, f"{p}bare"):
        raise _Unclear
    return None


def _part_of_day(word: str) -> time:
    word = word.lower()
    if word == "morning":
        # "By tomorrow morning" means first thing to some and before lunch to others.
        raise _Unclear
    if word.startswith("lunch"):
        return NOON
    if word == "afternoon":
        return END_OF_WORKING_DAY
    return TONIGHT  # evening, night


def _weekday(target: int, qualifier: str, week: str, today: date) -> date:
    if week:
        if qualifier:
            raise _Unclear  # "next Friday next week"
        monday = today - timedelta(days=today.weekday())
        return monday + timedelta(days=target + (7 if week == "next" else 0))
    ahead = (target - today.weekday()) % 7
    # A plain weekday is the next one counting today: "by Friday" on a Friday morning is today
    # (and on a Friday evening it is already past, so unclear rather than a week away).
    coming = today + timedelta(days=ahead)
    if not qualifier.startswith("next"):
        return coming
    # "next Friday" is the Friday of next week to some and the coming Friday to others. The two
    # agree unless the day is still ahead this week (said on a Monday, they are 4 or 11 days
    # away); then it is unclear rather than a guess either way.
    of_next_week = today + timedelta(days=7 - today.weekday() + target)
    after_today = coming if ahead else coming + timedelta(days=7)
    if of_next_week != after_today:
        raise _Unclear
    return of_next_week


def _real_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _Unclear from None  # "Feb 30", "2026-13-01": typed as a date, but not one


def _month_day(month_text: str, day_text: str, year_text: str | None, today: date) -> date:
    month = list(calendar.month_abbr).index(month_text[:3].title())
    day = int(day_text.rstrip("stndrh"))
    if year_text:
        return _real_date(int(year_text), month, day)
    try:
        this_year = date(today.year, month, day)
    except ValueError:
        this_year = None  # Feb 29 outside a leap year
    if this_year is not None and (this_year >= today or today - this_year <= RECENTLY_PAST):
        return this_year  # a recently past one stays past, and is then refused as past
    following = _real_date(today.year + 1, month, day)
    if following - today > DATE_WITHOUT_YEAR_AHEAD:
        raise _Unclear
    return following


def _verb_not_month(m: re.Match[str], month_group: str) -> bool:
    month_text = m[month_group]
    return month_text.lower() in _VERB_MONTHS and m["lead"] is None and not month_text[0].isupper()


_Found = tuple[datetime, bool] | None  # (when, the time was explicit), or None: not a deadline


def _from_day(m: re.Match[str], now: datetime) -> _Found:
    today = now.date()
    default = END_OF_WORKING_DAY
    part_of_day: time | None = None
    if rel := m["rel"]:
        word = _words(rel)
        if word.endswith("after tomorrow"):
            day = today + timedelta(days=2)
        elif word in {"today", "tonight"}:
            day = today
            default = TONIGHT if word == "tonight" else default
        else:
            day = today + timedelta(days=1)
    elif weekday := m["wd"]:
        qualifier = _words(m["qual"] or "")
        if weekday.lower() in _WEAK_WEEKDAYS and not (m["lead"] or qualifier or m["endof"]):
            return None
        day = _weekday(_WEEKDAYS[weekday.lower()], qualifier, (m["wkq"] or "").lower(), today)
    elif m["thispod"]:
        # Without a lead, "this morning" is usually when something happened, not a deadline.
        if m["lead"] is None:
            return None
        day = today
        part_of_day = _part_of_day(m["thispod"])
    elif m["iy"]:
        day = _real_date(int(m["iy"]), int(m["im"]), int(m["id"]))
    elif m["md_m"]:
        if _verb_not_month(m, "md_m"):
            return None
        day = _month_day(m["md_m"], m["md_d"], m["md_y"], today)
    else:
        if _verb_not_month(m, "dm_m"):
            return None
        day = _month_day(m["dm_m"], m["dm_d"], m["dm_y"], today)

    given = [c for c in (part_of_day, _clock(m, "p"), _clock(m, "t")) if c is not None]
    if len(given) > 1:
        raise _Unclear  # "3pm tomorrow at 4pm", "this afternoon at 3pm"
    if given and default == TONIGHT and given[0] < END_OF_WORKING_DAY:
        raise _Unclear  # "tonight 9am" contradicts itself
    return _at(day, given[0] if given else default, now), bool(given)


def _from_end_of_day(m: re.Match[str], now: datetime) -> _Found:
    return _at(now.date(), END_OF_WORKING_DAY, now), False


def _from_end_of_period(m: re.Match[str], now: datetime) -> _Found:
    today = now.date()
    is_week = (m["period"] or m["abbr"]).lower() in {"week", "eow"}
    later = 1 if m["next"] else 0
    if is_week:
        # The working week ends on Friday; at the weekend this week's has passed (so unclear).
        day = today + timedelta(days=4 - today.weekday() + 7 * later)
    else:
        year, month = divmod(today.month - 1 + later, 12)
        year, month = today.year + year, month + 1
        day = date(year, month, calendar.monthrange(year, month)[1])
    return _at(day, END_OF_WORKING_DAY, now), False


def _from_in(m: re.Match[str], now: datetime) -> _Found:
    unit = m["unit"].lower()
    if m["half"]:
        if not unit.startswith("h"):
            raise _Unclear
        amount = 0.5
    else:
        amount = int(m["n"]) if m["n"] else _NUMBER_WORDS[m["nw"].lower()]
    clock = _clock(m, "t")
    if unit.startswith(("m", "h")):
        if clock is not None:
            raise _Unclear  # "in 2 hours at 3pm"
        delta = timedelta(minutes=amount) if unit.startswith("m") else timedelta(hours=amount)
        # Elapsed time, so add in UTC: across a DST change "in 2 hours" is still 120 minutes.
        return (now.astimezone(UTC) + delta).astimezone(now.tzinfo), True
    days = amount * (7 if unit.startswith("w") else 1)
    # "In 3 days" names a day, not an instant 72 hours on: the end of that working day.
    day = now.date() + timedelta(days=days)
    return _at(day, clock or END_OF_WORKING_DAY, now), clock is not None


def _from_time_alone(m: re.Match[str], now: datetime) -> _Found:
    # Today, if still ahead. If it has passed, tomorrow would be a guess (the asker may simply be
    # late), so the past-time rule makes it unclear.
    clock = _clock(m, "t")
    assert clock is not None  # the pattern requires one
    return _at(now.date(), clock, now), True


def _from_numeric_date(m: re.Match[str], now: datetime) -> _Found:
    if m["lead"] is None and not (m["slash_y"] or m["dot_y"]):
        return None
    # Even 27/11 (only one reading) stays unclear: one simple rule the asker can predict, and
    # the modal's date picker is one click away.
    raise _Unclear


def _from_vague_period(m: re.Match[str], now: datetime) -> _Found:
    raise _Unclear


_RULES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], datetime], _Found]], ...] = (
    (_DAY, _from_day),
    (_END_OF_DAY, _from_end_of_day),
    (_END_OF_PERIOD, _from_end_of_period),
    (_IN, _from_in),
    (_TIME_ALONE, _from_time_alone),
    (_NUMERIC_DATE, _from_numeric_date),
    (_VAGUE_PERIOD, _from_vague_period),
)


# --- Choosing among the matches -----------------------------------------------------------------


def _hits(text: str, now: datetime) -> list[_Hit]:
    found: list[_Hit] = []
    for pattern, build in _RULES:
        for m in pattern.finditer(text):
            led = _group(m, "lead") is not None
            try:
                result = build(m, now)
            except _Unclear:
                found.append(_Hit(m.start(), m.end(), None, led=led))
                continue
            if result is not None:
                found.append(_Hit(m.start(), m.end(), result[0], result[1], led))
    # Where patterns overlap the longest reading wins ("by 3pm tomorrow" over "by 3pm").
    taken = bytearray(len(text))
    chosen: list[_Hit] = []
    for hit in sorted(found, key=lambda h: (h.start - h.end, h.start)):
        if not any(taken[hit.start : hit.end]):
            taken[hit.start : hit.end] = b"\x01" * (hit.end - hit.start)
            chosen.append(hit)
    return sorted(chosen, key=lambda h: h.start)


def _agreed(hits: list[_Hit]) -> datetime | None:
    """The one time all the phrases point at, or None when they disagree ("Friday or Monday").
    A bare day and a time on that day agree ("Friday, 27 Nov 3pm"): the explicit time wins."""
    whens = [h.when for h in hits if h.when is not None]
    if len(whens) != len(hits) or len({w.date() for w in whens}) != 1:
        return None
    explicit = [h.when for h in hits if h.explicit_time and h.when is not None]
    if len({w.timestamp() for w in explicit}) > 1:
        return None
    return explicit[0] if explicit else whens[0]


_ADJACENT = re.compile(r"[\s,]*")


def _first_phrase(text: str, hits: list[_Hit]) -> tuple[int, int, bool]:
    """The span of the first hit and any that follow it directly ("Fri, 27 Nov")."""
    start, end, led = hits[0].start, hits[0].end, hits[0].led
    for hit in hits[1:]:
        if not _ADJACENT.fullmatch(text, end, hit.start):
            break
        end = hit.end
    return start, end, led


_EDGE_PUNCTUATION = ":,;-\u2013\u2014"  # and the en and em dashes
_DANGLING_LEAD = re.compile(
    rf"(?<!\w)(?:{_DEADLINE_LEADS})[\s{re.escape(_EDGE_PUNCTUATION)}]*\Z", re.IGNORECASE
)


def _without(text: str, start: int, end: int, led: bool) -> str:
    left, right = text[:start], text[end:]
    if not led:
        # "needed by — Friday": the lead did not join the phrase, but means nothing without it.
        left = left[: _DANGLING_LEAD.search(left).start()] if _DANGLING_LEAD.search(left) else left
    gap = left[len(left.rstrip()) :] + right[: len(right) - len(right.lstrip())]
    left, right = left.rstrip(), right.lstrip()
    if left.endswith("(") and right.startswith(")"):
        left, right = left[:-1].rstrip(), right[1:].lstrip()
    if not left:
        # "tomorrow 3pm: help me rehearse" -> "help me rehearse"
        return right.lstrip(_EDGE_PUNCTUATION + ".!? \t\r\n").rstrip()
    if not right:
        # "review my PR #412 - by Friday" -> "review my PR #412"
        return left.rstrip(_EDGE_PUNCTUATION + " \t\r\n").lstrip()
    if right[0] in _EDGE_PUNCTUATION and left[-1] in _EDGE_PUNCTUATION:
        # "Please, by Friday, review it" -> "Please, review it"
        right = right.lstrip(_EDGE_PUNCTUATION + " \t\r\n")
        if not right:
            return left.rstrip(_EDGE_PUNCTUATION + " \t\r\n").lstrip()
    if right[0] in ",.;:!?)":
        left = left.rstrip(_EDGE_PUNCTUATION + " \t\r\n")  # "the deck, due Friday." -> "the deck."
        return (left + right).strip()  # "review it by Friday." -> "review it."
    return left.lstrip() + ("\n" if "\n" in gap else " ") + right.rstrip()


def _unclear(text: str, hit: _Hit) -> DeadlineParse:
    # The phrase stays in the text: the asker's words are all a helper has to go on.
    return DeadlineParse(None, text[hit.start : hit.end], text, True)


def parse_deadline(text: str, now: datetime) -> DeadlineParse:
    """Find when the asker needs help by, from words like "by Friday" or "tomorrow 3pm".

    `now` is the current time in the asker's zone (a ZoneInfo-aware datetime); the result's
    `needed_by` is in that zone and strictly after `now`. It is None, and the text left as typed,
    when there is no deadline phrase, when a phrase is unclear ("by 3/4", "next Friday" said
    early in the week, "Friday or Monday"), or when it points at a time already past; the last
    two set `ambiguous`, with `phrase` the (first) phrase that could not be trusted, so the caller
    can say it could not tell when. "ASAP", "urgent", "soon" and "whenever" are not deadlines.
    """
    require_aware(now)
    hits = _hits(text, now)
    if not hits:
        return DeadlineParse(None, None, text, False)
    for hit in hits:
        if hit.when is None:
            return _unclear(text, hit)
    when = _agreed(hits)
    if when is None or when.astimezone(UTC) <= now.astimezone(UTC):
        return _unclear(text, hits[0])
    start, end, led = _first_phrase(text, hits)
    # Only the first phrase goes; a later mention agreeing with it ("... the demo I give
    # tomorrow") is part of the sentence.
    return DeadlineParse(when, text[start:end], _without(text, start, end, led), False)
