"""plan_nudges: who gets which nudge now, in their own working hours, never too often."""

import ast
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.message import line, message
from bot.domain.nudges import (
    NudgeKind,
    NudgePolicy,
    OpenRequest,
    Person,
    PlannedNudge,
    WorkspaceFacts,
    excerpt,
    format_within,
    is_quiet_time,
    iso_week,
    plan_nudges,
    workspace_fact,
)
from bot.domain.routing import lookup_keys, skill_stem, terms
from bot.domain.worktime import WorkingWeek
from bot.slack.blocks.scheduled import mrkdwn

K = NudgeKind


def rendered(nudge: PlannedNudge) -> str:
    return mrkdwn(nudge.message)


BERLIN = ZoneInfo("Europe/Berlin")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
TOKYO = ZoneInfo("Asia/Tokyo")

# Monday 23 November 2026, 14:30 UTC: 15:30 in Berlin, 06:30 in Los Angeles, 23:30 in Tokyo.
NOW = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
POLICY = NudgePolicy()
# Enough data, and a share that makes the point.
FACTS = WorkspaceFacts(requests_last_month=40, offered_share=0.9, median_first_offer=None)
NO_FACTS = WorkspaceFacts(requests_last_month=3, offered_share=None, median_first_offer=None)
RESEARCH = re.compile(r"Flynn and Lake, 2008|Zhao and Epley, 2022")


def person(user_id: str = "UPERSON", **changes: object) -> Person:
    """In Berlin, asked for something last week: nothing to nudge them about yet."""
    base = Person(user_id=user_id, tz=BERLIN, last_asked_at=NOW - timedelta(days=7), asked_recent=1)
    return replace(base, **changes)


def quiet(user_id: str = "UQUIET", **changes: object) -> Person:
    """Never asked for anything: START_SMALL is due."""
    return person(user_id, last_asked_at=None, asked_recent=0, **changes)


def postgres_request(request_id: int = 1, **changes: object) -> OpenRequest:
    what = "Could someone review my postgres migration plan before Thursday's release?"
    base = OpenRequest(
        id=request_id,
        asker_id="UASKER",
        what=what,
        topic_id=None,
        keys=frozenset(lookup_keys(terms(what))),
        needed_by=None,
        posted_at=NOW - timedelta(hours=3),
        offers=0,
        channel="C0HELP",
        permalink=f"https://example.slack.com/archives/C0HELP/p{request_id}",
    )
    return replace(base, **changes)


POSTGRES = frozenset({skill_stem("Postgres")})


def plan(
    people: list[Person],
    requests: list[OpenRequest] | None = None,
    *,
    facts: WorkspaceFacts = FACTS,
    policy: NudgePolicy = POLICY,
    now: datetime = NOW,
) -> list[PlannedNudge]:
    return plan_nudges(people, facts, requests or [], policy, now)


def only(people: list[Person], requests: list[OpenRequest] | None = None, **kw) -> PlannedNudge:
    planned = plan(people, requests, **kw)
    assert len(planned) == 1, planned
    return planned[0]


def kinds(people: list[Person], requests: list[OpenRequest] | None = None, **kw) -> list[str]:
    return [nudge.kind for nudge in plan(people, requests, **kw)]


# --- Working hours, time zones, workdays ----------------------------------------------------


def test_the_same_moment_is_inside_hours_in_berlin_and_outside_in_los_angeles_and_tokyo() -> None:
    planned = plan([quiet("UBERLIN"), quiet("ULA", tz=LOS_ANGELES), quiet("UTOKYO", tz=TOKYO)])
    assert [nudge.user_id for nudge in planned] == ["UBERLIN"]


def test_los_angeles_is_nudged_once_its_own_morning_starts() -> None:
    # 17:00 UTC is 09:00 in Los Angeles and 18:00 in Berlin.
    later = NOW.replace(hour=17, minute=0)
    planned = plan([quiet("UBERLIN"), quiet("ULA", tz=LOS_ANGELES)], now=later)
    assert [nudge.user_id for nudge in planned] == ["ULA"]


