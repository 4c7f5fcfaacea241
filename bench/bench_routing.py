"""Helper routing at scale: `plan_routing` end to end, database included, on a generated workspace.

Run from the repository root:

    .venv/bin/python -m bench.bench_routing [--database sqlite|postgresql|both] [--queries N]

The workspace (people, helper profiles, two years of requests with their terms, offers and recent
suggestions) is generated from a seed. The SQLite file is kept in the cache directory, keyed by
seed and sizes, so a rerun measures at once; PostgreSQL gets a private schema per run, loaded
with COPY and dropped afterwards. The figures go to bench/results/routing.json (--json to
change). See bench/README.md for the method and the figures last recorded.
"""

import functools
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bench import harness
from bot.domain.offers import OfferSource, OfferStatus, Route, SuggestionStatus
from bot.domain.requests import Delivery, HelpKind, RequestDraft, RequestSize, RequestStatus
from bot.domain.routing import skill_stem, terms
from bot.domain.worktime import STANDARD_WEEK
from bot.services.routing import plan_routing
from db import routing_queries as rq
from db.engine import create_db_engine, create_session_factory
from db.migrate import upgrade
from db.models import (
    HelperProfile,
    HelperSkill,
    HelperTopic,
    HelpRequest,
    Offer,
    RequestTerm,
    SlackUser,
    Suggestion,
    TermStat,
    Topic,
)
from tests.support import private_schema

TARGET_P95_MS = 50.0
TEAM = "T0BENCH"
HELP_CHANNEL = "C0HELP"
# A Monday afternoon in Europe: some zones are at work, some asleep, some not yet up, so the
# availability factor has real work to do. Fixed, so a cached workspace stays consistent with it.
NOW = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
HISTORY = timedelta(days=730)
RECENT = timedelta(days=14)
# Bump when the generator changes what it writes: the cache key includes it.
GENERATOR_VERSION = 2
BATCH = 10_000

# --- Vocabulary -----------------------------------------------------------------------------------

