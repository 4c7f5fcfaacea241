import ast
import random
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.routing import (
    STOPWORDS,
    Candidate,
    Suggestion,
    TopicInfo,
    choose_channel,
    match_topic,
    rank_helpers,
    terms,
    widen_window,
)

LONDON = ZoneInfo("Europe/London")
BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")
CAIRO = ZoneInfo("Africa/Cairo")

# A Wednesday in winter: 13:00 in London, 14:00 in Berlin, 22:00 in Tokyo, 08:00 in New York.
NOW = datetime(2025, 3, 5, 13, 0, tzinfo=UTC)
ASKER = "UASKER"
DATABASES = TopicInfo(id=1, name="Databases", keywords=("postgres", "sql"), channel_id="C0DB")
REQUEST = "Our postgres query on the billing table got slow after the terraform change"
REQUEST_TERMS = terms(REQUEST)
# Only the history count may put a number in a reason.
HISTORY_REASON = re.compile(r"helped with \d+ similar requests?")


def helper(user_id: str = "UHELPER", **changes: object) -> Candidate:
    """Glad to help with Databases, idle, at their desk in London: relevant and available."""
    base = Candidate(
        user_id=user_id,
        topics=frozenset({DATABASES.id}),
        skills=frozenset(),
        similar_helped=0,
        similarity=0.0,
        tz=LONDON,
        open_offers=0,
        asked_this_week=0,
        weekly_capacity=3,
        suggested_recently=0,
    )
    return replace(base, **changes)


def rank(candidates: list[Candidate], **changes: object) -> list[Suggestion]:
    options: dict[str, object] = {
        "asker_id": ASKER,
        "request_terms": REQUEST_TERMS,
        "topic": DATABASES,
        "now": NOW,
        "needed_by": None,
    }
    options.update(changes)
    return rank_helpers(candidates, **options)  # type: ignore[arg-type]


def ids(suggestions: list[Suggestion]) -> list[str]:
    return [s.user_id for s in suggestions]


def first_of(better: Candidate, worse: Candidate, **changes: object) -> str:
    # The better one is listed second and given the later user id, so neither input order nor
    # the user-id tie-break can put it first: only its score can.
    return rank([worse, better], **changes)[0].user_id


# --- terms ---------------------------------------------------------------------------------------


def test_terms_drop_function_words_and_ask_filler() -> None:
    text = "Hi all, could someone please help me with a quick question about Postgres? Thanks!"
    assert terms(text) == ["postgres"]


@pytest.mark.parametrize(
    "word",
    [
        "help",
        "need",
        "please",
        "someone",
        "question",
        "thanks",
        "quick",
        "could",
        "would",
        "anyone",
    ],
)
def test_ask_filler_is_a_stopword(word: str) -> None:
    assert word in STOPWORDS
    assert terms(word) == []


@pytest.mark.parametrize(
    "text", ["helping", "questions", "needed", "Anyone?", "Doesn't", "I\u2019m"]
)
def test_other_forms_of_stopwords_are_dropped_too(text: str) -> None:
    assert terms(text) == []


def test_every_stopword_alone_gives_no_terms() -> None:
    assert [word for word in sorted(STOPWORDS) if terms(word)] == []


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("deploys", "deploy"),
        ("deploying", "deploy"),
        ("deployed", "deploy"),
        ("caching", "cache"),
        ("caches", "cached"),
        ("queries", "query"),
        ("databases", "database"),
        ("running", "run"),
        ("logged", "logs"),
        ("fixes", "fixing"),
        ("classes", "class"),
        ("APIs", "api"),
    ],
)
def test_word_forms_meet_at_one_term(one: str, other: str) -> None:
    assert terms(one) == terms(other)
    assert len(terms(one)) == 1


@pytest.mark.parametrize(
    "word",
    ["postgres", "css", "k8s", "redis", "kubernetes", "jenkins", "status", "class", "string"],
)
def test_short_words_and_names_are_not_mangled(word: str) -> None:
    assert terms(word) == [word]


