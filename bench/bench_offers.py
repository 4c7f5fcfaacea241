"""Latency of the response path: an offer (reaction or button), *Accept*, and resolving, in
process, from the signed request to what the asker and helpers see.

Run from the repository root:

    .venv/bin/python bench/bench_offers.py [--iterations N] [--json PATH]

Set BENCH_DATABASE_URL (postgresql+psycopg://...) to measure on PostgreSQL as well as SQLite.
See bench/README.md for what each figure means and the figures last recorded.
"""

# ruff: noqa: E402 - the repository root must be on sys.path before the app and tests import.

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import argparse
import json
import logging
import os
import platform
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import App
from slack_bolt.response import BoltResponse
from sqlalchemy import Engine, func, select

from bench.harness import (
    CompletionCounter,
    SignedRequests,
    dispatch,
    summarize,
)
from bot.config import load_settings
from bot.domain.offers import OfferStatus
from bot.domain.requests import HelpKind, RequestSize, RequestStatus
from bot.slack.app import build_app, build_deps
from bot.slack.blocks import ids
from bot.slack.client import build_web_client
from db.engine import create_db_engine, create_session_factory
from db.migrate import upgrade
from db.models import HelpRequest, Offer, Thanks
from tests.slack_stand_in.driver import SlackDriver
from tests.slack_stand_in.fake_slack import FakeSlack, JsonDict
from tests.slack_stand_in.pytest_plugin import (
    ASKER_ID,
    BOT_TOKEN,
    BOT_USER_ID,
    HELPER_1_ID,
    HELPER_2_ID,
    TEAM_ID,
    seed_workspace,
)
from tests.support import SIGNING_SECRET, private_schema, settings_env

REACT_ACK = "reaction: ack returned"
REACT_DM = "reaction: asker's DM"
REACT_POST = "reaction: post updated"
CLICK_ACK = "I can help: ack returned"
CLICK_DM = "I can help: asker's DM"
CLICK_POST = "I can help: post updated"
ACCEPT_ACK = "accept: ack returned"
ACCEPT_OPEN = "accept: conversations.open"
ACCEPT_INTRO = "accept: intro posted"
RESOLVE_ACK = "resolve: ack returned"
RESOLVE_THANKS = "resolve: thanks DM"
RESOLVE_POST = "resolve: post updated"
SCENARIOS = (
    REACT_ACK,
    REACT_DM,
    REACT_POST,
    CLICK_ACK,
    CLICK_DM,
    CLICK_POST,
    ACCEPT_ACK,
    ACCEPT_OPEN,
    ACCEPT_INTRO,
    RESOLVE_ACK,
    RESOLVE_THANKS,
    RESOLVE_POST,
)

WHAT = (
    "Could someone review the retry logic in billing-sync PR #412: "
    "is backing off per customer enough?"
)
WHY = "It's the last blocker before Thursday's release to customers"


@dataclass(frozen=True)
class Stamp:
    method: str
    channel: str
    args: JsonDict
    arrived: int


class StampedSlack(FakeSlack):
    """The stand-in, noting when each Web API call reached it and where it was going, before
    the fake's own contract checks (Slack's side, not the app's)."""

    def _clear_run_state(self) -> None:
        super()._clear_run_state()
        self._stamps: list[Stamp] = []

    def _handle_api(self, method: str, args: JsonDict, headers: dict[str, str]) -> Any:
        arrived = time.perf_counter_ns()
        with self._lock:
            self._stamps.append(Stamp(method, str(args.get("channel") or ""), args, arrived))
        return super()._handle_api(method, args, headers)

    def mark(self) -> int:
        with self._lock:
            return len(self._stamps)

    def first(self, since: int, method: str, where: Callable[[Stamp], bool]) -> Stamp:
        """The first `method` call since `since` that `where` accepts."""
        with self._lock:
            stamps = self._stamps[since:]
        for stamp in stamps:
            if stamp.method == method and where(stamp):
                return stamp
        seen = [f"{s.method} -> {s.channel}" for s in stamps]
        raise RuntimeError(f"no matching {method} call; calls seen: {seen}")

    def last(self, since: int, method: str, where: Callable[[Stamp], bool]) -> Stamp:
        with self._lock:
            stamps = self._stamps[since:]
        found = [s for s in stamps if s.method == method and where(s)]
        if not found:
            raise RuntimeError(f"no matching {method} call since {since}")
        return found[-1]


@dataclass
class Contender:
    name: str
    app: App
    engine: Engine
    completions: CompletionCounter
    rounds: int = 0
    samples: dict[str, list[int]] = field(default_factory=lambda: {s: [] for s in SCENARIOS})


