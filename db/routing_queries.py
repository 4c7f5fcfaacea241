"""The reads and writes routing needs. Each function is one query (or one statement), whatever
the number of candidates, so ranking a request costs a fixed number of round trips."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    any_,
    bindparam,
    case,
    cast,
    func,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from bot.domain.requests import RequestStatus
from bot.domain.responses import OfferStatus, SuggestionStatus
from db.models import (
    HelperProfile,
    HelperSkill,
    HelperTopic,
    HelpRequest,
    Offer,
    RequestTerm,
    SlackUser,
    Suggestion,
    TermStat,
    Topic,
)
from db.queries import insert_for

_LIVE_OFFERS = (OfferStatus.OFFERED, OfferStatus.ACCEPTED)
# term_stats row counting every indexed request, so the corpus size comes back with the terms.
CORPUS = ""


def among(session: Session, column: Any, values: Sequence[str]) -> ColumnElement[bool]:
    """`column IN values`, sent to PostgreSQL as one array parameter: a candidate pool is a
    hundred or more ids, and binding each as its own parameter costs PostgreSQL a few ms a query
    (and can tip its planner into a sequential scan)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(String)))
    return column.in_(values)


def topics(session: Session, team_id: str) -> list[Topic]:
    return list(session.scalars(select(Topic).where(Topic.team_id == team_id).order_by(Topic.id)))


def record_terms(session: Session, team_id: str, request_id: int, terms: Sequence[str]) -> None:
    """Index a request's terms and count them per workspace, for later similarity lookups."""
    if not terms:
        return
    session.execute(
        insert_for(session)(RequestTerm)
        .values([{"request_id": request_id, "term": t, "team_id": team_id} for t in terms])
        .on_conflict_do_nothing()
    )
    statement = insert_for(session)(TermStat).values(
        [{"team_id": team_id, "term": t, "requests": 1} for t in (CORPUS, *terms)]
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["team_id", "term"],
            set_={"requests": TermStat.requests + 1},
        )
    )


def term_frequencies(
    session: Session, team_id: str, terms: Sequence[str]
) -> tuple[int, dict[str, int]]:
    """How many requests are indexed, and how many of them use each term."""
    rows = session.execute(
        select(TermStat.term, TermStat.requests).where(
            TermStat.team_id == team_id, TermStat.term.in_([CORPUS, *terms])
        )
    )
    counts = {term: count for term, count in rows}
    return counts.pop(CORPUS, 0), counts


@dataclass(frozen=True)
class History:
    similar_helped: int  # past requests sharing enough terms that this person offered on
    best_shared: int  # the most terms any one of them shared with this request


def helper_history(
    session: Session,
    team_id: str,
    terms: Sequence[str],
    min_shared: int,
    limit: int,
) -> dict[str, History]:
    """Who offered help on requests similar to these terms: sharing at least `min_shared` of
    them. Callers pass only telling (rare enough) terms, which bounds the rows read."""
    if not terms:
        return {}
    similar = (
        select(RequestTerm.request_id, func.count().label("shared"))
        .where(RequestTerm.team_id == team_id, RequestTerm.term.in_(terms))
        .group_by(RequestTerm.request_id)
        .having(func.count() >= min_shared)
        .subquery()
    )
    helped = func.count().label("helped")
    rows = session.execute(
        select(Offer.helper_id, helped, func.max(similar.c.shared))
        .join(similar, similar.c.request_id == Offer.request_id)
        .where(Offer.status.in_(_LIVE_OFFERS))
        .group_by(Offer.helper_id)
        .order_by(helped.desc(), Offer.helper_id)
        .limit(limit)
    )
    return {user: History(count, shared) for user, count, shared in rows}