# (name, keywords, more words people use about it, skills people list for it). In order of
# popularity: the Zipf weights below make the first few take most requests.
TOPICS: tuple[tuple[str, str, str, str], ...] = (
    (
        "Databases",
        "postgres,sql,index,migration",
        "table schema replica vacuum deadlock transaction orm sqlalchemy query",
        "postgres,sql,query tuning,database migrations",
    ),
    (
        "Frontend",
        "react,css,frontend,typescript",
        "component hook render layout webpack bundle browser dom",
        "react,css,typescript,web accessibility",
    ),
    (
        "Kubernetes",
        "kubernetes,k8s,helm,pod",
        "cluster node ingress namespace deployment manifest kubectl autoscaler",
        "kubernetes,helm,k8s",
    ),
    (
        "CI/CD",
        "ci,pipeline,github actions,jenkins",
        "build runner artifact flaky workflow release",
        "ci/cd,github actions,jenkins",
    ),
    (
        "Python",
        "python,pip,django,flask",
        "virtualenv pytest asyncio typing celery wheel",
        "python,django,flask,pytest",
    ),
    (
        "Customer support",
        "support ticket,zendesk,customer,escalation",
        "refund macro sla churn complaint",
        "zendesk,customer support",
    ),
    (
        "Observability",
        "monitoring,alert,grafana,prometheus",
        "latency tracing logs datadog pager slo",
        "observability,grafana,prometheus",
    ),
    (
        "Java",
        "java,spring,maven,jvm",
        "gradle heap garbage kotlin hibernate thread",
        "java,spring boot,kotlin",
    ),
    (
        "Security",
        "security,vulnerability,oauth,sso",
        "token secret encryption cve pentest firewall",
        "security,oauth,penetration testing",
    ),
    (
        "Data science",
        "machine learning,model,pandas,notebook",
        "training feature dataset regression jupyter numpy",
        "machine learning,pandas,statistics",
    ),
    (
        "Analytics",
        "dashboard,metrics,looker,analytics",
        "funnel cohort retention chart tableau kpi",
        "analytics,looker,sql",
    ),
    (
        "On call",
        "on call,incident,outage,postmortem",
        "pager escalation runbook rollback severity",
        "incident management,on call",
    ),
    (
        "AWS",
        "aws,s3,lambda,ec2",
        "iam bucket cloudformation terraform vpc rds",
        "aws,terraform,cloud architecture",
    ),
    (
        "Excel",
        "excel,spreadsheet,pivot,formula",
        "vlookup macro chart csv sheet",
        "excel,google sheets",
    ),
    (
        "Laptop & IT",
        "laptop,it support,vpn,password",
        "wifi printer monitor keyboard okta license",
        "it support,macos",
    ),
    (
        "Product",
        "roadmap,product,spec,prioritization",
        "requirement stakeholder okr launch discovery",
        "product management,roadmapping",
    ),
    (
        "Design",
        "design,figma,ux,mockup",
        "prototype wireframe typography palette usability",
        "figma,ux research,visual design",
    ),
    (
        "Testing",
        "testing,qa,e2e,flaky test",
        "mock fixture coverage cypress selenium regression",
        "test automation,qa,cypress",
    ),
    (
        "API design",
        "api,rest,graphql,endpoint",
        "versioning pagination openapi webhook",
        "api design,graphql,rest",
    ),
    (
        "Hiring",
        "hiring,interview,candidate,recruiting",
        "offer loop referral onboarding scorecard",
        "interviewing,hiring",
    ),
    ("Git", "git,rebase,merge conflict,branch", "commit cherry bisect submodule", "git"),
    (
        "Networking",
        "dns,network,load balancer,tls",
        "certificate proxy packet subnet routing",
        "networking,dns",
    ),
    (
        "Mobile",
        "ios,android,mobile app,swift",
        "xcode emulator push notification testflight",
        "ios,android,swift,kotlin",
    ),
    (
        "Finance",
        "budget,invoice,forecast,finance",
        "expense procurement vendor accrual",
        "finance,excel,budgeting",
    ),
    (
        "Sales",
        "sales,deal,crm,salesforce",
        "prospect quote renewal demo pricing",
        "salesforce,negotiation",
    ),
    (
        "Performance",
        "performance,profiling,memory leak,latency",
        "cpu benchmark flamegraph throughput",
        "performance tuning,profiling",
    ),
    (
        "Marketing",
        "campaign,seo,marketing,newsletter",
        "landing copy webinar brand conversion",
        "seo,copywriting,marketing",
    ),
    (
        "Writing",
        "writing,docs,documentation,blog post",
        "draft edit proofread style guide tone",
        "technical writing,editing",
    ),
    ("Caching", "redis,cache,memcached,ttl", "eviction invalidation session key", "redis,caching"),
    (
        "Messaging",
        "kafka,queue,rabbitmq,event",
        "consumer producer partition offset retry",
        "kafka,event driven architecture",
    ),
    (
        "Search",
        "elasticsearch,search,ranking,relevance",
        "analyzer shard synonym query",
        "elasticsearch,search relevance",
    ),
    (
        "Payroll & HR",
        "payroll,benefits,parental leave,hr",
        "vacation pension expense contract",
        "hr,benefits",
    ),
    (
        "Legal",
        "contract,legal,gdpr,compliance",
        "nda clause privacy dpa licence audit",
        "gdpr,contracts",
    ),
    (
        "Career",
        "career,promotion,mentoring,growth",
        "goal manager review feedback",
        "mentoring,career coaching",
    ),
    (
        "Accessibility",
        "accessibility,a11y,screen reader,wcag",
        "contrast aria keyboard focus caption",
        "web accessibility",
    ),
    ("Rust", "rust,cargo,borrow checker", "lifetime trait async tokio crate", "rust"),
    (
        "Public speaking",
        "presentation,talk,slides,public speaking",
        "conference deck rehearsal audience keynote",
        "public speaking,storytelling",
    ),
    (
        "Localization",
        "translation,localization,i18n,locale",
        "language plural rtl glossary",
        "localization,german,spanish,japanese",
    ),
    (
        "Wellbeing",
        "wellbeing,burnout,stress,workload",
        "balance break focus energy",
        "coaching,listening",
    ),
    ("Golang", "golang,goroutine,go modules", "channel interface context gofmt", "golang"),
)


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Words any request may use, most common first: the head gives terms too common to be telling.
GENERIC = words(
    "customer report deadline release review dashboard meeting account data user service client "
    "feature bug error page email file config setup access project plan document version update "
    "change process system tool order payment price list login server app script job export "
    "import template format number field value message notification integration workflow "
    "approval calendar schedule quarter board ticket design launch test screen team's backlog "
    "estimate sprint owner handover audit policy vendor contract budget invoice survey onboarding "
    "offboarding permission role group folder drive link timeline milestone demo prototype "
    "feedback goal metric target forecast region country office desk travel expense license "
    "renewal migration backup restore archive cleanup upgrade rollout experiment variant cohort "
    "segment pipeline queue batch cron webhook token session cookie header payload response "
    "timeout retry limit quota storage bucket cluster region replica shard partition"
)
OPENERS = (
    "Could someone",
    "Does anybody know how to",
    "Looking for a second pair of eyes to",
    "Can anyone pair with me to",
    "I need a hand to",
    "Is there someone who can",
    "Who knows how to",
)
VERBS = (
    "review", "debug", "fix", "set up", "understand", "speed up", "migrate", "design",
    "estimate", "explain", "untangle", "configure", "automate", "clean up", "test",
)  # fmt: skip
ADJECTIVES = ("slow", "broken", "flaky", "confusing", "wrong", "inconsistent", "failing", "stale")
WHAT_TEMPLATES = (
    "{open} {verb} the {t} {t} in {i}?",
    "{open} {verb} {t} for {i}: the {g} {g} keeps failing after the {t} change",
    "How do I {verb} {t} {t} for the {g} {g} in {i}?",
    "Is there a better way to {verb} our {t} {g}? {i} {g} is {adj}",
    "{open} {verb} my {s} setup for {i}? {t} {g} looks {adj}",
    "{open} look at the {t} {g} for {i} and {j}, the {g} is {adj}",
    "Anyone done {s} with {t} before? I want to {verb} the {g} for {i}",
)
WHY_TEMPLATES = (
    "{i} {g} is blocked until the {g} {g} is sorted",
    "The {g} {g} is due this {g}",
    "Customers see {adj} {g} on {i}",
    "It blocks the {g} for {j}",
    "",
)
GENERAL_WHAT = (
    "{open} {verb} the {g} {g} for {i}? the {g} is {adj}",
    "Where do I find the {g} {g} for {i} and {j}?",
)
SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"] + ["zor", "vak", "nix", "tel"]
ID_SUFFIXES = ("api", "service", "sync", "worker", "web", "etl", "app", "bot")
# (zone, weight): mostly Europe and the Americas, with the rest of the world present.
ZONES = (
    ("America/Los_Angeles", 14), ("America/New_York", 20), ("America/Sao_Paulo", 6),
    ("Europe/London", 16), ("Europe/Berlin", 14), ("Africa/Lagos", 3), ("Asia/Kolkata", 10),
    ("Asia/Singapore", 6), ("Asia/Tokyo", 5), ("Australia/Sydney", 6),
)  # fmt: skip
EXTRA_SKILLS = (
    "leadership", "sql", "excel", "public speaking", "code review", "system design",
    "data modeling", "mentoring", "negotiation", "project management", "c++", "c#",
)  # fmt: skip


