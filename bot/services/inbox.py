"""Events recorded before Slack is answered, and processed once from that record.

Slack sends an event again only when it got no 2xx for it, so an event acknowledged and then
lost (the database blipped, the process died) would be lost for good. Each event the app acts on
is recorded first, in a transaction of its own, and only then acknowledged; when the database is
out of reach it is not acknowledged, and Slack sends it again later. Slack's retry of an event
already recorded changes nothing. The request's own listener processes the event at once and
marks it processed; one whose processing failed is taken up by the recovery job once the
listener's claim is older than GRACE. The offer's unique key is the second line: an event
processed but not yet marked (a crash in between) is processed again to no effect.
"""

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.domain.offers import Answer
from bot.services.offers import Reaction, offer_by_reaction, withdraw_by_reaction
from bot.services.ports import SlackPort
from db import inbox_queries as iq

log = logging.getLogger(__name__)

# Longer than a listener takes even against a slow Slack (two 10-second timeouts), so the job
# never takes up an event whose listener is still at work.
GRACE = timedelta(minutes=2)
# A reaction on a post whose place is not known yet is looked at again this soon, by the next
# run of the recovery job (every minute), rather than after GRACE.
NOT_YET_WAIT = timedelta(seconds=15)
# An event that fails this often is a bug, not a blip: it stays recorded, for the operator.
MAX_ATTEMPTS = 5
# Well past Slack's last retry (about five minutes after the first attempt).
KEPT_FOR = timedelta(days=1)

Handler = Callable[[Session, SlackPort, dict[str, Any], Clock], Answer]


def _offer(session: Session, slack: SlackPort, payload: dict[str, Any], clock: Clock) -> Answer:
    return offer_by_reaction(session, slack, Reaction(**payload), clock=clock)


def _withdraw(session: Session, slack: SlackPort, payload: dict[str, Any], clock: Clock) -> Answer:
    return withdraw_by_reaction(session, slack, Reaction(**payload), clock=clock)


HANDLERS: dict[str, Handler] = {"reaction_added": _offer, "reaction_removed": _withdraw}


@dataclass(frozen=True)
class Received:
    """An event as recorded: Slack's event id, its type, and what its handler reads."""

    team_id: str
    event_id: str
    kind: str
    payload: dict[str, Any]

    @classmethod
    def reaction(cls, event_id: str, kind: str, reaction: Reaction) -> "Received":
        return cls(reaction.team_id, event_id, kind, asdict(reaction))


def record(session: Session, received: Received, *, clock: Clock) -> bool:
    """Record the event and commit; False when it was recorded already."""
    now = clock()
    new = iq.record_event(
        session,
        {
            "team_id": received.team_id,
            "event_id": received.event_id,
            "kind": received.kind,
            "payload": received.payload,
            "received_at": now,
            "claimed_at": now,
            "attempts": 1,
        },
    )
    session.commit()
    return new


def process(session: Session, slack: SlackPort, received: Received, *, clock: Clock) -> Answer:
    """Act on the event, then mark it processed; one that cannot be told apart yet (NOT_YET)
    stays recorded, and the recovery job takes it up again after GRACE."""
    answer = HANDLERS[received.kind](session, slack, received.payload, clock)
    if answer == Answer.NOT_YET:
        iq.wait_again(session, received.event_id, clock() - GRACE + NOT_YET_WAIT)
    else:
        iq.mark_processed(session, received.event_id, clock())
    session.commit()
    return answer


def recover(session: Session, slack: SlackPort, *, clock: Clock, limit: int = 100) -> int:
    """Process the recorded events whose processing failed or died; returns how many were.
    Each is claimed first, so two schedulers never take up the same one."""
    now = clock()
    done = 0
    for row in iq.stale_events(session, now - GRACE, MAX_ATTEMPTS, limit):
        received = Received(row.team_id, row.event_id, row.kind, dict(row.payload))
        claimed = iq.claim_event(session, row.id, now, now - GRACE)
        session.commit()
        if not claimed:
            continue
        try:
            answer = process(session, slack, received, clock=clock)
        except Exception as error:
            session.rollback()
            log.warning(
                "recorded %s event %s failed again: %s",
                received.kind,
                received.event_id,
                type(error).__name__,
                exc_info=error,
            )
            continue
        if answer != Answer.NOT_YET:
            done += 1
    iq.forget_processed(session, now - KEPT_FOR)
    session.commit()
    return done