def topic_helpers(session: Session, team_id: str, topic_id: int, limit: int) -> list[str]:
    """People glad to help with a topic, those suggested longest ago (or never) first, so a
    popular topic's many helpers take turns."""
    never_first = case((HelperProfile.last_suggested_at.is_(None), 0), else_=1)
    return list(
        session.scalars(
            select(HelperTopic.user_id)
            .join(
                HelperProfile,
                (HelperProfile.team_id == HelperTopic.team_id)
                & (HelperProfile.user_id == HelperTopic.user_id),
            )
            .where(
                HelperTopic.team_id == team_id,
                HelperTopic.topic_id == topic_id,
                HelperProfile.paused.is_(False),
            )
            .order_by(never_first, HelperProfile.last_suggested_at, HelperTopic.user_id)
            .limit(limit)
        )
    )


def skill_helpers(session: Session, team_id: str, keys: Iterable[str], limit: int) -> list[str]:
    """People with a skill whose stem is one of `keys` (see bot.domain.routing.lookup_keys)."""
    keys = list(keys)
    if not keys:
        return []
    return list(
        session.scalars(
            select(HelperSkill.user_id)
            .where(HelperSkill.team_id == team_id, HelperSkill.stem.in_(keys))
            .group_by(HelperSkill.user_id)
            .order_by(func.count().desc(), HelperSkill.user_id)
            .limit(limit)
        )
    )


def profiles(session: Session, team_id: str, user_ids: Sequence[str]) -> dict[str, HelperProfile]:
    rows = session.scalars(
        select(HelperProfile).where(
            HelperProfile.team_id == team_id, among(session, HelperProfile.user_id, user_ids)
        )
    )
    return {row.user_id: row for row in rows}


def interests(
    session: Session, team_id: str, user_ids: Sequence[str]
) -> tuple[dict[str, set[int]], dict[str, set[str]]]:
    """Each person's topics and skills, in one round trip (UNION ALL): per-query overhead, not
    rows, is what a ranking's reads cost on PostgreSQL."""
    topic_rows = select(
        HelperTopic.user_id, literal("topic"), cast(HelperTopic.topic_id, String)
    ).where(HelperTopic.team_id == team_id, among(session, HelperTopic.user_id, user_ids))
    skill_rows = select(HelperSkill.user_id, literal("skill"), HelperSkill.skill).where(
        HelperSkill.team_id == team_id, among(session, HelperSkill.user_id, user_ids)
    )
    topics: dict[str, set[int]] = {}
    skills: dict[str, set[str]] = {}
    for user, kind, value in session.execute(union_all(topic_rows, skill_rows)):
        if kind == "topic":
            topics.setdefault(user, set()).add(int(value))
        else:
            skills.setdefault(user, set()).add(value)
    return topics, skills


def slack_users(session: Session, team_id: str, user_ids: Sequence[str]) -> dict[str, SlackUser]:
    rows = session.scalars(
        select(SlackUser).where(
            SlackUser.team_id == team_id, among(session, SlackUser.user_id, user_ids)
        )
    )
    return {row.user_id: row for row in rows}


@dataclass(frozen=True)
class Workload:
    open_offers: int  # offers made since `offers_since`, still in play, on open requests
    asked_this_week: int  # direct asks since `week_start`
    suggested_recently: int  # suggestions since `spread_start`


def workload(
    session: Session,
    team_id: str,
    user_ids: Sequence[str],
    *,
    offers_since: datetime,
    week_start: datetime,
    spread_start: datetime,
) -> dict[str, Workload]:
    """What each person has on their plate, in one round trip (UNION ALL). Offers older than
    `offers_since` are done with in practice (nothing closes a request yet), and leaving them
    out keeps the rows read per person small (ix_offers_helper ends in created_at)."""
    offer_rows = (
        select(Offer.helper_id, func.count(), literal(0), literal(0))
        .join(HelpRequest, HelpRequest.id == Offer.request_id)
        .where(
            Offer.team_id == team_id,
            among(session, Offer.helper_id, user_ids),
            Offer.created_at >= offers_since,
            Offer.status.in_(_LIVE_OFFERS),
            HelpRequest.status == RequestStatus.OPEN,
        )
        .group_by(Offer.helper_id)
    )
    asked = func.sum(
        case(
            ((Suggestion.asked_at.is_not(None)) & (Suggestion.asked_at >= week_start), 1),
            else_=0,
        )
    )
    suggestion_rows = (
        select(Suggestion.user_id, literal(0), asked, func.count())
        .where(
            Suggestion.team_id == team_id,
            among(session, Suggestion.user_id, user_ids),
            Suggestion.created_at >= min(week_start, spread_start),
        )
        .group_by(Suggestion.user_id)
    )
    totals: dict[str, list[int]] = {}
    for user, offers, asked_count, suggested in session.execute(
        union_all(offer_rows, suggestion_rows)
    ):
        entry = totals.setdefault(user, [0, 0, 0])
        entry[0] += int(offers or 0)
        entry[1] += int(asked_count or 0)
        entry[2] += int(suggested or 0)
    return {user: Workload(*entry) for user, entry in totals.items()}


