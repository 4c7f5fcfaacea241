"""Two schedulers at once, and a sender that crashes mid-run: each message is sent exactly once.

The `sessions` fixture is one connection with savepoints, which serialises everything, so this
module runs the scheduler as two app processes would: each "scheduler" has its own engine on a
freshly migrated database (a private schema in TEST_DATABASE_URL's PostgreSQL, else a SQLite
file, where BEGIN IMMEDIATE and busy_timeout serialise writers), its own session factory and its
own Web API client, and both run `plan_all` then `send_due` in threads released together by a
barrier, with the same injected time, round after round. The fake Slack records what arrived,
with each message's outbox key as metadata: that is what "sent once" is checked against.
"""

import threading
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.http_retry import FixedValueRetryIntervalCalculator
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SAWarning
from sqlalchemy.orm import Session, sessionmaker

from bot.domain.message import Message, line, message, to_json
from bot.domain.offers import OfferSource, OfferStatus
from bot.domain.outbox import CHANNEL_DIGEST, PERSONAL_DIGEST, OutboxStatus
from bot.domain.requests import Delivery, HelpKind, RequestSize, RequestStatus
from bot.domain.routing import skill_stem
from bot.services import scheduled
from bot.services.outbox import STALE_CLAIM, Pacer, send_due
from bot.services.ports import PostedMessage
from bot.services.scheduled import plan_all
from bot.slack.blocks.scheduled import key_of
from bot.slack.client import default_retry_handlers
from bot.slack.gateway import SlackGateway
from db import outbox_queries as oq
from db import planning_queries as pq
from db.engine import create_db_engine, create_session_factory
from db.migrate import upgrade
from db.models import HelperSkill, HelpRequest, Offer, OutboxMessage, SlackUser, Thanks
from tests.slack_stand_in.fake_slack import FakeSlack
from tests.slack_stand_in.pytest_plugin import (
    BOT_TOKEN,
    GENERAL_CHANNEL_ID,
    HELP_CHANNEL_ID,
    TEAM_ID,
)
from tests.support import FakeClock, scratch_database

# Monday 09:30 UTC: working hours in London, Berlin and Lagos; the digest hour has passed in
# Europe, Africa, Asia and Sydney, not yet in the Americas (their turn comes in a later round).
MONDAY = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
# Generous: a thread that waits this long is stuck, not slow.
JOIN_TIMEOUT_S = 30.0
# plan_all's first read (`planning_queries.teams`) warns on every run: the suite turns
# SAWarning into an error, so it is let through here and pinned as a bug at the end of the file.

# (user, zone, skills): a dozen people over the world's time zones, plus a bot and a leaver.
PEOPLE: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    ("UANA0001", "Europe/Berlin", ()),
    ("UBEN0001", "Europe/London", ("postgres",)),
    ("UCLEO001", "Europe/Berlin", ()),
    ("UDEV0001", "America/New_York", ("postgres", "python")),
    ("UEVE0001", "Africa/Lagos", ()),
    ("UFIN0001", "Asia/Kolkata", ()),
    ("UGIA0001", "Asia/Tokyo", ("react",)),
    ("UHAL0001", "Australia/Sydney", ()),
    ("UIDA0001", "America/Los_Angeles", ("postgres",)),
    ("UJON0001", "America/Sao_Paulo", ()),
    ("UKAI0001", "Asia/Singapore", ("kubernetes",)),
    ("ULEO0001", "Europe/London", ("react", "css")),
    ("UMIA0001", None, ()),  # Slack never told us her zone: nothing planned for her
)
BOT, LEAVER = "UBOT0009", "UGONE009"