def zipf_cum(n: int, s: float) -> list[float]:
    """Cumulative Zipf weights for ranks 1..n, for random.choices(cum_weights=...)."""
    return list(accumulate(1 / (k**s) for k in range(1, n + 1)))


@dataclass
class Vocabulary:
    """What texts are made of, with the skew each pick follows."""

    rng: random.Random
    codenames: list[str]
    topic_words: list[list[str]]
    topic_skills: list[list[str]]
    all_skills: list[str]
    topic_cum: list[float] = field(default_factory=list)
    generic_cum: list[float] = field(default_factory=list)
    codename_cum: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.topic_cum = zipf_cum(len(TOPICS), 1.1)
        self.generic_cum = zipf_cum(len(GENERIC), 1.0)
        # The long tail: a few project names are everywhere, most turn up a handful of times in
        # two years, and those rare ones are what similar requests are found by.
        self.codename_cum = zipf_cum(len(self.codenames), 1.0)
        self._word_cums = [zipf_cum(len(words), 0.8) for words in self.topic_words]

    def topic(self) -> int:
        return self.rng.choices(range(len(TOPICS)), cum_weights=self.topic_cum)[0]

    def generic(self) -> str:
        return self.rng.choices(GENERIC, cum_weights=self.generic_cum)[0]

    def identifier(self) -> str:
        name = self.rng.choices(self.codenames, cum_weights=self.codename_cum)[0]
        roll = self.rng.random()
        if roll < 0.4:
            return f"{name}-{self.rng.choice(ID_SUFFIXES)}"
        if roll < 0.55:
            return f"{name.upper()[:4]}-{self.rng.randrange(10, 9999)}"
        return name

    def topic_word(self, topic: int) -> str:
        words = self.topic_words[topic]
        return self.rng.choices(words, cum_weights=self._word_cums[topic])[0]

    def request(self, topic: int | None) -> tuple[str, str]:
        """A request's what and why; `topic` None for one about no particular topic."""
        rng = self.rng
        # One in five strays into a neighbouring subject, as real asks do.
        other = self.topic() if rng.random() < 0.2 else topic

        def fill(template: str) -> str:
            out = template
            while "{" in out:
                start = out.index("{")
                slot = out[start + 1 : out.index("}", start)]
                if slot == "t" and topic is not None:
                    word = self.topic_word(topic if rng.random() < 0.8 else other)  # type: ignore[arg-type]
                elif slot == "s" and topic is not None:
                    word = rng.choice(self.topic_skills[topic])
                elif slot in ("i", "j"):
                    word = self.identifier()
                elif slot == "open":
                    word = rng.choice(OPENERS)
                elif slot == "verb":
                    word = rng.choice(VERBS)
                elif slot == "adj":
                    word = rng.choice(ADJECTIVES)
                else:
                    word = self.generic()
                out = out[:start] + word + out[out.index("}", start) + 1 :]
            return out

        what = fill(rng.choice(WHAT_TEMPLATES if topic is not None else GENERAL_WHAT))
        return what, fill(rng.choice(WHY_TEMPLATES))


