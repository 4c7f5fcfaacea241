"""Queries for the inbox of events recorded before Slack is answered."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.models import InboxEvent
from db.queries import insert_ignoring_duplicates, update_one


def record_event(session: Session, values: Mapping[str, Any]) -> bool:
    """Record an event; False when its event id is recorded already (Slack's retry, or the same
    event arriving twice at once, which the unique constraint serialises)."""
    statement = insert_ignoring_duplicates(session, InboxEvent, ["event_id"]).values(**values)
    return session.execute(statement.returning(InboxEvent.id)).first() is not None


def stale_events(
    session: Session, stale_before: datetime, max_attempts: int, limit: int
) -> Sequence[InboxEvent]:
    """Recorded events still unprocessed whose last processing began before `stale_before`."""
    return session.scalars(
        select(InboxEvent)
        .where(
            InboxEvent.processed_at.is_(None),
            InboxEvent.claimed_at < stale_before,
            InboxEvent.attempts < max_attempts,
        )
        .order_by(InboxEvent.id)
        .limit(limit)
    ).all()


def claim_event(session: Session, event_id: int, now: datetime, stale_before: datetime) -> bool:
    """Take up an unprocessed event whose claim went stale; exactly one of two racing jobs wins."""
    return update_one(
        session,
        InboxEvent,
        InboxEvent.id == event_id,
        InboxEvent.processed_at.is_(None),
        InboxEvent.claimed_at < stale_before,
        claimed_at=now,
        attempts=InboxEvent.attempts + 1,
    )


def wait_again(session: Session, event_id: str, claimed_at: datetime) -> None:
    """Leave an event for a later run as if claimed at `claimed_at`, its attempt not counted: it
    did not fail, it could not be told apart yet."""
    update_one(
        session,
        InboxEvent,
        InboxEvent.event_id == event_id,
        InboxEvent.processed_at.is_(None),
        claimed_at=claimed_at,
        attempts=InboxEvent.attempts - 1,
    )


def mark_processed(session: Session, event_id: str, now: datetime) -> None:
    update_one(
        session,
        InboxEvent,
        InboxEvent.event_id == event_id,
        InboxEvent.processed_at.is_(None),
        processed_at=now,
    )


def forget_processed(session: Session, before: datetime) -> int:
    return session.execute(delete(InboxEvent).where(InboxEvent.processed_at < before)).rowcount