def build_ours(name: str, fake: StampedSlack, database_url: str) -> Contender:
    """The app as app.py builds it: production client, retries, pool_pre_ping, ack-then-work."""
    settings = load_settings(settings_env(fake.base_url, database_url, LOG_LEVEL="INFO"))
    engine = create_db_engine(settings.database_url, pool_pre_ping=True)
    upgrade(engine)
    client = build_web_client(settings)
    deps = build_deps(settings, create_session_factory(engine), client)
    app = build_app(deps, client, process_before_response=False)
    completions = CompletionCounter()
    app.listener_runner.listener_completion_handler = completions
    return Contender(name, app, engine, completions)


@dataclass
class Bench:
    fake: StampedSlack
    driver: SlackDriver
    signed: SignedRequests
    ask_view: dict[str, Any]

    def sign(self, send: Callable[[SlackDriver], object]) -> tuple[str, dict[str, Any]]:
        send(self.driver)
        return self.signed.take()

    def untimed(self, contender: Contender, send: Callable[[SlackDriver], object]) -> BoltResponse:
        """Send a request and wait for its listener: setting the scene, not measured."""
        finished = contender.completions.done
        response = dispatch(contender.app, self.sign(send))
        if response.status != 200:
            raise RuntimeError(f"{contender.name}: setup request answered {response.status}")
        contender.completions.wait_for(finished + 1)
        return response

    def ask(self, contender: Contender) -> None:
        """Post a request through /ask's form, pressing *Post as it is* when the review comes
        back (it does once helpers have a history: it shows who could help)."""
        form = self.ask_view
        response = self.untimed(
            contender, lambda d: d.view_submission(form, answers(), user_id=ASKER_ID)
        )
        body = json.loads(response.body) if response.body else {}
        if body.get("response_action") == "update":
            review = self.fake.apply_view_response(form["id"], body)
            self.untimed(contender, lambda d: d.view_submission(review, {}, user_id=ASKER_ID))

    def timed(
        self, contender: Contender, send: Callable[[SlackDriver], object]
    ) -> tuple[int, int, int]:
        """(start, ack returned, stamp mark): the clock starts just before dispatch."""
        request = self.sign(send)
        finished = contender.completions.done
        mark = self.fake.mark()
        start = time.perf_counter_ns()
        response = dispatch(contender.app, request)
        acked = time.perf_counter_ns()
        if response.status != 200:
            raise RuntimeError(f"{contender.name}: answered {response.status}: {response.body}")
        contender.completions.wait_for(finished + 1)
        return start, acked, mark


def answers() -> dict[str, Any]:
    """A valid submission meeting all five SMART criteria, so it posts without a review."""
    return {
        ids.WHAT_INPUT: WHAT,
        ids.WHY_INPUT: WHY,
        ids.KIND_INPUT: HelpKind.FEEDBACK.value,
        ids.SIZE_INPUT: RequestSize.HALF_HOUR.value,
        ids.NEEDED_BY_INPUT: int(time.time() + 7 * 86_400),
    }


def latest_request(engine: Engine) -> tuple[int, str, str]:
    with engine.connect() as conn:
        row = conn.execute(
            select(HelpRequest.id, HelpRequest.posted_channel, HelpRequest.posted_ts)
            .order_by(HelpRequest.id.desc())
            .limit(1)
        ).one()
    if not (row.posted_channel and row.posted_ts):
        raise RuntimeError("the round's request was not posted")
    return int(row.id), str(row.posted_channel), str(row.posted_ts)


def offer_notice(fake: StampedSlack, offer_id: int) -> tuple[str, JsonDict]:
    """The asker's DM about an offer, as the fake stored it, to click *Accept* in."""
    dm = fake.dm_channel_id(ASKER_ID)
    for (channel, _), message in fake.messages.items():
        if channel != dm:
            continue
        for block in message.get("blocks", []):
            for element in block.get("elements", []):
                if element.get("action_id") == ids.ACCEPT_OFFER and element.get("value") == str(
                    offer_id
                ):
                    return dm, message
    raise RuntimeError(f"no notice with Accept for offer {offer_id}")


def offer_ids(engine: Engine, request_id: int) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(Offer.helper_id, Offer.id).where(Offer.request_id == request_id)
        ).all()
    return {helper: int(offer_id) for helper, offer_id in rows}