@pytest.mark.parametrize(
    ("local_time", "quiet_now"),
    [
        ("08:59", True),
        ("09:00", False),
        ("12:00", False),
        ("16:59", False),
        ("17:00", True),
        ("23:00", True),
    ],
)
def test_working_hours_start_inclusive_and_end_exclusive(local_time: str, quiet_now: bool) -> None:
    hour, minute = map(int, local_time.split(":"))
    moment = datetime(2026, 11, 25, hour, minute, tzinfo=BERLIN)  # a Wednesday
    assert is_quiet_time(moment, BERLIN, POLICY) is quiet_now
    assert kinds([quiet()], now=moment.astimezone(UTC)) == ([] if quiet_now else [K.START_SMALL])


def test_working_hours_follow_summer_time() -> None:
    # Berlin is UTC+2 in July: 07:30 UTC is 09:30 there, 06:30 UTC is 08:30.
    assert not is_quiet_time(datetime(2026, 7, 6, 7, 30, tzinfo=UTC), BERLIN, POLICY)
    assert is_quiet_time(datetime(2026, 7, 6, 6, 30, tzinfo=UTC), BERLIN, POLICY)


def test_no_nudges_at_the_weekend() -> None:
    saturday = datetime(2026, 11, 28, 11, 0, tzinfo=UTC)
    assert plan([quiet()], now=saturday) == []


def test_the_weekend_is_local_too() -> None:
    # Friday 22:30 UTC is already Saturday 07:30 in Tokyo, and still Friday 14:30 in Los Angeles.
    friday_night = datetime(2026, 11, 27, 22, 30, tzinfo=UTC)
    all_day = replace(POLICY, working_week=WorkingWeek(start=time(0), end=time.max))
    assert is_quiet_time(friday_night, TOKYO, all_day)
    assert not is_quiet_time(friday_night, LOS_ANGELES, POLICY)


def test_admins_choose_the_workdays() -> None:
    sunday_to_thursday = replace(POLICY, working_week=WorkingWeek(days=frozenset({6, 0, 1, 2, 3})))
    sunday = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    friday = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    assert kinds([quiet()], now=sunday, policy=sunday_to_thursday) == [K.START_SMALL]
    assert kinds([quiet()], now=friday, policy=sunday_to_thursday) == []


def test_custom_working_hours() -> None:
    early = replace(POLICY, working_week=WorkingWeek(start=time(7), end=time(15)))
    # 15:30 in Berlin: past an early finish.
    assert plan([quiet()], policy=early) == []


def test_an_unknown_time_zone_is_never_nudged() -> None:
    assert plan([quiet(tz=None)]) == []
    assert is_quiet_time(NOW, None, POLICY)


def test_a_naive_clock_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        plan([quiet()], now=NOW.replace(tzinfo=None))


@pytest.mark.parametrize(
    "make",
    [
        lambda: NudgePolicy(working_week=WorkingWeek(start=time(17), end=time(9))),
        lambda: NudgePolicy(working_week=WorkingWeek(days=frozenset({7}))),
        lambda: NudgePolicy(weekly_cap=-1),
    ],
)
def test_a_nonsense_policy_is_refused(make: Callable[[], NudgePolicy]) -> None:
    with pytest.raises(ValueError, match=r"hours|workdays|caps"):
        make()


# --- Caps, snooze, stop, disabled kinds, who is never nudged --------------------------------


def test_weekly_cap() -> None:
    assert plan([quiet(nudges_this_week=2)]) == []
    assert kinds([quiet(nudges_this_week=1)]) == [K.START_SMALL]
    assert plan([quiet(nudges_this_week=1)], policy=replace(POLICY, weekly_cap=1)) == []


def test_at_most_one_nudge_a_local_day() -> None:
    this_morning = datetime(2026, 11, 23, 9, 5, tzinfo=BERLIN)
    yesterday = this_morning - timedelta(days=1)
    assert plan([quiet(last_nudged_at=this_morning)]) == []
    assert kinds([quiet(last_nudged_at=yesterday)]) == [K.START_SMALL]


def test_the_daily_cap_counts_the_local_day_not_the_utc_day() -> None:
    # Sunday 23:30 UTC was already Monday 00:30 in Berlin: the same local day as NOW.
    sunday_utc = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    assert plan([quiet(last_nudged_at=sunday_utc)]) == []
    # In Los Angeles it was Sunday afternoon, so Monday is a new day there.
    la_monday = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
    assert kinds([quiet(tz=LOS_ANGELES, last_nudged_at=sunday_utc)], now=la_monday) == [
        K.START_SMALL
    ]


