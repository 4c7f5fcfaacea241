"""Sending the outbox: what the scheduler planned (nudges, digests) and what state changes owe
(bot.services.effects), each message exactly once.

A message is claimed with a conditional UPDATE before it is posted, so two senders (two app
processes, or a run overlapping the next) never post it twice. Each post carries the message's
key as Slack message metadata. If a sender dies between claiming and recording the result, the
claim goes stale; the next run looks for the key in the conversation's recent history and records
the message as sent if Slack has it, or sends it if Slack does not. A post that got no answer (a
dropped connection, a reply after the client's timeout) is looked for the same way at once.
Nothing is lost and nothing is doubled.

A change's messages are delivered at once, in the thread that made the change (`deliver`), and
not paced: the pacing is for bulk nudges and digests, and a person's own action should not wait
behind them. The send job catches whatever that left (a crash, Slack down), paced like the rest.
A message showing a state (a request's post, an offer's notice) is one row each change re-arms;
a sender finishing an older version than the row's sends again, so the last change is the last
one shown."""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.domain.message import from_json
from bot.domain.outbox import Effect, OutboxStatus, is_effect, is_permanent, next_attempt
from bot.services import deliveries
from bot.services.ports import SlackError, SlackPort
from db import outbox_queries as oq
from db.models import OutboxMessage

log = logging.getLogger(__name__)

# Longer than one post can take with slack_sdk's retries, so a live send is never taken over.
STALE_CLAIM = timedelta(minutes=5)
# Sends of one message in a row when changes keep landing while it is sent; a handful covers any
# realistic burst of clicks, and the send job takes over after that.
RESEND_ATTEMPTS = 5


@dataclass
class Pacer:
    """Spaces posts out to `per_second`. Slack's chat.postMessage allows about one message a
    second per conversation with short bursts, and a workspace-wide ceiling besides; a digest run
    to thousands of people stays well under it this way, and a 429 is still honoured by
    slack_sdk's retry handler (Retry-After) if Slack disagrees."""

    per_second: float = 20.0
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    _next: float = field(default=0.0, init=False)

    def wait(self) -> None:
        now = self.monotonic()
        if self._next > now:
            self.sleep(self._next - now)
            now = self._next
        self._next = now + 1.0 / self.per_second


@dataclass(frozen=True)
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    recovered: int = 0


def send_due(
    session: Session,
    slack: SlackPort,
    *,
    clock: Clock,
    pacer: Pacer | None = None,
    limit: int = 500,
) -> SendReport:
    """Recover stale claims, then send every due message (up to `limit`), paced."""
    pacer = pacer or Pacer()
    recovered = _recover(session, slack, clock, limit)
    outcomes = _send_all(session, slack, oq.due(session, clock(), limit), clock, pacer.wait)
    return SendReport(
        sent=outcomes.count(OutboxStatus.SENT),
        retrying=outcomes.count(OutboxStatus.PENDING),
        failed=outcomes.count(OutboxStatus.FAILED),
        recovered=recovered,
    )


def deliver(session: Session, slack: SlackPort, message_ids: list[int], *, clock: Clock) -> None:
    """Send these messages now, unpaced: what a change just committed owes. Any that fails is
    left to the send job, retried with backoff."""
    _send_all(session, slack, message_ids, clock, lambda: None)


def _send_all(
    session: Session,
    slack: SlackPort,
    message_ids: list[int],
    clock: Clock,
    wait: Callable[[], None],
) -> list[OutboxStatus]:
    outcomes = []
    queue = list(message_ids)
    while queue:
        outcome, then = _send_one(session, slack, queue.pop(0), clock, wait)
        if outcome is not None:
            outcomes.append(outcome)
        queue.extend(then)
    return outcomes


def _send_one(
    session: Session, slack: SlackPort, message_id: int, clock: Clock, wait: Callable[[], None]
) -> tuple[OutboxStatus | None, list[int]]:
    """One message, and the messages its delivery owes in turn; None when it was not due or
    another sender has it."""
    message = session.get(OutboxMessage, message_id, populate_existing=True)
    if message is not None and message.kind == Effect.POST_UPDATE:
        session.commit()
        wait()
        return _update_shown(session, slack, message_id, clock), []
    claimed = oq.claim(session, message_id, clock())
    message = session.get(OutboxMessage, message_id, populate_existing=True)
    session.commit()
    if not claimed or message is None:
        return None, []
    wait()
    if is_effect(message.kind):
        return _send_effect(session, slack, message, clock)
    return _post(session, slack, message, clock), []


def _send_effect(
    session: Session, slack: SlackPort, message: OutboxMessage, clock: Clock
) -> tuple[OutboxStatus, list[int]]:
    """A claimed message a change owes. Changes may re-arm it while it is sent; then it is
    rendered and sent again, still under this sender's claim."""
    owed: list[int] = []
    for _ in range(RESEND_ATTEMPTS):
        seen = message.version
        try:
            delivered = deliveries.deliver(session, slack, message, clock)
        except SlackError as error:
            return _failed(session, message, error.code, clock), owed
        posted = {}
        if delivered.posted is not None:
            posted = {"posted_channel": delivered.posted.channel, "posted_ts": delivered.posted.ts}
        owed += oq.owe(session, delivered.then, clock())
        if delivered.refused is None:
            done = {"status": OutboxStatus.SENT, "attempts": 0, "error": None}
        else:
            done = {"status": OutboxStatus.FAILED, "error": delivered.refused}
        if oq.finish_version(session, message.id, seen, sent_at=clock(), **done, **posted):
            session.commit()
            return done["status"], owed
        if posted:
            oq.finish(session, message.id, **posted)
        session.commit()
        message = session.get(OutboxMessage, message.id, populate_existing=True) or message
        session.commit()
    return _release(session, message, clock), owed


