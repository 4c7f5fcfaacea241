"""Reads for planning nudges and digests: a fixed number of queries per workspace, whatever its
size, each returning plain rows for the whole workspace (never one query per person)."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Row,
    String,
    and_,
    case,
    cast,
    distinct,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from bot.domain.offers import OfferStatus
from bot.domain.requests import Delivery, RequestStatus
from db.models import (
    HelperProfile,
    HelperSkill,
    HelperTopic,
    HelpRequest,
    Offer,
    OutboxMessage,
    PersonPrefs,
    SlackUser,
    Thanks,
)
from db.queries import LIVE_OFFERS


def teams(session: Session) -> list[str]:
    """Workspaces the app knows people in."""
    return list(session.scalars(select(SlackUser.team_id).distinct()))


def people(session: Session, team_id: str) -> Sequence[Row[Any]]:
    """Everyone cached, with what nudges need to know of them (bots and deactivated included:
    the planning leaves them out, and says why)."""
    return session.execute(
        select(
            SlackUser.user_id,
            SlackUser.tz,
            SlackUser.tz_offset,
            SlackUser.is_bot,
            SlackUser.is_deleted,
        ).where(SlackUser.team_id == team_id)
    ).all()


def asking(
    session: Session, team_id: str, recent_since: datetime
) -> dict[str, tuple[datetime, int]]:
    """Per asker: their latest request, and how many since `recent_since`."""
    rows = session.execute(
        select(
            HelpRequest.asker_id,
            func.max(HelpRequest.created_at),
            func.sum(case((HelpRequest.created_at >= recent_since, 1), else_=0)),
        )
        .where(HelpRequest.team_id == team_id, HelpRequest.status != RequestStatus.DRAFT)
        .group_by(HelpRequest.asker_id)
    )
    return {asker: (latest, int(recent or 0)) for asker, latest, recent in rows}


def helping(session: Session, team_id: str, since: datetime) -> dict[str, int]:
    """Per person: requests they helped with since `since` (an accepted offer, or thanks)."""
    accepted = select(Offer.helper_id.label("user_id"), Offer.request_id).where(
        Offer.team_id == team_id,
        Offer.status == OfferStatus.ACCEPTED,
        Offer.accepted_at >= since,
    )
    thanked = select(Thanks.to_id.label("user_id"), Thanks.request_id).where(
        Thanks.team_id == team_id, Thanks.created_at >= since
    )
    both = union_all(accepted, thanked).subquery()
    rows = session.execute(
        select(both.c.user_id, func.count(distinct(both.c.request_id))).group_by(both.c.user_id)
    )
    return {user: int(count) for user, count in rows}


def prefs(session: Session, team_id: str) -> dict[str, PersonPrefs]:
    return {
        row.user_id: row
        for row in session.scalars(select(PersonPrefs).where(PersonPrefs.team_id == team_id))
    }


def nudge_history(
    session: Session, team_id: str, kinds: Sequence[str], since: datetime, week_start: datetime
) -> Sequence[Row[Any]]:
    """Per person and kind: the latest nudge since `since`, and how many since `week_start`."""
    return session.execute(
        select(
            OutboxMessage.target,
            OutboxMessage.kind,
            func.max(OutboxMessage.created_at),
            func.sum(case((OutboxMessage.created_at >= week_start, 1), else_=0)),
        )
        .where(
            OutboxMessage.team_id == team_id,
            OutboxMessage.kind.in_(list(kinds)),
            OutboxMessage.created_at >= since,
        )
        .group_by(OutboxMessage.target, OutboxMessage.kind)
    ).all()


def interests(session: Session, team_id: str) -> Sequence[Row[Any]]:
    """(user, 'skill', stem) and (user, 'topic', id) rows, in one round trip."""
    skills = select(HelperSkill.user_id, literal("skill"), HelperSkill.stem).where(
        HelperSkill.team_id == team_id
    )
    topics = select(
        HelperTopic.user_id, literal("topic"), cast(HelperTopic.topic_id, String(64))
    ).where(HelperTopic.team_id == team_id)
    return session.execute(union_all(skills, topics)).all()


def unavailable(session: Session, team_id: str) -> set[str]:
    """People who said "don't suggest me for now"."""
    return set(
        session.scalars(
            select(HelperProfile.user_id).where(
                HelperProfile.team_id == team_id, HelperProfile.paused.is_(True)
            )
        )
    )


def open_requests(session: Session, team_id: str, posted_since: datetime) -> Sequence[Row[Any]]:
    """Open, posted requests since `posted_since`, with how many live offers each has."""
    offers = (
        select(func.count())
        .where(Offer.request_id == HelpRequest.id, Offer.status.in_(LIVE_OFFERS))
        .scalar_subquery()
    )
    accepted = (
        select(func.count())
        .where(Offer.request_id == HelpRequest.id, Offer.status == OfferStatus.ACCEPTED)
        .scalar_subquery()
    )
    return session.execute(
        select(
            HelpRequest.id,
            HelpRequest.asker_id,
            HelpRequest.what,
            HelpRequest.topic_id,
            HelpRequest.needed_by,
            HelpRequest.posted_at,
            HelpRequest.posted_channel,
            offers.label("offers"),
            accepted.label("accepted"),
        )
        .where(
            HelpRequest.team_id == team_id,
            HelpRequest.status == RequestStatus.OPEN,
            HelpRequest.delivery == Delivery.POSTED,
            HelpRequest.recipient_id.is_(None),
            HelpRequest.posted_at >= posted_since,
        )
        .order_by(HelpRequest.posted_at)
    ).all()


def first_offers(session: Session, team_id: str, since: datetime) -> Sequence[Row[Any]]:
    """Each request posted since `since`, with when its first offer came (None: none yet)."""
    first = (
        select(func.min(Offer.created_at)).where(Offer.request_id == HelpRequest.id)
    ).scalar_subquery()
    return session.execute(
        select(HelpRequest.posted_at, first.label("first_offer")).where(
            HelpRequest.team_id == team_id,
            HelpRequest.posted_at >= since,
            HelpRequest.status != RequestStatus.DRAFT,
        )
    ).all()


def channel_weeks(session: Session, team_id: str, since: datetime) -> Sequence[Row[Any]]:
    """Per channel with activity since `since`: requests asked, offers made, requests resolved.
    Three kinds of row added up in one round trip."""
    in_channel = and_(HelpRequest.team_id == team_id, HelpRequest.recipient_id.is_(None))
    resolved = and_(HelpRequest.status == RequestStatus.RESOLVED, HelpRequest.resolved_at >= since)
    rows = union_all(
        select(
            HelpRequest.posted_channel.label("channel"),
            literal(1).label("asked"),
            literal(0).label("offered"),
            case((resolved, 1), else_=0).label("resolved"),
        ).where(in_channel, HelpRequest.posted_at >= since),
        select(HelpRequest.posted_channel, literal(0), literal(0), literal(1)).where(
            in_channel, resolved, HelpRequest.posted_at < since
        ),
        select(HelpRequest.posted_channel, literal(0), literal(1), literal(0))
        .join(Offer, Offer.request_id == HelpRequest.id)
        .where(in_channel, Offer.created_at >= since),
    ).subquery()
    return session.execute(
        select(
            rows.c.channel,
            func.sum(rows.c.asked),
            func.sum(rows.c.offered),
            func.sum(rows.c.resolved),
        )
        .where(rows.c.channel.is_not(None))
        .group_by(rows.c.channel)
    ).all()


def thanks_since(session: Session, team_id: str, since: datetime) -> Sequence[Row[Any]]:
    """Thanks given since `since`: (channel, to, from or None when the asker was anonymous,
    note, request id)."""
    return session.execute(
        select(
            HelpRequest.posted_channel,
            Thanks.to_id,
            case((HelpRequest.anonymous.is_(True), None), else_=Thanks.from_id),
            Thanks.note,
            Thanks.request_id,
        )
        .join(HelpRequest, HelpRequest.id == Thanks.request_id)
        .where(Thanks.team_id == team_id, Thanks.created_at >= since)
        .order_by(Thanks.created_at)
    ).all()


def asked_since(session: Session, team_id: str, since: datetime) -> Sequence[Row[Any]]:
    """Requests made, or closed, since `since`: (asker, id, what, status)."""
    return session.execute(
        select(HelpRequest.asker_id, HelpRequest.id, HelpRequest.what, HelpRequest.status)
        .where(
            HelpRequest.team_id == team_id,
            HelpRequest.status != RequestStatus.DRAFT,
            or_(HelpRequest.created_at >= since, HelpRequest.updated_at >= since),
        )
        .order_by(HelpRequest.created_at)
    ).all()


def helped_since(session: Session, team_id: str, since: datetime) -> Sequence[Row[Any]]:
    """Accepted offers since `since`: (helper, request id, what)."""
    return session.execute(
        select(Offer.helper_id, HelpRequest.id, HelpRequest.what)
        .join(HelpRequest, HelpRequest.id == Offer.request_id)
        .where(
            Offer.team_id == team_id,
            Offer.status == OfferStatus.ACCEPTED,
            Offer.accepted_at >= since,
        )
        .order_by(Offer.accepted_at)
    ).all()