def test_a_daily_cap_of_zero_sends_nothing() -> None:
    assert plan([quiet()], policy=replace(POLICY, daily_cap=0)) == []


def test_snooze() -> None:
    assert plan([quiet(snoozed_until=NOW + timedelta(days=3))]) == []
    assert kinds([quiet(snoozed_until=NOW - timedelta(minutes=1))]) == [K.START_SMALL]


def test_stopping_a_kind_stops_only_that_kind() -> None:
    stopped = quiet(stopped=frozenset({K.START_SMALL}))
    assert kinds([stopped]) == [K.PEOPLE_SAY_YES]
    assert plan([quiet(stopped=frozenset(NudgeKind))]) == []


def test_a_disabled_kind_is_never_sent() -> None:
    without = replace(POLICY, enabled=frozenset(NudgeKind) - {K.START_SMALL})
    assert kinds([quiet()], policy=without) == [K.PEOPLE_SAY_YES]
    assert plan([quiet()], policy=replace(POLICY, enabled=frozenset())) == []


def test_bots_and_deactivated_people_get_nothing() -> None:
    assert plan([quiet(is_bot=True), quiet("UGONE", is_deleted=True)]) == []


def test_one_nudge_per_person_even_if_listed_twice() -> None:
    assert len(plan([quiet(), quiet()])) == 1


# --- Priority -------------------------------------------------------------------------------


def everything_applies() -> tuple[Person, list[OpenRequest]]:
    """A generous helper who never asks, with their own request due soon and one to help with."""
    helper = quiet(
        "UHELPER",
        helped_recent=5,
        skill_keys=POSTGRES,
    )
    own = postgres_request(1, asker_id="UHELPER", needed_by=NOW + timedelta(hours=6))
    other = postgres_request(2)
    return helper, [own, other]


def test_priority_deadline_then_matching_then_reciprocity_then_start_small_then_facts() -> None:
    helper, requests = everything_applies()
    assert only([helper], requests).kind == K.DEADLINE_SOON
    assert only([helper], requests[1:]).kind == K.MATCHING_REQUESTS
    assert only([helper]).kind == K.RECIPROCITY
    assert only([replace(helper, helped_recent=0)]).kind == K.START_SMALL
    assert only([replace(helper, helped_recent=0, stopped={K.START_SMALL})]).kind == (
        K.PEOPLE_SAY_YES
    )


def test_encouragements_rotate_to_the_one_sent_least_recently() -> None:
    sent = {K.START_SMALL: NOW - timedelta(days=20)}
    assert only([quiet(last_sent=sent)]).kind == K.PEOPLE_SAY_YES
    sent = {K.START_SMALL: NOW - timedelta(days=40), K.PEOPLE_SAY_YES: NOW - timedelta(days=20)}
    assert only([quiet(last_sent=sent)]).kind == K.START_SMALL


def test_encouragements_keep_a_gap_whichever_kind() -> None:
    # A quiet person must not hear "please ask" every week.
    recently = {K.PEOPLE_SAY_YES: NOW - timedelta(days=5)}
    assert plan([quiet(last_sent=recently)]) == []
    # The gap is for encouragements only: a request with a deadline still gets its reminder.
    own = postgres_request(1, asker_id="UQUIET", needed_by=NOW + timedelta(hours=2))
    assert only([quiet(last_sent=recently)], [own]).kind == K.DEADLINE_SOON


def test_reciprocity_needs_several_helps_and_no_asks_in_the_window() -> None:
    assert only([quiet(helped_recent=3)]).kind == K.RECIPROCITY
    assert only([quiet(helped_recent=2)]).kind == K.START_SMALL
    # Asked two months ago: they have asked in the last 90 days, so it isn't for them.
    asked = person(helped_recent=5, last_asked_at=NOW - timedelta(days=60), asked_recent=0)
    assert only([asked]).kind == K.START_SMALL


