"""Queries for what happens after a request is out: offers, acceptance, thanks, follow-ups and the
request's event log. Every state change is one conditional UPDATE or an insert that ignores a
duplicate, so retries, double clicks and concurrent clicks change state exactly once."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.offers import DeclineReason, EventKind, OfferStatus, SuggestionStatus
from bot.domain.requests import Delivery, RequestStatus
from db.models import HelpRequest, Offer, RequestEvent, Suggestion, Thanks
from db.queries import insert_ignoring_duplicates, update_one
from db.routing_queries import answer_suggestion


def record_event(
    session: Session,
    request: HelpRequest,
    kind: EventKind,
    at: datetime,
    *,
    actor_id: str | None = None,
    subject_id: str | None = None,
    detail: str | None = None,
) -> None:
    session.add(
        RequestEvent(
            request_id=request.id,
            team_id=request.team_id,
            kind=kind,
            actor_id=actor_id,
            subject_id=subject_id,
            detail=detail,
            created_at=at,
        )
    )


def request_at(session: Session, channel: str, ts: str) -> HelpRequest | None:
    """The request posted as this message, if any."""
    return session.scalars(
        select(HelpRequest).where(
            HelpRequest.posted_channel == channel, HelpRequest.posted_ts == ts
        )
    ).first()


def posting_in(session: Session, team_id: str, channel: str) -> Sequence[HelpRequest]:
    """The requests being posted in `channel` whose place Slack has not yet said: a reaction on
    a message there may be on one of those posts."""
    return session.scalars(
        select(HelpRequest)
        .where(
            HelpRequest.team_id == team_id,
            HelpRequest.destination_channel == channel,
            HelpRequest.delivery == Delivery.POSTING,
            HelpRequest.posted_ts.is_(None),
        )
        .order_by(HelpRequest.id)
        .limit(10)
    ).all()


def bump(session: Session, request_id: int, now: datetime) -> None:
    """Count a change the posted message shows. On PostgreSQL the UPDATE also locks the request's
    row until commit, so changes to one request are applied one after another."""
    update_one(
        session,
        HelpRequest,
        HelpRequest.id == request_id,
        revision=HelpRequest.revision + 1,
        updated_at=now,
    )


def bump_if_open(session: Session, request_id: int, now: datetime) -> bool:
    """Count a change, only while the request is open. Done before changing an offer: on
    PostgreSQL the UPDATE waits for a concurrent resolve (or withdrawal) to commit and then sees
    its status, so an offer or an acceptance never lands on a request that just closed."""
    return update_one(
        session,
        HelpRequest,
        HelpRequest.id == request_id,
        HelpRequest.status == RequestStatus.OPEN,
        revision=HelpRequest.revision + 1,
        updated_at=now,
    )


def move_request(
    session: Session,
    request_id: int,
    *,
    from_status: Iterable[RequestStatus],
    to_status: RequestStatus,
    now: datetime,
    asker_id: str | None = None,
    **values: Any,
) -> bool:
    """Change a request's status if it is still in one of `from_status` (and, when given, asked
    by `asker_id`); False when another change got there first."""
    conditions = [HelpRequest.id == request_id, HelpRequest.status.in_(list(from_status))]
    if asker_id is not None:
        conditions.append(HelpRequest.asker_id == asker_id)
    return update_one(
        session,
        HelpRequest,
        *conditions,
        status=to_status,
        revision=HelpRequest.revision + 1,
        updated_at=now,
        **values,
    )


def offers_of(session: Session, request_id: int) -> list[Offer]:
    return list(
        session.scalars(
            select(Offer).where(Offer.request_id == request_id).order_by(Offer.created_at, Offer.id)
        )
    )


def offer_tally(session: Session, request_id: int) -> list[tuple[str, OfferStatus]]:
    """Each offer's helper and status, oldest first: what the posted message counts."""
    rows = session.execute(
        select(Offer.helper_id, Offer.status)
        .where(Offer.request_id == request_id)
        .order_by(Offer.created_at, Offer.id)
    )
    return [(helper_id, status) for helper_id, status in rows]


def insert_offer(session: Session, values: dict[str, Any]) -> int | None:
    """Record an offer and return its id; None when this helper already offered on this request.
    RETURNING says whether a row went in: rowcount is not reliable for INSERT on every driver."""
    return session.scalar(
        insert_ignoring_duplicates(session, Offer, ["request_id", "helper_id"])
        .values(**values)
        .returning(Offer.id)
    )


def offer_by(session: Session, request_id: int, helper_id: str) -> Offer | None:
    return session.scalars(
        select(Offer).where(Offer.request_id == request_id, Offer.helper_id == helper_id)
    ).first()


def move_offer(
    session: Session,
    offer_id: int,
    *,
    from_status: Iterable[OfferStatus],
    to_status: OfferStatus,
    now: datetime,
    helper_id: str | None = None,
    **values: Any,
) -> bool:
    conditions = [Offer.id == offer_id, Offer.status.in_(list(from_status))]
    if helper_id is not None:
        conditions.append(Offer.helper_id == helper_id)
    return update_one(session, Offer, *conditions, status=to_status, updated_at=now, **values)


