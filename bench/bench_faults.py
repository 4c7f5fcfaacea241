"""Nothing lost, nothing doubled: a mixed workload (asks, offers, accepts, resolves) against the
real process while Slack fails (5xx, 429, dropped connections, a late answer), the database is
cut off for 10 seconds and the app is SIGKILLed twice; then every effect the people's actions
owe is counted in what the fake Slack holds: expected, delivered, lost, doubled.

`.venv/bin/python -m bench.bench_faults --help` (from the repository root) lists the options.
bench/README.md explains the counting; the last run's figures are in bench/results/faults.json.
"""

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bench import harness
from bot.clock import utc_now
from bot.domain.requests import HelpKind, RequestSize
from bot.slack.blocks import ids
from db.engine import create_db_engine
from db.models import HelpRequest, Offer, Thanks
from tests.slack_stand_in.driver import DriverResponse, SlackDriver
from tests.slack_stand_in.fake_slack import FakeSlack, JsonDict
from tests.slack_stand_in.pytest_plugin import BOT_USER_ID, HELP_CHANNEL_ID
from tests.support import (
    REPO,
    SIGNING_SECRET,
    CuttableLink,
    note_for,
    private_schema,
    settings_env,
    shown,
)

HELPERS = tuple(f"UHLP{n:04d}" for n in range(1, 7))
OUTAGE_S = 10.0
# Slack resends an event it got no 200 for three times (at once, after a minute, after five);
# compressed here so a run stays short, still spanning the database outage.
EVENT_RETRY_WAITS = (2.0, 5.0, 10.0)
# A person told to try again (or whose press went nowhere) presses again this often, this long.
PERSON_RETRY_WAIT = 2.0
PERSON_ATTEMPTS = 8
# How long a person waits to see what their action did before moving on.
SEE_TIMEOUT = 8.0
AGAIN = ("try again", "submit it again", "again soon")
EFFECTS = (
    "channel post",
    "posted DM to asker",
    "offer notice to asker",
    "helper confirmation",
    "group DM introduction",
    "post shows resolved",
    "thanks DM",
)


def told_in(text: str) -> bool:
    return any(phrase in text.lower() for phrase in AGAIN)


class Unreachable(Exception):
    """The request could not be delivered, however often it was sent."""


# --- The app, as a process ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class AppProcess:
    """`python app.py` in HTTP mode with the embedded scheduler, restartable after a SIGKILL."""

    def __init__(self, work: Path, env: dict[str, str]) -> None:
        self.work = work
        self.env = env
        self.port = int(env["PORT"])
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = work / "app.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.kills = 0

    def start(self, timeout: float = 60) -> None:
        full_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            # Empty, not absent: a developer's .env must not switch the run to Socket Mode.
            "SLACK_APP_TOKEN": "",
            **self.env,
        }
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(REPO / "app.py")],
                cwd=self.work,
                env=full_env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app exited with {self.process.returncode}; see {self.log}")
            with (
                suppress(OSError),
                urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response,
            ):
                if response.status == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"the app did not start listening; see {self.log}")

    def kill_and_restart(self) -> float:
        """SIGKILL, then start again at once; the seconds it was away."""
        assert self.process is not None
        began = time.monotonic()
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=15)
        self.kills += 1
        self.start()
        return time.monotonic() - began

    def stop(self) -> int | None:
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


# --- The people -----------------------------------------------------------------------------------


@dataclass
class Ask:
    """One request's life as its people lived it, and what they were able to do."""

    number: int
    asker: str
    tag: str
    offerers: list[tuple[str, str]] = field(default_factory=list)  # (helper, "reaction"|"button")
    submitted: bool = False
    request_id: int | None = None
    post_ts: str | None = None
    offered: list[str] = field(default_factory=list)
    accepted: str | None = None
    resolved: bool = False
    thanked: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Counters:
    sent: dict[str, int] = field(default_factory=dict)
    resent: dict[str, int] = field(default_factory=dict)
    unreachable: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, resends: int) -> None:
        self.sent[kind] = self.sent.get(kind, 0) + 1
        self.resent[kind] = self.resent.get(kind, 0) + resends

    def gave_up(self, kind: str) -> None:
        self.unreachable[kind] = self.unreachable.get(kind, 0) + 1


