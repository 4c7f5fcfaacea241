"""Routing a request: its channel, and the people most likely and able to help."""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.domain.offers import EventKind, Route, SuggestionStatus
from bot.domain.requests import RequestDraft
from bot.domain.routing import (
    Candidate,
    Suggestion,
    TopicInfo,
    choose_channel,
    lookup_keys,
    match_topic,
    rank_helpers,
    terms,
    widen_window,
)
from bot.domain.worktime import WorkingWeek, zone_from
from bot.services import deliveries
from bot.services.cards import card_of, tell_asker
from bot.services.effects import Effects, commit_and_deliver
from bot.services.ports import SlackPort
from bot.services.profiles import topic_info
from db import offer_queries, queries
from db import routing_queries as rq
from db.models import HelpRequest
from db.models import Suggestion as SuggestionRow

log = logging.getLogger(__name__)

# Shown to the asker, and asked directly when they choose to.
SHOWN = 5
# Ranked beyond those shown: who a request widens to, or passes to after a "not this time".
RESERVE = 5
# How many more helpers a channel post widens to.
WIDEN_TO = 3
# How many candidates each source may contribute before ranking.
POOL = 60
DEFAULT_CAPACITY = 3
# A term used by more requests than this share of the workspace says little about similarity,
# and would make the history lookup read too many rows; the floor keeps small workspaces useful.
TELLING_SHARE, TELLING_FLOOR = 0.005, 50
TELLING_TERMS = 6
# Of each telling term, the most recent requests using it that the history lookup reads. The
# ceiling above lets a term be in 2,500 of 500,000 requests, and reading all of them with their
# offers was the slowest part of a ranking; the latest uses say best who knows about it now.
HISTORY_PER_TERM = 500
# An offer older than this is not work in hand any more, whatever its request's status says.
OPEN_OFFER_WINDOW = timedelta(days=14)
IDLE = rq.Workload(0, 0, 0)
# Someone the app has no Slack or helper profile for: zone unknown, default capacity.
NOBODY = rq.Person(None, None, False, False, None, False)


@dataclass(frozen=True)
class Routing:
    topic: TopicInfo | None
    channel: str
    terms: tuple[str, ...]
    suggestions: tuple[Suggestion, ...]  # ranked, shown ones first, then the reserve


def plan_routing(
    session: Session,
    *,
    team_id: str,
    asker_id: str,
    draft: RequestDraft,
    help_channel: str,
    now: datetime,
    week: WorkingWeek,
) -> Routing:
    """Rank helpers for a draft, counting availability in the workspace's `week`. Reads only,
    with a fixed number of queries."""
    text = f"{draft.what}\n{draft.why}"
    request_terms = terms(text)
    topic = match_topic(text, [topic_info(t) for t in rq.topics(session, team_id)])
    channel = choose_channel(asker_choice=draft.channel, topic=topic, help_channel=help_channel)

    corpus, frequencies = rq.term_frequencies(session, team_id, request_terms)
    ceiling = max(TELLING_FLOOR, int(corpus * TELLING_SHARE))
    telling = sorted(
        (t for t in request_terms if 0 < frequencies.get(t, 0) <= ceiling),
        key=lambda t: (frequencies[t], t),
    )[:TELLING_TERMS]
    history = rq.helper_history(
        session,
        team_id,
        telling,
        min_shared=min(2, len(telling)),
        limit=POOL,
        per_term=HISTORY_PER_TERM,
    )
    pool = dict.fromkeys(history)
    if topic is not None:
        pool.update(dict.fromkeys(rq.topic_helpers(session, team_id, topic.id, POOL)))
    pool.update(dict.fromkeys(rq.skill_helpers(session, team_id, lookup_keys(request_terms), POOL)))
    pool.pop(asker_id, None)
    user_ids = list(pool)
    if not user_ids:
        return Routing(topic, channel, tuple(request_terms), ())

    people = rq.people(session, team_id, user_ids)
    # Only the request's topic is read: it is the only one ranking compares people with.
    glad, their_skills = rq.interests(session, team_id, user_ids, topic.id if topic else None)
    topic_only = frozenset((topic.id,)) if topic is not None else frozenset()
    loads = rq.workload(
        session,
        team_id,
        user_ids,
        offers_since=now - OPEN_OFFER_WINDOW,
        week_start=now - timedelta(days=7),
        spread_start=now - timedelta(days=14),
    )
    candidates = []
    for user_id in user_ids:
        person, past = people.get(user_id, NOBODY), history.get(user_id)
        load = loads.get(user_id, IDLE)
        candidates.append(
            Candidate(
                user_id=user_id,
                topics=topic_only if user_id in glad else frozenset(),
                skills=frozenset(their_skills.get(user_id, ())),
                similar_helped=past.similar_helped if past else 0,
                similarity=(past.best_shared / len(telling)) if past and telling else 0.0,
                tz=zone_from(person.tz, person.tz_offset),
                open_offers=load.open_offers,
                asked_this_week=load.asked_this_week,
                weekly_capacity=(
                    DEFAULT_CAPACITY if person.weekly_capacity is None else person.weekly_capacity
                ),
                suggested_recently=load.suggested_recently,
                is_bot=person.is_bot,
                is_deleted=person.is_deleted,
                paused=person.paused,
            )
        )
    ranked = rank_helpers(
        candidates,
        asker_id=asker_id,
        request_terms=request_terms,
        topic=topic,
        now=now.astimezone(UTC),
        needed_by=draft.needed_by,
        limit=SHOWN + RESERVE,
        week=week,
    )
    return Routing(topic, channel, tuple(request_terms), tuple(ranked))