def set_offer(session: Session, offer_id: int, **values: Any) -> None:
    update_one(session, Offer, Offer.id == offer_id, **values)


def add_thanks(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.execute(
            insert_ignoring_duplicates(session, Thanks, ["request_id", "to_id"]).values(list(rows))
        )


def thanks_for(session: Session, request_id: int) -> list[Thanks]:
    return list(
        session.scalars(select(Thanks).where(Thanks.request_id == request_id).order_by(Thanks.id))
    )


def due_for_follow_up(session: Session, now: datetime, limit: int) -> list[tuple[int, str, str]]:
    """Open requests whose needed-by has passed and whose asker has not been asked about it:
    (id, asker, team)."""
    return list(
        session.execute(
            select(HelpRequest.id, HelpRequest.asker_id, HelpRequest.team_id)
            .where(
                HelpRequest.status == RequestStatus.OPEN,
                HelpRequest.needed_by <= now,
                HelpRequest.followed_up_at.is_(None),
            )
            .order_by(HelpRequest.needed_by)
            .limit(limit)
        )
    )


def claim_follow_up(session: Session, request_id: int, now: datetime) -> bool:
    return update_one(
        session,
        HelpRequest,
        HelpRequest.id == request_id,
        HelpRequest.status == RequestStatus.OPEN,
        HelpRequest.followed_up_at.is_(None),
        followed_up_at=now,
    )


def unanswered_follow_ups(session: Session, asked_before: datetime, limit: int) -> list[int]:
    """Open requests whose asker was asked how it went before `asked_before`, and never said."""
    return list(
        session.scalars(
            select(HelpRequest.id)
            .where(
                HelpRequest.status == RequestStatus.OPEN,
                HelpRequest.followed_up_at <= asked_before,
            )
            .order_by(HelpRequest.followed_up_at)
            .limit(limit)
        )
    )


def decline_reasons(session: Session, request_id: int) -> list[DeclineReason]:
    return list(
        session.scalars(
            select(Suggestion.decline_reason)
            .where(
                Suggestion.request_id == request_id,
                Suggestion.status == SuggestionStatus.DECLINED,
                Suggestion.decline_reason.is_not(None),
            )
            .order_by(Suggestion.responded_at, Suggestion.id)
        )
    )


def set_feedback_message(
    session: Session, request_id: int, channel: str | None, ts: str | None
) -> None:
    update_one(
        session, HelpRequest, HelpRequest.id == request_id, feedback_channel=channel, feedback_ts=ts
    )


def decline_suggestion(
    session: Session,
    request_id: int,
    user_id: str,
    reason: DeclineReason,
    note: str | None,
    now: datetime,
) -> bool:
    """A helper asked directly passes, with their reason; once."""
    return answer_suggestion(
        session,
        request_id,
        user_id,
        SuggestionStatus.DECLINED,
        now,
        only_from=(SuggestionStatus.ASKED,),
        decline_reason=reason,
        decline_note=note,
    )


def recent_offers(
    session: Session, team_id: str, helper_id: str, limit: int
) -> list[tuple[Offer, HelpRequest]]:
    """Someone's latest offers, with the requests they were for."""
    rows = session.execute(
        select(Offer, HelpRequest)
        .join(HelpRequest, HelpRequest.id == Offer.request_id)
        .where(Offer.team_id == team_id, Offer.helper_id == helper_id)
        .order_by(Offer.created_at.desc(), Offer.id.desc())
        .limit(limit)
    )
    return [(offer, request) for offer, request in rows]


def balance(session: Session, team_id: str, user_id: str) -> tuple[int, int, int]:
    """How often someone asked, how many requests they helped with (an accepted offer, or
    thanks), and how many thanks they received: one round trip of three counts."""
    asked = (
        select(func.count())
        .select_from(HelpRequest)
        .where(
            HelpRequest.team_id == team_id,
            HelpRequest.asker_id == user_id,
            HelpRequest.status != RequestStatus.DRAFT,
        )
        .scalar_subquery()
    )
    helped_requests = (
        select(Offer.request_id)
        .where(
            Offer.team_id == team_id,
            Offer.helper_id == user_id,
            Offer.status == OfferStatus.ACCEPTED,
        )
        .union(select(Thanks.request_id).where(Thanks.team_id == team_id, Thanks.to_id == user_id))
        .subquery()
    )
    helped = select(func.count()).select_from(helped_requests).scalar_subquery()
    thanked = (
        select(func.count())
        .select_from(Thanks)
        .where(Thanks.team_id == team_id, Thanks.to_id == user_id)
        .scalar_subquery()
    )
    row = session.execute(select(asked, helped, thanked)).one()
    return int(row[0]), int(row[1]), int(row[2])


def offer_round(session: Session, request_id: int, helper_id: str) -> int:
    """How many times this helper has offered on this request: offering again after withdrawing
    starts a new round, told to the asker afresh."""
    return (
        session.scalar(
            select(func.count())
            .select_from(RequestEvent)
            .where(
                RequestEvent.request_id == request_id,
                RequestEvent.kind == EventKind.OFFERED,
                RequestEvent.actor_id == helper_id,
            )
        )
        or 0
    )