class People:
    """The askers and helpers, pressing and submitting over HTTP as Slack sends it, and trying
    again as Slack (events) and people (buttons, forms) do when told to or when nothing came."""

    def __init__(self, fake: FakeSlack, app: AppProcess) -> None:
        self.fake = fake
        self.driver = SlackDriver(
            SIGNING_SECRET, url=f"{app.url}/slack/events", response_url_base=fake.response_url_base
        )
        self.counters = Counters()
        # Run once, right after the next request of this kind got through.
        self.after_send: tuple[str, Callable[[], None]] | None = None

    def calls_since(self, mark: int) -> list[Any]:
        return self.fake.calls[mark:]

    def told_again(self, person: str, mark: int) -> bool:
        for call in self.calls_since(mark):
            to = call.args.get("user") if call.method == "chat.postEphemeral" else None
            if call.method == "chat.postMessage":
                to = call.args.get("channel")
            if call.method == "response_url":
                to = person
            if to == person and told_in(str(call.args.get("text") or "")):
                return True
        return False

    def _send(self, kind: str, send: Callable[[], DriverResponse]) -> DriverResponse | None:
        try:
            response = send()
        except OSError:
            return None
        if self.after_send is not None and self.after_send[0] == kind:
            hook, self.after_send = self.after_send[1], None
            hook()
        return response

    def event(self, event: JsonDict) -> None:
        """An event, resent with the same id as Slack resends it while it gets no 200."""
        event_id = f"EvF{random.getrandbits(40):010X}"
        for attempt in range(len(EVENT_RETRY_WAITS) + 1):
            retry = attempt or None
            response = self._send(
                "event", lambda r=retry: self.driver.event(event, event_id=event_id, retry_num=r)
            )
            if response is not None and response.status == 200:
                self.counters.add("event", attempt)
                return
            if attempt < len(EVENT_RETRY_WAITS):
                time.sleep(EVENT_RETRY_WAITS[attempt])
        self.counters.gave_up("event")
        raise Unreachable("event")

    def act(
        self,
        kind: str,
        person: str,
        send: Callable[[], DriverResponse],
        done: Callable[[int, DriverResponse], bool],
    ) -> DriverResponse:
        """Press or submit until `done` says it worked or the app neither failed nor said to try
        again; `done(mark, response)` is asked once the person has waited to see."""
        for attempt in range(PERSON_ATTEMPTS):
            mark = len(self.fake.calls)
            response = self._send(kind, send)
            answered = response is not None and response.status == 200
            if answered and not told_in(response.body):
                deadline = time.monotonic() + SEE_TIMEOUT
                while time.monotonic() < deadline:
                    if done(mark, response):
                        self.counters.add(kind, attempt)
                        return response
                    if self.told_again(person, mark):
                        break
                    time.sleep(0.1)
                else:
                    # Nothing said to try again: what it did may still come (a job).
                    self.counters.add(kind, attempt)
                    return response
            time.sleep(PERSON_RETRY_WAIT)
        self.counters.gave_up(kind)
        raise Unreachable(kind)


def wait(predicate: Callable[[], Any], timeout: float = SEE_TIMEOUT) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.1)
    return None


# --- Reading the fake Slack -----------------------------------------------------------------------


def posts_of(fake: FakeSlack, tag: str) -> list[tuple[str, JsonDict]]:
    return [
        (ts, message)
        for (channel, ts), message in fake.messages.items()
        if channel == HELP_CHANNEL_ID and tag in shown(message)
    ]


