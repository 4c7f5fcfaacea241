"""Time as people live it: aware moments, Slack time zones, and the working week.

The SMART coach, routing, nudges and deadline parsing all ask "is this working time for them?"
or "how much working time is there before then?", and must give the same answer: a coach that
calls 17:30 fine while the ranking calls it after hours would contradict itself in one message.

Judgement calls, so a reviewer can disagree with them on purpose:

- Everyone works Monday to Friday, 09:00-17:00 in their Slack time zone, unless the workspace's
  policy says otherwise: Slack gives a zone, not a working pattern.
- A working day ends on the day it starts: overnight shifts are not supported.
- Working hours are counted in UTC between the local opening and closing times of each day, so a
  day the clocks change has its real length.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MONDAY_TO_FRIDAY: frozenset[int] = frozenset(range(5))
_WEEKDAYS = frozenset(range(7))
# A few hundred people share a dozen zones; each is worked out once.
_ZONE_CACHE_SIZE = 256


def require_aware(moment: datetime) -> datetime:
    """`moment`, if it carries a time zone; a ValueError otherwise."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        # A naive time would be read in the server's zone, which is nobody's working day.
        raise ValueError(f"expected a timezone-aware datetime, got {moment!r}")
    return moment


@lru_cache(maxsize=_ZONE_CACHE_SIZE)
def zone_from(name: str | None, offset: int | None) -> tzinfo | None:
    """A Slack profile's time zone: its IANA name, else its fixed UTC offset in seconds (0 is
    UTC), else None: unknown, which is never working time (nobody is nudged in what may be the
    middle of their night)."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    if offset is None:
        return None
    return timezone(timedelta(seconds=offset))


@dataclass(frozen=True)
class WorkingWeek:
    """The days (`date.weekday()` values, Monday is 0) and local hours people work."""

    days: frozenset[int] = MONDAY_TO_FRIDAY
    start: time = time(9)
    end: time = time(17)  # exclusive: 17:00 is after hours

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(
                "the working day must end after it starts: working hours overnight are not "
                "supported"
            )
        # No workdays would make "the first working hour after" never come; turning nudges off
        # is what the enabled kinds are for.
        if not self.days or not self.days <= _WEEKDAYS:
            raise ValueError(
                "workdays are date.weekday() values, 0 (Monday) to 6 (Sunday), at least one"
            )

    def is_working(self, moment: datetime, tz: tzinfo | None) -> bool:
        """Whether `moment` is inside the working day, on a workday, in the zone `tz`. An unknown
        zone is never working time: we cannot know when their day is."""
        require_aware(moment)
        if tz is None:
            return False
        local = moment.astimezone(tz)
        return local.weekday() in self.days and self.start <= local.time() < self.end

    def hours_between(
        self, tz: tzinfo | None, start: datetime, end: datetime, cap: float = math.inf
    ) -> float:
        """Working hours in `tz` within [start, end], counted until `cap` is reached (callers that
        only need "enough" stop early). An unknown zone has none."""
        require_aware(start)
        require_aware(end)
        if tz is None or end <= start:
            return 0.0
        # Compared and subtracted in UTC: aware datetimes sharing a zone subtract as wall-clock
        # times, which is an hour out on a day the clocks change.
        lo_bound, hi_bound = start.astimezone(UTC), end.astimezone(UTC)
        day = start.astimezone(tz).date()
        last = end.astimezone(tz).date()
        total = 0.0
        while day <= last and total < cap:
            if day.weekday() in self.days:
                # Local dates combined with the zone, so each day gets its own UTC offset.
                opens = datetime.combine(day, self.start, tzinfo=tz).astimezone(UTC)
                closes = datetime.combine(day, self.end, tzinfo=tz).astimezone(UTC)
                lo, hi = max(opens, lo_bound), min(closes, hi_bound)
                if hi > lo:
                    total += (hi - lo).total_seconds() / 3600
            day += timedelta(days=1)
        return total

    def after_hours(self, start: datetime, hours: float) -> datetime:
        """When `hours` of working time from `start` will have passed, in `start`'s zone."""
        require_aware(start)
        tz = start.tzinfo
        remaining = hours
        day = start.date()
        while True:
            if day.weekday() in self.days:
                opens = max(datetime.combine(day, self.start, tzinfo=tz), start)
                closes = datetime.combine(day, self.end, tzinfo=tz)
                span = (closes.astimezone(UTC) - opens.astimezone(UTC)).total_seconds() / 3600
                if span >= remaining:
                    return opens + timedelta(hours=remaining)
                remaining -= max(span, 0.0)
            day += timedelta(days=1)


# What the README promises where a workspace has chosen nothing else.
STANDARD_WEEK = WorkingWeek()


def working_week(days: Iterable[int], start_hour: int, end_hour: int) -> WorkingWeek:
    """A week from whole hours, as the settings form and the database keep it: the days, and the
    local hours the day starts and ends. A ValueError for an hour outside 0-23, no workday, or an
    end not after the start."""
    return WorkingWeek(frozenset(days), time(start_hour), time(end_hour))


def workdays(stored: str) -> frozenset[int]:
    """The workdays in "6,0,1,2,3" (how they are stored); anything not a weekday is dropped, so
    the week's own check refuses a list with none left."""
    values = (part.strip() for part in stored.split(","))
    return frozenset(int(v) for v in values if v.isdigit() and int(v) in _WEEKDAYS)


def stored_workdays(days: Iterable[int]) -> str:
    return ",".join(str(day) for day in sorted(days))