def save_suggestions(
    session: Session, request: HelpRequest, routing: Routing, now: datetime
) -> None:
    """Keep a draft's routing: its topic, its terms for later similarity, and its suggestions
    (replacing any from an earlier version of the same draft)."""
    request.topic_id = routing.topic.id if routing.topic else None
    rq.clear_suggestions(session, request.id)
    for rank, suggestion in enumerate(routing.suggestions, start=1):
        session.add(
            SuggestionRow(
                request_id=request.id,
                team_id=request.team_id,
                user_id=suggestion.user_id,
                rank=rank,
                score=suggestion.score,
                reasons="\n".join(suggestion.reasons),
                status=SuggestionStatus.SUGGESTED,
                created_at=now,
            )
        )
    shown = [s.user_id for s in routing.suggestions[:SHOWN]]
    if shown:
        rq.mark_suggested(session, request.team_id, shown, now)


@dataclass(frozen=True)
class WidenPolicy:
    """How long a request waits for an offer before it is widened (settings: WIDEN_*)."""

    fraction: float = 0.25
    without_deadline: timedelta = timedelta(hours=4)


def open_routing(
    session: Session,
    slack: SlackPort,
    request: HelpRequest,
    route: Route,
    clock: Clock,
    widen: WidenPolicy,
) -> None:
    """Once a request is open: index its terms for later similarity, set when to widen it if no
    one offers, and send the direct asks the asker chose."""
    now = clock()
    rq.record_terms(session, request.team_id, request.id, terms(f"{request.what}\n{request.why}"))
    request.route = route
    request.widen_at = now + widen_window(
        now, request.needed_by, fraction=widen.fraction, default=widen.without_deadline
    )
    session.commit()
    if route in (Route.DIRECT, Route.BOTH) and request.recipient_id is None:
        asked = ask_suggested(session, slack, request, SHOWN, clock)
        if asked:
            tell_asker(slack.tell_asked, card_of(request), asked, False)


def ask_suggested(
    session: Session, slack: SlackPort, request: HelpRequest, count: int, clock: Clock
) -> tuple[str, ...]:
    """DM the next `count` suggested helpers not yet asked, best first. Each is claimed with the
    DM it owes, so a double click or a concurrent widening never asks anyone twice, and a crash
    after the claim still asks them. Someone Slack refuses is passed over for the next."""
    asked: list[str] = []
    for row in rq.suggestions_for(session, request.id):
        if len(asked) == count:
            break
        if row.status != SuggestionStatus.SUGGESTED:
            continue
        if not rq.claim_suggestion(session, row.id, clock()):
            continue
        offer_queries.record_event(
            session, request, EventKind.ASKED, clock(), subject_id=row.user_id
        )
        owed = Effects([deliveries.direct_ask(request, row)])
        commit_and_deliver(session, slack, owed, clock=clock)
        refused = session.get(SuggestionRow, row.id, populate_existing=True)
        if refused is not None and refused.status == SuggestionStatus.DECLINED:
            session.commit()
            continue
        session.commit()
        asked.append(row.user_id)
    return tuple(asked)


def keep_routing(session: Session, request_id: int, plan: Routing, clock: Clock) -> None:
    """Store a draft's routing until the asker decides how to send it."""
    request = queries.get_request(session, request_id)
    if request is None:
        return
    save_suggestions(session, request, plan, clock())
    session.commit()
