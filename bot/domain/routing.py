"""Where a request goes, and which colleagues to suggest for it, with a plain reason for each.

Everything here is pure: the database layer fetches a few hundred candidates with their counts
already computed, and passes the time in. Ranking is a few sums and products per candidate, with
each skill and time zone worked out once per call, so 300 candidates rank in a millisecond or so.

How a helper's score is built, so every suggestion can be explained by pointing at its parts:

    score = relevance * availability * load * spread

- Relevance is a sum of evidence that they can help: they offered help with the request's topic,
  the request names skills they list, and they helped with similar requests before. Zero relevance
  means no suggestion, however idle someone is: a suggestion must have a reason.
- Availability, load and spread are factors of at most 1 that only reorder relevant people. They
  multiply rather than add, so "twice as relevant" survives a busy week, and an equally relevant
  pair is decided by who has the time and who was asked least.

Judgement calls, so a reviewer can disagree with them on purpose:

- Working time is the workspace's `WorkingWeek` (by default Monday to Friday, 09:00-17:00) in each
  person's Slack time zone. An unknown zone is neither rewarded nor written off.
- Reasons name what we know about the helper's expertise and time, never their workload: how busy
  a colleague is, is not the asker's business, so load only reorders quietly.
- Terms are stems, for comparing with other terms, not for showing: "caching" and "cache" both
  become "cach". A person's skills are always shown as they wrote them.
"""

import heapq
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from functools import lru_cache
from typing import NamedTuple

from bot.domain.worktime import STANDARD_WEEK, WorkingWeek

# --- Terms ----------------------------------------------------------------------------------------


def _wordset(*texts: str) -> frozenset[str]:
    return frozenset(word for text in texts for word in text.split())


# English function words, and the filler every ask shares ("could someone help with a quick
# question"): left in, they would make every request look similar to every other. Only base forms
# are listed; a word whose stem is a listed word's stem ("helping", "questions") goes too.
# "go" and "it" are here although they name a language and a department: the verb and the pronoun
# are far more common in asks, and people tag "golang" and "it support".
STOPWORDS: frozenset[str] = _wordset(
    """
    a about above after again against all almost along already also although always am among an
    and another any are aren't around as at be because been before being below between both but
    by can can't cannot could couldn't did didn't do does doesn't doing don't done down during each
    either else enough etc even ever every few for from further had hadn't has hasn't have haven't
    having he he'd he'll he's her here hers herself him himself his how i i'd i'll i'm i've ie if
    in into is isn't it it's its itself just least less let let's like likely many may maybe me
    might mine more most much must my myself no nor not now of off often on once one only onto or
    other others otherwise our ours ourselves out over own per perhaps quite rather really same
    shall she she'd she'll she's should shouldn't since so some such than that that's the their
    theirs them themselves then there there's these they they'd they'll they're they've this those
    though through thus till to too toward towards under unless until up upon us very via vs was
    wasn't we we'd we'll we're we've well were weren't what what's whatever when whenever where
    where's whether which while who who's whom whose why will with within without won't would
    wouldn't yet you you'd you'll you're you've your yours yourself yourselves eg
    """,
    """
    help need needs please pls plz someone somebody anyone anybody everyone everybody question
    thanks thank thx ty quick quickly hi hello hey folks team guys people appreciate advance
    wonder wondering ask know knew try tips advice assist assistance idea thoughts
    issue problem trouble stuff thing something anything everything nothing bit lot lots able
    possible sure ok okay kind way want wanted look see seem get got make made come came go goes
    going take took give gave put use using work working urgent urgently asap soon today tomorrow
    tonight week weekend day hour minute new old good great best better big small little
    """,
)