def seed(sessions: sessionmaker[Session], now: datetime) -> None:
    """People, a week of requests (resolved with thanks, open and waiting, one due today) in two
    channels, and a generous helper who never asks."""
    with sessions() as session:
        for user_id, zone, skills in (*PEOPLE, (BOT, "UTC", ()), (LEAVER, "UTC", ())):
            session.add(
                SlackUser(
                    team_id=TEAM_ID,
                    user_id=user_id,
                    real_name=user_id.title(),
                    tz=zone,
                    tz_offset=None if zone is None else 0,  # Slack gives no offset without a zone
                    is_bot=user_id == BOT,
                    is_deleted=user_id == LEAVER,
                    is_admin=False,
                    is_owner=False,
                    fetched_at=now,
                )
            )
            for skill in skills:
                session.add(
                    HelperSkill(
                        team_id=TEAM_ID, user_id=user_id, skill=skill, stem=skill_stem(skill)
                    )
                )
        session.flush()

        def ask(asker: str, what: str, ago: timedelta, channel: str, **extra: Any) -> HelpRequest:
            at = now - ago
            row = HelpRequest(
                team_id=TEAM_ID,
                asker_id=asker,
                what=what,
                why="",
                help_kind=HelpKind.FEEDBACK,
                size=RequestSize.QUICK,
                destination_channel=channel,
                status=extra.pop("status", RequestStatus.OPEN),
                delivery=Delivery.POSTED,
                posted_channel=channel,
                posted_ts=f"{int(at.timestamp())}.{len(what):06d}",
                posted_at=at,
                created_at=at,
                updated_at=at,
                **extra,
            )
            session.add(row)
            session.flush()
            return row

        def helped(request: HelpRequest, helper: str, note: str) -> None:
            at = request.created_at + timedelta(hours=1)
            session.add(
                Offer(
                    request_id=request.id,
                    team_id=TEAM_ID,
                    helper_id=helper,
                    source=OfferSource.BUTTON,
                    status=OfferStatus.ACCEPTED,
                    accepted_at=at,
                    created_at=at,
                    updated_at=at,
                )
            )
            session.add(
                Thanks(
                    request_id=request.id,
                    team_id=TEAM_ID,
                    from_id=request.asker_id,
                    to_id=helper,
                    note=note,
                    created_at=at + timedelta(hours=1),
                )
            )

        resolved = {"status": RequestStatus.RESOLVED}
        for n, (asker, helper) in enumerate(
            (("UANA0001", "UBEN0001"), ("UCLEO001", "UKAI0001"), ("UJON0001", "UKAI0001"))
        ):
            done = ask(
                asker,
                f"Review my quarterly planning doc, part {n + 1}",
                timedelta(days=3 + n),
                HELP_CHANNEL_ID,
                resolved_at=now - timedelta(days=1),
                **resolved,
            )
            helped(done, helper, "You saved my week <3")
        kai_again = ask(
            "UHAL0001",
            "Help me size the kubernetes cluster",
            timedelta(days=20),
            GENERAL_CHANNEL_ID,
            resolved_at=now - timedelta(days=10),
            **resolved,
        )
        helped(kai_again, "UKAI0001", "Thanks!")
        ask("UCLEO001", "Could someone check my postgres index migration?", timedelta(hours=3),
            HELP_CHANNEL_ID)  # fmt: skip
        ask("UGIA0001", "Which react state library do we use for forms?", timedelta(days=2),
            GENERAL_CHANNEL_ID)  # fmt: skip
        ask("UEVE0001", "Can someone proofread my postgres talk slides before 4pm?",
            timedelta(hours=2), HELP_CHANNEL_ID, needed_by=now + timedelta(hours=6))  # fmt: skip
        session.commit()


@dataclass
class Scheduler:
    """One app process's scheduler: its own engine, session factory and Web API client."""

    name: str
    engine: Engine
    sessions: sessionmaker[Session]
    slack: SlackGateway

    def run(self, clock: FakeClock) -> None:
        """As the embedded scheduler's plan and send jobs do, one after the other."""
        with self.sessions() as session:
            plan_all(session, clock=clock)
        with self.sessions() as session:
            send_due(session, self.slack, clock=clock, pacer=fast_pacer())


def fast_pacer() -> Pacer:
    return Pacer(per_second=1_000, sleep=lambda _seconds: None)


def gateway(fake: FakeSlack) -> SlackGateway:
    client = WebClient(
        token=BOT_TOKEN,
        base_url=fake.base_url,
        # Production's handlers, with short back-off so retries do not slow the suite.
        retry_handlers=default_retry_handlers(FixedValueRetryIntervalCalculator(0.01)),
    )
    return SlackGateway(client, HELP_CHANNEL_ID)


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    with scratch_database(tmp_path) as url:
        engine = create_db_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


@pytest.fixture
def schedulers(database_url: str, fake_slack: FakeSlack) -> Iterator[list[Scheduler]]:
    made = []
    for name in ("first", "second"):
        engine = create_db_engine(database_url, pool_pre_ping=True)
        made.append(Scheduler(name, engine, create_session_factory(engine), gateway(fake_slack)))
    yield made
    for scheduler in made:
        scheduler.engine.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY)


