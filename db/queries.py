"""Query functions: the SQL the services need, in one place."""

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, or_, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.domain.offers import OfferStatus, Route
from bot.domain.requests import Delivery, RequestStatus
from db.models import (
    Base,
    HelpRequest,
    PersonPrefs,
    ProcessedView,
    SlackUser,
    WorkspaceSettings,
)

# Offers that still stand: a withdrawn one, or one the asker said "Not now" to, no longer counts
# as someone helping (for routing's workload and digests' open requests alike).
LIVE_OFFERS = (OfferStatus.OFFERED, OfferStatus.ACCEPTED)


def update_one(
    session: Session, model: type[Base], *where: ColumnElement[bool], **values: Any
) -> bool:
    """UPDATE the row of `model` that matches `where`; False when none does (it is gone, or
    another change got there first). Such a conditional update is how racing clicks are told
    apart. The session is left as it is: callers read again what they show."""
    result = session.execute(
        update(model).where(*where).values(**values).execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def get_request(session: Session, request_id: int, *, fresh: bool = False) -> HelpRequest | None:
    """The request; with `fresh`, read again from the database over what the session holds
    (another transaction may have changed it since)."""
    return session.get(HelpRequest, request_id, populate_existing=fresh)


def claim_delivery(
    session: Session,
    request_id: int,
    asker_id: str | None,
    now: datetime,
    stale_before: datetime,
) -> bool:
    """Mark a request as being posted, unless it is posted or another attempt is under way.

    One conditional UPDATE, so two clicks of *Try again* (or a click racing a retry job) can never
    both post: the database lets exactly one of them flip the row. An attempt that claimed the row
    and then died is taken over once its claim is older than `stale_before`. `asker_id` None
    claims on nobody's behalf (the recovery job).
    """
    owner = HelpRequest.asker_id == asker_id if asker_id is not None else true()
    return update_one(
        session,
        HelpRequest,
        HelpRequest.id == request_id,
        HelpRequest.status == RequestStatus.OPEN,
        owner,
        or_(
            HelpRequest.delivery.in_([Delivery.PENDING, Delivery.FAILED]),
            (HelpRequest.delivery == Delivery.POSTING)
            & (HelpRequest.delivery_claimed_at < stale_before),
        ),
        delivery=Delivery.POSTING,
        delivery_claimed_at=now,
        updated_at=now,
    )


def _draft_of(request_id: int, asker_id: str) -> tuple[ColumnElement[bool], ...]:
    return (
        HelpRequest.id == request_id,
        HelpRequest.asker_id == asker_id,
        HelpRequest.status == RequestStatus.DRAFT,
    )


def open_draft(
    session: Session,
    request_id: int,
    asker_id: str,
    *,
    recipient_id: str | None,
    route: Route,
    delivery: Delivery,
    delivery_claimed_at: datetime | None,
    now: datetime,
) -> bool:
    """Turn the asker's draft into an open request; False when it is not (or no longer) a draft
    of theirs. Conditional, so two clicks of *Post* publish it once."""
    return update_one(
        session,
        HelpRequest,
        *_draft_of(request_id, asker_id),
        status=RequestStatus.OPEN,
        recipient_id=recipient_id,
        route=route,
        delivery=delivery,
        delivery_claimed_at=delivery_claimed_at,
        updated_at=now,
    )


def delete_draft(session: Session, request_id: int, asker_id: str) -> bool:
    """Forget the asker's draft; a request already posted, or someone else's, is never touched."""
    result = session.execute(delete(HelpRequest).where(*_draft_of(request_id, asker_id)))
    return result.rowcount == 1


def requests_by_asker(
    session: Session, team_id: str, asker_id: str, limit: int = 50
) -> list[HelpRequest]:
    """Someone's latest requests, drafts left out: a draft is not a request until posted."""
    return list(
        session.scalars(
            select(HelpRequest)
            .where(
                HelpRequest.team_id == team_id,
                HelpRequest.asker_id == asker_id,
                HelpRequest.status != RequestStatus.DRAFT,
            )
            .order_by(HelpRequest.created_at.desc(), HelpRequest.id.desc())
            .limit(limit)
        )
    )


def stalled_deliveries(session: Session, stale_before: datetime, limit: int) -> list[int]:
    """Requests whose post attempt claimed them and never finished (the process died)."""
    return list(
        session.scalars(
            select(HelpRequest.id)
            .where(
                HelpRequest.delivery == Delivery.POSTING,
                HelpRequest.delivery_claimed_at < stale_before,
            )
            .order_by(HelpRequest.id)
            .limit(limit)
        )
    )


def get_slack_user(session: Session, team_id: str, user_id: str) -> SlackUser | None:
    return session.get(SlackUser, (team_id, user_id))


def dialect_insert(dialect: str) -> Callable[..., Any]:
    """The dialect's INSERT, which has ON CONFLICT on both PostgreSQL and SQLite."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def _insert_for(session: Session) -> Callable[..., Any]:
    return dialect_insert(session.get_bind().dialect.name)


def insert_ignoring_duplicates(
    session: Session, model: type[Base], unique: Sequence[str] | None = None
) -> Any:
    """An INSERT that skips rows whose `unique` columns (any unique constraint when None) are
    already taken, by an earlier write or a concurrent one; add the values and any RETURNING."""
    return _insert_for(session)(model).on_conflict_do_nothing(index_elements=unique)


def upsert(
    session: Session,
    model: type[Base],
    key: Mapping[str, Any],
    values: Mapping[str, Any],
    defaults: Mapping[str, Any] | None = None,
) -> None:
    """Write `values` to the row `key` names, inserting it (with `defaults` for the other
    columns) when there is none. One statement, so a double click, or two first writes at once,
    end with one row holding the values instead of a primary-key error."""
    statement = _insert_for(session)(model).values({**key, **(defaults or {}), **values})
    session.execute(
        statement.on_conflict_do_update(
            index_elements=list(key), set_={name: statement.excluded[name] for name in values}
        )
    )


def upsert_slack_user(session: Session, values: dict[str, Any]) -> None:
    """Insert or refresh a cached user, so two concurrent refreshes of the same person cannot
    collide on the primary key."""
    key = {name: values[name] for name in ("team_id", "user_id")}
    upsert(session, SlackUser, key, {k: v for k, v in values.items() if k not in key})
    session.expire_all()


def save_person_prefs(
    session: Session, team_id: str, user_id: str, now: datetime, **values: object
) -> None:
    """Change some of a person's nudge and digest choices; the others keep their values (the
    defaults for someone choosing for the first time)."""
    upsert(
        session,
        PersonPrefs,
        {"team_id": team_id, "user_id": user_id},
        {**values, "updated_at": now},
        defaults={"stopped_kinds": "", "digest_off": False},
    )


def save_workspace_settings(session: Session, team_id: str, **values: object) -> None:
    upsert(session, WorkspaceSettings, {"team_id": team_id}, values)


def mark_view_processed(connection: Connection, values: Mapping[str, Any]) -> bool:
    """Record a view submission as processed; False when it already is (or a concurrent
    transaction is recording it, which PostgreSQL waits for and SQLite's write lock
    serialises). On the connection, since it runs as a transaction begins."""
    statement = (
        dialect_insert(connection.dialect.name)(ProcessedView)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["view_id", "hash"])
        .returning(ProcessedView.id)
    )
    return connection.execute(statement).first() is not None


def unmark_view_processed(session: Session, view_id: str, view_hash: str) -> None:
    session.execute(
        delete(ProcessedView).where(
            ProcessedView.view_id == view_id, ProcessedView.hash == view_hash
        )
    )


def forget_processed_views(session: Session, before: datetime) -> int:
    return session.execute(
        delete(ProcessedView).where(ProcessedView.processed_at < before)
    ).rowcount