def test_start_small_goes_to_people_who_have_not_asked_in_the_configured_weeks() -> None:
    five_weeks = person(last_asked_at=NOW - timedelta(weeks=5), asked_recent=0)
    assert only([five_weeks]).kind == K.START_SMALL
    assert only([five_weeks], policy=replace(POLICY, inactive_weeks=6)).kind == K.PEOPLE_SAY_YES
    assert plan([person(last_asked_at=NOW - timedelta(days=3))]) == []


# --- Deadline soon --------------------------------------------------------------------------


def asker() -> Person:
    return person("UASKER")


def test_deadline_soon_within_the_window_and_without_offers() -> None:
    due = postgres_request(7, needed_by=NOW + timedelta(hours=20))
    nudge = only([asker()], [due])
    assert nudge.kind == K.DEADLINE_SOON
    assert nudge.period == "request-7"
    assert nudge.request_ids == (7,)
    assert "tomorrow at 11:30" in rendered(nudge)  # 20 hours after 15:30 in Berlin
    assert "<https://example.slack.com/archives/C0HELP/p7|Open your request>" in rendered(nudge)


@pytest.mark.parametrize(
    "changes",
    [
        {"needed_by": NOW + timedelta(hours=25)},  # not soon yet
        {"needed_by": NOW - timedelta(minutes=1)},  # past: the follow-up flow's job
        {"needed_by": None},
        {"needed_by": NOW + timedelta(hours=3), "offers": 1},
        {"needed_by": NOW + timedelta(hours=3), "posted_at": NOW - timedelta(minutes=20)},
    ],
)
def test_no_deadline_reminder(changes: dict[str, object]) -> None:
    assert plan([asker()], [postgres_request(**changes)]) == []


def test_the_most_urgent_request_is_the_one_reminded() -> None:
    later = postgres_request(1, needed_by=NOW + timedelta(hours=10))
    sooner = postgres_request(2, needed_by=NOW + timedelta(hours=4))
    assert only([asker()], [later, sooner]).request_ids == (2,)


def test_remind_before_is_configurable() -> None:
    due = postgres_request(needed_by=NOW + timedelta(hours=30))
    assert only([asker()], [due], policy=replace(POLICY, remind_before=timedelta(hours=48)))


# --- Matching requests ----------------------------------------------------------------------


def helper(**changes: object) -> Person:
    return person("UHELPER", **{"skill_keys": POSTGRES, **changes})


def test_matching_by_skill_and_by_topic() -> None:
    by_skill = only([helper()], [postgres_request(1)])
    assert by_skill.kind == K.MATCHING_REQUESTS
    assert by_skill.period == "2026-W48"
    assert by_skill.request_ids == (1,)
    topical = postgres_request(2, topic_id=4, keys=frozenset({"budget"}))
    assert only([person(topic_ids=frozenset({4}))], [topical]).request_ids == (2,)


def test_a_request_matching_several_ways_is_listed_once() -> None:
    several = helper(
        skill_keys=POSTGRES | {skill_stem("migration"), skill_stem("release")},
        topic_ids=frozenset({4}),
    )
    requests = [postgres_request(1, topic_id=4), postgres_request(2, topic_id=4)]
    assert only([several], requests).request_ids == (1, 2)


def test_never_about_their_own_request() -> None:
    own = postgres_request(1, asker_id="UHELPER")
    assert plan([helper()], [own]) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"offers": 1},
        {"posted_at": NOW - timedelta(minutes=30)},  # the channel has not had a chance yet
        {"needed_by": NOW - timedelta(hours=1)},
        {"keys": frozenset({"kubernet"})},
    ],
)
def test_requests_that_are_not_suggested(changes: dict[str, object]) -> None:
    assert plan([helper()], [postgres_request(**changes)]) == []


def test_paused_helpers_are_not_sent_requests() -> None:
    assert plan([helper(paused=True)], [postgres_request()]) == []


def test_matches_are_capped_and_the_soonest_needed_come_first() -> None:
    requests = [
        postgres_request(1),
        postgres_request(2, needed_by=NOW + timedelta(days=3)),
        postgres_request(3, posted_at=NOW - timedelta(days=2)),
        postgres_request(4, needed_by=NOW + timedelta(days=1)),
        postgres_request(5),
    ]
    nudge = only([helper()], requests)
    assert nudge.request_ids == (4, 2, 3)
    assert rendered(nudge).count("\n• ") == 3
    assert rendered(nudge).startswith("Three open requests match")
    assert only([helper()], requests, policy=replace(POLICY, max_matches=1)).request_ids == (4,)


