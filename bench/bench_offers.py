"""Latency of the response path: an offer (reaction or button), *Accept*, and resolving, in
process, from the signed request to what the asker and helpers see.

`.venv/bin/python -m bench.bench_offers --help` (from the repository root) lists the options.
bench/README.md explains each figure; the last run's are in bench/results/offers.json.
"""

import json
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from slack_bolt.response import BoltResponse
from sqlalchemy import Engine, func, select

from bench import harness
from bench.harness import Contender, SignedRequests, Stamp, StampedSlack
from bot.domain.offers import OfferStatus
from bot.domain.requests import RequestStatus
from bot.slack.blocks import ids
from db.models import HelpRequest, Offer, Thanks
from tests.slack_stand_in.driver import SlackDriver
from tests.slack_stand_in.fake_slack import JsonDict
from tests.slack_stand_in.pytest_plugin import ASKER_ID, BOT_USER_ID, HELPER_1_ID, HELPER_2_ID

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
        response = harness.dispatch(contender.app, self.sign(send))
        if response.status != 200:
            raise RuntimeError(f"{contender.name}: setup request answered {response.status}")
        contender.completions.wait_for(finished + 1)
        return response

    def ask(self, contender: Contender) -> None:
        """Post a request through /ask's form, pressing *Post as it is* when the review comes
        back (it does once helpers have a history: it shows who could help)."""
        form = self.ask_view
        response = self.untimed(
            contender, lambda d: d.view_submission(form, harness.smart_answers(), user_id=ASKER_ID)
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
        response = harness.dispatch(contender.app, request)
        acked = time.perf_counter_ns()
        if response.status != 200:
            raise RuntimeError(f"{contender.name}: answered {response.status}: {response.body}")
        contender.completions.wait_for(finished + 1)
        return start, acked, mark


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
    assert engine is not None
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
                contender.keep(name, value)


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


def check_rows(contender: Contender) -> dict[str, int]:
    """What the rounds left committed: every request resolved, two offers (one accepted) and
    one thanks each."""
    assert contender.engine is not None
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
    args = harness.latency_args(__doc__, "offers", "database", iterations=300, warmup=30)
    with ExitStack() as stack:
        tmp, fake = harness.latency_scene(stack, "offers")
        contenders, versions = harness.ours_on_each_database(stack, args, fake, tmp)
        driver, signed = harness.signing_driver(fake)
        bench = Bench(fake, driver, signed, {})

        def batch(contender: Contender, size: int, keep: bool) -> None:
            run_batch(bench, contender, size, keep=keep)

        elapsed = harness.interleave(contenders, args, batch)
        machine = harness.print_run(args, "database", elapsed)
        figures = harness.print_table("database", contenders, SCENARIOS)

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
            assert contender.engine is not None
            contender.engine.dispose()

        harness.write_latency_results(
            args, machine, elapsed, databases=versions, rows=rows, results=figures
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