def build_vocabulary(rng: random.Random, codenames: int = 60_000) -> Vocabulary:
    names: dict[str, None] = {}
    while len(names) < codenames:
        names["".join(rng.choices(SYLLABLES, k=rng.choice((2, 2, 3))))] = None
    topic_words = [[*keywords.split(","), *words.split()] for _, keywords, words, _ in TOPICS]
    topic_skills = [skills.split(",") for *_, skills in TOPICS]
    all_skills = sorted({s for skills in topic_skills for s in skills} | set(EXTRA_SKILLS))
    return Vocabulary(rng, list(names), topic_words, topic_skills, all_skills)


# --- Generation -----------------------------------------------------------------------------------


@dataclass
class Generated:
    people: int = 0
    helpers: int = 0
    requests: int = 0
    request_terms: int = 0
    offers: int = 0
    suggestions: int = 0
    distinct_terms: int = 0
    seconds: float = 0.0
    analyze_seconds: float = 0.0

    def line(self) -> str:
        return (
            f"{self.people:,} people ({self.helpers:,} helpers), {self.requests:,} requests, "
            f"{self.request_terms:,} request terms ({self.distinct_terms:,} distinct), "
            f"{self.offers:,} offers, {self.suggestions:,} suggestions; generated and loaded in "
            f"{self.seconds:.0f} s, ANALYZE {self.analyze_seconds:.1f} s"
        )


def person_id(n: int) -> str:
    return f"U{n:07d}B"


def write_topics(sink: harness.BulkSink, created: datetime) -> None:
    """The vocabulary's topics, topic i (from 0) as id i + 1 with its channel C0T<i + 1>."""
    sink.write(
        Topic.__table__,
        ("id", "team_id", "name", "keywords", "channel_id", "created_at", "updated_at"),
        [
            (i + 1, TEAM, name, keywords, f"C0T{i + 1:03d}", created, created)
            for i, (name, keywords, _, _) in enumerate(TOPICS)
        ],
    )


def write_people(
    sink: harness.BulkSink,
    rng: random.Random,
    people: int,
    person_id: Callable[[int], str],
    unknown_zone: float | None = None,
) -> tuple[list[str], int]:
    """`people` Slack users over ZONES, 1% bots and 2% deactivated, and with `unknown_zone` that
    share whose zone Slack never told us (offset 0). Returns the active ids and how many have no
    zone. The random stream is drawn from only for what is asked, so a seed's rows stay put."""
    zone_names = [z for z, _ in ZONES]
    zone_cum = list(accumulate(w for _, w in ZONES))
    offsets = {z: int(NOW.astimezone(ZoneInfo(z)).utcoffset().total_seconds()) for z in zone_names}  # type: ignore[union-attr]
    users: list[tuple[Any, ...]] = []
    active: list[str] = []
    unknown = 0
    for n in range(people):
        zone: str | None = rng.choices(zone_names, cum_weights=zone_cum)[0]
        if unknown_zone is not None and rng.random() < unknown_zone:
            zone = None
            unknown += 1
        is_bot, is_deleted = rng.random() < 0.01, rng.random() < 0.02
        uid = person_id(n)
        offset = offsets[zone] if zone else 0
        users.append(
            (TEAM, uid, f"Person {n}", zone, offset, is_bot, is_deleted, False, False, NOW)
        )
        if not (is_bot or is_deleted):
            active.append(uid)
    user_columns = (
        "team_id", "user_id", "real_name", "tz", "tz_offset", "is_bot", "is_deleted",
        "is_admin", "is_owner", "fetched_at",
    )  # fmt: skip
    for start in range(0, len(users), BATCH):
        sink.write(SlackUser.__table__, user_columns, users[start : start + BATCH])
    return active, unknown