def dm_messages(fake: FakeSlack, user: str) -> list[tuple[str, JsonDict]]:
    dm = fake.dm_channel_id(user)
    return [(ts, m) for (channel, ts), m in fake.messages.items() if channel == dm]


def buttons(message: JsonDict, action_id: str) -> list[str]:
    return [
        str(element.get("value"))
        for block in message.get("blocks") or []
        for element in [*(block.get("elements") or []), block.get("accessory") or {}]
        if isinstance(element, dict) and element.get("action_id") == action_id
    ]


def request_id_of(message: JsonDict) -> int | None:
    meta = message.get("metadata")
    payload = meta.get("event_payload") if isinstance(meta, dict) else None
    found = payload.get("request_id") if isinstance(payload, dict) else None
    return int(found) if isinstance(found, int) else None


def offer_notices(fake: FakeSlack, ask: Ask, helper: str) -> list[tuple[str, JsonDict]]:
    """The asker's DMs about `helper`'s offer on this ask (the notice, whatever state it shows)."""
    return [
        (ts, m)
        for ts, m in dm_messages(fake, ask.asker)
        if ask.tag in m.get("text", "") and f"<@{helper}>" in m.get("text", "")
    ]


def confirmations(fake: FakeSlack, ask: Ask, helper: str) -> list[tuple[str, JsonDict]]:
    return [
        (ts, m)
        for ts, m in dm_messages(fake, helper)
        if ask.tag in m.get("text", "") and not m.get("text", "").startswith(":pray:")
    ]


def thanks_dms(fake: FakeSlack, ask: Ask, helper: str) -> list[tuple[str, JsonDict]]:
    return [
        (ts, m)
        for ts, m in dm_messages(fake, helper)
        if ask.tag in m.get("text", "") and m.get("text", "").startswith(":pray:")
    ]


def introductions(fake: FakeSlack, ask: Ask, helper: str) -> list[JsonDict]:
    meet = f"<@{ask.asker}>, meet <@{helper}>"
    return [
        m
        for (channel, _ts), m in fake.messages.items()
        if channel.startswith("G") and meet in m.get("text", "")
    ]


def posted_dms(fake: FakeSlack, ask: Ask) -> list[tuple[str, JsonDict]]:
    return [(ts, m) for ts, m in dm_messages(fake, ask.asker) if "I posted" in m.get("text", "")]


# --- The workload ---------------------------------------------------------------------------------


def what(ask: Ask) -> str:
    # The tag opens the text, so every message that quotes the request (cut to 120 characters)
    # names which ask it is about.
    return (
        f"{ask.tag} could someone review the retry logic in billing-sync PR #{400 + ask.number}: "
        "is backing off per customer enough?"
    )


def answers(ask: Ask) -> dict[str, Any]:
    return {
        ids.WHAT_INPUT: what(ask),
        ids.WHY_INPUT: "It's the last blocker before Thursday's release to customers",
        ids.KIND_INPUT: HelpKind.FEEDBACK.value,
        ids.SIZE_INPUT: RequestSize.HALF_HOUR.value,
        ids.NEEDED_BY_INPUT: int((utc_now() + timedelta(days=7)).timestamp()),
    }


def new_view(fake: FakeSlack, before: set[str], callback_id: str) -> JsonDict | None:
    found = [v for k, v in fake.views.items() if k not in before]
    found = [v for v in found if v.get("callback_id") == callback_id]
    return found[-1] if found else None