def run_round(bench: Bench, contender: Contender, *, keep: bool) -> None:
    """One request's life: posted through /ask (untimed), then four timed steps."""
    fake, engine = bench.fake, contender.engine
    bench.ask(contender)
    request_id, channel, ts = latest_request(engine)
    asker_dm = fake.dm_channel_id(ASKER_ID)

    def to_asker(stamp: Stamp) -> bool:
        return stamp.channel in (ASKER_ID, asker_dm)

    def to_post(stamp: Stamp) -> bool:
        return stamp.channel == channel and stamp.args.get("ts") == ts

    # 1. An offer emoji on the post.
    reaction = {
        "type": "reaction_added",
        "user": HELPER_1_ID,
        "reaction": "raising_hand",
        "item_user": BOT_USER_ID,
        "item": {"type": "message", "channel": channel, "ts": ts},
    }
    start, acked, mark = bench.timed(contender, lambda d: d.event(reaction))
    react = (
        acked - start,
        fake.first(mark, "chat.postMessage", to_asker).arrived - start,
        fake.first(mark, "chat.update", to_post).arrived - start,
    )

    # 2. *I can help* on the post, by someone else.
    post = fake.messages[(channel, ts)]
    start, acked, mark = bench.timed(
        contender,
        lambda d: d.block_action(
            ids.OFFER_FROM_POST, user_id=HELPER_2_ID, message=post, channel_id=channel
        ),
    )
    click = (
        acked - start,
        fake.first(mark, "chat.postMessage", to_asker).arrived - start,
        fake.first(mark, "chat.update", to_post).arrived - start,
    )

    # 3. The asker accepts the first offer, in the DM about it.
    offers = offer_ids(engine, request_id)
    if set(offers) != {HELPER_1_ID, HELPER_2_ID}:
        raise RuntimeError(f"{contender.name}: offers stored {offers}")
    dm, notice = offer_notice(fake, offers[HELPER_1_ID])
    start, acked, mark = bench.timed(
        contender,
        lambda d: d.block_action(ids.ACCEPT_OFFER, user_id=ASKER_ID, message=notice, channel_id=dm),
    )
    accept = (
        acked - start,
        fake.first(mark, "conversations.open", lambda s: True).arrived - start,
        fake.first(mark, "chat.postMessage", lambda s: s.channel.startswith("G")).arrived - start,
    )

    # 4. *Mark resolved* (untimed: it opens the form), then the form's submission.
    views_before = fake.mark()
    bench.untimed(
        contender,
        lambda d: d.block_action(ids.RESOLVE_REQUEST, user_id=ASKER_ID, value=str(request_id)),
    )
    fake.first(views_before, "views.open", lambda s: True)
    form = list(fake.views.values())[-1]
    if form.get("callback_id") != ids.RESOLVE_MODAL:
        raise RuntimeError(f"{contender.name}: the resolve form did not open")
    start, acked, mark = bench.timed(
        contender, lambda d: d.view_submission(form, {}, user_id=ASKER_ID)
    )
    helper_dm = fake.dm_channel_id(HELPER_1_ID)
    resolve = (
        acked - start,
        fake.first(
            mark, "chat.postMessage", lambda s: s.channel in (HELPER_1_ID, helper_dm)
        ).arrived
        - start,
        fake.last(mark, "chat.update", to_post).arrived - start,
    )
    contender.rounds += 1

    if keep:
        for names, values in (
            ((REACT_ACK, REACT_DM, REACT_POST), react),
            ((CLICK_ACK, CLICK_DM, CLICK_POST), click),
            ((ACCEPT_ACK, ACCEPT_OPEN, ACCEPT_INTRO), accept),
            ((RESOLVE_ACK, RESOLVE_THANKS, RESOLVE_POST), resolve),
        ):
            for name, value in zip(names, values, strict=True):
                contender.samples[name].append(value)


def run_batch(bench: Bench, contender: Contender, size: int, *, keep: bool) -> None:
    # Bounded recorded calls and messages keep the fake's bookkeeping flat across batches; the
    # form is opened again after the reset, for the fake to know it.
    bench.ask_view = open_ask_view(bench, contender)
    for _ in range(size):
        run_round(bench, contender, keep=keep)
    if bench.fake.violations:
        raise RuntimeError(f"{contender.name} broke Slack's contract: {bench.fake.violations}")


def open_ask_view(bench: Bench, contender: Contender) -> dict[str, Any]:
    """The /ask modal as the fake opened it, submitted in every round to post that round's
    request."""
    bench.fake.reset()
    bench.untimed(contender, lambda d: d.slash_command(ids.ASK_COMMAND, "", user_id=ASKER_ID))
    views = list(bench.fake.views.values())
    if not views or views[-1].get("callback_id") != ids.ASK_MODAL:
        raise RuntimeError("/ask did not open the request form")
    return views[-1]