def generate(people: int, requests: int, seed: int, sink: harness.BulkSink) -> Generated:
    """Write the whole workspace to `sink`, in batches, from `seed` alone."""
    started = time.monotonic()
    rng = random.Random(seed)
    vocab = build_vocabulary(rng)
    out = Generated(people=people, requests=requests)

    write = sink.write
    write_topics(sink, NOW - HISTORY)
    active, _ = write_people(sink, rng, people, person_id)

    # Helpers: a fifth of everyone, each glad to help with one to three (mostly popular) topics.
    helper_ids = sorted(rng.sample(range(people), people // 5))
    helpers_by_topic: list[list[str]] = [[] for _ in TOPICS]
    helper_topics: list[tuple[Any, ...]] = []
    helper_skills: list[tuple[Any, ...]] = []
    profiles: dict[str, list[Any]] = {}
    capacity_cum = list(accumulate((5, 15, 25, 25, 15, 10, 5)))
    for n in helper_ids:
        uid = person_id(n)
        capacity = rng.choices(range(7), cum_weights=capacity_cum)[0]
        profiles[uid] = [TEAM, uid, capacity, rng.random() < 0.05, None, NOW - HISTORY]
        chosen = {vocab.topic() for _ in range(rng.choice((1, 1, 2, 2, 3)))}
        for t in sorted(chosen):
            helper_topics.append((TEAM, uid, t + 1))
            helpers_by_topic[t].append(uid)
        skills: set[str] = set()
        for _ in range(rng.choice((0, 1, 2, 2, 3, 3, 4, 5))):
            if rng.random() < 0.7:
                skills.add(rng.choice(vocab.topic_skills[rng.choice(sorted(chosen))]))
            else:
                skills.add(rng.choice(vocab.all_skills))
        helper_skills.extend((TEAM, uid, s, skill_stem(s)) for s in sorted(skills))
    write(HelperTopic.__table__, ("team_id", "user_id", "topic_id"), helper_topics)
    write(HelperSkill.__table__, ("team_id", "user_id", "skill", "stem"), helper_skills)
    out.helpers = len(helper_ids)
    # Within a topic a few people answer most asks: shuffle, then pick by Zipf rank.
    for names in helpers_by_topic:
        rng.shuffle(names)
    topic_helper_cums = [zipf_cum(max(len(names), 1), 0.8) for names in helpers_by_topic]
    all_helpers = [person_id(n) for n in helper_ids]
    asker_cum = zipf_cum(len(active), 0.5)

    request_columns = (
        "id", "team_id", "asker_id", "what", "why", "help_kind", "size", "needed_by",
        "destination_channel", "anonymous", "topic_id", "route", "widen_at", "widened_at",
        "status", "delivery", "posted_channel", "posted_ts", "posted_at", "created_at",
        "updated_at",
    )  # fmt: skip
    offer_columns = (
        "id", "request_id", "team_id", "helper_id", "source", "status", "created_at",
        "updated_at",
    )  # fmt: skip
    suggestion_columns = (
        "id", "request_id", "team_id", "user_id", "rank", "score", "reasons", "status",
        "asked_at", "responded_at", "created_at",
    )  # fmt: skip
    kinds, sizes = [k.value for k in HelpKind], [s.value for s in RequestSize]
    sources = [s.value for s in OfferSource]
    offer_statuses = (OfferStatus.ACCEPTED.value, OfferStatus.OFFERED.value,
                      OfferStatus.WITHDRAWN.value)  # fmt: skip
    offer_status_cum = (55, 85, 100)
    term_counts: Counter[str] = Counter()
    indexed = 0
    offer_id = suggestion_id = 0
    step = HISTORY / requests
    for start in range(0, requests, BATCH):
        request_rows: list[tuple[Any, ...]] = []
        term_rows: list[tuple[Any, ...]] = []
        offer_rows: list[tuple[Any, ...]] = []
        suggestion_rows: list[tuple[Any, ...]] = []
        for rid in range(start + 1, min(start + BATCH, requests) + 1):
            created = NOW - HISTORY + step * rid + timedelta(seconds=rng.randrange(60))
            asker = rng.choices(active, cum_weights=asker_cum)[0]
            topic = vocab.topic() if rng.random() < 0.88 else None
            what, why = vocab.request(topic)
            channel = f"C0T{topic + 1:03d}" if topic is not None else HELP_CHANNEL
            needed_by = (
                created + timedelta(hours=rng.randrange(2, 120)) if rng.random() < 0.4 else None
            )
            status = RequestStatus.WITHDRAWN if rng.random() < 0.05 else RequestStatus.OPEN
            request_rows.append(
                (rid, TEAM, asker, what, why, rng.choice(kinds), rng.choice(sizes), needed_by,
                 channel, rng.random() < 0.02, topic + 1 if topic is not None else None,
                 Route.CHANNEL.value, created + timedelta(hours=4), None, status.value,
                 Delivery.POSTED.value, channel, f"{int(created.timestamp())}.{rid:06d}", created,
                 created, created)
            )  # fmt: skip
            found = terms(f"{what}\n{why}")
            if found:
                # As open_routing's record_terms does it: the corpus row counts indexed requests.
                indexed += 1
                term_counts.update(found)
                term_rows.extend((rid, t, TEAM) for t in found)
            if rng.random() < 0.8:
                pool, cum = (
                    (helpers_by_topic[topic], topic_helper_cums[topic])
                    if topic is not None and helpers_by_topic[topic]
                    else (all_helpers, None)
                )
                offered: set[str] = set()
                for _ in range(rng.choice((1, 1, 1, 1, 1, 1, 2, 2, 2, 3))):
                    if rng.random() < 0.15 or cum is None:
                        helper = rng.choice(all_helpers if rng.random() < 0.7 else active)
                    else:
                        helper = rng.choices(pool, cum_weights=cum)[0]
                    if helper == asker or helper in offered:
                        continue
                    offered.add(helper)
                    offer_id += 1
                    at = created + timedelta(minutes=rng.randrange(5, 600))
                    offer_status = rng.choices(offer_statuses, cum_weights=offer_status_cum)[0]
                    offer_rows.append(
                        (offer_id, rid, TEAM, helper, rng.choice(sources), offer_status, at, at)
                    )
            if created >= NOW - RECENT and topic is not None and helpers_by_topic[topic]:
                # The last fortnight's suggestions: what load and spread are computed from.
                shown = rng.sample(helpers_by_topic[topic], min(len(helpers_by_topic[topic]), 8))
                for rank, uid in enumerate((u for u in shown if u != asker), start=1):
                    suggestion_id += 1
                    asked = created + timedelta(minutes=3) if rng.random() < 0.3 else None
                    suggestion_rows.append(
                        (suggestion_id, rid, TEAM, uid, rank, round(3.0 / rank, 4),
                         "glad to help with this topic",
                         (SuggestionStatus.ASKED if asked else SuggestionStatus.SUGGESTED).value,
                         asked, None, created)
                    )  # fmt: skip
                    if uid in profiles:
                        profiles[uid][4] = created
        write(HelpRequest.__table__, request_columns, request_rows)
        write(RequestTerm.__table__, ("request_id", "term", "team_id"), term_rows)
        write(Offer.__table__, offer_columns, offer_rows)
        if suggestion_rows:
            write(Suggestion.__table__, suggestion_columns, suggestion_rows)
        out.request_terms += len(term_rows)
        out.offers += len(offer_rows)
        out.suggestions += len(suggestion_rows)

    # Everyone not suggested in the last fortnight was last suggested some time before, or never.
    for row in profiles.values():
        if row[4] is None and rng.random() < 0.6:
            row[4] = NOW - RECENT - timedelta(minutes=rng.randrange(int(HISTORY.days * 1440 * 0.9)))
    profile_columns = (
        "team_id", "user_id", "weekly_capacity", "paused", "last_suggested_at", "updated_at",
    )  # fmt: skip
    write(HelperProfile.__table__, profile_columns, [tuple(row) for row in profiles.values()])
    stats = [(TEAM, rq.CORPUS, indexed), *((TEAM, t, c) for t, c in sorted(term_counts.items()))]
    for start in range(0, len(stats), BATCH):
        write(TermStat.__table__, ("team_id", "term", "requests"), stats[start : start + BATCH])
    out.distinct_terms = len(term_counts)
    out.seconds = time.monotonic() - started
    return out


# Explicit ids go in: their sequences are moved past them after a PostgreSQL load.
SEQUENCES = ("topics", "help_requests", "offers", "suggestions")


def sqlite_cache_path(cache: Path, seed: int, people: int, requests: int) -> Path:
    return cache / f"routing-v{GENERATOR_VERSION}-s{seed}-p{people}-r{requests}.db"


def build_sqlite(path: Path, people: int, requests: int, seed: int) -> Generated:
    def fill(loader: Engine) -> Generated:
        sink = harness.BulkSink(loader, SEQUENCES)
        generated = generate(people, requests, seed, sink)
        sink.finish()
        return generated

    generated, generated.analyze_seconds = harness.build_sqlite_cache(path, fill)
    return generated


def kept_schema_label(seed: int, people: int, requests: int) -> str:
    """What a kept schema's comment says once it is completely loaded: the cache key."""
    return f"routing-v{GENERATOR_VERSION}-s{seed}-p{people}-r{requests} complete"


@contextmanager
def kept_schema(base_url: str, schema: str, label: str) -> Iterator[tuple[str, bool]]:
    """A URL for `schema`, kept after the run like the SQLite cache, and whether it already holds
    a complete load with this `label` (the schema's comment). Anything else under that name is
    dropped and made again, so an interrupted load is never measured."""
    if not schema.replace("_", "").isalnum():
        raise SystemExit(f"--keep-postgres: {schema!r} is not a plain schema name")
    admin = create_engine(base_url)
    try:
        with admin.begin() as conn:
            found = conn.scalar(
                text(
                    "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace "
                    "WHERE nspname = :schema"
                ),
                {"schema": schema},
            )
            exists = conn.scalar(
                text("SELECT count(*) FROM pg_namespace WHERE nspname = :schema"),
                {"schema": schema},
            )
            complete = bool(exists) and found == label
            if not complete:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        admin.dispose()
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False), complete


def mark_complete(engine: Engine, schema: str, label: str) -> None:
    with engine.begin() as conn:
        conn.execute(text(f"COMMENT ON SCHEMA \"{schema}\" IS '{label}'"))


def postgres_size(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.scalar(
                text(
                    "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
                )
            )
            or 0
        )


# --- Measurement ----------------------------------------------------------------------------------

# The queries plan_routing makes, timed one by one (ORM work included) to say where time goes.
TIMED_QUERIES = (
    "topics", "term_frequencies", "helper_history", "topic_helpers", "skill_helpers",
    "people", "interests", "workload",
)  # fmt: skip


@dataclass(frozen=True)
class Query:
    asker: str
    draft: RequestDraft


def held_out_queries(people: int, seed: int, count: int) -> list[Query]:
    """Drafts from the same vocabulary and skew as the stored requests, but another stream of the
    generator, so none of them is a stored request asked again."""
    rng = random.Random(seed * 7919 + 1)
    vocab = build_vocabulary(random.Random(seed))  # the same codenames as the stored history
    vocab.rng = rng
    found: list[Query] = []
    while len(found) < count:
        asker = person_id(rng.randrange(people))
        topic = vocab.topic() if rng.random() < 0.88 else None
        what, why = vocab.request(topic)
        needed_by = NOW + timedelta(hours=rng.randrange(2, 96)) if rng.random() < 0.5 else None
        draft = RequestDraft(
            what=what,
            why=why,
            kind=rng.choice(list(HelpKind)),
            size=rng.choice(list(RequestSize)),
            needed_by=needed_by,
        )
        found.append(Query(asker, draft))
    return found


@dataclass
class Measured:
    name: str
    ns: list[int] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)
    pool: list[int] = field(default_factory=list)
    suggested: list[int] = field(default_factory=list)
    topic_matched: int = 0
    query_ns: dict[str, list[int]] = field(default_factory=lambda: {q: [] for q in TIMED_QUERIES})


