"""Nudges and weekly digests at scale: planning a whole workspace, and sending 10,000 DMs.

Run from the repository root:

    .venv/bin/python -m bench.bench_scheduled [--database sqlite|postgresql|both] [--json PATH]

Planning: `plan_team` (bot/services/scheduled.py) end to end, on a generated workspace of
10,000 people and 100,000 requests over a year, at Monday 14:30 UTC (digests due in most time
zones, working hours in Europe, Africa and the Americas' east). A `before_cursor_execute` counter
shows the number of statements, at full size and at a tenth of it: equal counts mean nothing is
queried per person. Sending: 10,000 DMs planned into the outbox, sent by `send_due` through the
fake Slack with 429s and 5xx injected, then checked: every row SENT once, every message in Slack
once. The figures go to bench/results/scheduled.json (--json to change). See bench/README.md for
the method and the figures last recorded.

It exits 0 whether or not the targets are met; non-zero only if it could not measure, or if a
message was lost or duplicated.
"""

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import slack_sdk.http_retry.builtin_handlers as retry_builtins
from slack_sdk import WebClient
from slack_sdk.http_retry import FixedValueRetryIntervalCalculator
from sqlalchemy import Engine, delete, func, select

from bench import harness
from bench.bench_routing import (
    HELP_CHANNEL,
    NOW,
    TEAM,
    TOPICS,
    build_vocabulary,
    write_people,
    write_topics,
    zipf_cum,
)
from bot.domain import nudges as nd
from bot.domain.message import line, message, to_json
from bot.domain.offers import OfferSource, OfferStatus, Route
from bot.domain.outbox import PERSONAL_DIGEST, OutboxStatus, outbox_key
from bot.domain.requests import Delivery, HelpKind, RequestSize, RequestStatus
from bot.domain.routing import skill_stem
from bot.services.outbox import Pacer, send_due
from bot.services.scheduled import plan_team
from bot.slack.blocks.scheduled import key_of
from bot.slack.client import default_retry_handlers
from bot.slack.gateway import SlackGateway
from db import outbox_queries as oq
from db.engine import create_db_engine, create_session_factory
from db.models import (
    HelperProfile,
    HelperSkill,
    HelperTopic,
    HelpRequest,
    Offer,
    OutboxMessage,
    PersonPrefs,
    Thanks,
)
from tests.slack_stand_in.fake_slack import FakeSlack
from tests.slack_stand_in.pytest_plugin import BOT_TOKEN
from tests.support import FakeClock

# NOW is routing's Monday 14:30 UTC: 09:30 in New York, 11:30 in São Paulo, afternoon in Europe
# and Lagos, evening in Asia (all Monday: digests due), 06:30 in Los Angeles and Tuesday 01:30 in
# Sydney (not due). Working hours (nudges) in New York, São Paulo, London, Berlin and Lagos.
HISTORY = timedelta(days=365)
GENERATOR_VERSION = 2  # 2: the outbox stores a structured payload
BATCH = 10_000
TARGET_PLAN_S = 10.0
NUDGE_KINDS = tuple(k.value for k in nd.NudgeKind)
# Bodies of the outbox's history: already sent, only their keys and times are ever read.
YOUR_WEEK = to_json(message((line("Your week", strong=True),)))
A_NUDGE = to_json(message((line("A nudge"),)))


# --- Generation -----------------------------------------------------------------------------------


@dataclass
class Generated:
    people: int = 0
    active: int = 0
    unknown_tz: int = 0
    helpers: int = 0
    prefs: int = 0
    requests: int = 0
    resolved: int = 0
    open_last_30_days: int = 0
    offers: int = 0
    accepted: int = 0
    thanks: int = 0
    outbox_history: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        return (
            f"{self.people:,} people ({self.active:,} active, {self.unknown_tz} without a zone, "
            f"{self.helpers:,} helpers, {self.prefs} with prefs), {self.requests:,} requests "
            f"({self.resolved:,} resolved, {self.open_last_30_days:,} open from the last 30 days), "
            f"{self.offers:,} offers ({self.accepted:,} accepted), {self.thanks:,} thanks, "
            f"{self.outbox_history:,} past outbox rows; {self.seconds:.0f} s"
        )