def test_a_request_without_a_permalink_names_its_channel() -> None:
    nudge = only([helper()], [postgres_request(permalink=None)])
    assert "in <#C0HELP>" in rendered(nudge)


# --- People say yes: this workspace's numbers, or research ----------------------------------


def says_yes(facts: WorkspaceFacts) -> str:
    nudge = only([quiet(last_sent={K.START_SMALL: NOW - timedelta(days=30)})], facts=facts)
    assert nudge.kind == K.PEOPLE_SAY_YES
    return rendered(nudge)


def test_people_say_yes_uses_the_workspace_numbers_when_there_are_enough() -> None:
    facts = WorkspaceFacts(40, 0.9, timedelta(minutes=95))
    text = says_yes(facts)
    assert text.startswith(
        "Last month 9 in 10 requests here got an offer, and half of those had one within 2 hours."
    )
    assert not RESEARCH.search(text)


@pytest.mark.parametrize(
    "facts",
    [
        WorkspaceFacts(19, 0.9, timedelta(hours=1)),  # too few requests to say anything
        WorkspaceFacts(40, None, None),
        WorkspaceFacts(40, 0.3, timedelta(hours=1)),  # a number that argues against asking
    ],
)
def test_people_say_yes_falls_back_to_research(facts: WorkspaceFacts) -> None:
    text = says_yes(facts)
    assert RESEARCH.search(text)
    assert "Last month" not in text


def test_the_research_line_depends_on_person_and_week_only() -> None:
    texts = {
        rendered(
            only(
                [quiet(f"U{i:08d}", last_sent={K.START_SMALL: NOW - timedelta(days=30)})],
                facts=NO_FACTS,
            )
        )
        for i in range(20)
    }
    assert len(texts) == 2  # both papers get their turn


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (WorkspaceFacts(20, 1.0, None), "Last month all 20 requests here got an offer."),
        (
            WorkspaceFacts(20, 1.0, timedelta(minutes=42)),
            "Last month all 20 requests here got an offer, and half of them had one within "
            "45 minutes.",
        ),
        (WorkspaceFacts(40, 0.975, None), "Last month nearly every request here got an offer."),
        (WorkspaceFacts(30, 0.8, None), "Last month 8 in 10 requests here got an offer."),
        (WorkspaceFacts(23, 0.7, None), "Last month about 7 in 10 requests here got an offer."),
        (WorkspaceFacts(40, 0.5, None), "Last month 5 in 10 requests here got an offer."),
        (WorkspaceFacts(40, 0.44, None), None),
        (WorkspaceFacts(5, 1.0, None), None),
    ],
)
def test_workspace_fact_wording(facts: WorkspaceFacts, expected: str | None) -> None:
    assert workspace_fact(facts, 20) == expected


@pytest.mark.parametrize(
    ("duration", "words"),
    [
        (timedelta(seconds=10), "a minute"),
        (timedelta(minutes=7), "7 minutes"),
        (timedelta(minutes=7, seconds=1), "8 minutes"),
        (timedelta(minutes=42), "45 minutes"),
        (timedelta(minutes=58), "an hour"),
        (timedelta(minutes=60), "an hour"),
        (timedelta(minutes=61), "2 hours"),
        (timedelta(hours=2), "2 hours"),
        (timedelta(hours=30), "30 hours"),
        (timedelta(hours=50), "3 days"),
    ],
)
def test_durations_are_rounded_up_so_within_is_true(duration: timedelta, words: str) -> None:
    assert format_within(duration) == words


# --- Texts ----------------------------------------------------------------------------------


def test_start_small_offers_two_or_three_concrete_examples() -> None:
    text = rendered(only([quiet()]))
    examples = [line for line in text.splitlines() if line.startswith("• ")]
    assert 2 <= len(examples) <= 3
    assert len(set(examples)) == len(examples)
    assert "/ask" in text


def test_reciprocity_thanks_them_and_counts_in_words() -> None:
    text = rendered(only([quiet(helped_recent=4)]))
    assert text.startswith("You've helped colleagues four times in the last three months.")