def test_different_words_do_not_meet() -> None:
    assert terms("billing") != terms("bile")
    assert terms("string") != terms("sting")


def test_language_names_with_marks_are_kept_whole() -> None:
    assert terms("C++ or C# or F#?") == ["c++", "c#", "f#"]


@pytest.mark.parametrize("text", ["CI/CD", "ci-cd", "CI CD", "ci_cd"])
def test_joined_words_split_the_same_way_however_they_are_written(text: str) -> None:
    # A multi-word skill or keyword then matches each spelling as a phrase.
    assert terms(text) == ["ci", "cd"]


def test_numbers_and_single_characters_are_dropped() -> None:
    assert terms("2024 42 x r v2 3.11 p95") == ["v2", "p95"]


def test_possessives_and_apostrophes() -> None:
    assert terms("Priya\u2019s dashboard and O'Reilly's book") == [
        "priya",
        "dashboard",
        "oreilly",
        "book",
    ]


def test_terms_are_deduplicated_in_first_occurrence_order() -> None:
    text = "terraform postgres Terraform deploy POSTGRES deploying"
    assert terms(text) == ["terraform", "postgres", "deploy"]


def test_terms_stop_at_the_limit() -> None:
    text = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november"
    assert terms(text) == terms(text, limit=12)
    assert len(terms(text)) == 12
    assert terms(text, limit=3) == ["alpha", "bravo", "charlie"]
    assert terms(text, limit=0) == []


@pytest.mark.parametrize("text", ["", "   ", "?!", "🙂", "a " * 5000])
def test_terms_of_empty_or_odd_text(text: str) -> None:
    assert terms(text) == []


# --- match_topic ---------------------------------------------------------------------------------

FRONTEND = TopicInfo(id=2, name="Frontend", keywords=("css", "react"), channel_id="C0FE")
ML = TopicInfo(id=3, name="ML", keywords=("machine learning", "model drift"), channel_id="C0ML")
LEARNING = TopicInfo(id=4, name="Learning", keywords=("learning", "course"), channel_id="C0LE")
RELEASES = TopicInfo(id=5, name="Releases", keywords=("deploys", "rollback"), channel_id="C0RE")
TOPICS = [DATABASES, FRONTEND, ML, LEARNING, RELEASES]


def test_match_topic_by_keyword() -> None:
    assert match_topic("Our React build breaks on CSS modules", TOPICS) == FRONTEND


def test_match_topic_by_name() -> None:
    assert match_topic("Which course should I take about databases?", [DATABASES]) == DATABASES


def test_match_topic_stems_both_sides() -> None:
    assert match_topic("Deploying on a Friday afternoon: who reviews it?", TOPICS) == RELEASES


def test_multi_word_keyword_matches_as_a_phrase_and_beats_a_single_word() -> None:
    assert match_topic("Machine learning model for fraud", TOPICS) == ML
    # The same words, not side by side, are not the phrase.
    assert match_topic("Learning to use the new build machine", TOPICS) == LEARNING


def test_a_keyword_matches_whole_terms_only() -> None:
    assert match_topic("Is PostgreSQL 17 out yet?", [replace(DATABASES, name="DB")]) is None


def test_match_topic_prefers_the_topic_covering_more_of_the_text() -> None:
    ops = TopicInfo(id=9, name="Ops", keywords=("postgres",), channel_id="C0OP")
    assert match_topic("postgres sql permissions", [ops, DATABASES]) == DATABASES


def test_match_topic_ties_go_to_fewer_keywords_then_lowest_id() -> None:
    narrow = TopicInfo(id=8, name="Postgres", keywords=(), channel_id="C08")
    broad = TopicInfo(
        id=7, name="Data", keywords=("postgres", "etl", "dbt", "kafka"), channel_id="C07"
    )
    assert match_topic("postgres vacuum", [broad, narrow]) == narrow
    twin = replace(narrow, id=6, channel_id="C06")
    assert match_topic("postgres vacuum", [narrow, twin]) == twin
    assert match_topic("postgres vacuum", [twin, narrow]) == twin