class Probe:
    """Counts every statement sent to the database and times each routing query per call."""

    def __init__(self, engine: Engine) -> None:
        self.counter = harness.StatementCounter(engine)
        self.pool = 0
        self.query_ns: dict[str, int] = {}

    @property
    def statements(self) -> int:
        return self.counter.statements

    def reset(self) -> None:
        self.counter.reset()
        self.pool, self.query_ns = 0, {}

    @contextmanager
    def installed(self) -> Iterator[None]:
        """Wrap the routing queries in db.routing_queries for the duration. plan_routing looks
        them up on the module at each call, so the wrappers see every call it makes."""
        originals = {name: getattr(rq, name) for name in TIMED_QUERIES}

        def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
            @functools.wraps(function)
            def run(*args: Any, **kwargs: Any) -> Any:
                if name == "people":
                    self.pool = len(args[2])  # the candidate pool, after the asker is dropped
                began = time.perf_counter_ns()
                try:
                    return function(*args, **kwargs)
                finally:
                    self.query_ns[name] = time.perf_counter_ns() - began

            return run

        for name, function in originals.items():
            setattr(rq, name, timed(name, function))
        try:
            yield
        finally:
            for name, function in originals.items():
                setattr(rq, name, function)


def measure(
    name: str,
    sessions: sessionmaker[Session],
    probe: Probe,
    queries: Sequence[Query],
    warmup: int,
) -> Measured:
    measured = Measured(name)
    for i, query in enumerate(queries):
        probe.reset()
        began = time.perf_counter_ns()
        # As the submission listener does: a session per submission, closed when routing is done.
        with sessions() as session:
            plan = plan_routing(
                session,
                team_id=TEAM,
                asker_id=query.asker,
                draft=query.draft,
                help_channel=HELP_CHANNEL,
                now=NOW,
                week=STANDARD_WEEK,
            )
        elapsed = time.perf_counter_ns() - began
        if i < warmup:
            continue
        measured.ns.append(elapsed)
        measured.statements.append(probe.statements)
        measured.pool.append(probe.pool)
        measured.suggested.append(len(plan.suggestions))
        measured.topic_matched += plan.topic is not None
        for query_name, ns in probe.query_ns.items():
            measured.query_ns[query_name].append(ns)
    return measured