def post_ask(people: People, ask: Ask) -> None:
    fake, driver = people.fake, people.driver
    before = set(fake.views)
    people.act(
        "slash command",
        ask.asker,
        lambda: driver.slash_command(ids.ASK_COMMAND, "", user_id=ask.asker),
        lambda _m, _r: new_view(fake, before, ids.ASK_MODAL) is not None,
    )
    form = new_view(fake, before, ids.ASK_MODAL)
    if form is None:
        ask.notes.append("the /ask form never opened")
        return

    def submitted(_mark: int, response: DriverResponse) -> bool:
        return "errors" not in response.body

    response = people.act(
        "view submission",
        ask.asker,
        lambda: driver.view_submission(form, answers(ask), user_id=ask.asker),
        submitted,
    )
    body = response.json() or {}
    if body.get("response_action") == "update":
        review = fake.apply_view_response(form["id"], body)
        people.act(
            "view submission",
            ask.asker,
            lambda: driver.view_submission(review, {}, user_id=ask.asker),
            submitted,
        )
    ask.submitted = True
    for _ in range(3):
        if wait(lambda: posts_of(fake, ask.tag)):
            break
        # Told the post failed: the asker presses *Try again* on that notice, as a person would.
        press_try_again(people, ask)
    found = posts_of(fake, ask.tag)
    if not found:
        ask.notes.append("no channel post to offer on")
        return
    ask.post_ts, post = found[0]
    ask.request_id = request_id_of(post)


def press_try_again(people: People, ask: Ask) -> bool:
    """The asker presses *Try again* on the latest "couldn't post" notice, if there is one."""
    fake = people.fake
    retry = [(ts, m) for ts, m in dm_messages(fake, ask.asker) if buttons(m, ids.RETRY_POST)]
    if not retry:
        return False
    ts, message = retry[-1]
    channel = fake.dm_channel_id(ask.asker)
    with suppress(Unreachable):
        people.act(
            "button press",
            ask.asker,
            lambda m={**message, "ts": ts}, c=channel: people.driver.block_action(
                ids.RETRY_POST, user_id=ask.asker, message=m, channel_id=c
            ),
            lambda _m, _r: bool(posts_of(fake, ask.tag)),
        )
    return True


def catch_up(people: People, ask: Ask) -> None:
    """Reading their DMs after the workload, an asker told their request could not be posted
    presses *Try again*, whether or not the post is in the channel: they were told it failed."""
    if ask.submitted and press_try_again(people, ask):
        ask.notes.append("pressed Try again on a couldn't-post notice afterwards")


def quiet(fake: FakeSlack, seconds: float, bound: float = 15.0) -> None:
    """Until no call has reached the fake for `seconds` (at most `bound`)."""
    began = time.monotonic()
    calls, changed = len(fake.calls), began
    while (now := time.monotonic()) - changed < seconds and now - began < bound:
        if len(fake.calls) != calls:
            calls, changed = len(fake.calls), now
        time.sleep(0.1)


def make_offers(people: People, ask: Ask) -> None:
    fake, driver = people.fake, people.driver
    assert ask.post_ts is not None
    for helper, how in ask.offerers:

        def seen(_mark: int, _r: DriverResponse, helper: str = helper) -> bool:
            return bool(confirmations(fake, ask, helper) or offer_notices(fake, ask, helper))

        try:
            if how == "reaction":
                people.event(
                    {
                        "type": "reaction_added",
                        "user": helper,
                        "reaction": "raising_hand",
                        "item_user": BOT_USER_ID,
                        "item": {"type": "message", "channel": HELP_CHANNEL_ID, "ts": ask.post_ts},
                    }
                )
            else:
                post = {**fake.messages[(HELP_CHANNEL_ID, ask.post_ts)], "ts": ask.post_ts}
                people.act(
                    "button press",
                    helper,
                    lambda p=post, h=helper: driver.block_action(
                        ids.OFFER_FROM_POST, user_id=h, message=p, channel_id=HELP_CHANNEL_ID
                    ),
                    seen,
                )
        except Unreachable:
            ask.notes.append(f"{helper}'s offer never got through")
            continue
        ask.offered.append(helper)


