"""Sending what the scheduler planned (nudges, digests): each message exactly once.

A message is claimed with a conditional UPDATE before it is posted, so two senders (two app
processes, or a run overlapping the next) never post it twice. Each post carries the message's
key as Slack message metadata. If a sender dies between claiming and recording the result, the
claim goes stale; the next run looks for the key in the conversation's recent history and records
the message as sent if Slack has it, or sends it if Slack does not. A post that got no answer (a
dropped connection, a reply after the client's timeout) is looked for the same way at once.
Nothing is lost and nothing is doubled."""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.domain.message import from_json
from bot.domain.outbox import OutboxStatus, is_permanent, next_attempt
from bot.services.ports import SlackError, SlackPort
from db import outbox_queries as oq
from db.models import OutboxMessage

log = logging.getLogger(__name__)

# Longer than one post can take with slack_sdk's retries, so a live send is never taken over.
STALE_CLAIM = timedelta(minutes=5)


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
    sent = retrying = failed = 0
    for message_id in oq.due(session, clock(), limit):
        now = clock()
        claimed = oq.claim(session, message_id, now)
        message = session.get(OutboxMessage, message_id, populate_existing=True)
        session.commit()
        if not claimed or message is None:
            continue
        pacer.wait()
        outcome = _post(session, slack, message, clock)
        sent += outcome == OutboxStatus.SENT
        retrying += outcome == OutboxStatus.PENDING
        failed += outcome == OutboxStatus.FAILED
    return SendReport(sent, retrying, failed, recovered)


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
        log.warning("%s to %s given up: %s", message.kind, message.target, code)
        oq.finish(session, message.id, status=OutboxStatus.FAILED, error=code)
        session.commit()
        return OutboxStatus.FAILED
    log.info("%s to %s failed (%s); retrying at %s", message.kind, message.target, code, retry_at)
    oq.finish(
        session, message.id, status=OutboxStatus.PENDING, error=code, next_attempt_at=retry_at
    )
    session.commit()
    return OutboxStatus.PENDING


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
