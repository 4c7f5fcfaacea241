"""Latency of /ask and of a valid submission, ours against a bare Bolt app, in process.

From the repository root: `.venv/bin/python -m bench.bench_ask [--iterations N]`; SQLite, and
PostgreSQL too when BENCH_DATABASE_URL is set (or with `--database both`). Figures go to
bench/results/ask.json; bench/README.md says what each means and holds the figures recorded.
"""

import gc
import sys
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from sqlalchemy import Engine, func, select

from bench import harness
from bench.harness import WAIT_TIMEOUT_S, WHAT, WHY, Contender, SignedRequests, StampedSlack
from bot.domain.requests import HelpKind, RequestCard, RequestDraft, RequestSize
from bot.slack.blocks import ids
from bot.slack.blocks.ask_modal import ask_modal
from bot.slack.blocks.messages import posted_notice, request_message
from db.models import HelpRequest
from tests.slack_stand_in.driver import SlackDriver
from tests.slack_stand_in.pytest_plugin import ASKER_ID, BOT_TOKEN, HELP_CHANNEL_ID, TEAM_ID
from tests.support import SIGNING_SECRET

ASK_ACK = "/ask: ack returned"
ASK_OPENED = "/ask: views.open"
ASK_DONE = "/ask: ack+views.open"
SUBMIT_ACK = "submit: ack returned"
SUBMIT_POSTED = "submit: channel post"
SUBMIT_DONE = "submit: stored+posted"
SCENARIOS = (ASK_ACK, ASK_OPENED, ASK_DONE, SUBMIT_ACK, SUBMIT_POSTED, SUBMIT_DONE)

ASK_TARGET_RATIO = 1.5
SUBMIT_TARGET_P99_MS = 20.0


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

    return harness.contender("bare Bolt", app)


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
    values = harness.smart_answers()
    for i in range(size):
        finished = done.done
        driver.slash_command(ids.ASK_COMMAND, "", user_id=ASKER_ID)
        command = signed.take()
        start = time.perf_counter_ns()
        response = harness.dispatch(app, command)
        acked = time.perf_counter_ns()
        fake.wait_for("views.open", count=i + 1, timeout=WAIT_TIMEOUT_S)
        opened = fake.arrived("views.open", i + 1)
        if response.status != 200:
            raise RuntimeError(f"{contender.name}: /ask answered {response.status}")
        done.wait_for(finished + 1)

        driver.view_submission(view, values, user_id=ASKER_ID)
        submission = signed.take()
        start_submit = time.perf_counter_ns()
        response = harness.dispatch(app, submission)
        acked_submit = time.perf_counter_ns()
        # Every round posts twice (channel, then the asker's DM) and nothing else posts.
        fake.wait_for("chat.postMessage", count=2 * i + 2, timeout=WAIT_TIMEOUT_S)
        posted = fake.arrived("chat.postMessage", 2 * i + 1)
        # Our DM goes out only after the row's posted_ts is committed: stored and posted.
        told = fake.arrived("chat.postMessage", 2 * i + 2)
        if response.status != 200 or response.body:
            raise RuntimeError(f"{contender.name}: submission answered {response.status}")
        done.wait_for(finished + 2)
        contender.rounds += 1

        if keep:
            contender.keep(ASK_ACK, acked - start)
            contender.keep(ASK_OPENED, opened - start)
            contender.keep(ASK_DONE, max(acked, opened) - start)
            contender.keep(SUBMIT_ACK, acked_submit - start_submit)
            contender.keep(SUBMIT_POSTED, posted - start_submit)
            contender.keep(SUBMIT_DONE, told - start_submit)
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
    harness.dispatch(contender.app, signed.take())
    (call,) = fake.wait_for("views.open", timeout=WAIT_TIMEOUT_S)
    contender.completions.wait_for(finished + 1)
    view = next(iter(fake.views.values()))
    if view["callback_id"] != call.args["view"]["callback_id"]:
        raise RuntimeError("the fake stored a different view than was opened")
    return view


def report(contenders: list[Contender], bare: Contender) -> dict[str, Any]:
    results = harness.print_table("app", contenders, SCENARIOS, base=bare)
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
    args = harness.latency_args(__doc__, "ask", "app", iterations=500, warmup=50)
    with ExitStack() as stack:
        tmp, fake = harness.latency_scene(stack, "ask")
        bare = build_bare(fake)
        ours, versions = harness.ours_on_each_database(stack, args, fake, tmp, "ours ({})")
        contenders = [bare, *ours]
        driver, signed = harness.signing_driver(fake)
        view = open_view(contenders[1], fake, driver, signed)
        # As app.py does once everything is built; it applies to every app in this process.
        gc.collect()
        gc.freeze()

        def batch(contender: Contender, size: int, keep: bool) -> None:
            run_batch(contender, fake, driver, signed, view, size, keep=keep)

        elapsed = harness.interleave(contenders, args, batch)
        machine = harness.print_run(args, "app", elapsed)
        figures = report(contenders, bare)

        checks: dict[str, Any] = {}
        for contender in contenders:
            if contender.engine is None:
                continue
            # Stored and posted, not just posted: every submission left a committed posted row.
            total, posted = posted_rows(contender.engine)
            checks[contender.name] = {"rows": total, "posted": posted}
            print(f"  {contender.name}: {posted}/{total} rows posted ({contender.rounds} sent)")
            contender.engine.dispose()

        harness.write_latency_results(
            args, machine, elapsed, databases=versions, rows=checks, **figures
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
