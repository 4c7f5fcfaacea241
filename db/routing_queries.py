"""The reads and writes routing needs. Each function is one query (or one statement), whatever
the number of candidates, so ranking a request costs a fixed number of round trips."""

import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    String,
    and_,
    any_,
    bindparam,
    case,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable, operators
from sqlalchemy.sql.expression import TableValuedAlias, UnaryExpression

from bot.domain.offers import SuggestionStatus
from bot.domain.requests import RequestStatus
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
from db.queries import LIVE_OFFERS, dialect_insert, update_one

# term_stats row counting every indexed request, so the corpus size comes back with the terms.
CORPUS = ""

# The reads that rank a request are built once per database dialect and shape, with bound
# parameters for what changes per call: building a SELECT and computing its cache key each time
# cost about as much Python as running the query on SQLite. A bound list (`_listed`) is one
# parameter whatever its length.


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _listed(dialect: str, column: Any, name: str) -> ColumnElement[bool]:
    """`column IN :name`, the list bound as one parameter: a candidate pool is a hundred or more
    ids, and binding each as its own parameter costs PostgreSQL a few ms a query (and can tip its
    planner into a sequential scan), and SQLAlchemy a couple of microseconds per value to expand.
    PostgreSQL gets an array; SQLite a JSON array read by json_each (built in since SQLite 3.38),
    which its planner still turns into one index seek per value. Bind it with `_list_value`."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(String)))
    if dialect == "sqlite":
        listed = func.json_each(bindparam(name, type_=String)).table_valued("value")
        return column.in_(select(listed.c.value).scalar_subquery())
    return column.in_(bindparam(name, expanding=True))


def _list_value(dialect: str, values: Iterable[str]) -> object:
    return json.dumps(list(values)) if dialect == "sqlite" else list(values)


def among(session: Session, column: Any, values: Sequence[str]) -> ColumnElement[bool]:
    """`column IN values` for a statement built per call; on PostgreSQL as one array."""
    if _dialect(session) == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(String)))
    return column.in_(values)


def _unindexed(dialect: str, column: Any) -> ColumnElement[Any]:
    """`+column` on SQLite: its documented way to keep a term from being served by an index.
    Grouping by a plain column lets SQLite's planner read a whole table in primary-key order to
    skip a sort, instead of seeking the few rows the WHERE clause wants. PostgreSQL has no unary
    plus for text, and needs no such help."""
    if dialect == "sqlite":
        return UnaryExpression(column, operator=operators.custom_op("+"))
    return column


class TopicRow(NamedTuple):
    id: int
    name: str
    keywords: str  # comma-separated, as stored
    channel_id: str


_TOPICS = (
    select(Topic.id, Topic.name, Topic.keywords, Topic.channel_id)
    .where(Topic.team_id == bindparam("team_id"))
    .order_by(Topic.id)
)


def topics(session: Session, team_id: str) -> list[TopicRow]:
    """The workspace's topics as plain rows: routing only reads them, and building ORM objects
    for every topic on every ranking cost more than the query."""
    return [TopicRow(*row) for row in session.execute(_TOPICS, {"team_id": team_id}).all()]


@functools.cache
def _term_inserts(dialect: str) -> tuple[Executable, Executable]:
    """Index a request's terms, and count them: one row per term, sent as an executemany of a
    statement built once. A multi-row VALUES, built per call, was compiled afresh every time
    (about 2 ms on the submission's listener thread)."""
    insert = dialect_insert(dialect)
    postings = insert(RequestTerm.__table__).on_conflict_do_nothing()
    counted = insert(TermStat.__table__)
    counted = counted.on_conflict_do_update(
        index_elements=["team_id", "term"], set_={"requests": counted.table.c.requests + 1}
    )
    return postings, counted


def record_terms(session: Session, team_id: str, request_id: int, terms: Sequence[str]) -> None:
    """Index a request's terms and count them per workspace, for later similarity lookups."""
    distinct = list(dict.fromkeys(terms))
    if not distinct:
        return
    postings, counted = _term_inserts(_dialect(session))
    session.execute(
        postings, [{"request_id": request_id, "term": t, "team_id": team_id} for t in distinct]
    )
    session.execute(
        counted, [{"team_id": team_id, "term": t, "requests": 1} for t in (CORPUS, *distinct)]
    )


@functools.cache
def _term_frequencies(dialect: str) -> Select[tuple[str, int]]:
    return select(TermStat.term, TermStat.requests).where(
        TermStat.team_id == bindparam("team_id"), _listed(dialect, TermStat.term, "terms")
    )


def term_frequencies(
    session: Session, team_id: str, terms: Sequence[str]
) -> tuple[int, dict[str, int]]:
    """How many requests are indexed, and how many of them use each term."""
    dialect = _dialect(session)
    rows = session.execute(
        _term_frequencies(dialect),
        {"team_id": team_id, "terms": _list_value(dialect, [CORPUS, *terms])},
    ).all()
    counts = {term: count for term, count in rows}
    return counts.pop(CORPUS, 0), counts


@dataclass(frozen=True)
class History:
    similar_helped: int  # past requests sharing enough terms that this person offered on
    best_shared: int  # the most terms any one of them shared with this request


@functools.lru_cache(maxsize=64)
def _helper_history(term_count: int, per_term: int, limit: int) -> Select[tuple[str, int, int]]:
    recent: list[Select[tuple[int]]] = []
    for n in range(term_count):
        latest = (
            select(RequestTerm.request_id)
            .where(
                RequestTerm.team_id == bindparam("team_id"),
                RequestTerm.term == bindparam(f"term_{n}"),
            )
            .order_by(RequestTerm.request_id.desc())
            .limit(per_term)
            .subquery()
        )
        # Wrapped: SQLite allows no ORDER BY or LIMIT on a bare member of a UNION ALL.
        recent.append(select(latest.c.request_id))
    postings = (recent[0] if term_count == 1 else union_all(*recent)).subquery()
    similar = (
        select(postings.c.request_id, func.count().label("shared"))
        .group_by(postings.c.request_id)
        .having(func.count() >= bindparam("min_shared"))
        .subquery()
    )
    helped = func.count().label("helped")
    return (
        select(Offer.helper_id, helped, func.max(similar.c.shared))
        .join(similar, similar.c.request_id == Offer.request_id)
        .where(Offer.status.in_(LIVE_OFFERS))
        .group_by(Offer.helper_id)
        .order_by(helped.desc(), Offer.helper_id)
        .limit(limit)
    )


def helper_history(
    session: Session,
    team_id: str,
    terms: Sequence[str],
    min_shared: int,
    limit: int,
    per_term: int,
) -> dict[str, History]:
    """Who offered help on requests similar to these terms: sharing at least `min_shared` of
    them. Callers pass only telling (rare enough) terms; of each, only the `per_term` most recent
    requests using it are read (ix_request_terms_term ends in request_id, so that is a short
    backward index scan), which bounds the rows and offers read whatever the workspace's size."""
    distinct = list(dict.fromkeys(terms))
    if not distinct:
        return {}
    params: dict[str, object] = {"team_id": team_id, "min_shared": min_shared}
    params.update({f"term_{n}": term for n, term in enumerate(distinct)})
    rows = session.execute(_helper_history(len(distinct), per_term, limit), params).all()
    return {user: History(count, shared) for user, count, shared in rows}


@functools.lru_cache(maxsize=8)
def _topic_helpers(limit: int) -> Select[tuple[str]]:
    never_first = case((HelperProfile.last_suggested_at.is_(None), 0), else_=1)
    return (
        select(HelperTopic.user_id)
        .join(
            HelperProfile,
            (HelperProfile.team_id == HelperTopic.team_id)
            & (HelperProfile.user_id == HelperTopic.user_id),
        )
        .where(
            HelperTopic.team_id == bindparam("team_id"),
            HelperTopic.topic_id == bindparam("topic_id"),
            HelperProfile.paused.is_(False),
        )
        .order_by(never_first, HelperProfile.last_suggested_at, HelperTopic.user_id)
        .limit(limit)
    )


def topic_helpers(session: Session, team_id: str, topic_id: int, limit: int) -> list[str]:
    """People glad to help with a topic, those suggested longest ago (or never) first, so a
    popular topic's many helpers take turns."""
    rows = session.execute(_topic_helpers(limit), {"team_id": team_id, "topic_id": topic_id})
    return list(rows.scalars().all())


@functools.lru_cache(maxsize=8)
def _skill_helpers(dialect: str, limit: int) -> Select[tuple[str]]:
    return (
        select(HelperSkill.user_id)
        .where(
            HelperSkill.team_id == bindparam("team_id"), _listed(dialect, HelperSkill.stem, "keys")
        )
        # Without this, SQLite scans every skill of the workspace once a request has a dozen
        # keys (5-6 ms at 22,000 skills) rather than seek the few hundred that match.
        .group_by(_unindexed(dialect, HelperSkill.user_id))
        .order_by(func.count().desc(), HelperSkill.user_id)
        .limit(limit)
    )


def skill_helpers(session: Session, team_id: str, keys: Iterable[str], limit: int) -> list[str]:
    """People with a skill whose stem is one of `keys` (see bot.domain.routing.lookup_keys)."""
    keys = list(keys)
    if not keys:
        return []
    dialect = _dialect(session)
    rows = session.execute(
        _skill_helpers(dialect, limit), {"team_id": team_id, "keys": _list_value(dialect, keys)}
    )
    return list(rows.scalars().all())


class Person(NamedTuple):
    """What ranking needs to know of a person: from their cached Slack profile (None where the
    app has none) and their helper profile (None where they have not made one)."""

    tz: str | None
    tz_offset: int | None
    is_bot: bool
    is_deleted: bool
    weekly_capacity: int | None
    paused: bool


def _candidates(dialect: str) -> TableValuedAlias:
    """The bound list `:ids` as a one-column table (`value`), to drive a join from: one index
    seek per id into each joined table. With `= ANY(:ids)` instead, PostgreSQL could choose to
    scan a whole table testing every row against the whole list, and spent 1-2 ms planning each
    query, estimating the selectivity of every element."""
    if dialect == "postgresql":
        ids = func.unnest(bindparam("ids", type_=ARRAY(String)))
        return ids.table_valued("value", name="candidates").render_derived()
    return func.json_each(bindparam("ids", type_=String)).table_valued("value", name="candidates")


@functools.cache
def _people(dialect: str) -> Select[Any]:
    candidates = _candidates(dialect)
    team_id = bindparam("team_id")
    return (
        select(
            candidates.c.value,
            SlackUser.tz,
            SlackUser.tz_offset,
            SlackUser.is_bot,
            SlackUser.is_deleted,
            HelperProfile.weekly_capacity,
            HelperProfile.paused,
        )
        .select_from(candidates)
        .outerjoin(
            SlackUser,
            and_(SlackUser.team_id == team_id, SlackUser.user_id == candidates.c.value),
        )
        .outerjoin(
            HelperProfile,
            and_(HelperProfile.team_id == team_id, HelperProfile.user_id == candidates.c.value),
        )
    )


def people(session: Session, team_id: str, user_ids: Sequence[str]) -> dict[str, Person]:
    """Each person's Slack profile and helper profile, in one round trip; a person with neither
    is left out."""
    dialect = _dialect(session)
    rows = session.execute(
        _people(dialect), {"team_id": team_id, "ids": _list_value(dialect, user_ids)}
    ).all()
    return {
        user: Person(tz, offset, bool(bot), bool(deleted), capacity, bool(paused))
        for user, tz, offset, bot, deleted, capacity, paused in rows
        if offset is not None or capacity is not None
    }


@functools.lru_cache(maxsize=8)
def _interests(dialect: str, with_topic: bool) -> Select[Any] | CompoundSelect:
    team_id = bindparam("team_id")
    people = _candidates(dialect)
    skill_rows = (
        select(people.c.value, literal("skill"), HelperSkill.skill)
        .select_from(people)
        .join(
            HelperSkill,
            and_(HelperSkill.team_id == team_id, HelperSkill.user_id == people.c.value),
        )
    )
    if not with_topic:
        return skill_rows
    people = _candidates(dialect)
    topic_rows = (
        select(people.c.value, literal("topic"), literal(""))
        .select_from(people)
        .join(
            HelperTopic,
            and_(
                HelperTopic.team_id == team_id,
                HelperTopic.user_id == people.c.value,
                HelperTopic.topic_id == bindparam("topic_id"),
            ),
        )
    )
    return union_all(topic_rows, skill_rows)


def interests(
    session: Session, team_id: str, user_ids: Sequence[str], topic_id: int | None
) -> tuple[set[str], dict[str, set[str]]]:
    """Who of `user_ids` is glad to help with `topic_id`, and each one's skills, in one round
    trip (UNION ALL): per-query overhead, not rows, is what a ranking's reads cost on
    PostgreSQL. Only the request's topic is asked about: it is the only one ranking looks at,
    and a pool's other topics were half the rows read."""
    dialect = _dialect(session)
    params: dict[str, object] = {"team_id": team_id, "ids": _list_value(dialect, user_ids)}
    if topic_id is not None:
        params["topic_id"] = topic_id
    members: set[str] = set()
    skills: dict[str, set[str]] = {}
    for user, kind, value in session.execute(_interests(dialect, topic_id is not None), params):
        if kind == "topic":
            members.add(user)
        else:
            skills.setdefault(user, set()).add(value)
    return members, skills


@dataclass(frozen=True)
class Workload:
    open_offers: int  # offers made since `offers_since`, still in play, on open requests
    asked_this_week: int  # direct asks since `week_start`
    suggested_recently: int  # suggestions since `spread_start`


@functools.cache
def _workload(dialect: str) -> CompoundSelect:
    team_id = bindparam("team_id")
    helpers = _candidates(dialect)
    offer_rows = (
        select(helpers.c.value, func.count(), literal(0), literal(0))
        .select_from(helpers)
        .join(
            Offer,
            and_(
                Offer.team_id == team_id,
                Offer.helper_id == helpers.c.value,
                Offer.created_at >= bindparam("offers_since", type_=Offer.created_at.type),
                Offer.status.in_(LIVE_OFFERS),
            ),
        )
        .join(
            HelpRequest,
            and_(HelpRequest.id == Offer.request_id, HelpRequest.status == RequestStatus.OPEN),
        )
        .group_by(helpers.c.value)
    )
    week_start = bindparam("week_start", type_=Suggestion.asked_at.type)
    asked = func.sum(
        case(((Suggestion.asked_at.is_not(None)) & (Suggestion.asked_at >= week_start), 1), else_=0)
    )
    suggested = _candidates(dialect)
    suggestion_rows = (
        select(suggested.c.value, literal(0), asked, func.count())
        .select_from(suggested)
        .join(
            Suggestion,
            and_(
                Suggestion.team_id == team_id,
                Suggestion.user_id == suggested.c.value,
                Suggestion.created_at
                >= bindparam("suggested_since", type_=Suggestion.created_at.type),
            ),
        )
        .group_by(suggested.c.value)
    )
    return union_all(offer_rows, suggestion_rows)


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
    dialect = _dialect(session)
    params = {
        "team_id": team_id,
        "ids": _list_value(dialect, user_ids),
        "offers_since": offers_since,
        "week_start": week_start,
        "suggested_since": min(week_start, spread_start),
    }
    totals: dict[str, list[int]] = {}
    for user, offers, asked_count, suggested in session.execute(_workload(dialect), params).all():
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


def clear_suggestions(session: Session, request_id: int) -> None:
    """Drop a draft's suggestions before its new version's go in (same helpers, same keys)."""
    for old in suggestions_for(session, request_id):
        session.delete(old)
    session.flush()


def mark_suggested(session: Session, team_id: str, user_ids: Sequence[str], now: datetime) -> None:
    session.execute(
        HelperProfile.__table__.update()
        .where(HelperProfile.team_id == team_id, among(session, HelperProfile.user_id, user_ids))
        .values(last_suggested_at=now)
    )


def claim_suggestion(session: Session, suggestion_id: int, now: datetime) -> bool:
    """Mark a suggestion as asked, unless something else already did."""
    return update_one(
        session,
        Suggestion,
        Suggestion.id == suggestion_id,
        Suggestion.status == SuggestionStatus.SUGGESTED,
        status=SuggestionStatus.ASKED,
        asked_at=now,
    )


def set_suggestion_status(
    session: Session, suggestion_id: int, status: SuggestionStatus, now: datetime
) -> None:
    update_one(session, Suggestion, Suggestion.id == suggestion_id, status=status, responded_at=now)


def answer_suggestion(
    session: Session,
    request_id: int,
    user_id: str,
    status: SuggestionStatus,
    now: datetime,
    only_from: Sequence[SuggestionStatus],
    **values: Any,
) -> bool:
    """Record a helper's answer on their suggestion, if it is still in one of `only_from`."""
    return update_one(
        session,
        Suggestion,
        Suggestion.request_id == request_id,
        Suggestion.user_id == user_id,
        Suggestion.status.in_(only_from),
        status=status,
        responded_at=now,
        **values,
    )


def due_for_widening(session: Session, now: datetime, limit: int) -> list[int]:
    """Open requests past their widening time, not yet widened, that nobody has offered on."""
    offered = (
        select(Offer.id)
        .where(Offer.request_id == HelpRequest.id, Offer.status.in_(LIVE_OFFERS))
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
    return update_one(
        session,
        HelpRequest,
        HelpRequest.id == request_id,
        HelpRequest.widened_at.is_(None),
        widened_at=now,
        updated_at=now,
    )