def at_once(jobs: list[Callable[[], None]]) -> None:
    """Run each job in its own thread, released together; re-raise the first failure here."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        try:
            barrier.wait(timeout=JOIN_TIMEOUT_S)
            job()
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_TIMEOUT_S)
    assert not any(thread.is_alive() for thread in threads), "a scheduler thread is stuck"
    if errors:
        raise errors[0]


def outbox_rows(sessions: sessionmaker[Session]) -> list[OutboxMessage]:
    with sessions() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def posted_keys(fake: FakeSlack) -> Counter[str | None]:
    """How many messages Slack holds under each outbox key."""
    return Counter(key_of(message) for message in fake.messages.values())


def assert_each_sent_once(sessions: sessionmaker[Session], fake: FakeSlack) -> list[OutboxMessage]:
    rows = outbox_rows(sessions)
    keys = Counter(row.key for row in rows)
    assert max(keys.values()) == 1, f"a key planned twice: {keys.most_common(3)}"
    per_target = Counter((row.kind, row.target, row.period) for row in rows)
    assert max(per_target.values()) == 1
    assert {row.status for row in rows} == {OutboxStatus.SENT}, Counter(r.status for r in rows)
    in_slack = posted_keys(fake)
    doubled = {key: n for key, n in in_slack.items() if n > 1}
    assert not doubled, f"posted more than once: {doubled}"
    assert set(in_slack) == set(keys), "Slack holds exactly the planned messages"
    # Each row records the one message Slack holds for it.
    assert {(row.posted_channel, row.posted_ts) for row in rows} == set(fake.messages)
    return rows


def test_two_schedulers_at_once_plan_and_send_each_message_once(
    schedulers: list[Scheduler], fake_slack: FakeSlack, clock: FakeClock
) -> None:
    seed(schedulers[0].sessions, clock())
    # Europe's digests, nudges in working hours; a second run five minutes later (digests and
    # nudges all planned already); the Americas' Monday morning; then a sweep past any backoff.
    steps = (timedelta(0), timedelta(minutes=5), timedelta(hours=5), timedelta(minutes=10))
    sent_by_round = []
    for step in steps:
        clock.advance(seconds=step.total_seconds())
        if step == timedelta(hours=5):
            # Past slack_sdk's own two retries: one message backs off in the outbox and is sent
            # by whichever scheduler gets to it in the next round.
            fake_slack.server_error("chat.postMessage", status=503, times=3)
        at_once([lambda s=s: s.run(clock) for s in schedulers])  # type: ignore[misc]
        sent_by_round.append(len(fake_slack.messages))

    rows = assert_each_sent_once(schedulers[0].sessions, fake_slack)
    kinds = Counter(row.kind for row in rows)
    assert kinds[CHANNEL_DIGEST] == 2  # #help and #general
    assert kinds[PERSONAL_DIGEST] >= 5
    assert sum(n for kind, n in kinds.items() if kind not in (CHANNEL_DIGEST, PERSONAL_DIGEST)) >= 4
    targets = {row.target for row in rows}
    assert not targets & {BOT, LEAVER, "UMIA0001"}
    # The rounds did different work: Europe first, the Americas after their 9:00.
    assert 0 < sent_by_round[0] < sent_by_round[2]
    assert "UDEV0001" in {r.target for r in rows if r.kind == PERSONAL_DIGEST}  # New York
    assert "UIDA0001" not in {r.target for r in rows if r.kind == PERSONAL_DIGEST}  # LA, 06:30


class Crash(BaseException):
    """The process dies: not an error the sender could catch and record."""


class DiesAfterPosting:
    """A gateway whose process dies right after Slack took the `nth` post, before the sender
    records it."""

    def __init__(self, inner: SlackGateway, nth: int) -> None:
        self.inner = inner
        self.nth = nth
        self.posts = 0

    def post_scheduled(self, target: str, kind: str, body: Message, key: str) -> PostedMessage:
        posted = self.inner.post_scheduled(target, kind, body, key)
        self.posts += 1
        if self.posts == self.nth:
            raise Crash
        return posted

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_a_crash_mid_send_then_two_restarted_schedulers_send_each_message_once(
    schedulers: list[Scheduler], fake_slack: FakeSlack, clock: FakeClock
) -> None:
    seed(schedulers[0].sessions, clock())
    first = schedulers[0]
    with first.sessions() as session:
        plan_all(session, clock=clock)
    planned = len(outbox_rows(first.sessions))
    assert planned >= 8

    # The first process dies right after Slack took its third message.
    dying = DiesAfterPosting(first.slack, nth=3)
    with pytest.raises(Crash), first.sessions() as session:
        send_due(session, dying, clock=clock, pacer=fast_pacer())  # type: ignore[arg-type]
    assert len(fake_slack.messages) == 3
    statuses = Counter(row.status for row in outbox_rows(first.sessions))
    assert statuses[OutboxStatus.SENDING] == 1  # the third: in Slack, not recorded

    # Restarted, both processes run at once: within STALE_CLAIM the claim is left alone (the
    # sender might still be alive); after it, the message is found in Slack and recorded.
    clock.advance(minutes=1)
    at_once([lambda s=s: s.run(clock) for s in schedulers])  # type: ignore[misc]
    assert Counter(row.status for row in outbox_rows(first.sessions))[OutboxStatus.SENDING] == 1
    clock.advance(seconds=STALE_CLAIM.total_seconds())
    at_once([lambda s=s: s.run(clock) for s in schedulers])  # type: ignore[misc]

    rows = assert_each_sent_once(first.sessions, fake_slack)
    assert len(rows) == planned


def test_a_crash_before_posting_is_sent_once_by_one_of_two_restarted_schedulers(
    schedulers: list[Scheduler], fake_slack: FakeSlack, clock: FakeClock
) -> None:
    seed(schedulers[0].sessions, clock())
    first = schedulers[0]
    with first.sessions() as session:
        plan_all(session, clock=clock)
        # A sender claimed every message, then died before posting any of them.
        for message_id in oq.due(session, clock(), 100):
            assert oq.claim(session, message_id, clock())
        session.commit()

    clock.advance(seconds=(STALE_CLAIM + timedelta(minutes=1)).total_seconds())
    at_once([lambda s=s: s.run(clock) for s in schedulers])  # type: ignore[misc]

    rows = assert_each_sent_once(first.sessions, fake_slack)
    # The dead claim counted as one attempt, the send after recovery as the second.
    assert {row.attempts for row in rows} == {2}


def test_a_crash_mid_plan_leaves_nothing_half_planned(
    schedulers: list[Scheduler],
    fake_slack: FakeSlack,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seed(schedulers[0].sessions, clock())
    first = schedulers[0]
    with monkeypatch.context() as patch:
        # Nudges are planned, then the process dies while planning the digests.
        def dies(*_args: Any, **_kwargs: Any) -> list[dict]:
            raise Crash

        patch.setattr(scheduled, "_personal_digests", dies)
        with pytest.raises(Crash), first.sessions() as session:
            plan_all(session, clock=clock)
    with first.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0

    at_once([lambda s=s: s.run(clock) for s in schedulers])  # type: ignore[misc]

    rows = assert_each_sent_once(first.sessions, fake_slack)
    assert {CHANNEL_DIGEST, PERSONAL_DIGEST} <= {row.kind for row in rows}


def test_finding_the_workspaces_to_plan_raises_no_sqlalchemy_warning(database_url: str) -> None:
    engine = create_db_engine(database_url)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", SAWarning)
            with create_session_factory(engine)() as session:
                assert pq.teams(session) == []
    finally:
        engine.dispose()


def test_a_big_plan_fits_in_one_enqueue(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's limit; this SQLite build allows far more bound parameters")
    engine = create_db_engine(database_url)
    rows = [
        {
            "team_id": TEAM_ID,
            "key": f"{PERSONAL_DIGEST}:U{n:07d}:2026-W48",
            "kind": PERSONAL_DIGEST,
            "target": f"U{n:07d}",
            "period": "2026-W48",
            "payload": to_json(message((line("Your week"),))),
            "status": OutboxStatus.PENDING,
            "next_attempt_at": MONDAY,
            "created_at": MONDAY,
        }
        for n in range(8_000)  # a Monday's personal digests in a workspace of 10,000
    ]
    try:
        with create_session_factory(engine)() as session:
            assert oq.enqueue(session, rows) == len(rows)
            session.commit()
    finally:
        engine.dispose()
