"""The working week, time zones and the aware-datetime check that the coach, routing, nudges and
deadlines share."""

from datetime import UTC, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.domain.worktime import (
    STANDARD_WEEK,
    WorkingWeek,
    require_aware,
    stored_workdays,
    workdays,
    working_week,
    zone_from,
)
from bot.slack.gateway import person_from_user

LONDON = ZoneInfo("Europe/London")
TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")
CAIRO = ZoneInfo("Africa/Cairo")
WEEK = STANDARD_WEEK

# A Wednesday in winter: 13:00 in London, 14:00 in Berlin, 22:00 in Tokyo, 08:00 in New York.
NOW = datetime(2025, 3, 5, 13, 0, tzinfo=UTC)


# --- working hours --------------------------------------------------------------------------------


def test_tokyo_at_ten_at_night_is_not_working_now() -> None:
    assert NOW.astimezone(TOKYO).hour == 22
    assert not WEEK.is_working(NOW, TOKYO)
    assert WEEK.is_working(NOW, LONDON)


def test_nobody_is_working_at_the_weekend() -> None:
    saturday_noon = datetime(2025, 3, 8, 12, 0, tzinfo=UTC)
    assert not WEEK.is_working(saturday_noon, LONDON)


def test_working_now_follows_daylight_saving() -> None:
    # 13:30 UTC is 08:30 in New York before the clocks change, 09:30 after.
    assert not WEEK.is_working(datetime(2025, 3, 7, 13, 30, tzinfo=UTC), NEW_YORK)
    assert WEEK.is_working(datetime(2025, 3, 10, 13, 30, tzinfo=UTC), NEW_YORK)


def test_working_day_bounds_are_configurable() -> None:
    assert WorkingWeek(start=time(13), end=time(14)).is_working(NOW, LONDON)
    assert not WorkingWeek(start=time(8), end=time(13)).is_working(NOW, LONDON)


def test_overlap_counts_only_the_working_hours_in_the_window() -> None:
    start = datetime(2025, 3, 5, 16, 0, tzinfo=LONDON)  # Wednesday
    end = datetime(2025, 3, 6, 10, 0, tzinfo=LONDON)
    assert WEEK.hours_between(LONDON, start, end) == 2.0  # 16-17 and 09-10


def test_overlap_is_in_the_helpers_zone_not_the_windows() -> None:
    start, end = NOW, NOW + timedelta(hours=3)
    assert WEEK.hours_between(LONDON, start, end) == 3.0
    assert WEEK.hours_between(TOKYO, start, end) == 0.0
    assert WEEK.hours_between(NEW_YORK, start, end) == 2.0  # 08:00-11:00 there, from 09:00


def test_overlap_across_a_daylight_saving_weekend() -> None:
    start = datetime(2025, 3, 7, 12, 0, tzinfo=NEW_YORK)  # Friday, EST
    end = datetime(2025, 3, 10, 12, 0, tzinfo=NEW_YORK)  # Monday, EDT
    assert WEEK.hours_between(NEW_YORK, start, end) == 8.0
    # The same window given in UTC gives the same hours.
    assert WEEK.hours_between(NEW_YORK, start.astimezone(UTC), end.astimezone(UTC)) == 8.0


def test_overlap_on_a_weekday_when_the_clocks_change() -> None:
    # Cairo moved its clocks from 00:00 to 01:00 on Friday 28 April 2023: a 00:00-06:00 working
    # day had five real hours that day, six the day before.
    start = datetime(2023, 4, 27, 0, 0, tzinfo=CAIRO)
    end = datetime(2023, 4, 29, 0, 0, tzinfo=CAIRO)
    early = {"start": time(0), "end": time(6)}
    assert WorkingWeek(**early).hours_between(CAIRO, start, end) == 11.0


def test_overlap_without_a_zone_or_a_window_is_zero() -> None:
    assert WEEK.hours_between(None, NOW, NOW + timedelta(days=3)) == 0.0
    assert not WEEK.is_working(NOW, None)
    assert WEEK.hours_between(LONDON, NOW, NOW - timedelta(hours=1)) == 0.0


def test_overlap_over_a_long_window() -> None:
    start = datetime(2025, 1, 6, 0, 0, tzinfo=TOKYO)  # a Monday
    assert WEEK.hours_between(TOKYO, start, start + timedelta(weeks=52)) == 52 * 5 * 8