@pytest.mark.parametrize("text", ["Could someone help me please?", "Kubernetes ingress", ""])
def test_match_topic_none_when_nothing_matches(text: str) -> None:
    assert match_topic(text, TOPICS) is None


def test_match_topic_with_no_topics() -> None:
    assert match_topic("postgres", []) is None


def test_a_topic_named_only_in_stopwords_matches_nothing() -> None:
    vague = TopicInfo(id=10, name="Help", keywords=("question",), channel_id="C10")
    assert match_topic("Quick question, need help", [vague]) is None


# --- choose_channel -------------------------------------------------------------------------------


def test_the_askers_choice_wins() -> None:
    assert choose_channel(asker_choice="C0MINE", topic=DATABASES, help_channel="C0HELP") == "C0MINE"


def test_then_the_topics_channel() -> None:
    assert choose_channel(asker_choice=None, topic=DATABASES, help_channel="C0HELP") == "C0DB"
    assert choose_channel(asker_choice="  ", topic=DATABASES, help_channel="C0HELP") == "C0DB"


def test_then_the_help_channel() -> None:
    assert choose_channel(asker_choice=None, topic=None, help_channel="C0HELP") == "C0HELP"
    no_channel = replace(DATABASES, channel_id="")
    assert choose_channel(asker_choice="", topic=no_channel, help_channel="C0HELP") == "C0HELP"


# --- widen_window ---------------------------------------------------------------------------------


def test_widen_window_without_a_deadline_is_the_default() -> None:
    assert widen_window(NOW, None) == timedelta(hours=4)
    assert widen_window(NOW, None, default=timedelta(hours=2)) == timedelta(hours=2)


def test_widen_window_is_a_fraction_of_the_time_left() -> None:
    assert widen_window(NOW, NOW + timedelta(hours=8)) == timedelta(hours=2)
    assert widen_window(NOW, NOW + timedelta(hours=8), fraction=0.5) == timedelta(hours=4)


def test_widen_window_is_clamped() -> None:
    assert widen_window(NOW, NOW + timedelta(hours=1)) == timedelta(minutes=30)
    assert widen_window(NOW, NOW + timedelta(days=10)) == timedelta(hours=24)
    assert widen_window(NOW, None, default=timedelta(days=3)) == timedelta(hours=24)
    assert widen_window(NOW, None, default=timedelta(0)) == timedelta(minutes=30)
    custom = {"minimum": timedelta(hours=1), "maximum": timedelta(hours=2)}
    assert widen_window(NOW, NOW + timedelta(hours=2), **custom) == timedelta(hours=1)
    assert widen_window(NOW, NOW + timedelta(days=2), **custom) == timedelta(hours=2)


def test_widen_window_after_the_deadline_is_the_minimum() -> None:
    assert widen_window(NOW, NOW - timedelta(hours=1)) == timedelta(minutes=30)
    assert widen_window(NOW, NOW) == timedelta(minutes=30)


def test_widen_window_refuses_nonsense_settings() -> None:
    with pytest.raises(ValueError, match="fraction"):
        widen_window(NOW, None, fraction=0)
    with pytest.raises(ValueError, match="minimum"):
        widen_window(NOW, None, minimum=timedelta(hours=2), maximum=timedelta(hours=1))


# --- rank_helpers: who may be suggested -----------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"user_id": ASKER},
        {"is_bot": True},
        {"is_deleted": True},
        {"paused": True},
        {"weekly_capacity": 0},
        {"asked_this_week": 3, "weekly_capacity": 3},
        {"asked_this_week": 5, "weekly_capacity": 3},
    ],
    ids=["asker", "bot", "deleted", "paused", "no capacity", "at capacity", "over capacity"],
)
def test_excluded_people_are_never_suggested(changes: dict[str, object]) -> None:
    star = {"skills": frozenset({"postgres"}), "similar_helped": 9, "similarity": 1.0}
    excluded = helper("UEXCLUDED", **star) if "user_id" not in changes else helper(**star)
    excluded = replace(excluded, **changes)
    assert ids(rank([excluded, helper("UOTHER")])) == ["UOTHER"]