def accept_one(people: People, ask: Ask) -> None:
    fake, driver = people.fake, people.driver

    def acceptable() -> tuple[str, str, JsonDict] | None:
        for helper in ask.offered:
            for ts, message in offer_notices(fake, ask, helper):
                if buttons(message, ids.ACCEPT_OFFER):
                    return helper, ts, message
        return None

    found = wait(acceptable)
    if found is None:
        ask.notes.append("no offer notice to accept")
        return
    helper, ts, message = found
    channel = fake.dm_channel_id(ask.asker)
    try:
        people.act(
            "button press",
            ask.asker,
            lambda: driver.block_action(
                ids.ACCEPT_OFFER,
                user_id=ask.asker,
                message={**message, "ts": ts},
                channel_id=channel,
            ),
            lambda _m, _r: bool(introductions(fake, ask, helper)),
        )
    except Unreachable:
        ask.notes.append("the accept never got through")
        return
    ask.accepted = helper


def resolve(people: People, ask: Ask) -> None:
    fake, driver = people.fake, people.driver
    if ask.request_id is None:
        ask.notes.append("no request id to resolve")
        return
    before = set(fake.views)
    try:
        people.act(
            "button press",
            ask.asker,
            lambda: driver.block_action(
                ids.RESOLVE_REQUEST, user_id=ask.asker, value=str(ask.request_id)
            ),
            lambda _m, _r: new_view(fake, before, ids.RESOLVE_MODAL) is not None,
        )
    except Unreachable:
        ask.notes.append("the resolve form never opened")
        return
    form = new_view(fake, before, ids.RESOLVE_MODAL)
    if form is None:
        ask.notes.append("the resolve form never opened")
        return
    listed = {
        str(b.get("block_id", "")).removeprefix(ids.THANKS_BLOCK_PREFIX)
        for b in form.get("blocks") or []
        if str(b.get("block_id", "")).startswith(ids.THANKS_BLOCK_PREFIX)
    }
    # A note for the helper accepted (or, with none, the first who offered): they are thanked.
    thanked = [h for h in [ask.accepted or (ask.offered or [None])[0]] if h and h in listed]
    values = {note_for(h): f"Thank you {h}, that settled it." for h in thanked}
    try:
        people.act(
            "view submission",
            ask.asker,
            lambda: driver.view_submission(form, values, user_id=ask.asker),
            lambda _m, response: "errors" not in response.body,
        )
    except Unreachable:
        ask.notes.append("the resolve form's submission never got through")
        return
    ask.resolved = True
    ask.thanked = thanked


# --- Faults ---------------------------------------------------------------------------------------

SLACK_FAULTS = (
    ("chat.postMessage", "503 x3"),
    ("chat.update", "503 x3"),
    ("conversations.open", "503 x3"),
    ("chat.postMessage", "429"),
    ("chat.update", "429"),
    ("conversations.open", "429"),
    ("chat.postMessage", "drop after performing"),
    ("chat.update", "drop after performing"),
    ("conversations.open", "drop after performing"),
)
STEPS = ("ask", "offers", "accept", "resolve")


def inject(fake: FakeSlack, method: str, fault: str) -> None:
    if fault == "503 x3":
        # One more than the client's two retries, so the call fails for the app.
        fake.server_error(method, status=503, times=3)
    elif fault == "429":
        fake.rate_limit(method, retry_after=1)
    elif fault == "drop after performing":
        fake.drop_connection(method, performed=True)
    elif fault == "late":
        # Past the client's 10 s timeout: the app gave up on a call Slack carried out.
        fake.answer_late(method, delay=11)
    else:
        raise ValueError(fault)


@dataclass(frozen=True)
class Plan:
    """The seeded fault schedule: Slack faults injected before a step of an ask, the ask before
    whose offers the database is cut off, and the steps right after which the app is killed."""

    slack: dict[tuple[int, str], tuple[str, str]]
    outage_at: int
    kills: tuple[tuple[int, str], ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "slack": [
                {"ask": n, "before": step, "method": m, "fault": f}
                for (n, step), (m, f) in sorted(self.slack.items())
            ],
            "database_outage": {"ask": self.outage_at, "before": "offers", "seconds": OUTAGE_S},
            "sigkill": [{"ask": n, "right_after": step} for n, step in self.kills],
        }