def person_id(n: int) -> str:
    return f"U{n:07d}S"


# Explicit ids go in: their sequences are moved past them after a PostgreSQL load.
SEQUENCES = ("topics", "help_requests", "offers", "thanks", "outbox")


def generate(people: int, requests: int, seed: int, sink: harness.BulkSink) -> Generated:
    """The whole workspace from `seed` alone, so both databases get the same rows."""
    started = time.monotonic()
    rng = random.Random(seed)
    vocab = build_vocabulary(rng, codenames=5_000)
    out = Generated(people=people, requests=requests)

    write_topics(sink, NOW - HISTORY)
    # People: ten time zones, 1% bots, 2% deactivated, a few whose zone Slack never told us.
    active, out.unknown_tz = write_people(sink, rng, people, person_id, unknown_zone=0.005)
    out.active = len(active)

    # Helpers: three in ten, each with one to three topics and up to four skills.
    helpers = sorted(rng.sample(active, int(len(active) * 0.3)))
    helpers_by_topic: list[list[str]] = [[] for _ in TOPICS]
    topic_rows: list[tuple[Any, ...]] = []
    skill_rows: list[tuple[Any, ...]] = []
    profile_rows: list[tuple[Any, ...]] = []
    for uid in helpers:
        chosen = sorted({vocab.topic() for _ in range(rng.choice((1, 1, 2, 2, 3)))})
        for t in chosen:
            topic_rows.append((TEAM, uid, t + 1))
            helpers_by_topic[t].append(uid)
        skills = {
            rng.choice(vocab.topic_skills[rng.choice(chosen)]) for _ in range(rng.randrange(5))
        }
        skill_rows.extend((TEAM, uid, s, skill_stem(s)) for s in sorted(skills))
        profile_rows.append((TEAM, uid, rng.choice((1, 2, 2, 3, 3, 4)), rng.random() < 0.05, NOW))
    sink.write(HelperTopic.__table__, ("team_id", "user_id", "topic_id"), topic_rows)
    sink.write(HelperSkill.__table__, ("team_id", "user_id", "skill", "stem"), skill_rows)
    sink.write(
        HelperProfile.__table__,
        ("team_id", "user_id", "weekly_capacity", "paused", "updated_at"),
        profile_rows,
    )
    out.helpers = len(helpers)

    # Preferences for a few: snoozed, some kinds stopped, the digest turned off.
    pref_rows = []
    for uid in rng.sample(active, max(1, len(active) * 3 // 100)):
        roll = rng.random()
        snoozed = NOW + timedelta(days=rng.randrange(1, 14)) if roll < 0.4 else None
        stopped = ",".join(rng.sample(NUDGE_KINDS, rng.randrange(1, 3))) if 0.3 < roll < 0.8 else ""
        pref_rows.append((TEAM, uid, snoozed, stopped, roll > 0.7, NOW - timedelta(days=20)))
    sink.write(
        PersonPrefs.__table__,
        ("team_id", "user_id", "snoozed_until", "stopped_kinds", "digest_off", "updated_at"),
        pref_rows,
    )
    out.prefs = len(pref_rows)

    # A year of requests, askers skewed (some people ask far more, many never), with offers,
    # accepted offers, thanks and resolutions; the last days' requests still mostly waiting.
    for names in helpers_by_topic:
        rng.shuffle(names)
    topic_cums = [zipf_cum(max(len(names), 1), 0.8) for names in helpers_by_topic]
    asker_cum = zipf_cum(len(active), 0.7)
    kinds, sizes, sources = (
        [k.value for k in HelpKind],
        [s.value for s in RequestSize],
        [s.value for s in OfferSource],
    )
    request_columns = (
        "id", "team_id", "asker_id", "what", "why", "help_kind", "size", "needed_by",
        "destination_channel", "recipient_id", "anonymous", "topic_id", "route", "status",
        "delivery", "posted_channel", "posted_ts", "posted_at", "resolved_at", "created_at",
        "updated_at",
    )  # fmt: skip
    offer_columns = (
        "id", "request_id", "team_id", "helper_id", "source", "status", "accepted_at",
        "created_at", "updated_at",
    )  # fmt: skip
    thanks_columns = ("id", "request_id", "team_id", "from_id", "to_id", "note", "created_at")
    notes = ("Thank you, that unblocked the release!", "You saved my week <3", None, None,
             "Quick & clear, thanks", "Couldn't have done it without you")  # fmt: skip
    offer_id = thanks_id = 0
    step = (HISTORY - timedelta(hours=1)) / requests
    for start in range(0, requests, BATCH):
        request_rows: list[tuple[Any, ...]] = []
        offer_rows: list[tuple[Any, ...]] = []
        thanks_rows: list[tuple[Any, ...]] = []
        for rid in range(start + 1, min(start + BATCH, requests) + 1):
            created = NOW - HISTORY + step * rid + timedelta(seconds=rng.randrange(60))
            age = NOW - created
            asker = rng.choices(active, cum_weights=asker_cum)[0]
            topic = vocab.topic() if rng.random() < 0.88 else None
            what, why = vocab.request(topic)
            channel = f"C0T{topic + 1:03d}" if topic is not None else HELP_CHANNEL
            recipient = None
            if rng.random() < 0.02:  # a private ask, in a DM with one helper
                recipient = rng.choice(helpers)
                channel = "D" + recipient[1:]
            needed_by = (
                created + timedelta(hours=rng.randrange(2, 120)) if rng.random() < 0.4 else None
            )
            recent = age < timedelta(days=3)
            status, resolved_at = RequestStatus.OPEN, None
            roll = rng.random()
            if roll < (0.15 if recent else 0.6):
                status = RequestStatus.RESOLVED
                resolved_at = min(created + timedelta(minutes=rng.randrange(30, 7200)), NOW)
            elif roll > 0.95:
                status = RequestStatus.WITHDRAWN
            out.resolved += status is RequestStatus.RESOLVED
            out.open_last_30_days += status is RequestStatus.OPEN and age < timedelta(days=30)
            updated = resolved_at or created
            request_rows.append(
                (rid, TEAM, asker, what, why, rng.choice(kinds), rng.choice(sizes), needed_by,
                 recipient or channel, recipient, rng.random() < 0.02,
                 topic + 1 if topic is not None else None, Route.CHANNEL.value, status.value,
                 Delivery.POSTED.value, channel, f"{int(created.timestamp())}.{rid:06d}",
                 created, resolved_at, created, updated)
            )  # fmt: skip
            if rng.random() > (0.45 if recent else 0.85) and status is not RequestStatus.RESOLVED:
                continue  # no offer (yet)
            pool = helpers_by_topic[topic] if topic is not None else []
            offered: set[str] = set()
            accepted_one = False
            for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
                if pool and rng.random() < 0.85:
                    helper = rng.choices(pool, cum_weights=topic_cums[topic])[0]  # type: ignore[index]
                else:
                    helper = rng.choice(helpers if rng.random() < 0.7 else active)
                if helper == asker or helper in offered:
                    continue
                offered.add(helper)
                offer_id += 1
                at = min(created + timedelta(minutes=rng.randrange(5, 600)), NOW)
                accept = not accepted_one and (
                    status is RequestStatus.RESOLVED or rng.random() < 0.3
                )
                if accept:
                    accepted_one = True
                    accepted_at = min(at + timedelta(minutes=rng.randrange(1, 120)), NOW)
                    offer_status = OfferStatus.ACCEPTED
                    out.accepted += 1
                    if resolved_at is not None and rng.random() < 0.7:
                        thanks_id += 1
                        thanks_rows.append(
                            (thanks_id, rid, TEAM, asker, helper, rng.choice(notes), resolved_at)
                        )
                else:
                    accepted_at = None
                    offer_status = OfferStatus.OFFERED if rng.random() < 0.8 else (
                        OfferStatus.WITHDRAWN
                    )  # fmt: skip
                offer_rows.append(
                    (offer_id, rid, TEAM, helper, rng.choice(sources), offer_status.value,
                     accepted_at, at, accepted_at or at)
                )  # fmt: skip
        sink.write(HelpRequest.__table__, request_columns, request_rows)
        sink.write(Offer.__table__, offer_columns, offer_rows)
        sink.write(Thanks.__table__, thanks_columns, thanks_rows)
        out.offers += len(offer_rows)
        out.thanks += len(thanks_rows)

    # What the outbox already holds: the last four weeks' personal digests, and a nudge or two
    # for a quarter of people in the last 60 days (the caps and "least recently sent" read these).
    outbox_columns = (
        "id", "team_id", "key", "kind", "target", "period", "payload", "status", "attempts",
        "next_attempt_at", "sent_at", "created_at",
    )  # fmt: skip
    outbox_rows: list[tuple[Any, ...]] = []
    sent = OutboxStatus.SENT.value
    for weeks_ago in range(1, 5):
        at = NOW - timedelta(weeks=weeks_ago, hours=4)
        period = nd.iso_week(at, UTC)
        for uid in active:
            if rng.random() < 0.6:
                key = outbox_key(PERSONAL_DIGEST, uid, period)
                outbox_rows.append(
                    (len(outbox_rows) + 1, TEAM, key, PERSONAL_DIGEST, uid, period,
                     YOUR_WEEK, sent, 1, at, at, at)
                )  # fmt: skip
    for uid in rng.sample(active, len(active) // 4):
        for _ in range(rng.choice((1, 1, 2))):
            at = NOW - timedelta(minutes=rng.randrange(60, 60 * 24 * 60))
            kind = rng.choice(NUDGE_KINDS)
            period = nd.iso_week(at, UTC)
            key = outbox_key(kind, uid, period)
            outbox_rows.append(
                (len(outbox_rows) + 1, TEAM, key, kind, uid, period, A_NUDGE, sent, 1, at, at, at)
            )
    unique = {row[2]: row for row in outbox_rows}  # a person drawn twice in one week: once
    outbox_rows = [(i, *row[1:]) for i, row in enumerate(unique.values(), start=1)]
    for start in range(0, len(outbox_rows), BATCH):
        sink.write(OutboxMessage.__table__, outbox_columns, outbox_rows[start : start + BATCH])
    out.outbox_history = len(outbox_rows)
    out.seconds = time.monotonic() - started
    return out


def build_sqlite(path: Path, people: int, requests: int, seed: int) -> Generated:
    def fill(loader: Engine) -> Generated:
        sink = harness.BulkSink(loader, SEQUENCES)
        generated = generate(people, requests, seed, sink)
        sink.finish()
        return generated

    return harness.build_sqlite_cache(path, fill)[0]


def sqlite_workspace(cache: Path, people: int, requests: int, seed: int, work: Path) -> str:
    """A fresh copy of the cached workspace (planning writes to it), generating it if needed."""
    path = cache / f"scheduled-v{GENERATOR_VERSION}-s{seed}-p{people}-r{requests}.db"
    if not path.exists():
        print(f"  generating {path} ...", flush=True)
        print(f"  {build_sqlite(path, people, requests, seed).line()}", flush=True)
    copy = work / f"plan-p{people}.db"
    shutil.copyfile(path, copy)
    return f"sqlite:///{copy}"


def load_postgres(url: str, people: int, requests: int, seed: int) -> None:
    engine = harness.migrated_engine(url)
    sink = harness.BulkSink(engine, SEQUENCES)
    generated = generate(people, requests, seed, sink)
    sink.finish()
    harness.vacuum_analyze(engine)
    engine.dispose()
    print(f"  {generated.line()} (COPY, VACUUM ANALYZE)", flush=True)


# --- Planning -------------------------------------------------------------------------------------


def plan_once(engine: Engine, counter: harness.StatementCounter, now: datetime) -> dict[str, Any]:
    sessions = create_session_factory(engine)
    counter.reset()
    began = time.perf_counter()
    with sessions() as session:
        report = plan_team(session, team_id=TEAM, now=now)
    seconds = time.perf_counter() - began
    return {
        "seconds": seconds,
        "sql_seconds": counter.sql_ns / 1e9,
        "statements": counter.statements,
        "reads": counter.reads,
        "nudges": report.nudges,
        "digests": report.digests,
    }


def planned_by_kind(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(OutboxMessage.kind, func.count())
            .where(OutboxMessage.created_at == NOW)
            .group_by(OutboxMessage.kind)
        )
        return {kind: int(count) for kind, count in rows}


def forget_planned(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(delete(OutboxMessage).where(OutboxMessage.created_at >= NOW))


def measure_plan(url: str, repeat: int) -> dict[str, Any]:
    """`plan_team` at NOW `repeat` times (the rows it planned deleted in between), then once more
    five minutes later, when everything is already planned."""
    engine = create_db_engine(url, pool_pre_ping=True)  # as app.py builds it
    # Reads are what must not grow with the workspace; the outbox insert is sent in pages of
    # 1,000 rows (SQLAlchemy's insertmanyvalues), one statement per page.
    counter = harness.StatementCounter(engine, timed=True)
    result: dict[str, Any] = {"runs": []}
    try:
        result["runs"].append(plan_once(engine, counter, NOW))
        result["planned"] = planned_by_kind(engine)
        for _ in range(repeat - 1):
            forget_planned(engine)
            result["runs"].append(plan_once(engine, counter, NOW))
        result["rerun_5_min_later"] = plan_once(engine, counter, NOW + timedelta(minutes=5))
        result["version"] = harness.database_version(engine)
    finally:
        engine.dispose()
    seconds = [run["seconds"] for run in result["runs"]]
    result["median_seconds"] = statistics.median(seconds)
    result["max_seconds"] = max(seconds)
    result["statements"] = sorted({run["statements"] for run in result["runs"]})
    result["reads"] = sorted({run["reads"] for run in result["runs"]})
    return result


def print_plan(name: str, people: int, requests: int, figures: dict[str, Any]) -> None:
    runs = ", ".join(
        f"{r['seconds']:.2f} s ({r['sql_seconds']:.2f} s in SQL, {r['statements']} statements, "
        f"{r['reads']} reads)"
        for r in figures["runs"]
    )
    rerun = figures["rerun_5_min_later"]
    print(f"  {name} plan_team, {people:,} people / {requests:,} requests: {runs}")
    print(
        f"    planned {figures['runs'][0]['nudges']:,} nudges, {figures['runs'][0]['digests']:,}"
        f" digests {figures.get('planned', {})}; 5 min later: {rerun['seconds']:.2f} s, "
        f"{rerun['statements']} statements, {rerun['nudges'] + rerun['digests']} new",
        flush=True,
    )


# --- Sending --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Faults:
    """Faults injected before the n-th post (counted from 1), every `every` posts."""

    rate_limit_every: int = 50  # one 429 (Retry-After 0): slack_sdk retries it
    rate_limit_burst_every: int = 1_000  # three 429s (Retry-After 1): past slack_sdk, to backoff
    server_error_every: int = 250  # one 503: slack_sdk retries it
    server_error_burst_every: int = 2_000  # three 503s: past slack_sdk, to the outbox backoff


@dataclass
class InjectingPacer(Pacer):
    """The outbox's Pacer with a no-op sleep (so it does not pace at all at 10,000 a second), which
    also queues the faults in the fake Slack just before the posts they are meant for."""

    fake: FakeSlack | None = None
    faults: Faults = field(default_factory=Faults)
    posts: int = 0
    injected: Counter[str] = field(default_factory=Counter)

    def wait(self) -> None:
        super().wait()
        self.posts += 1
        n, f, fake = self.posts, self.faults, self.fake
        assert fake is not None
        # Offsets keep the kinds apart, so each falls on posts of its own.
        if hits(n, f.rate_limit_burst_every, 0):
            fake.rate_limit("chat.postMessage", retry_after=1, times=3)
            self.injected["429 x3"] += 1
        elif hits(n, f.server_error_burst_every, f.server_error_burst_every // 4):
            fake.server_error("chat.postMessage", status=503, times=3)
            self.injected["503 x3"] += 1
        elif hits(n, f.rate_limit_every, 0):
            fake.rate_limit("chat.postMessage", retry_after=0, times=1)
            self.injected["429"] += 1
        elif hits(n, f.server_error_every, f.server_error_every // 2 + 1):
            fake.server_error("chat.postMessage", status=503, times=1)
            self.injected["503"] += 1


def hits(n: int, every: int, offset: int) -> bool:
    return every > 0 and n % every == offset % every


class ScaledSleep:
    """Stands in for the `time` module inside slack_sdk's retry handlers: records every wait they
    ask for (Retry-After plus up to 1 s of jitter, or the backoff) and sleeps `scale` of it."""

    def __init__(self, scale: float) -> None:
        self.scale = scale
        self.asked: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.asked.append(seconds)
        time.sleep(seconds * self.scale)


@contextmanager
def scaled_retry_sleeps(scale: float) -> Iterator[ScaledSleep]:
    sleeper = ScaledSleep(scale)
    original = retry_builtins.time
    retry_builtins.time = SimpleNamespace(sleep=sleeper.sleep)  # type: ignore[assignment]
    try:
        yield sleeper
    finally:
        retry_builtins.time = original


def dm_rows(count: int) -> list[dict[str, Any]]:
    """`count` DMs, one per person, kinds mixed as a Monday run plans them."""
    rows = []
    for n in range(count):
        target = person_id(n)
        kind = PERSONAL_DIGEST if n % 3 else NUDGE_KINDS[n % len(NUDGE_KINDS)]
        body = (
            nd.start_small_message(n)
            if kind != PERSONAL_DIGEST
            else message(
                (line("Your week", strong=True),),
                (line(f"You asked for help once and helped {n % 4} people."),),
                (line("Open requests that match your skills: none this week."),),
            )
        )
        rows.append(
            {
                "team_id": TEAM,
                "key": outbox_key(kind, target, "2026-W48"),
                "kind": kind,
                "target": target,
                "period": "2026-W48",
                "payload": to_json(body),
                "status": OutboxStatus.PENDING,
                "next_attempt_at": NOW,
                "created_at": NOW,
            }
        )
    return rows


def measure_send(
    url: str, count: int, faults: Faults, validate: bool, retry_scale: float
) -> dict[str, Any]:
    engine = harness.migrated_engine(url, pool_pre_ping=True)
    sessions = create_session_factory(engine)
    rows = dm_rows(count)
    with sessions() as session:
        for i in range(0, len(rows), 1_000):  # setup, not measured (see enqueue's limit)
            oq.enqueue(session, rows[i : i + 1_000])
        session.commit()
    fake = FakeSlack(token=BOT_TOKEN, team_id=TEAM, **({} if validate else {"reference_dir": None}))
    fake.start()
    client = WebClient(
        token=BOT_TOKEN,
        base_url=fake.base_url,
        timeout=10,
        # Production's handlers (two retries each; 429 honours Retry-After), short backoff.
        retry_handlers=default_retry_handlers(FixedValueRetryIntervalCalculator(0.01)),
    )
    gateway = SlackGateway(client, HELP_CHANNEL)
    clock = FakeClock(NOW)
    pacer = InjectingPacer(per_second=10_000, sleep=lambda _s: None, fake=fake, faults=faults)
    totals: Counter[str] = Counter()
    rounds = 0
    began = time.perf_counter()
    try:
        with scaled_retry_sleeps(retry_scale) as sleeper, sessions() as session:
            while rounds < 1_000:
                rounds += 1
                report = send_due(session, gateway, clock=clock, pacer=pacer, limit=500)
                totals.update(asdict(report))
                if oq.due(session, clock(), 1):
                    continue
                session.commit()
                waiting = session.scalar(
                    select(func.min(OutboxMessage.next_attempt_at)).where(
                        OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING])
                    )
                )
                session.commit()
                if waiting is None:
                    break
                clock.now = max(clock.now + timedelta(seconds=1), waiting)  # past the backoff
        seconds = time.perf_counter() - began
        checks = verify_sent(engine, fake, rows)
        violations = fake.take_violations()
    finally:
        fake.stop()
        engine.dispose()
    return {
        "messages": count,
        "seconds": seconds,
        "per_second": count / seconds,
        "rounds": rounds,
        "virtual_minutes": (clock.now - NOW).total_seconds() / 60,
        "report_totals": dict(totals),
        "faults_injected": dict(pacer.injected),
        "slack_sdk_retry_waits": len(sleeper.asked),
        "slack_sdk_wait_asked_seconds": sum(sleeper.asked),
        "retry_sleep_scale": retry_scale,
        "contract_validation": validate,
        "violations": violations[:5],
        **checks,
    }


def verify_sent(engine: Engine, fake: FakeSlack, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Every row SENT, and exactly one message per row in Slack: none lost, none doubled."""
    with engine.connect() as conn:
        stored = conn.execute(
            select(
                OutboxMessage.key,
                OutboxMessage.status,
                OutboxMessage.attempts,
                OutboxMessage.posted_channel,
                OutboxMessage.posted_ts,
            )
        ).all()
    statuses = Counter(str(row.status) for row in stored)
    attempts = Counter(int(row.attempts) for row in stored)
    messages = fake.messages
    keys_in_slack = Counter(key_of(message) for message in messages.values())
    per_channel = Counter(channel for channel, _ in messages)
    wanted = {row["key"] for row in rows}
    posted_at = {(row.posted_channel, row.posted_ts) for row in stored if row.posted_ts}
    lost = sorted(wanted - set(keys_in_slack))
    duplicated = sorted(key for key, n in keys_in_slack.items() if n > 1)
    ok = (
        len(stored) == len(rows)
        and statuses == Counter({OutboxStatus.SENT.value: len(rows)})
        and len(messages) == len(rows)
        and not lost
        and not duplicated
        and set(keys_in_slack) == wanted
        and max(per_channel.values(), default=0) == 1
        and posted_at == set(messages)  # each row records the very message Slack holds
    )
    return {
        "rows": len(stored),
        "statuses": dict(statuses),
        "attempts": dict(sorted(attempts.items())),
        "messages_in_slack": len(messages),
        "conversations": len(per_channel),
        "lost": len(lost),
        "duplicated": len(duplicated),
        "exactly_once": ok,
    }


def print_send(name: str, figures: dict[str, Any]) -> None:
    print(
        f"  {name} send_due: {figures['messages']:,} DMs in {figures['seconds']:.1f} s "
        f"({figures['per_second']:.0f}/s), {figures['rounds']} rounds, clock advanced "
        f"{figures['virtual_minutes']:.0f} min; faults {figures['faults_injected']}; slack_sdk "
        f"retried {figures['slack_sdk_retry_waits']} times (asked to wait "
        f"{figures['slack_sdk_wait_asked_seconds']:.0f} s, slept x{figures['retry_sleep_scale']})"
    )
    print(
        f"    outbox {figures['statuses']}, attempts {figures['attempts']}; Slack holds "
        f"{figures['messages_in_slack']:,} messages in {figures['conversations']:,} DMs; lost "
        f"{figures['lost']}, duplicated {figures['duplicated']} -> "
        f"{'exactly once' if figures['exactly_once'] else 'NOT EXACTLY ONCE'}"
        + (f"; contract violations: {figures['violations']}" if figures["violations"] else ""),
        flush=True,
    )


# --- Main -----------------------------------------------------------------------------------------


def run_database(name: str, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    out: dict[str, Any] = {"plan": {}}
    scales = [(args.people, args.requests)]
    if args.small_factor > 1:
        scales.append((args.people // args.small_factor, args.requests // args.small_factor))
    for people, requests in scales:
        print(f"{name}: workspace of {people:,} people, {requests:,} requests", flush=True)
        if name == "sqlite":
            url = sqlite_workspace(args.cache, people, requests, args.seed, work)
            figures = measure_plan(url, args.repeat)
        else:
            with harness.scratch_url(name, work, "plan", args.postgres_url) as url:
                load_postgres(url, people, requests, args.seed)
                figures = measure_plan(url, args.repeat)
        print_plan(name, people, requests, figures)
        out["version"] = figures.pop("version")
        out["plan"][f"{people}x{requests}"] = {"people": people, "requests": requests, **figures}
    full = out["plan"][f"{args.people}x{args.requests}"]
    # Fixed means the reads: writes are one outbox insert page per 1,000 planned messages.
    counts = {key: value["reads"] for key, value in out["plan"].items()}
    out["statements_fixed"] = len({tuple(c) for c in counts.values()}) == 1
    out["plan_target_met"] = full["max_seconds"] < TARGET_PLAN_S
    print(
        f"  reads by size {counts}: "
        f"{'fixed' if out['statements_fixed'] else 'GROWS WITH SIZE'}; "
        f"plan under {TARGET_PLAN_S:.0f} s: {'met' if out['plan_target_met'] else 'MISSED'}",
        flush=True,
    )
    if args.messages:
        with harness.scratch_url(name, work, "send", args.postgres_url) as url:
            out["send"] = measure_send(
                url, args.messages, Faults(), not args.no_validate, args.retry_sleep_scale
            )
        print_send(name, out["send"])
    return out


def main() -> int:
    parser = harness.parser(__doc__, "scheduled")
    harness.add_workspace_args(parser, people=10_000, requests=100_000)
    parser.add_argument(
        "--small-factor",
        type=int,
        default=10,
        help="also plan a workspace this many times smaller, to compare statement counts (1: no)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed plan_team runs per size")
    parser.add_argument("--messages", type=int, default=10_000, help="DMs to send (0: skip)")
    parser.add_argument("--no-validate", action="store_true", help="fake Slack skips contracts")
    parser.add_argument(
        "--retry-sleep-scale",
        type=float,
        default=0.01,
        help="share of slack_sdk's retry waits actually slept (1: real Retry-After waits)",
    )
    harness.add_database_args(parser, default="both")
    args = harness.parse(parser)

    machine = harness.machine()
    print(f"{harness.machine_line(machine)}; now {NOW}")
    sizes = {
        key: value
        for key, value in vars(args).items()
        if key not in ("json", "database", "postgres_url", "cache")
    }
    databases: dict[str, Any] = {}
    status = 0
    with tempfile.TemporaryDirectory(prefix="bench-scheduled-") as tmp:
        for name in harness.chosen_databases(args):
            try:
                figures = run_database(name, args, Path(tmp))
            except Exception:  # could not measure: say why, exit non-zero
                traceback.print_exc()
                databases[name] = {"error": traceback.format_exc(limit=3)}
                status = 1
                continue
            databases[name] = figures
            if "send" in figures and not figures["send"]["exactly_once"]:
                status = 1
    harness.write_results(args.json, machine, sizes, now=NOW.isoformat(), databases=databases)
    return status


if __name__ == "__main__":
    sys.exit(main())