def test_nobody_relevant_gives_no_suggestions() -> None:
    idle = [helper(f"U{i}", topics=frozenset({99})) for i in range(10)]
    assert rank(idle) == []
    # Topic people only count when there is a topic.
    assert rank([helper()], topic=None) == []


def test_a_faint_history_alone_is_not_relevance() -> None:
    assert rank([helper(topics=frozenset(), similarity=0.05)]) == []
    assert ids(rank([helper(topics=frozenset(), similarity=0.5)])) == ["UHELPER"]
    assert ids(rank([helper(topics=frozenset(), similar_helped=1)])) == ["UHELPER"]


def test_no_candidates_and_no_room() -> None:
    assert rank([]) == []
    assert rank([helper()], limit=0) == []


def test_the_same_person_twice_is_suggested_once() -> None:
    assert ids(rank([helper(), helper()])) == ["UHELPER"]


# --- rank_helpers: each factor moves the ranking the right way ------------------------------------


def test_topic_match_ranks_higher() -> None:
    assert first_of(helper("UZ"), helper("UA", topics=frozenset({99}), similar_helped=1)) == "UZ"


def test_a_skill_the_request_names_ranks_higher() -> None:
    assert first_of(helper("UZ", skills=frozenset({"postgres"})), helper("UA")) == "UZ"


def test_skills_compare_by_stem() -> None:
    # "billing" in the request, "bills" in the skill list.
    assert first_of(helper("UZ", skills=frozenset({"bills"})), helper("UA")) == "UZ"


def test_more_matching_skills_rank_higher() -> None:
    two = helper("UZ", skills=frozenset({"postgres", "terraform"}))
    assert first_of(two, helper("UA", skills=frozenset({"postgres", "react"}))) == "UZ"


def test_a_multi_word_skill_matches_as_a_phrase() -> None:
    request_terms = terms("Slow query tuning in postgres")
    phrase = helper("UZ", skills=frozenset({"query tuning"}))
    assert first_of(phrase, helper("UA"), request_terms=request_terms) == "UZ"
    # The same words apart are not the skill: no reason, no extra score.
    apart = terms("The tuning guide does not cover this query")
    with_skill, without = rank([phrase, helper("UA")], request_terms=apart)
    assert with_skill.score == without.score
    assert not any(r.startswith("knows") for r in with_skill.reasons + without.reasons)


def test_having_helped_with_similar_requests_ranks_higher() -> None:
    assert first_of(helper("UZ", similar_helped=3), helper("UA", similar_helped=1)) == "UZ"
    assert first_of(helper("UZ", similarity=0.9), helper("UA", similarity=0.3)) == "UZ"


def test_working_now_ranks_higher() -> None:
    assert first_of(helper("UZ", tz=LONDON), helper("UA", tz=TOKYO)) == "UZ"


def test_more_working_time_before_the_deadline_ranks_higher() -> None:
    # 07:00 UTC: nobody in London or Berlin has started; by 12:00 London has had 3 hours,
    # Berlin 4.
    early = datetime(2025, 3, 5, 7, 0, tzinfo=UTC)
    deadline = early + timedelta(hours=5)
    berlin, london = helper("UZ", tz=BERLIN), helper("UA", tz=LONDON)
    assert first_of(berlin, london, now=early, needed_by=deadline) == "UZ"


def test_no_working_time_before_the_deadline_is_a_strong_penalty() -> None:
    soon = NOW + timedelta(hours=3)
    expert = helper("UA", tz=TOKYO, skills=frozenset({"postgres", "terraform"}), similar_helped=2)
    assert first_of(helper("UZ"), expert, needed_by=soon) == "UZ"
    # Without the deadline the expert's evening is no obstacle: they answer tomorrow.
    assert rank([helper("UZ"), expert])[0].user_id == "UA"