def every_text() -> list[str]:
    helper_, requests = everything_applies()
    people = [
        helper_,
        replace(helper_, user_id="UREC"),
        quiet("USMALL"),
        quiet("UYES", last_sent={K.START_SMALL: NOW - timedelta(days=30)}),
    ]
    texts = [rendered(nudge) for nudge in plan(people, requests)]
    texts += [rendered(nudge) for nudge in plan(people, facts=NO_FACTS)]
    texts.append(rendered(only([helper_], [postgres_request(3, permalink=None)])))
    return texts


# Markup the renderer adds: links to permalinks, channel mentions, and escaped request text.
ALLOWED_MARKUP = re.compile(r"<https://[^<>| ]+\|[^<>]*>|<#C[A-Z0-9]+>|&amp;|&lt;|&gt;")


def test_texts_are_mrkdwn_safe() -> None:
    texts = every_text()
    assert len(texts) >= 6
    for text in texts:
        bare = ALLOWED_MARKUP.sub("", text)
        assert not set("<>&") & set(bare), text


def test_texts_never_guilt_trip() -> None:
    for text in every_text():
        lowered = text.lower()
        for phrase in ("haven't asked", "you never", "you should", "still haven't", "why not"):
            assert phrase not in lowered, text


def test_request_text_is_cut_as_typed_and_escaped_whole() -> None:
    what = "Compare " + "x" * 70 + " & more"
    cut = excerpt(what, 82)
    assert cut == "Compare " + "x" * 70 + " &…"
    assert mrkdwn(message((line(cut),))) == "Compare " + "x" * 70 + " &amp;…"
    # No word break to cut at: cut at the limit, and the escape comes after.
    assert excerpt("x" * 78 + "&yyyy", 80) == "x" * 78 + "&…"
    assert excerpt("a\n\nb   c") == "a b c"


def test_planning_is_deterministic() -> None:
    helper_, requests = everything_applies()
    people = [helper_, quiet("UA"), quiet("UB", helped_recent=4), asker()]
    assert plan(people, requests) == plan(list(reversed(people)), list(reversed(requests)))


# --- Periods --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "tz", "week"),
    [
        (datetime(2026, 11, 23, 12, tzinfo=UTC), UTC, "2026-W48"),
        (datetime(2026, 12, 31, 12, tzinfo=UTC), UTC, "2026-W53"),  # 2026 has 53 ISO weeks
        (datetime(2027, 1, 1, 12, tzinfo=UTC), UTC, "2026-W53"),  # ISO year, not calendar year
        (datetime(2027, 1, 3, 23, 30, tzinfo=UTC), UTC, "2026-W53"),
        (datetime(2027, 1, 3, 23, 30, tzinfo=UTC), BERLIN, "2027-W01"),  # Monday already there
        (datetime(2027, 1, 4, 3, 0, tzinfo=UTC), LOS_ANGELES, "2026-W53"),  # still Sunday there
        (datetime(2025, 12, 29, 12, tzinfo=UTC), UTC, "2026-W01"),  # a December day in W01
    ],
)
def test_iso_week_of_the_local_date(moment: datetime, tz: ZoneInfo, week: str) -> None:
    assert iso_week(moment, tz) == week


def test_weekly_nudges_use_the_persons_local_week() -> None:
    # Monday 4 January 2027, 08:30 UTC: 09:30 in Berlin, so week 1 of 2027 there.
    monday = datetime(2027, 1, 4, 8, 30, tzinfo=UTC)
    assert only([quiet()], now=monday).period == "2027-W01"
    thursday = datetime(2026, 12, 31, 10, 0, tzinfo=UTC)
    assert only([quiet()], now=thursday).period == "2026-W53"


# --- Purity ---------------------------------------------------------------------------------


def test_the_nudges_module_stays_pure() -> None:
    source = Path(__file__).resolve().parents[1] / "bot" / "domain" / "nudges.py"
    text = source.read_text()
    imported: set[str] = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
            if node.module.startswith("bot."):
                # Other pure domain modules are fine; nothing else of the app's is.
                assert node.module.startswith("bot.domain."), node.module
    allowed = {"collections", "dataclasses", "datetime", "enum", "hashlib", "heapq", "bot"}
    assert imported <= allowed
    assert ".now(" not in text
    assert ".today(" not in text
    assert "random" not in imported
