"""Queries for the outbox: planning once per key, claiming one sender per message, and what each
person was sent lately (for the caps)."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.outbox import OutboxStatus, Owed
from db.models import OutboxMessage
from db.queries import insert_ignoring_duplicates, update_one


def enqueue(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Plan messages; a key already planned (by an earlier run, or another scheduler right now)
    is skipped by the unique constraint. Returns how many were new."""
    if not rows:
        return 0
    # An executemany: SQLAlchemy sends it in pages ("insertmanyvalues") of one statement compiled
    # once, so a Monday of many thousand digests stays under PostgreSQL's 65,535 parameters.
    inserted = session.scalars(
        insert_ignoring_duplicates(session, OutboxMessage, ["key"]).returning(OutboxMessage.id),
        list(rows),
    ).all()
    return len(inserted)


def owe(session: Session, owed: Sequence[Owed], now: datetime) -> list[int]:
    """Write the messages a change owes, in the change's transaction; their ids, in order. A
    message already owed is not owed twice (a retry, a double click); one showing a state is
    re-armed instead, so its next send shows the state as it is then."""
    ids = []
    for one in owed:
        row = {
            "team_id": one.team_id,
            "key": one.key,
            "kind": one.effect.value,
            "target": one.target,
            "period": "",
            "payload": {"effect": one.effect.value, **one.ids},
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        inserted = session.scalar(
            insert_ignoring_duplicates(session, OutboxMessage, ["key"]).returning(OutboxMessage.id),
            row,
        )
        if inserted is None:
            inserted = session.scalars(
                select(OutboxMessage.id).where(OutboxMessage.key == one.key)
            ).one()
            if one.rearms:
                _rearm(session, inserted, now)
        ids.append(inserted)
    return ids


def _rearm(session: Session, message_id: int, now: datetime) -> None:
    # A row being sent keeps its claim; its sender sees the new version and sends again.
    bumped = OutboxMessage.version + 1
    update_one(session, OutboxMessage, OutboxMessage.id == message_id, version=bumped)
    update_one(
        session,
        OutboxMessage,
        OutboxMessage.id == message_id,
        OutboxMessage.status != OutboxStatus.SENDING,
        status=OutboxStatus.PENDING,
        next_attempt_at=now,
    )


def finish_version(session: Session, message_id: int, version: int, **values: Any) -> bool:
    """Finish a message at `version`; False when a change re-armed it meanwhile. A message
    finished as sent starts its tries over when re-armed: whatever it posted is recorded."""
    return update_one(
        session,
        OutboxMessage,
        OutboxMessage.id == message_id,
        OutboxMessage.version == version,
        OutboxMessage.status.in_([OutboxStatus.SENDING, OutboxStatus.PENDING]),
        **values,
    )


def due(session: Session, now: datetime, limit: int) -> list[int]:
    return list(
        session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now
            )
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
    )


def stale(session: Session, claimed_before: datetime, limit: int) -> list[int]:
    """Messages a sender claimed and never finished: it crashed, or was stopped, mid-send."""
    return list(
        session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.status == OutboxStatus.SENDING,
                OutboxMessage.claimed_at < claimed_before,
            )
            .order_by(OutboxMessage.claimed_at)
            .limit(limit)
        )
    )


def claim(session: Session, message_id: int, now: datetime) -> bool:
    """Take a due message for this sender; False when another sender took it first."""
    return update_one(
        session,
        OutboxMessage,
        OutboxMessage.id == message_id,
        OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.next_attempt_at <= now,
        status=OutboxStatus.SENDING,
        claimed_at=now,
        attempts=OutboxMessage.attempts + 1,
    )


def reclaim(session: Session, message_id: int, claimed_at: datetime, now: datetime) -> bool:
    """Take over a stale claim, once, even with several senders looking at it."""
    return update_one(
        session,
        OutboxMessage,
        OutboxMessage.id == message_id,
        OutboxMessage.status == OutboxStatus.SENDING,
        OutboxMessage.claimed_at == claimed_at,
        claimed_at=now,
    )


def finish(session: Session, message_id: int, **values: Any) -> None:
    update_one(session, OutboxMessage, OutboxMessage.id == message_id, **values)


def sent_lately(
    session: Session, team_id: str, kinds: Sequence[str], since: datetime
) -> dict[str, tuple[int, datetime]]:
    """For each person: how many nudges were planned for them since `since`, and the latest."""
    rows = session.execute(
        select(OutboxMessage.target, func.count(), func.max(OutboxMessage.created_at))
        .where(
            OutboxMessage.team_id == team_id,
            OutboxMessage.kind.in_(list(kinds)),
            OutboxMessage.created_at >= since,
            OutboxMessage.status != OutboxStatus.FAILED,
        )
        .group_by(OutboxMessage.target)
    )
    return {target: (count, latest) for target, count, latest in rows}