def test_an_unknown_zone_ranks_between_working_and_unreachable() -> None:
    soon = NOW + timedelta(hours=3)
    order = rank([helper("UA", tz=TOKYO), helper("UB", tz=None), helper("UC")], needed_by=soon)
    assert ids(order) == ["UC", "UB", "UA"]


def test_load_against_capacity_ranks_lower() -> None:
    busy = helper("UA", asked_this_week=2, weekly_capacity=3)
    assert first_of(helper("UZ", asked_this_week=0, weekly_capacity=3), busy) == "UZ"
    # The same two asks weigh less on someone who offered more.
    roomy = helper("UZ", asked_this_week=2, weekly_capacity=10)
    assert first_of(roomy, busy) == "UZ"


def test_open_offers_rank_lower() -> None:
    assert first_of(helper("UZ", open_offers=0), helper("UA", open_offers=2)) == "UZ"


def test_recent_suggestions_rank_lower() -> None:
    assert first_of(helper("UZ", suggested_recently=0), helper("UA", suggested_recently=2)) == "UZ"


def test_spread_rotates_through_equally_good_people() -> None:
    people = {f"U{i:02d}": helper(f"U{i:02d}") for i in range(10)}
    rounds: list[list[str]] = []
    for _ in range(4):
        picked = ids(rank(list(people.values())))
        rounds.append(picked)
        for user_id in picked:
            person = people[user_id]
            people[user_id] = replace(person, suggested_recently=person.suggested_recently + 1)
    assert rounds[0] == ["U00", "U01", "U02", "U03", "U04"]
    assert rounds[1] == ["U05", "U06", "U07", "U08", "U09"]
    assert rounds[2] == rounds[0]
    assert rounds[3] == rounds[1]


def test_spread_does_not_hide_a_much_better_match() -> None:
    star = helper("UZ", similar_helped=7, similarity=0.9, skills=frozenset({"postgres"}))
    assert first_of(replace(star, suggested_recently=2), helper("UA")) == "UZ"


def test_ties_break_by_user_id_and_scores_descend() -> None:
    people = [helper(u) for u in ("UC", "UA", "UB")] + [helper("UD", similar_helped=2)]
    ranked = rank(people)
    assert ids(ranked) == ["UD", "UA", "UB", "UC"]
    assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)
    assert ranked == rank(list(reversed(people)))


def test_at_most_limit_suggestions() -> None:
    people = [helper(f"U{i}") for i in range(8)]
    assert len(rank(people)) == 5
    assert len(rank(people, limit=2)) == 2
    assert len(rank(people, limit=20)) == 8


# --- rank_helpers: reasons ------------------------------------------------------------------------


def test_reasons_lead_with_the_strongest_evidence_then_availability() -> None:
    person = helper(similar_helped=3, similarity=0.5, skills=frozenset({"postgres"}))
    (only,) = rank([person])
    assert only.reasons == (
        "helped with 3 similar requests",
        "working hours now",
        "glad to help with Databases",
    )


def test_one_similar_request_is_singular() -> None:
    (only,) = rank([helper(topics=frozenset(), similar_helped=1)])
    assert only.reasons[0] == "helped with 1 similar request"


def test_related_history_without_a_count() -> None:
    (only,) = rank([helper(topics=frozenset(), similarity=0.6)])
    assert only.reasons[0] == "has helped with related requests"


def test_known_skills_are_named_in_the_order_the_request_names_them() -> None:
    skills = frozenset({"react", "terraform", "postgres"})
    (only,) = rank([helper(topics=frozenset(), skills=skills)])
    assert only.reasons[0] == "knows: postgres, terraform"


def test_working_hours_before_the_deadline_when_not_working_now() -> None:
    deadline = NOW + timedelta(hours=3)  # 10:00 in New York
    (only,) = rank([helper(tz=NEW_YORK)], needed_by=deadline)
    assert only.reasons == ("glad to help with Databases", "in working hours before the deadline")