# Keeps "c++", "c#" and "f#": without their marks they are a single letter and would vanish.
# Everything else splits on punctuation, so "ci/cd", "ci-cd" and "CI CD" give the same two terms
# and a multi-word skill or keyword matches all three as a phrase.
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*(?:\+\+|#)?")
# Words whose final "s" is not a plural ending, where stripping it would give a different word.
_NOT_PLURAL = frozenset(
    {"postgres", "kubernetes", "jenkins", "devops", "macos", "ios", "windows", "news", "series"}
)
# "-ing" and "-ed" words that are not verb forms.
_NOT_ING = frozenset({"string", "spring", "thing", "morning", "evening", "ceiling", "wedding"})
_NOT_ED = frozenset({"embed", "hundred", "sacred", "naked", "wicked", "shred", "sled", "shed"})
_VOWELS = frozenset("aeiouy")
# Porter's exceptions: "bill", "pass", "buzz" end in a double letter of their own.
_KEEP_DOUBLE = frozenset("lsz") | _VOWELS
# The longest term stored (request_terms.term, term_stats.term): a longer word (a commit hash, a
# long identifier) is cut to it, so it is still found by the same word typed again.
MAX_TERM = 40
# Shorter than this, a stem is mostly a different word ("us" from "used", "sp" from "sped").
_MIN_STEM = 3
# Topic keywords and skills repeat across calls; stemming each once keeps ranking cheap.
_PHRASE_CACHE_SIZE = 4096


def terms(text: str, limit: int = 12) -> list[str]:
    """The first `limit` distinct content terms of `text`, stemmed, in order of appearance.

    Lowercased; split on anything but letters and digits, keeping "c++"/"c#" whole and dropping
    possessive "'s"; stopwords (function words and ask filler), pure numbers and single characters
    go; a longer word is cut to MAX_TERM characters. A light stem ("deploys", "deploying",
    "deployed" -> "deploy"; "caches", "caching", "cache" -> "cach") lets word forms meet, while
    short words and known names ("css", "postgres") stay as they are. Terms are for comparing
    with other `terms` output: stemming them again is not stable.
    """
    found: list[str] = []
    if limit <= 0:
        return found
    seen: set[str] = set()
    for term in _term_stream(text):
        if term not in seen:
            seen.add(term)
            found.append(term)
            if len(found) >= limit:
                break
    return found


def _term_stream(text: str) -> Iterator[str]:
    """Every content term of `text` in order, repeats kept (phrases need the real neighbours)."""
    for match in _TOKEN.finditer(text.lower().replace("\u2019", "'")):
        token = match.group(0)
        if token in STOPWORDS:
            continue
        if "'" in token:
            # "team's" is about the team; "o'reilly" is one name.
            token = token.removesuffix("'s").replace("'", "")
        if len(token) < 2 or token.isdigit():
            continue
        stem = _stem(token)
        if stem in _STOP_STEMS or token in STOPWORDS:
            continue
        yield stem[:MAX_TERM]


def _stem(word: str) -> str:
    """A light stem in the spirit of Porter's first step: plurals, then -ed/-ing, then a final e."""
    if len(word) <= _MIN_STEM or word in _NOT_PLURAL or not word.isalpha():
        # Short words, names and "k8s"/"c++"-like tokens are taken as written.
        return word
    word = _strip_plural(word)
    word = _strip_verb_ending(word)
    # "cache", "caching", "cached" all meet at "cach"; "tree" and "issue" keep their e.
    if len(word) > _MIN_STEM and word.endswith("e") and word[-2] not in _VOWELS:
        word = word[:-1]
    return word


def _strip_plural(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    # "class", "status", "redis" and "analysis" end in s without being plurals; "apis" is one.
    if word.endswith("s") and not word.endswith(("ss", "us")):
        if word.endswith("is") and len(word) > 4:
            return word
        return word[:-1]
    return word


def _strip_verb_ending(word: str) -> str:
    if word.endswith("ied") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("ing") and word not in _NOT_ING:
        stem = word[:-3]
    elif word.endswith("ed") and not word.endswith("eed") and word not in _NOT_ED:
        stem = word[:-2]
    else:
        return word
    if len(stem) < _MIN_STEM or not _VOWELS.intersection(stem):
        return word
    # "running" -> "run", "logged" -> "log"; but "billing" -> "bill", "passed" -> "pass".
    if len(stem) > _MIN_STEM and stem[-1] == stem[-2] and stem[-1] not in _KEEP_DOUBLE:
        stem = stem[:-1]
    return stem


_STOP_STEMS = frozenset(_stem(word) for word in STOPWORDS)


@lru_cache(maxsize=_PHRASE_CACHE_SIZE)
def _phrase(text: str) -> str:
    """A keyword or skill as space-joined stems, ready to look for in `_joined` terms."""
    return " ".join(_term_stream(text))


def _joined(stems: Sequence[str]) -> str:
    # The padding makes a phrase match whole terms only: "sql" is not found in "postgresql".
    return f" {' '.join(stems)} "


# --- Topics and channels --------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicInfo:
    """One of the workspace's topics: what routing matches a request against, and what profiles
    and App Home show."""

    id: int
    name: str
    keywords: tuple[str, ...]
    channel_id: str


def skill_stem(skill: str) -> str:
    """A skill as routing looks it up: its terms, space-joined, so "Deploying" meets a request
    about "deploys" and "Machine learning" meets "machine learning models". A word the tokenizer
    drops ("Go") is kept lowercased rather than lost."""
    found = terms(skill, limit=8)
    return " ".join(found) if found else " ".join(skill.lower().split())


def lookup_keys(request_terms: Sequence[str], longest: int = 3) -> list[str]:
    """The request's terms and their runs of up to `longest` adjacent terms: the stems a skill
    (single word or phrase) must equal to match."""
    keys: list[str] = []
    for size in range(1, longest + 1):
        for start in range(len(request_terms) - size + 1):
            keys.append(" ".join(request_terms[start : start + size]))
    return list(dict.fromkeys(keys))


def match_topic(text: str, topics: Sequence[TopicInfo]) -> TopicInfo | None:
    """The topic whose name and keywords cover the most of the text's terms, or None.

    A topic's name counts as one of its keywords; a multi-word keyword ("machine learning") matches
    only as a phrase, and covers each of its words, so it beats a topic matching one of them. Ties
    go to the topic with fewer keywords, because matching a narrow topic says more than matching a
    catch-all, and then to the lowest id, so the answer never changes from one call to the next.
    """
    haystack = _joined(list(_term_stream(text)))
    best: TopicInfo | None = None
    best_key: tuple[int, int, int] | None = None
    for topic in topics:
        covered: set[str] = set()
        for keyword in (topic.name, *topic.keywords):
            phrase = _phrase(keyword)
            if phrase and f" {phrase} " in haystack:
                covered.update(phrase.split())
        if not covered:
            continue
        key = (-len(covered), len(topic.keywords), topic.id)
        if best_key is None or key < best_key:
            best, best_key = topic, key
    return best


def choose_channel(*, asker_choice: str | None, topic: TopicInfo | None, help_channel: str) -> str:
    """The asker's pick wins; then the matched topic's channel; then the general help channel."""
    if asker_choice and asker_choice.strip():
        return asker_choice.strip()
    if topic is not None and topic.channel_id.strip():
        return topic.channel_id.strip()
    return help_channel


# --- Widening ------------------------------------------------------------------------------------


def widen_window(
    now: datetime,
    needed_by: datetime | None,
    *,
    fraction: float = 0.25,
    default: timedelta = timedelta(hours=4),
    minimum: timedelta = timedelta(minutes=30),
    maximum: timedelta = timedelta(hours=24),
) -> timedelta:
    """How long to wait for an offer before widening the request, once.

    A quarter of the time left by default: a request due in two days can wait half a day for the
    right person, one due in two hours cannot. Clamped, because under half an hour nobody has had
    the chance to read it, and after a day a quiet request is not going to get louder by itself. A
    deadline already past gets the minimum. Without a deadline, `default` (clamped too).
    """
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    if minimum > maximum:
        raise ValueError("minimum must not exceed maximum")
    if needed_by is None:
        wait = default
    else:
        left = needed_by - now
        wait = left * fraction if left > timedelta(0) else minimum
    return max(minimum, min(maximum, wait))


# --- Ranking -------------------------------------------------------------------------------------

# Relevance. Offering help with the request's topic is a standing promise, so it is strong.
TOPIC_WEIGHT = 3.0
# Each listed skill the request names. Only the first few count, so a long list of tags weighs no
# more than a record of having helped with this before.
SKILL_WEIGHT = 2.0
SKILLS_COUNTED = 3
# Named in the reason; more would make the line too long to read at a glance.
SKILLS_NAMED = 3
# How close their helped history is to this request (0..1), the best single sign of fit.
SIMILARITY_WEIGHT = 3.0
# Below this the overlap is one shared common word, not a similar request.
SIMILARITY_FLOOR = 0.1
# Per doubling of similar requests helped (1 -> 1.0, 3 -> 2.0, 7 -> 3.0): the tenth similar
# request says little more than the fifth.
HELPED_WEIGHT = 1.0
HELPED_CAP = 3.0

# Availability, over the working hours between now and the deadline (or the next day).
NO_DEADLINE_HORIZON = timedelta(hours=24)
# Half a working day before the deadline is as good as a whole week: more does not make a reply
# more likely.
FULL_OVERLAP_HOURS = 4.0
AVAILABLE_BASE = 0.5
AVAILABLE_SPAN = 0.4
# At their desk now: the likeliest to see the message while it is fresh.
WORKING_NOW_BONUS = 0.1
# No working time at all before the deadline: they could only help in their own time.
NO_OVERLAP_FACTOR = 0.15
# About as good as an hour of overlap: Slack almost always knows the zone, so this is rare.
UNKNOWN_TZ_FACTOR = 0.6

# Load. At two thirds of their weekly capacity someone is at 0.6 of an idle colleague.
LOAD_WEIGHT = 0.6
# Each offer still open is work in hand: one makes 0.77, three 0.53.
OPEN_OFFER_WEIGHT = 0.3

# Spread: one recent suggestion makes 0.67, two 0.5, four 0.33, so nobody becomes "the" helper.
SPREAD_WEIGHT = 0.5

# Enough to order people; more would only carry float noise into the tie-break.
SCORE_DIGITS = 4
MAX_REASONS = 3


@dataclass(frozen=True)
class Candidate:
    user_id: str
    topics: frozenset[int]  # topic ids they are glad to help with
    skills: frozenset[str]  # their free tags, lowercased (may be multi-word)
    similar_helped: int  # past requests similar to this one that they helped with
    similarity: float  # 0..1, how close their helped history is to this request
    tz: tzinfo | None  # their Slack time zone (None: unknown)
    open_offers: int  # offers they made that are still open
    asked_this_week: int  # times they were asked directly, or suggested and asked, this week
    weekly_capacity: int  # asks a week they said they can take (>= 0; 0 means never)
    suggested_recently: int  # times suggested in the last 14 days
    is_bot: bool = False
    is_deleted: bool = False
    paused: bool = False  # "don't suggest me for now"


@dataclass(frozen=True)
class Suggestion:
    user_id: str
    score: float
    reasons: tuple[str, ...]  # plain words, most important first, at most MAX_REASONS


def rank_helpers(
    candidates: Sequence[Candidate],
    *,
    asker_id: str,
    request_terms: Sequence[str],
    topic: TopicInfo | None,
    now: datetime,
    needed_by: datetime | None,
    limit: int = 5,
    week: WorkingWeek = STANDARD_WEEK,
) -> list[Suggestion]:
    """Up to `limit` colleagues worth asking, best first, each with why.

    `request_terms` is `terms()` of the request. Never suggested: the asker, bots, deactivated or
    paused people, anyone at their weekly capacity, and anyone with no relevance at all. Ties go
    to the lower user id, so the same inputs always give the same list.
    """
    if limit <= 0:
        return []
    request = _Request(
        [term.strip().lower() for term in request_terms],
        topic.id if topic is not None else None,
        now,
        needed_by,
        week,
    )
    scored: list[_Scored] = []
    seen: set[str] = set()
    for person in candidates:
        if person.user_id in seen or not _may_suggest(person, asker_id):
            continue
        seen.add(person.user_id)
        found = _score(person, request)
        if found is not None:
            scored.append(found)
    # Reasons are written only for the few that are shown.
    best = heapq.nsmallest(limit, scored, key=lambda item: (-item.score, item.person.user_id))
    return [
        Suggestion(
            user_id=item.person.user_id,
            score=item.score,
            reasons=_reasons(item, topic, request),
        )
        for item in best
    ]


class _Request:
    """What every candidate is compared with, worked out once per ranking."""

    def __init__(
        self,
        request_terms: list[str],
        topic_id: int | None,
        now: datetime,
        needed_by: datetime | None,
        week: WorkingWeek,
    ) -> None:
        self.haystack = _joined(request_terms)
        self.positions: dict[str, int] = {}
        for i, term in enumerate(request_terms):
            self.positions.setdefault(term, i)
        self.topic_id = topic_id
        self.now = now
        self.needed_by = needed_by
        self.week = week
        self.end = needed_by if needed_by is not None else now + NO_DEADLINE_HORIZON
        # Skills and zones repeat across people: each is looked at once per ranking, which is
        # what keeps a few hundred candidates cheap.
        self._skills: dict[str, int] = {}
        self._zones: dict[tzinfo | None, tuple[float, bool]] = {}

    def skill_position(self, skill: str) -> int:
        """Where the request names the skill (its first term's place), or -1 if it does not."""
        position = self._skills.get(skill)
        if position is None:
            phrase = _phrase(skill)
            position = -1
            if phrase and f" {phrase} " in self.haystack:
                position = self.positions.get(phrase.split(" ", 1)[0], len(self.positions))
            self._skills[skill] = position
        return position

    def zone(self, tz: tzinfo | None) -> tuple[float, bool]:
        """Working hours (up to what counts) before the deadline, and whether they work now."""
        found = self._zones.get(tz)
        if found is None:
            found = (
                self.week.hours_between(tz, self.now, self.end, cap=FULL_OVERLAP_HOURS),
                self.week.is_working(self.now, tz),
            )
            self._zones[tz] = found
        return found


class _Scored(NamedTuple):
    person: Candidate
    score: float
    history: float
    skills: int  # how many of their skills the request names


def _may_suggest(person: Candidate, asker_id: str) -> bool:
    return not (
        person.user_id == asker_id
        or person.is_bot
        or person.is_deleted
        or person.paused
        or person.weekly_capacity <= 0
        or person.asked_this_week >= person.weekly_capacity
    )


def _score(person: Candidate, request: _Request) -> _Scored | None:
    history = _history(person)
    skills = 0
    for skill in person.skills:
        if request.skill_position(skill) >= 0:
            skills += 1
    relevance = history + SKILL_WEIGHT * min(skills, SKILLS_COUNTED)
    if request.topic_id is not None and request.topic_id in person.topics:
        relevance += TOPIC_WEIGHT
    if relevance <= 0:
        return None
    availability, _ = _availability(person.tz, request)
    score = relevance * availability * _load(person) * _spread(person)
    # Rounded before ties are broken, so float noise never outranks the user-id order.
    return _Scored(person, round(score, SCORE_DIGITS), history, skills)


def _history(person: Candidate) -> float:
    similarity = min(max(person.similarity, 0.0), 1.0)
    if similarity < SIMILARITY_FLOOR:
        similarity = 0.0
    helped = max(person.similar_helped, 0)
    return SIMILARITY_WEIGHT * similarity + min(HELPED_WEIGHT * math.log2(1 + helped), HELPED_CAP)


def _reasons(item: _Scored, topic: TopicInfo | None, request: _Request) -> tuple[str, ...]:
    """Plain words, strongest evidence first, then whether they can help in time."""
    person = item.person
    evidence: list[tuple[float, str]] = []
    if item.history > 0:
        helped = max(person.similar_helped, 0)
        if helped:
            noun = "request" if helped == 1 else "requests"
            evidence.append((item.history, f"helped with {helped} similar {noun}"))
        else:
            evidence.append((item.history, "has helped with related requests"))
    if item.skills:
        # A frozenset has no order; position then name keeps the reason the same on every run.
        known = sorted(
            (at, skill.strip())
            for skill in person.skills
            if (at := request.skill_position(skill)) >= 0
        )
        named = ", ".join(skill for _, skill in known[:SKILLS_NAMED])
        evidence.append((SKILL_WEIGHT * min(item.skills, SKILLS_COUNTED), f"knows: {named}"))
    if topic is not None and topic.id in person.topics:
        evidence.append((TOPIC_WEIGHT, f"glad to help with {topic.name.strip() or 'this topic'}"))
    # Stable sort: on equal weight, past help (the surest sign) comes before skills and topic.
    reasons = [text for _, text in sorted(evidence, key=lambda pair: -pair[0])]
    _, when = _availability(person.tz, request)
    if when is not None:
        # Second: after the best sign they can help comes whether they can help in time.
        reasons.insert(1, when)
    return tuple(reasons[:MAX_REASONS])


def _availability(tz: tzinfo | None, request: _Request) -> tuple[float, str | None]:
    if tz is None:
        return UNKNOWN_TZ_FACTOR, None
    overlap, working_now = request.zone(tz)
    if overlap <= 0 and request.needed_by is not None:
        return NO_OVERLAP_FACTOR, None
    factor = AVAILABLE_BASE + AVAILABLE_SPAN * min(overlap / FULL_OVERLAP_HOURS, 1.0)
    if working_now:
        return factor + WORKING_NOW_BONUS, "working hours now"
    if overlap <= 0:
        return factor, None
    if request.needed_by is not None:
        return factor, "in working hours before the deadline"
    return factor, "in working hours within the next day"


def _load(person: Candidate) -> float:
    used = max(person.asked_this_week, 0) / person.weekly_capacity
    return (1 - LOAD_WEIGHT * used) / (1 + OPEN_OFFER_WEIGHT * max(person.open_offers, 0))


def _spread(person: Candidate) -> float:
    return 1 / (1 + SPREAD_WEIGHT * max(person.suggested_recently, 0))