def summarize(measured: Measured) -> dict[str, Any]:
    percentile = harness.percentile
    pool = sorted(measured.pool)
    per_query: dict[str, Any] = {}
    for query_name, samples in measured.query_ns.items():
        if samples:
            per_query[query_name] = harness.summarize(samples, (50, 95))
            per_query[query_name]["calls"] = per_query[query_name].pop("n")
    figures = harness.summarize(measured.ns, (50, 95, 99))
    return {
        **figures,
        "statements": {
            "min": min(measured.statements),
            "max": max(measured.statements),
            "histogram": dict(sorted(Counter(measured.statements).items())),
        },
        "pool": {"p5": percentile(pool, 5), "median": percentile(pool, 50), "max": pool[-1]},
        "suggestions_median": statistics.median(measured.suggested),
        "topic_matched_share": measured.topic_matched / len(measured.ns),
        "queries": per_query,
        "target_p95_met": figures["p95"] < TARGET_P95_MS,
    }


def statements_by_pool(measured: Measured) -> dict[str, list[int]]:
    """Statement counts for the smallest and largest candidate pools: equal if nothing is queried
    per candidate."""
    pairs = sorted(zip(measured.pool, measured.statements, strict=True))
    tenth = max(1, len(pairs) // 10)
    return {
        "smallest_tenth": sorted({s for _, s in pairs[:tenth]}),
        "largest_tenth": sorted({s for _, s in pairs[-tenth:]}),
    }


def print_summary(name: str, figures: dict[str, Any]) -> None:
    st, pool = figures["statements"], figures["pool"]
    print(
        f"\n{name}: {figures['n']} rankings; ms p50 {figures['p50']:.2f}  p95 "
        f"{figures['p95']:.2f}  p99 {figures['p99']:.2f}  max {figures['max']:.2f}  -> p95 < "
        f"{TARGET_P95_MS:.0f} ms: {'met' if figures['target_p95_met'] else 'MISSED'}"
    )
    print(
        f"  statements per call: min {st['min']}, max {st['max']} {st['histogram']}; by pool "
        f"size {figures['statements_by_pool']}"
    )
    print(
        f"  candidate pool p5/median/max {pool['p5']}/{pool['median']}/{pool['max']}; "
        f"suggestions median {figures['suggestions_median']}; topic matched "
        f"{figures['topic_matched_share']:.0%}"
    )
    print(f"  {'query':<18} {'calls':>6} {'p50':>7} {'p95':>7} {'max':>7}")
    for query_name, q in figures["queries"].items():
        print(
            f"  {query_name:<18} {q['calls']:>6} {q['p50']:>7.2f} {q['p95']:>7.2f} {q['max']:>7.2f}"
        )


def run_database(
    name: str, url: str, queries: Sequence[Query], warmup: int
) -> tuple[dict[str, Any], Engine]:
    # As app.py builds it, so the pool, pre-ping and SQLite's BEGIN IMMEDIATE are all counted.
    engine = create_db_engine(url, pool_pre_ping=True)
    probe = Probe(engine)
    with probe.installed():
        measured = measure(name, create_session_factory(engine), probe, queries, warmup)
    figures = summarize(measured)
    figures["statements_by_pool"] = statements_by_pool(measured)
    print_summary(name, figures)
    return figures, engine


def main() -> int:
    parser = harness.parser(__doc__, "routing")
    harness.add_workspace_args(parser, people=50_000, requests=500_000)
    parser.add_argument("--queries", type=int, default=500, help="timed rankings per database")
    parser.add_argument("--warmup", type=int, default=50, help="untimed rankings first")
    harness.add_database_args(parser, default="both")
    parser.add_argument("--regenerate", action="store_true", help="ignore a cached SQLite file")
    parser.add_argument(
        "--keep-postgres",
        metavar="SCHEMA",
        help="load PostgreSQL into this schema once and keep it for later runs (drop it by hand)",
    )
    args = harness.parse(parser)

    machine = harness.machine()
    print(
        f"{args.people:,} people, {args.requests:,} requests, seed {args.seed}; "
        f"{harness.machine_line(machine)}"
    )
    queries = held_out_queries(args.people, args.seed, args.warmup + args.queries)
    sizes = {
        "people": args.people,
        "requests": args.requests,
        "seed": args.seed,
        "queries": args.queries,
        "warmup": args.warmup,
    }
    databases: dict[str, Any] = {}
    chosen = harness.chosen_databases(args)
    with ExitStack() as stack:
        if "sqlite" in chosen:
            path = sqlite_cache_path(args.cache, args.seed, args.people, args.requests)
            entry: dict[str, Any] = {"file": str(path)}
            if args.regenerate or not path.exists():
                print(f"generating {path} ...", flush=True)
                generated = build_sqlite(path, args.people, args.requests, args.seed)
                entry["generated"] = generated.__dict__
                print(f"  {generated.line()}")
            else:
                print(f"using cached {path}")
            entry["bytes"] = path.stat().st_size
            print(f"  {entry['bytes'] / 2**20:,.0f} MiB")
            figures, engine = run_database("sqlite", f"sqlite:///{path}", queries, args.warmup)
            entry["version"] = harness.database_version(engine)
            engine.dispose()
            databases["sqlite"] = {**entry, **figures}
        if "postgresql" in chosen:
            label = kept_schema_label(args.seed, args.people, args.requests)
            if args.keep_postgres:
                url, loaded = stack.enter_context(
                    kept_schema(args.postgres_url, args.keep_postgres, label)
                )
            else:
                url = stack.enter_context(private_schema(args.postgres_url, prefix="bench"))
                loaded = False
            pg_entry: dict[str, Any] = {}
            engine = create_db_engine(url)
            if loaded:
                print(f"using kept schema {args.keep_postgres}")
            else:
                upgrade(engine)
                print("generating into PostgreSQL (COPY) ...", flush=True)
                sink = harness.BulkSink(engine, SEQUENCES)
                generated = generate(args.people, args.requests, args.seed, sink)
                sink.finish()
                generated.analyze_seconds = harness.vacuum_analyze(engine)
                print(f"  {generated.line()} (VACUUM ANALYZE)")
                pg_entry["generated"] = generated.__dict__
                if args.keep_postgres:
                    mark_complete(engine, args.keep_postgres, label)
            size = postgres_size(engine)
            print(f"  {size / 2**20:,.0f} MiB")
            pg_entry["version"] = harness.database_version(engine)
            engine.dispose()
            figures, engine = run_database("postgresql", url, queries, args.warmup)
            engine.dispose()
            databases["postgresql"] = {**pg_entry, "bytes": size, **figures}
    harness.write_results(args.json, machine, sizes, databases=databases)
    return 0


if __name__ == "__main__":
    sys.exit(main())