def test_naive_times_and_backwards_days_are_refused() -> None:
    naive = datetime(2025, 3, 5, 13, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        WEEK.hours_between(LONDON, naive, naive + timedelta(hours=1))
    with pytest.raises(ValueError, match="timezone-aware"):
        WEEK.is_working(naive, LONDON)
    with pytest.raises(ValueError, match="end after it starts"):
        WorkingWeek(start=time(17), end=time(9)).is_working(NOW, LONDON)


def test_the_default_week_is_monday_to_friday_nine_to_five() -> None:
    assert (WEEK.days, WEEK.start, WEEK.end) == (frozenset(range(5)), time(9), time(17))
    assert WEEK.is_working(datetime(2025, 3, 5, 16, 59, tzinfo=LONDON), LONDON)
    assert not WEEK.is_working(datetime(2025, 3, 5, 17, 0, tzinfo=LONDON), LONDON)


def test_a_week_can_have_other_workdays() -> None:
    sunday = datetime(2025, 3, 9, 12, 0, tzinfo=LONDON)
    assert WorkingWeek(days=frozenset({6, 0, 1, 2, 3})).is_working(sunday, LONDON)
    assert not WEEK.is_working(sunday, LONDON)


def test_a_nonsense_week_is_refused() -> None:
    with pytest.raises(ValueError, match="workdays"):
        WorkingWeek(days=frozenset({7}))
    with pytest.raises(ValueError, match="workdays"):
        WorkingWeek(days=frozenset())


def test_a_week_is_built_from_stored_days_and_whole_hours() -> None:
    assert working_week(workdays("0,1,2,3,4"), 9, 17) == STANDARD_WEEK
    sunday_to_thursday = working_week(workdays("6,0,1,2,3"), 8, 16)
    assert sunday_to_thursday == WorkingWeek(frozenset({6, 0, 1, 2, 3}), time(8), time(16))
    assert workdays(stored_workdays(sunday_to_thursday.days)) == sunday_to_thursday.days
    assert stored_workdays(sunday_to_thursday.days) == "0,1,2,3,6"


def test_stored_days_that_are_not_weekdays_are_dropped() -> None:
    assert workdays(" 5, 6,7,x,,-1") == frozenset({5, 6})
    assert workdays("") == frozenset()


@pytest.mark.parametrize(
    ("days", "start", "end", "problem"),
    [
        ((), 9, 17, "workdays"),
        ((0,), 17, 9, "end after it starts"),
        ((0,), 9, 9, "end after it starts"),
        ((0,), 9, 24, "hour"),
        ((0,), -1, 17, "hour"),
    ],
    ids=["no workday", "ends before it starts", "ends as it starts", "hour 24", "hour -1"],
)
def test_stored_values_that_make_no_week_are_refused(days, start, end, problem) -> None:
    with pytest.raises(ValueError, match=problem):
        working_week(days, start, end)


def test_after_hours_counts_only_working_time() -> None:
    friday_four = datetime(2025, 3, 7, 16, 0, tzinfo=LONDON)
    assert WEEK.after_hours(friday_four, 3.0) == datetime(2025, 3, 10, 11, 0, tzinfo=LONDON)
    assert WEEK.after_hours(friday_four, 0.5) == datetime(2025, 3, 7, 16, 30, tzinfo=LONDON)


# --- time zones -----------------------------------------------------------------------------------


def test_a_named_zone_wins_over_the_offset() -> None:
    assert zone_from("Europe/London", 3600) == LONDON


def test_an_unknown_name_falls_back_to_the_offset() -> None:
    assert zone_from("Mars/Olympus_Mons", 3600) == timezone(timedelta(hours=1))
    assert zone_from("", 19800) == timezone(timedelta(hours=5, minutes=30))
    assert zone_from(None, -18000) == timezone(timedelta(hours=-5))


def test_an_offset_of_zero_is_utc() -> None:
    # Slack's own offset for people at UTC; an offset Slack did not give is None, not 0.
    assert zone_from("Mars/Olympus_Mons", 0) == timezone(timedelta(0))
    assert zone_from(None, 0) == timezone(timedelta(0))
    assert zone_from("", 0) == timezone(timedelta(0))


def test_no_offset_is_an_unknown_zone() -> None:
    assert zone_from(None, None) is None
    assert zone_from("Mars/Olympus_Mons", None) is None
    assert zone_from("Asia/Tokyo", None) == TOKYO


# --- aware datetimes ------------------------------------------------------------------------------


def test_require_aware_passes_aware_moments_through() -> None:
    assert require_aware(NOW) is NOW
    with pytest.raises(ValueError, match="timezone-aware"):
        require_aware(datetime(2025, 3, 5, 13, 0))


def test_a_slack_user_without_an_offset_has_an_unknown_zone_and_one_at_utc_is_at_utc() -> None:
    unknown = person_from_user({"id": "U1", "name": "a"})
    at_utc = person_from_user({"id": "U2", "name": "b", "tz_offset": 0})
    assert unknown is not None
    assert at_utc is not None
    assert unknown.tz_offset is None
    assert zone_from(unknown.tz, unknown.tz_offset) is None
    assert zone_from(at_utc.tz, at_utc.tz_offset) == timezone(timedelta(0))
