"""Closing the loop: resolving with thanks, asking how it went once needed-by has passed,
extending the deadline, and letting a request go."""

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.domain.offers import EventKind, OfferStatus
from bot.domain.requests import Outcome, RequestCard, RequestStatus
from bot.domain.routing import widen_window
from bot.domain.worktime import WorkingWeek
from bot.services import deliveries, people, routing
from bot.services.asks import askers_request, let_go, move_askers_request
from bot.services.cards import card_of, tell_asker, who
from bot.services.effects import Effects, commit_and_deliver
from bot.services.people import zone_of
from bot.services.ports import MessageRef, SlackPort
from bot.services.prefs import policy_of
from db import offer_queries as rq
from db import queries

log = logging.getLogger(__name__)

# A resolution form shows a note field per helper; Slack allows 100 blocks, and more than this
# many helpers on one request is rare enough to thank the rest with the people picker.
MAX_THANKED_IN_FORM = 10
THANKS_MAX_CHARS = 1000
# How long an asker who was asked "did you get what you needed?" has to answer before the
# request is let go as expired.
FOLLOW_UP_GRACE = timedelta(days=7)
# An expired request can still be resolved, or extended and so re-opened.
_CLOSABLE = (RequestStatus.OPEN, RequestStatus.EXPIRED)


@dataclass(frozen=True)
class ResolutionForm:
    card: RequestCard
    helpers: tuple[str, ...]  # who offered and may be thanked by name, accepted ones first
    accepted: frozenset[str]


def resolution_form(
    session: Session, *, request_id: int, user_id: str
) -> tuple[Outcome | None, ResolutionForm | None]:
    """What the asker's "mark resolved" form shows, or why this person can't resolve it."""
    request = askers_request(session, request_id, user_id, _CLOSABLE)
    if isinstance(request, Outcome):
        return request, None
    offers = rq.offers_of(session, request_id)
    session.commit()
    accepted = [o.helper_id for o in offers if o.status == OfferStatus.ACCEPTED]
    offered = [o.helper_id for o in offers if o.status == OfferStatus.OFFERED]
    helpers = tuple((accepted + offered)[:MAX_THANKED_IN_FORM])
    return None, ResolutionForm(card_of(request), helpers, frozenset(accepted))


def resolve_request(
    session: Session,
    slack: SlackPort,
    *,
    request_id: int,
    user_id: str,
    notes: Mapping[str, str],
    others: Sequence[str],
    impact: str | None,
    clock: Clock,
    answering: MessageRef | None = None,
) -> tuple[Outcome, tuple[str, ...]]:
    """Mark a request resolved (once, by its asker) and thank who helped: everyone accepted,
    anyone else the asker wrote a note to or picked. Each gets their thanks and what their
    help made possible; the thanks are kept. The asker is told, over `answering` (the message
    the form was opened from) if there is one. Returns the outcome and who was thanked."""
    now = clock()
    request = move_askers_request(
        session,
        request_id,
        user_id,
        RequestStatus.RESOLVED,
        now,
        allowed=_CLOSABLE,
        resolved_at=now,
    )
    if isinstance(request, Outcome):
        return request, ()
    # Read after the UPDATE, which on PostgreSQL waited for any acceptance in flight to commit:
    # everyone accepted before the resolution is thanked, and no one can be accepted after it.
    tally = rq.offer_tally(session, request_id)
    accepted = [h for h, status in tally if status == OfferStatus.ACCEPTED]
    # The form has a note for each who offered, named by its block id; one for anyone else came
    # from a crafted payload, and would send a DM wherever it says.
    strays = set(notes).difference(h for h, _ in tally)
    if strays:
        log.warning(
            "resolving request %s: dropped %d notes to people who never offered",
            request_id,
            len(strays),
        )
    written = {
        h: n.strip()[:THANKS_MAX_CHARS]
        for h, n in notes.items()
        if n and n.strip() and h not in strays
    }
    thanked = tuple(h for h in dict.fromkeys([*accepted, *written, *others]) if h != user_id)
    impact = (impact or "").strip()[:THANKS_MAX_CHARS] or None
    rq.add_thanks(
        session,
        [
            {
                "request_id": request_id,
                "team_id": request.team_id,
                "from_id": user_id,
                "to_id": helper,
                "note": written.get(helper),
                "impact": impact,
                "created_at": now,
            }
            for helper in thanked
        ],
    )
    rq.record_event(session, request, EventKind.RESOLVED, now, actor_id=user_id)
    for helper in thanked:
        rq.record_event(
            session, request, EventKind.THANKED, now, actor_id=user_id, subject_id=helper
        )
    effects = Effects([deliveries.thanks(request, helper) for helper in thanked])
    effects.owe(deliveries.post_shown(request), deliveries.resolved_notice(request, answering))
    commit_and_deliver(session, slack, effects, clock=clock)
    log.info("request %s resolved by %s; %d thanked", request_id, who(request), len(thanked))
    return Outcome.RESOLVED, thanked