def report(contenders: list[Contender]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    header = f"{'database':<20} {'scenario':<28} {'p50':>7} {'p90':>7} {'p99':>7} {'max':>7}"
    print(f"\nlatency in ms, from the signed request\n{header}\n{'-' * len(header)}")
    for contender in contenders:
        rows: dict[str, Any] = {}
        for scenario in SCENARIOS:
            stats = summarize(contender.samples[scenario])
            rows[scenario] = stats
            print(
                f"{contender.name:<20} {scenario:<28} {stats['p50']:>7.2f} {stats['p90']:>7.2f}"
                f" {stats['p99']:>7.2f} {stats['max']:>7.2f}"
            )
        results[contender.name] = rows
    return results


def check_rows(contender: Contender) -> dict[str, int]:
    """What the rounds left committed: every request resolved, two offers (one accepted) and
    one thanks each."""
    with contender.engine.connect() as conn:
        requests = conn.scalar(select(func.count()).select_from(HelpRequest)) or 0
        resolved = (
            conn.scalar(
                select(func.count())
                .select_from(HelpRequest)
                .where(HelpRequest.status == RequestStatus.RESOLVED)
            )
            or 0
        )
        offers = conn.scalar(select(func.count()).select_from(Offer)) or 0
        accepted = (
            conn.scalar(
                select(func.count())
                .select_from(Offer)
                .where(Offer.status == OfferStatus.ACCEPTED, Offer.group_channel.is_not(None))
            )
            or 0
        )
        thanks = conn.scalar(select(func.count()).select_from(Thanks)) or 0
    return {
        "requests": int(requests),
        "resolved": int(resolved),
        "offers": int(offers),
        "accepted": int(accepted),
        "thanks": int(thanks),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--iterations", type=int, default=300, help="timed rounds per database")
    parser.add_argument("--warmup", type=int, default=30, help="untimed rounds per database first")
    parser.add_argument(
        "--batch", type=int, default=25, help="rounds per database before switching"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if args.iterations < 1 or args.warmup < 0 or args.batch < 1:
        parser.error("--iterations and --batch must be positive, --warmup not negative")

    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-offers-")))
        # Production logs at INFO (LOG_LEVEL's default); keep that cost, but off the terminal.
        logging.basicConfig(
            level=logging.INFO,
            filename=tmp / "bench.log",
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        fake = stack.enter_context(
            StampedSlack(token=BOT_TOKEN, team_id=TEAM_ID, bot_user_id=BOT_USER_ID)
        )
        seed_workspace(fake)
        fake.set_baseline()

        contenders = [build_ours("sqlite", fake, f"sqlite:///{tmp / 'bench.db'}")]
        pg_base = os.environ.get("BENCH_DATABASE_URL")
        if pg_base:
            pg_url = stack.enter_context(private_schema(pg_base, prefix="bench"))
            contenders.append(build_ours("postgresql", fake, pg_url))
        signed = SignedRequests()
        driver = SlackDriver(
            SIGNING_SECRET,
            app=signed,  # type: ignore[arg-type]  # only .dispatch is used
            response_url_base=fake.response_url_base,
        )
        bench = Bench(fake, driver, signed, {})

        started = time.monotonic()
        for contender in contenders:
            run_batch(bench, contender, args.warmup, keep=False)
        remaining, round_no = args.iterations, 0
        while remaining > 0:
            size = min(args.batch, remaining)
            # Rotate who goes first so drift and noise are spread evenly over the databases.
            shift = round_no % len(contenders)
            for contender in contenders[shift:] + contenders[:shift]:
                run_batch(bench, contender, size, keep=True)
            remaining -= size
            round_no += 1
        elapsed = time.monotonic() - started

        machine = {
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        }
        print(
            f"{args.iterations} timed rounds per database after {args.warmup} warm-up, batches "
            f"of {args.batch}; {elapsed:.1f} s; {machine['nproc']} CPUs, Python "
            f"{machine['python']}, {machine['platform']}"
        )
        figures = report(contenders)

        rows: dict[str, Any] = {}
        for contender in contenders:
            rows[contender.name] = counts = check_rows(contender)
            print(
                f"  {contender.name}: {counts['resolved']}/{counts['requests']} requests resolved, "
                f"{counts['offers']} offers ({counts['accepted']} accepted with a group DM), "
                f"{counts['thanks']} thanks; {contender.rounds} rounds"
            )
            expected = contender.rounds
            if counts["resolved"] != expected or counts["thanks"] != expected:
                raise RuntimeError(f"{contender.name}: rows do not match the rounds: {counts}")
            contender.engine.dispose()

        if args.json:
            payload = {
                "machine": machine,
                "iterations": args.iterations,
                "warmup": args.warmup,
                "batch": args.batch,
                "elapsed_s": elapsed,
                "rows": rows,
                "results": figures,
            }
            args.json.write_text(json.dumps(payload, indent=2) + "\n")
            print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