def test_working_hours_within_the_next_day_without_a_deadline() -> None:
    (only,) = rank([helper(tz=TOKYO)])
    assert only.reasons == ("glad to help with Databases", "in working hours within the next day")


def test_no_availability_reason_when_they_cannot_help_in_time() -> None:
    (only,) = rank([helper(tz=TOKYO)], needed_by=NOW + timedelta(hours=3))
    assert only.reasons == ("glad to help with Databases",)
    (unknown,) = rank([helper(tz=None)])
    assert unknown.reasons == ("glad to help with Databases",)


def test_reasons_are_plain_words() -> None:
    rng = random.Random(7)
    people = [
        helper(
            f"U{i:03d}",
            topics=frozenset(rng.sample([1, 2, 3], rng.randint(0, 2))),
            skills=frozenset(rng.sample(["postgres", "terraform", "bills", "react"], 2)),
            similar_helped=rng.randint(0, 12),
            similarity=rng.random(),
            tz=rng.choice([LONDON, TOKYO, NEW_YORK, None]),
        )
        for i in range(60)
    ]
    for needed_by in (None, NOW + timedelta(hours=2), NOW + timedelta(days=3)):
        for suggestion in rank(people, needed_by=needed_by, limit=60):
            assert 1 <= len(suggestion.reasons) <= 3
            for reason in suggestion.reasons:
                # No scores, weights or other numbers leak, only the count of past help.
                assert not re.search(r"\d", HISTORY_REASON.sub("", reason)), reason
                assert "score" not in reason
                assert reason == reason.strip()
                assert reason[:1].islower()


# --- rank_helpers: scale and purity ---------------------------------------------------------------


def test_ranking_three_hundred_candidates() -> None:
    rng = random.Random(300)
    skills = ["postgres", "terraform", "react", "query tuning", "kubernetes", "python", "css"]
    zones = [LONDON, BERLIN, TOKYO, NEW_YORK, CAIRO, None]
    people = [
        Candidate(
            user_id=f"U{i:04d}",
            topics=frozenset(rng.sample(range(1, 8), rng.randint(0, 2))),
            skills=frozenset(rng.sample(skills, rng.randint(0, 4))),
            similar_helped=rng.randint(0, 6),
            similarity=rng.random(),
            tz=rng.choice(zones),
            open_offers=rng.randint(0, 3),
            asked_this_week=rng.randint(0, 4),
            weekly_capacity=rng.randint(0, 5),
            suggested_recently=rng.randint(0, 5),
            is_bot=rng.random() < 0.05,
            is_deleted=rng.random() < 0.05,
            paused=rng.random() < 0.05,
        )
        for i in range(300)
    ]
    by_id = {person.user_id: person for person in people}
    for needed_by in (None, NOW + timedelta(hours=1), NOW + timedelta(days=300)):
        ranked = rank(people, needed_by=needed_by)
        assert 0 < len(ranked) <= 5
        assert len({s.user_id for s in ranked}) == len(ranked)
        assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)
        for suggestion in ranked:
            person = by_id[suggestion.user_id]
            assert not person.is_bot
            assert not person.is_deleted
            assert not person.paused
            assert person.asked_this_week < person.weekly_capacity


def test_the_routing_module_stays_pure() -> None:
    source = Path(__file__).resolve().parents[1] / "bot" / "domain" / "routing.py"
    text = source.read_text()
    imported: set[str] = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            # Other pure domain modules are fine; nothing else of the app's is.
            domain = node.module.startswith("bot.domain.")
            imported.add(node.module if domain else node.module.split(".")[0])
    stdlib = {"collections", "dataclasses", "datetime", "functools", "heapq", "math", "re"}
    assert imported <= stdlib | {"typing", "bot.domain.worktime"}
    assert ".now(" not in text
    assert ".today(" not in text