def plan(asks: int, seed: int, share: float) -> Plan:
    """`share` of the asks get one Slack fault each, before a step drawn at random; the kinds
    are dealt in turn from a shuffled deck, so each appears once the faults outnumber them."""
    rng = random.Random(seed)
    chosen = sorted(rng.sample(range(1, asks + 1), round(asks * share)))
    deck = list(SLACK_FAULTS)
    rng.shuffle(deck)
    slack = {(n, rng.choice(STEPS)): deck[i % len(deck)] for i, n in enumerate(chosen)}
    slack[(max(1, asks // 5), "ask")] = ("chat.postMessage", "late")
    kills = ((max(1, round(asks * 0.3)), "accept"), (max(2, round(asks * 0.75)), "resolve"))
    return Plan(slack, max(1, asks // 2), kills)


# --- Counting -------------------------------------------------------------------------------------


@dataclass
class Tally:
    expected: int = 0
    delivered: int = 0
    lost: int = 0
    doubled: int = 0
    lost_where: list[str] = field(default_factory=list)
    doubled_where: list[str] = field(default_factory=list)

    def count(self, where: str, found: int, expected: int = 1) -> None:
        self.expected += expected
        self.delivered += min(found, expected)
        if found < expected:
            self.lost += expected - found
            self.lost_where.append(where)
        if found > expected:
            self.doubled += found - expected
            self.doubled_where.append(f"{where} x{found}")


def count_effects(fake: FakeSlack, asks: list[Ask]) -> dict[str, Tally]:
    tallies = {name: Tally() for name in EFFECTS}
    for ask in asks:
        label = ask.tag.rstrip(":")
        if ask.submitted:
            tallies["channel post"].count(label, len(posts_of(fake, ask.tag)))
            tallies["posted DM to asker"].count(label, len(posted_dms(fake, ask)))
        for helper in ask.offered:
            where = f"{label} {helper}"
            tallies["offer notice to asker"].count(where, len(offer_notices(fake, ask, helper)))
            tallies["helper confirmation"].count(where, len(confirmations(fake, ask, helper)))
        if ask.accepted:
            intros = len(introductions(fake, ask, ask.accepted))
            tallies["group DM introduction"].count(f"{label} {ask.accepted}", intros)
        if ask.resolved:
            posts = posts_of(fake, ask.tag)
            shows = sum(1 for _ts, m in posts if m.get("text", "").startswith("Resolved"))
            # Every copy of the post should say resolved; a second copy is already counted.
            tallies["post shows resolved"].count(label, min(shows, 1) if posts else 0)
            for helper in ask.thanked:
                found = len(thanks_dms(fake, ask, helper))
                tallies["thanks DM"].count(f"{label} {helper}", found)
    return tallies


def wait_until_quiet(
    fake: FakeSlack, asks: list[Ask], settle: float, idle: float
) -> tuple[float, str]:
    """Until every effect owed is there and Slack has been quiet a few seconds, or nothing has
    reached Slack for `idle` seconds (longer than the jobs' one-minute interval), or `settle`."""
    began = time.monotonic()
    calls, changed = len(fake.calls), began
    while (now := time.monotonic()) - began < settle:
        if len(fake.calls) != calls:
            calls, changed = len(fake.calls), now
        tallies = count_effects(fake, asks)
        if all(t.lost == 0 for t in tallies.values()) and now - changed >= 5:
            return now - began, "everything owed had arrived"
        if now - changed >= idle:
            return now - began, f"nothing reached Slack for {idle:.0f} s"
        time.sleep(1)
    return time.monotonic() - began, f"the {settle:.0f} s bound"


def database_rows(url: str) -> dict[str, int]:
    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            return {
                "requests": int(conn.scalar(select(func.count()).select_from(HelpRequest)) or 0),
                "offers": int(conn.scalar(select(func.count()).select_from(Offer)) or 0),
                "thanks": int(conn.scalar(select(func.count()).select_from(Thanks)) or 0),
            }
    finally:
        engine.dispose()


def print_tallies(tallies: dict[str, Tally]) -> dict[str, Any]:
    header = f"{'effect':<24} {'expected':>8} {'delivered':>9} {'lost':>5} {'doubled':>7}"
    print(f"\n{header}\n{'-' * len(header)}")
    total = Tally()
    figures: dict[str, Any] = {}
    for name, t in tallies.items():
        print(f"{name:<24} {t.expected:>8} {t.delivered:>9} {t.lost:>5} {t.doubled:>7}")
        figures[name] = t.__dict__
        total.expected += t.expected
        total.delivered += t.delivered
        total.lost += t.lost
        total.doubled += t.doubled
    print(
        f"{'total':<24} {total.expected:>8} {total.delivered:>9} {total.lost:>5} {total.doubled:>7}"
    )
    figures["total"] = {k: v for k, v in total.__dict__.items() if not k.endswith("_where")}
    for name, t in tallies.items():
        if t.lost_where:
            print(f"  lost, {name}: {', '.join(t.lost_where)}")
        if t.doubled_where:
            print(f"  doubled, {name}: {', '.join(t.doubled_where)}")
    return figures


# --- The run --------------------------------------------------------------------------------------


def run(args: Any) -> int:
    fault_plan = plan(args.asks, args.seed, args.fault_share)
    rng = random.Random(args.seed + 1)
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-faults-")))
        fake = stack.enter_context(harness.seeded_slack())
        for n in range(1, args.asks + 1):
            fake.add_user(f"UASK{n:04d}", name=f"asker{n}")
        for n, helper in enumerate(HELPERS, 1):
            fake.add_user(helper, name=f"helper{n}")
        database_url = stack.enter_context(private_schema(args.postgres_url, prefix="bench"))
        real = make_url(database_url)
        link = CuttableLink(real.host or "127.0.0.1", real.port or 5432)
        stack.callback(link.close)
        through = real.set(host="127.0.0.1", port=link.port).render_as_string(False)
        env = settings_env(
            fake.base_url, through, PORT=str(free_port()), LOG_LEVEL="INFO", SCHEDULER="embedded"
        )
        app = AppProcess(work, env)
        app.start()
        stack.callback(app.stop)
        people = People(fake, app)

        asks = [Ask(n, f"UASK{n:04d}", f"F{n:03d}:", offerers=[]) for n in range(1, args.asks + 1)]
        for ask in asks:
            helpers = rng.sample(HELPERS, rng.choice((1, 2)))
            ask.offerers = [(h, rng.choice(("reaction", "button"))) for h in helpers]

        events: list[str] = []
        restored = threading.Event()
        began = time.monotonic()
        for ask in asks:
            for step, action in zip(
                STEPS, (post_ask, make_offers, accept_one, resolve), strict=True
            ):
                if step != "ask" and ask.post_ts is None:
                    break
                if (ask.number, step) == (fault_plan.outage_at, "offers"):
                    link.cut()
                    events.append(
                        f"database cut for {OUTAGE_S:.0f} s before the offers on ask {ask.number}"
                    )
                    timer = threading.Timer(
                        OUTAGE_S, lambda: (setattr(link, "up", True), restored.set())
                    )
                    timer.daemon = True
                    timer.start()
                fault = fault_plan.slack.get((ask.number, step))
                if fault is not None and fault[1] == "late":
                    # Meant for this ask's channel post, not a call still in flight before it.
                    quiet(fake, 1.0)
                if fault is not None:
                    inject(fake, *fault)
                if (ask.number, step) in fault_plan.kills:

                    def kill(at: str = f"{step} of ask {ask.number}") -> None:
                        # Just after the app acknowledged: its listener is mid-work.
                        time.sleep(0.05)
                        away = app.kill_and_restart()
                        events.append(f"SIGKILL right after the {at}, back in {away:.1f} s")

                    people.after_send = (
                        "view submission" if step == "resolve" else "button press",
                        kill,
                    )
                action(people, ask)
            people.after_send = None
        if fault_plan.outage_at <= args.asks:
            restored.wait(OUTAGE_S + 5)
        for ask in asks:
            catch_up(people, ask)
        workload_s = time.monotonic() - began
        settled_s, why = wait_until_quiet(fake, asks, args.settle, args.idle)
        tallies = count_effects(fake, asks)
        rows = database_rows(database_url)
        violations = fake.violations
        returncode = app.stop()
        if args.app_log is not None:
            shutil.copyfile(app.log, args.app_log)

    actions = {
        "asks posted": sum(a.submitted for a in asks),
        "offers made": sum(len(a.offered) for a in asks),
        "accepts": sum(a.accepted is not None for a in asks),
        "resolves": sum(a.resolved for a in asks),
    }
    print(
        f"{args.asks} asks, seed {args.seed}: workload {workload_s:.0f} s, then {settled_s:.0f} s "
        f"until {why}; {harness.machine_line(harness.machine())}"
    )
    for line in events:
        print(f"  {line}")
    print("actions completed: " + ", ".join(f"{v} {k}" for k, v in actions.items()))
    print(f"requests sent (with resends): {people.counters.sent}, resends {people.counters.resent}")
    if people.counters.unreachable:
        print(f"  gave up on: {people.counters.unreachable}")
    print(f"database: {rows}; app exited {returncode} on SIGTERM")
    notes = {a.tag.rstrip(":"): a.notes for a in asks if a.notes}
    for tag, said in notes.items():
        print(f"  {tag}: {'; '.join(said)}")
    figures = print_tallies(tallies)
    total = figures["total"]
    if violations:
        print(f"  the app broke Slack's contract {len(violations)} times: {violations[:3]}")
    verdict = "HELD" if total["lost"] == 0 and total["doubled"] == 0 else "BROKEN"
    print(
        f"\nverdict: {verdict}: {total['expected']} effects owed, {total['delivered']} delivered, "
        f"{total['lost']} lost, {total['doubled']} doubled"
    )
    harness.write_results(
        args.json,
        harness.machine(),
        {"asks": args.asks, "seed": args.seed, "fault_share": args.fault_share},
        verdict=verdict,
        workload_s=workload_s,
        settled_s=settled_s,
        settled_because=why,
        faults=fault_plan.as_json(),
        happened=events,
        actions=actions,
        requests={
            "sent": people.counters.sent,
            "resent": people.counters.resent,
            "unreachable": people.counters.unreachable,
        },
        database_rows=rows,
        notes=notes,
        contract_violations=violations,
        effects=figures,
    )
    return 0


def main() -> int:
    found = harness.parser(__doc__, "faults")
    found.add_argument("--asks", type=int, default=40, help="requests in the workload")
    found.add_argument("--seed", type=int, default=1, help="seeds the fault schedule and people")
    found.add_argument(
        "--fault-share", type=float, default=0.5, help="share of asks with a Slack fault"
    )
    found.add_argument(
        "--settle", type=float, default=180, help="longest wait for the jobs afterwards (s)"
    )
    found.add_argument(
        "--idle", type=float, default=70, help="quiet this long (s) means the jobs are done"
    )
    found.add_argument("--app-log", type=Path, help="keep the app's log there")
    found.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_DATABASE_URL", harness.DEFAULT_PG),
        help="PostgreSQL to make a private schema in (BENCH_DATABASE_URL, else the local test)",
    )
    args = harness.parse(found)
    if args.asks < 2:
        found.error("--asks must be at least 2")
    if not 0 <= args.fault_share <= 1:
        found.error("--fault-share must be between 0 and 1")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