def suggestions_for(session: Session, request_id: int) -> list[Suggestion]:
    return list(
        session.scalars(
            select(Suggestion).where(Suggestion.request_id == request_id).order_by(Suggestion.rank)
        )
    )


def mark_suggested(session: Session, team_id: str, user_ids: Sequence[str], now: datetime) -> None:
    session.execute(
        HelperProfile.__table__.update()
        .where(HelperProfile.team_id == team_id, among(session, HelperProfile.user_id, user_ids))
        .values(last_suggested_at=now)
    )


def claim_suggestion(session: Session, suggestion_id: int, now: datetime) -> bool:
    """Mark a suggestion as asked, unless something else already did."""
    result = session.execute(
        update(Suggestion)
        .where(Suggestion.id == suggestion_id, Suggestion.status == SuggestionStatus.SUGGESTED)
        .values(status=SuggestionStatus.ASKED, asked_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def set_suggestion_status(
    session: Session, suggestion_id: int, status: SuggestionStatus, now: datetime
) -> None:
    session.execute(
        update(Suggestion)
        .where(Suggestion.id == suggestion_id)
        .values(status=status, responded_at=now)
        .execution_options(synchronize_session=False)
    )


def answer_suggestion(
    session: Session,
    request_id: int,
    user_id: str,
    status: SuggestionStatus,
    now: datetime,
    only_from: Sequence[SuggestionStatus],
) -> bool:
    """Record a helper's answer on their suggestion, if it is still in one of `only_from`."""
    result = session.execute(
        update(Suggestion)
        .where(
            Suggestion.request_id == request_id,
            Suggestion.user_id == user_id,
            Suggestion.status.in_(only_from),
        )
        .values(status=status, responded_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def due_for_widening(session: Session, now: datetime, limit: int) -> list[int]:
    """Open requests past their widening time, not yet widened, that nobody has offered on."""
    offered = (
        select(Offer.id)
        .where(Offer.request_id == HelpRequest.id, Offer.status.in_(_LIVE_OFFERS))
        .exists()
    )
    return list(
        session.scalars(
            select(HelpRequest.id)
            .where(
                HelpRequest.widen_at <= now,
                HelpRequest.widened_at.is_(None),
                HelpRequest.status == RequestStatus.OPEN,
                HelpRequest.recipient_id.is_(None),
                ~offered,
            )
            .order_by(HelpRequest.widen_at)
            .limit(limit)
        )
    )


def claim_widening(session: Session, request_id: int, now: datetime) -> bool:
    result = session.execute(
        update(HelpRequest)
        .where(HelpRequest.id == request_id, HelpRequest.widened_at.is_(None))
        .values(widened_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def add_offer(session: Session, values: dict[str, object]) -> bool:
    """Record an offer; False when this helper already offered on this request. RETURNING says
    whether a row went in: rowcount is not reliable for INSERT on every driver (psycopg: -1)."""
    inserted = session.scalar(
        insert_for(session)(Offer)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["request_id", "helper_id"])
        .returning(Offer.id)
    )
    return inserted is not None