def _release(session: Session, message: OutboxMessage, clock: Clock) -> OutboxStatus:
    """Hand a claimed message back, due now, for the next sender to render again."""
    oq.finish(session, message.id, status=OutboxStatus.PENDING, next_attempt_at=clock())
    session.commit()
    return OutboxStatus.PENDING


def _update_shown(
    session: Session, slack: SlackPort, message_id: int, clock: Clock
) -> OutboxStatus | None:
    """Update a request's post to its current state. chat.update is idempotent, so this takes
    no claim and any number of senders may run it at once: after each update the row's version
    is read again, and a sender whose render is older than the row sends again. The last change
    to commit is therefore the last one shown."""
    seen: int | None = None
    for _ in range(RESEND_ATTEMPTS):
        message = session.get(OutboxMessage, message_id, populate_existing=True)
        if message is None:
            session.commit()
            return None
        if seen is None:
            if message.status != OutboxStatus.PENDING or message.next_attempt_at > clock():
                session.commit()
                return None
        elif message.version == seen:
            session.commit()  # another sender finished this very version
            return OutboxStatus.SENT
        seen = message.version
        session.commit()
        try:
            deliveries.deliver(session, slack, message, clock)
        except SlackError as error:
            oq.finish(session, message_id, attempts=message.attempts + 1)
            message.attempts += 1
            return _failed(session, message, error.code, clock)
        sent = {"status": OutboxStatus.SENT, "attempts": 0, "error": None}
        if oq.finish_version(session, message_id, seen, sent_at=clock(), **sent):
            session.commit()
            return OutboxStatus.SENT
        session.commit()
    log.warning("%s changed %d times while it was sent", message_id, RESEND_ATTEMPTS)
    return OutboxStatus.PENDING


def _post(session: Session, slack: SlackPort, message: OutboxMessage, clock: Clock) -> OutboxStatus:
    try:
        body = from_json(message.payload)
        posted = slack.post_scheduled(message.target, message.kind, body, message.key)
    except SlackError as error:
        if not error.outcome_unknown:
            return _failed(session, message, error.code, clock)
        try:
            found = slack.find_scheduled(message.target, message.key)
        except SlackError as lookup:
            # Still unknown: the claim is left to go stale, and recovery looks again.
            log.warning("could not check %s for %s: %s", message.target, message.key, lookup.code)
            return OutboxStatus.PENDING
        if found is None:  # Slack never took it
            return _failed(session, message, error.code, clock)
        posted = found
    oq.finish(
        session,
        message.id,
        status=OutboxStatus.SENT,
        sent_at=clock(),
        posted_channel=posted.channel,
        posted_ts=posted.ts,
        error=None,
    )
    session.commit()
    return OutboxStatus.SENT


def _failed(session: Session, message: OutboxMessage, code: str, clock: Clock) -> OutboxStatus:
    now = clock()
    retry_at = None if is_permanent(code) else next_attempt(message.attempts, now)
    if retry_at is None:
        log.warning("%s given up: %s", _named(message), code)
        oq.finish(session, message.id, status=OutboxStatus.FAILED, error=code)
        session.commit()
        return OutboxStatus.FAILED
    log.info("%s failed (%s); retrying at %s", _named(message), code, retry_at)
    oq.finish(
        session, message.id, status=OutboxStatus.PENDING, error=code, next_attempt_at=retry_at
    )
    session.commit()
    return OutboxStatus.PENDING


def _named(message: OutboxMessage) -> str:
    """How logs name a message: an effect by its key, which names no person (an asker may be
    anonymous)."""
    if is_effect(message.kind):
        return f"outbox {message.key}"
    return f"{message.kind} to {message.target}"


def _recover(session: Session, slack: SlackPort, clock: Clock, limit: int) -> int:
    """Settle claims a dead sender left: sent if Slack has the message, due again if not."""
    recovered = 0
    for message_id in oq.stale(session, clock() - STALE_CLAIM, limit):
        message = session.get(OutboxMessage, message_id, populate_existing=True)
        if message is None or message.claimed_at is None:
            session.commit()
            continue
        claimed_at = message.claimed_at
        if not oq.reclaim(session, message_id, claimed_at, clock()):
            session.commit()
            continue
        session.commit()
        if is_effect(message.kind):
            # Due again; having been tried, its next send looks for it before posting.
            oq.finish(session, message_id, status=OutboxStatus.PENDING, next_attempt_at=clock())
            session.commit()
            recovered += 1
            continue
        try:
            found = slack.find_scheduled(message.target, message.key)
        except SlackError as error:
            # Can't tell yet; the claim goes stale again and the next run asks again.
            log.warning("could not check %s for %s: %s", message.target, message.key, error.code)
            continue
        if found is not None:
            oq.finish(
                session,
                message_id,
                status=OutboxStatus.SENT,
                sent_at=clock(),
                posted_channel=found.channel,
                posted_ts=found.ts,
            )
        else:
            oq.finish(session, message_id, status=OutboxStatus.PENDING, next_attempt_at=clock())
        session.commit()
        log.info("outbox %s recovered after a stale claim: %s", message.key, found is not None)
        recovered += 1
    return recovered
