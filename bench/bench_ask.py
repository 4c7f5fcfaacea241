"""Latency of /ask and of a valid submission, ours against a bare Bolt app, in process.

Run from the repository root:

    .venv/bin/python bench/bench_ask.py [--iterations N] [--json PATH]

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
import gc
import json
import logging
import os
import platform
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from sqlalchemy import Engine, func, select

from bench.harness import (
    WAIT_TIMEOUT_S,
    CompletionCounter,
    SignedRequests,
    dispatch,
    summarize,
)
from bot.config import load_settings
from bot.domain.requests import HelpKind, RequestCard, RequestDraft, RequestSize
from bot.slack.app import build_app, build_deps
from bot.slack.blocks import ids
from bot.slack.blocks.ask_modal import ask_modal
from bot.slack.blocks.messages import posted_notice, request_message
from bot.slack.client import build_web_client
from db.engine import create_db_engine, create_session_factory
from db.migrate import upgrade
from db.models import HelpRequest
from tests.slack_stand_in.driver import SlackDriver
from tests.slack_stand_in.fake_slack import FakeSlack, JsonDict
from tests.slack_stand_in.pytest_plugin import (
    ASKER_ID,
    BOT_TOKEN,
    BOT_USER_ID,
    HELP_CHANNEL_ID,
    TEAM_ID,
    seed_workspace,
)
from tests.support import SIGNING_SECRET, private_schema, settings_env

ASK_ACK = "/ask: ack returned"
ASK_OPENED = "/ask: views.open"
ASK_DONE = "/ask: ack+views.open"
SUBMIT_ACK = "submit: ack returned"
SUBMIT_POSTED = "submit: channel post"
SUBMIT_DONE = "submit: stored+posted"
SCENARIOS = (ASK_ACK, ASK_OPENED, ASK_DONE, SUBMIT_ACK, SUBMIT_POSTED, SUBMIT_DONE)

ASK_TARGET_RATIO = 1.5
SUBMIT_TARGET_P99_MS = 20.0

WHAT = (
    "Could someone review the retry logic in billing-sync PR #412: "
    "is backing off per customer enough?"
)
WHY = "It's the last blocker before Thursday's release to customers"


class StampedSlack(FakeSlack):
    """The stand-in, noting when each Web API call reached it. The dispatching thread sits in
    Bolt's ack poll, so when it wakes says nothing about when a listener's call went out; and
    the stamp is taken before the fake's own contract checks (2-3 ms for a modal), which stand
    for Slack's side and are not either app's cost."""

    def _clear_run_state(self) -> None:
        super()._clear_run_state()
        self._stamps: list[tuple[str, int]] = []

    def _handle_api(self, method: str, args: JsonDict, headers: dict[str, str]) -> Any:
        arrived = time.perf_counter_ns()
        with self._lock:
            self._stamps.append((method, arrived))
        return super()._handle_api(method, args, headers)

    def arrived(self, method: str, nth: int) -> int:
        """perf_counter_ns when the `nth` (1-based) call to `method` since the reset arrived."""
        with self._lock:
            stamps = [stamp for called, stamp in self._stamps if called == method]
        return stamps[nth - 1]


@dataclass
class Contender:
    name: str
    app: App
    completions: CompletionCounter
    engine: Engine | None = None
    submitted: int = 0
    samples: dict[str, list[int]] = field(default_factory=lambda: {s: [] for s in SCENARIOS})


def instrument(name: str, app: App, fake: StampedSlack, engine: Engine | None = None) -> Contender:
    completions = CompletionCounter()
    # Replaces Bolt's no-op default; the same hook on both apps, outside the timed path's work.
    app.listener_runner.listener_completion_handler = completions
    return Contender(name, app, completions, engine)


def build_ours(name: str, fake: StampedSlack, database_url: str) -> Contender:
    """The app as app.py builds it: production client, retries, pool_pre_ping, ack-then-work."""
    settings = load_settings(settings_env(fake.base_url, database_url, LOG_LEVEL="INFO"))
    engine = create_db_engine(settings.database_url, pool_pre_ping=True)
    upgrade(engine)
    client = build_web_client(settings)
    deps = build_deps(settings, create_session_factory(engine), client)
    app = build_app(deps, client, process_before_response=False)
    return instrument(name, app, fake, engine)


def build_bare(fake: StampedSlack) -> Contender:
    """Bolt with the same listeners' Slack calls and payloads, minus validation and storage."""
    client = WebClient(base_url=fake.base_url, token=BOT_TOKEN)
    app = App(signing_secret=SIGNING_SECRET, client=client)
    request_ids = iter(range(1, 10**9))

    @app.command(ids.ASK_COMMAND)
    def open_modal(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        ack()
        view = ask_modal(draft=RequestDraft(what=command.get("text", "").strip()))
        client.views_open(trigger_id=command["trigger_id"], view=view)

    @app.view(ids.ASK_MODAL)
    def submit(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        user_id = body["user"]["id"]
        card = RequestCard(
            id=next(request_ids),
            team_id=TEAM_ID,
            asker_id=user_id,
            what=WHAT,
            why=WHY,
            kind=HelpKind.FEEDBACK,
            size=RequestSize.HALF_HOUR,
            needed_by=datetime.now(UTC) + timedelta(days=1),  # noqa: TID251 - bench only
            channel=HELP_CHANNEL_ID,
        )
        message_text, blocks = request_message(card)
        posted = client.chat_postMessage(channel=card.channel, text=message_text, blocks=blocks)
        link = client.chat_getPermalink(channel=posted["channel"], message_ts=posted["ts"])
        notice, notice_blocks = posted_notice(card, posted["channel"], link.get("permalink"))
        client.chat_postMessage(channel=user_id, text=notice, blocks=notice_blocks)

    return instrument("bare Bolt", app, fake)


def answers() -> dict[str, Any]:
    """A valid submission that meets all five SMART criteria, so it posts without a review
    (as tests/test_ask_flow.py answers the modal)."""
    return {
        ids.WHAT_INPUT: WHAT,
        ids.WHY_INPUT: WHY,
        ids.KIND_INPUT: HelpKind.FEEDBACK.value,
        ids.SIZE_INPUT: RequestSize.HALF_HOUR.value,
        ids.NEEDED_BY_INPUT: int(time.time() + 7 * 86_400),  # realistic on any day of the week
    }


def run_batch(
    contender: Contender,
    fake: StampedSlack,
    driver: SlackDriver,
    signed: SignedRequests,
    view: dict[str, Any],
    size: int,
    *,
    keep: bool,
) -> None:
    """`size` rounds of /ask then a valid submission, each timed from the signed request."""
    # Bounded recorded calls keep wait_for's scans and memory flat, the same for every batch.
    fake.reset()
    app, done = contender.app, contender.completions
    values = answers()
    for i in range(size):
        finished = done.done
        driver.slash_command(ids.ASK_COMMAND, "", user_id=ASKER_ID)
        command = signed.take()
        start = time.perf_counter_ns()
        response = dispatch(app, command)
        acked = time.perf_counter_ns()
        fake.wait_for("views.open", count=i + 1, timeout=WAIT_TIMEOUT_S)
        opened = fake.arrived("views.open", i + 1)
        if response.status != 200:
            raise RuntimeError(f"{contender.name}: /ask answered {response.status}")
        done.wait_for(finished + 1)

        driver.view_submission(view, values, user_id=ASKER_ID)
        submission = signed.take()
        start_submit = time.perf_counter_ns()
        response = dispatch(app, submission)
        acked_submit = time.perf_counter_ns()
        # Every round posts twice (channel, then the asker's DM) and nothing else posts.
        fake.wait_for("chat.postMessage", count=2 * i + 2, timeout=WAIT_TIMEOUT_S)
        posted = fake.arrived("chat.postMessage", 2 * i + 1)
        # Our DM goes out only after the row's posted_ts is committed: stored and posted.
        told = fake.arrived("chat.postMessage", 2 * i + 2)
        if response.status != 200 or response.body:
            raise RuntimeError(f"{contender.name}: submission answered {response.status}")
        done.wait_for(finished + 2)
        contender.submitted += 1

        if keep:
            samples = contender.samples
            samples[ASK_ACK].append(acked - start)
            samples[ASK_OPENED].append(opened - start)
            samples[ASK_DONE].append(max(acked, opened) - start)
            samples[SUBMIT_ACK].append(acked_submit - start_submit)
            samples[SUBMIT_POSTED].append(posted - start_submit)
            samples[SUBMIT_DONE].append(told - start_submit)
    if fake.violations:
        raise RuntimeError(f"{contender.name} broke Slack's contract: {fake.violations}")


def posted_rows(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(HelpRequest)) or 0
        posted = (
            conn.scalar(
                select(func.count())
                .select_from(HelpRequest)
                .where(HelpRequest.posted_ts.is_not(None))
            )
            or 0
        )
    return int(total), int(posted)


def open_view(
    contender: Contender, fake: StampedSlack, driver: SlackDriver, signed: SignedRequests
) -> dict[str, Any]:
    """The modal exactly as the fake opened it for our /ask, to submit in every round."""
    fake.reset()
    finished = contender.completions.done
    driver.slash_command(ids.ASK_COMMAND, "", user_id=ASKER_ID)
    dispatch(contender.app, signed.take())
    (call,) = fake.wait_for("views.open", timeout=WAIT_TIMEOUT_S)
    contender.completions.wait_for(finished + 1)
    view = next(iter(fake.views.values()))
    if view["callback_id"] != call.args["view"]["callback_id"]:
        raise RuntimeError("the fake stored a different view than was opened")
    return view


def report(contenders: list[Contender], bare: Contender) -> dict[str, Any]:
    base = {s: summarize(bare.samples[s]) for s in SCENARIOS}
    results: dict[str, Any] = {}
    header = (
        f"{'app':<20} {'scenario':<24} {'p50':>7} {'p90':>7} {'p99':>7} {'max':>7}"
        f" {'p50 x':>6} {'p99 x':>6}"
    )
    print(f"\nlatency in ms; 'x' columns are ours / bare Bolt\n{header}\n{'-' * len(header)}")
    for contender in contenders:
        rows: dict[str, Any] = {}
        for scenario in SCENARIOS:
            stats = summarize(contender.samples[scenario])
            if contender is not bare:
                stats["p50_ratio"] = stats["p50"] / base[scenario]["p50"]
                stats["p99_ratio"] = stats["p99"] / base[scenario]["p99"]
            rows[scenario] = stats
            ratios = (
                f" {stats['p50_ratio']:>6.2f} {stats['p99_ratio']:>6.2f}"
                if contender is not bare
                else ""
            )
            print(
                f"{contender.name:<20} {scenario:<24} {stats['p50']:>7.2f} {stats['p90']:>7.2f}"
                f" {stats['p99']:>7.2f} {stats['max']:>7.2f}{ratios}"
            )
        results[contender.name] = rows

    print("\ntargets")
    targets: dict[str, Any] = {}
    for contender in contenders:
        if contender is bare:
            continue
        ask = results[contender.name][ASK_DONE]
        done = results[contender.name][SUBMIT_DONE]
        ask_ok = ask["p50_ratio"] <= ASK_TARGET_RATIO and ask["p99_ratio"] <= ASK_TARGET_RATIO
        submit_ok = done["p99"] < SUBMIT_TARGET_P99_MS
        targets[contender.name] = {
            "ask_within_1_5x_bare": ask_ok,
            "submit_p99_under_20ms": submit_ok,
        }
        print(
            f"  {contender.name}: /ask within {ASK_TARGET_RATIO}x of bare "
            f"(p50 {ask['p50_ratio']:.2f}x, p99 {ask['p99_ratio']:.2f}x): "
            f"{'met' if ask_ok else 'MISSED'}; submission p99 {done['p99']:.2f} ms "
            f"< {SUBMIT_TARGET_P99_MS:.0f} ms: {'met' if submit_ok else 'MISSED'}"
        )
    return {"results": results, "targets": targets}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=500, help="timed rounds per app")
    parser.add_argument("--warmup", type=int, default=50, help="untimed rounds per app first")
    parser.add_argument("--batch", type=int, default=25, help="rounds per app before switching")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-ask-")))
        # Production logs at INFO (LOG_LEVEL's default); keep that cost, but off the terminal.
        log_path = tmp / "bench.log"
        logging.basicConfig(
            level=logging.INFO,
            filename=log_path,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )

        fake = stack.enter_context(
            StampedSlack(token=BOT_TOKEN, team_id=TEAM_ID, bot_user_id=BOT_USER_ID)
        )
        seed_workspace(fake)
        fake.set_baseline()

        bare = build_bare(fake)
        contenders = [bare, build_ours("ours (sqlite)", fake, f"sqlite:///{tmp / 'bench.db'}")]
        pg_base = os.environ.get("BENCH_DATABASE_URL")
        if pg_base:
            pg_url = stack.enter_context(private_schema(pg_base, prefix="bench"))
            contenders.append(build_ours("ours (postgresql)", fake, pg_url))
        signed = SignedRequests()
        driver = SlackDriver(
            SIGNING_SECRET,
            app=signed,  # type: ignore[arg-type]  # only .dispatch is used
            response_url_base=fake.response_url_base,
        )
        view = open_view(contenders[1], fake, driver, signed)
        # As app.py does once everything is built; it applies to every app in this process.
        gc.collect()
        gc.freeze()

        started = time.monotonic()
        for contender in contenders:
            run_batch(contender, fake, driver, signed, view, args.warmup, keep=False)
        remaining = args.iterations
        round_no = 0
        while remaining > 0:
            size = min(args.batch, remaining)
            # Rotate who goes first so drift and noise are spread evenly over the apps.
            shift = round_no % len(contenders)
            for contender in contenders[shift:] + contenders[:shift]:
                run_batch(contender, fake, driver, signed, view, size, keep=True)
            remaining -= size
            round_no += 1
        elapsed = time.monotonic() - started

        machine = {
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        }
        print(
            f"{args.iterations} timed rounds per app after {args.warmup} warm-up, batches of "
            f"{args.batch}; {elapsed:.1f} s; {machine['nproc']} CPUs, Python "
            f"{machine['python']}, {machine['platform']}"
        )
        figures = report(contenders, bare)

        checks: dict[str, Any] = {}
        for contender in contenders:
            if contender.engine is None:
                continue
            # Stored and posted, not just posted: every submission left a committed posted row.
            total, posted = posted_rows(contender.engine)
            checks[contender.name] = {"rows": total, "posted": posted}
            print(f"  {contender.name}: {posted}/{total} rows posted ({contender.submitted} sent)")
            contender.engine.dispose()

        if args.json:
            payload = {
                "machine": machine,
                "iterations": args.iterations,
                "warmup": args.warmup,
                "batch": args.batch,
                "elapsed_s": elapsed,
                "rows": checks,
                **figures,
            }
            args.json.write_text(json.dumps(payload, indent=2) + "\n")
            print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