def follow_up_due(
    session: Session, slack: SlackPort, *, clock: Clock, limit: int = 50
) -> list[int]:
    """Once needed-by has passed on an open request, ask its asker once whether they got what
    they needed. Claimed first, so two schedulers never ask twice."""
    now = clock()
    asked = []
    weeks: dict[str, WorkingWeek] = {}  # one policy read per workspace in the batch
    for request_id, asker_id, team_id in rq.due_for_follow_up(session, now, limit):
        # Like a nudge, it waits for the asker's working hours (the workspace's working week in
        # their Slack time zone; UTC when unknown), so a deadline that passes at night is asked
        # about in the morning.
        asker = people.profile(session, slack, team_id=team_id, user_id=asker_id, clock=clock)
        if team_id not in weeks:
            weeks[team_id] = policy_of(session, team_id).working_week
        if not weeks[team_id].is_working(now, zone_of(asker)) or not rq.claim_follow_up(
            session, request_id, now
        ):
            session.commit()
            continue
        request = queries.get_request(session, request_id)
        assert request is not None  # claimed in this transaction
        rq.record_event(session, request, EventKind.FOLLOWED_UP, now)
        session.commit()
        session.refresh(request)
        tell_asker(slack.ask_how_it_went, card_of(request))
        asked.append(request_id)
    return asked


def expire_unanswered(
    session: Session,
    slack: SlackPort,
    *,
    clock: Clock,
    grace: timedelta = FOLLOW_UP_GRACE,
    limit: int = 50,
) -> list[int]:
    """Let go of requests whose asker never answered the follow-up: the post says it expired,
    so nobody keeps offering on it."""
    now = clock()
    expired = []
    for request_id in rq.unanswered_follow_ups(session, now - grace, limit):
        if not rq.move_request(
            session,
            request_id,
            from_status=(RequestStatus.OPEN,),
            to_status=RequestStatus.EXPIRED,
            now=now,
        ):
            session.commit()
            continue
        request = queries.get_request(session, request_id)
        assert request is not None
        rq.record_event(session, request, EventKind.EXPIRED, now)
        commit_and_deliver(session, slack, Effects([deliveries.post_shown(request)]), clock=clock)
        log.info("request %s expired: no answer to its follow-up", request_id)
        expired.append(request_id)
    return expired


def no_longer_needed(
    session: Session, slack: SlackPort, *, request_id: int, user_id: str, clock: Clock
) -> Outcome:
    """The asker's *No longer needed* after needed-by: the request expires, kindly."""
    request = let_go(
        session, slack, request_id, user_id, RequestStatus.EXPIRED, EventKind.EXPIRED, clock
    )
    return request if isinstance(request, Outcome) else Outcome.EXPIRED


def extension_form(
    session: Session, *, request_id: int, user_id: str, clock: Clock
) -> tuple[Outcome | None, RequestCard | None, datetime]:
    """The card for the "new needed-by" form, with a suggested time two days out (on the hour),
    or why this person can't extend it."""
    suggested = (clock() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    request = askers_request(session, request_id, user_id, _CLOSABLE)
    if isinstance(request, Outcome):
        return request, None, suggested
    card = card_of(request)
    session.commit()
    return None, card, suggested


@dataclass(frozen=True)
class Extension:
    outcome: Outcome
    asked: tuple[str, ...] = ()
    widen_at: datetime | None = None


def extend_request(
    session: Session,
    slack: SlackPort,
    *,
    request_id: int,
    user_id: str,
    needed_by: datetime,
    clock: Clock,
    widen: routing.WidenPolicy,
) -> Extension:
    """*Still need help*: a new needed-by re-opens the request (if it had expired) and routes
    it again: the next suggested helpers are asked, and it may be widened once more."""
    now = clock()
    widen_at = now + widen_window(
        now, needed_by, fraction=widen.fraction, default=widen.without_deadline
    )
    request = move_askers_request(
        session,
        request_id,
        user_id,
        RequestStatus.OPEN,
        now,
        allowed=_CLOSABLE,
        needed_by=needed_by,
        followed_up_at=None,
        widen_at=widen_at,
        widened_at=None,
    )
    if isinstance(request, Outcome):
        return Extension(request)
    rq.record_event(
        session,
        request,
        EventKind.EXTENDED,
        now,
        actor_id=user_id,
        detail=needed_by.isoformat(timespec="minutes"),
    )
    commit_and_deliver(session, slack, Effects([deliveries.post_shown(request)]), clock=clock)
    log.info("request %s extended by %s", request_id, who(request))
    session.refresh(request)
    asked: tuple[str, ...] = ()
    if request.recipient_id is None:
        asked = routing.ask_suggested(session, slack, request, routing.WIDEN_TO, clock)
    return Extension(Outcome.EXTENDED, asked, widen_at)
