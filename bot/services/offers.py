"""Responses to a request: offers (a button, a direct ask, a reaction), the asker's *Accept* or
*Not now*, a helper withdrawing, and a helper passing with a reason.

Each change is one conditional statement, committed with the messages it owes (bot.services.effects)
before any Slack call, so a retried event, a double click or two people clicking at once change
state once and send one message each, and a crash or a Slack outage after the commit loses none."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.domain.offers import (
    DECLINE_NOTE_MAX_CHARS,
    Answer,
    DeclineReason,
    EventKind,
    OfferSource,
    OfferStatus,
    SuggestionStatus,
)
from bot.domain.requests import RequestCard, RequestStatus
from bot.services import deliveries, people, routing
from bot.services.cards import card_of, who
from bot.services.effects import Effects, commit_and_deliver
from bot.services.ports import MessageRef, SlackError, SlackPort
from bot.services.status import card_for
from db import offer_queries as rq
from db import queries, routing_queries
from db.models import HelpRequest, Offer

log = logging.getLogger(__name__)


def _open_request(session: Session, request_id: int, helper_id: str) -> HelpRequest | Answer:
    """The open request someone other than its asker may help with; otherwise why not, with the
    read's transaction ended."""
    request = queries.get_request(session, request_id)
    if request is None or request.status == RequestStatus.DRAFT:
        refused = Answer.NOT_FOUND
    elif request.asker_id == helper_id:
        refused = Answer.OWN_REQUEST
    elif request.status != RequestStatus.OPEN:
        refused = Answer.NOT_OPEN
    else:
        return request
    session.commit()
    return refused


def offer_help(
    session: Session,
    slack: SlackPort,
    *,
    request_id: int,
    helper_id: str,
    source: OfferSource,
    clock: Clock,
    direct_ask: MessageRef | None = None,
) -> Answer:
    """Record one offer per helper and request, tell the asker (with *Accept* / *Not now*), tell
    the helper (in their direct ask, or a DM with a way to withdraw), and update the post."""
    request = _open_request(session, request_id, helper_id)
    if isinstance(request, Answer):
        return request
    now = clock()
    if not rq.bump_if_open(session, request_id, now):
        session.rollback()
        return Answer.NOT_OPEN
    offer_id = rq.insert_offer(
        session,
        {
            "request_id": request_id,
            "team_id": request.team_id,
            "helper_id": helper_id,
            "source": source,
            "status": OfferStatus.OFFERED,
            "created_at": now,
            "updated_at": now,
        },
    )
    if offer_id is None:
        # Offering again after withdrawing counts; anything else is a repeat.
        existing = rq.offer_by(session, request_id, helper_id)
        if existing is None or not rq.move_offer(
            session,
            existing.id,
            from_status=(OfferStatus.WITHDRAWN,),
            to_status=OfferStatus.OFFERED,
            now=now,
            source=source,
        ):
            session.rollback()  # nothing changed: the revision stays as it was
            return Answer.ALREADY
        offer_id = existing.id
        # A new round: the asker is told afresh, the helper confirmed afresh.
        rq.set_offer(
            session,
            offer_id,
            asker_channel=None,
            asker_ts=None,
            helper_channel=None,
            helper_ts=None,
        )
    if direct_ask is not None:
        # The helper's message about their offer is the direct ask they answered.
        rq.set_offer(session, offer_id, helper_channel=direct_ask.channel, helper_ts=direct_ask.ts)
    routing_queries.answer_suggestion(
        session,
        request_id,
        helper_id,
        SuggestionStatus.OFFERED,
        now,
        only_from=(SuggestionStatus.SUGGESTED, SuggestionStatus.ASKED, SuggestionStatus.DECLINED),
    )
    rq.record_event(
        session, request, EventKind.OFFERED, now, actor_id=helper_id, detail=source.value
    )
    _owe_shown(session, slack, offer_id, request, clock)
    log.info("request %s: %s offered to help (%s)", request_id, helper_id, source)
    return Answer.OFFERED


def _owe_shown(
    session: Session,
    slack: SlackPort,
    offer_id: int,
    request: HelpRequest,
    clock: Clock,
    effects: Effects | None = None,
) -> None:
    """Commit the change with what it owes: the offer shown as it now stands to the asker and
    the helper, and the post; then deliver."""
    effects = effects or Effects()
    offer = session.get(Offer, offer_id, populate_existing=True)
    assert offer is not None  # written in this transaction
    effects.owe(*deliveries.offer_shown(session, offer, request.asker_id))
    effects.owe(deliveries.post_shown(request))
    commit_and_deliver(session, slack, effects, clock=clock)


@dataclass(frozen=True)
class Reaction:
    """An offer emoji added to, or removed from, a message, by someone in a workspace."""

    team_id: str
    channel: str
    ts: str
    user_id: str
    emoji: str  # without a skin tone


def offer_by_reaction(
    session: Session, slack: SlackPort, reaction: Reaction, *, clock: Clock
) -> Answer:
    """An offer emoji on a posted request is an offer. On any other message, from the asker, or
    from a bot or a deactivated account, it is just a reaction."""
    team_id, user_id, emoji = reaction.team_id, reaction.user_id, reaction.emoji
    request = rq.request_at(session, reaction.channel, reaction.ts)
    posting = rq.posting_in(session, team_id, reaction.channel) if request is None else []
    session.commit()
    if posting:
        request = _posted_as(slack, posting, reaction)
        if request is None:
            return Answer.NOT_YET
    if request is None or request.team_id != team_id or request.asker_id == user_id:
        return Answer.IGNORED
    person = people.profile(session, slack, team_id=team_id, user_id=user_id, clock=clock)
    if person is not None and (person.is_bot or person.is_deleted):
        return Answer.IGNORED
    answer = offer_help(
        session,
        slack,
        request_id=request.id,
        helper_id=user_id,
        source=OfferSource.REACTION,
        clock=clock,
    )
    if answer not in (Answer.OFFERED, Answer.ALREADY):
        return Answer.IGNORED
    offer = rq.offer_by(session, request.id, user_id)
    if offer is not None and emoji not in _emoji_set(offer.reactions):
        # A retried event finds its emoji already there and writes nothing.
        rq.set_offer(
            session, offer.id, reactions=",".join(sorted(_emoji_set(offer.reactions) | {emoji}))
        )
    session.commit()
    return answer


def _posted_as(
    slack: SlackPort, posting: Sequence[HelpRequest], reaction: Reaction
) -> HelpRequest | None:
    """The request being posted whose post, as Slack holds it, is the message reacted to; None
    when Slack can't say yet. Its answer to the post may be late or lost, and the helper reacting
    meanwhile should not wait for it (the asker could resolve the request first)."""
    for request in posting:
        try:
            found = slack.find_request(card_of(request))
        except SlackError as error:
            log.info("request %s: could not look for its post: %s", request.id, error.code)
            return None
        if found is not None and (found.channel, found.ts) == (reaction.channel, reaction.ts):
            return request
    return None


def withdraw_by_reaction(
    session: Session, slack: SlackPort, reaction: Reaction, *, clock: Clock
) -> Answer:
    """Removing the last offer emoji takes back an offer made with one, until the asker has
    accepted it. Someone with two offer emoji on the post who removes one still offers."""
    request = rq.request_at(session, reaction.channel, reaction.ts)
    offer = rq.offer_by(session, request.id, reaction.user_id) if request is not None else None
    if offer is None:
        session.commit()
        return Answer.IGNORED
    left = _emoji_set(offer.reactions) - {reaction.emoji}
    rq.set_offer(session, offer.id, reactions=",".join(sorted(left)))
    session.commit()
    if left or offer.source != OfferSource.REACTION:
        return Answer.IGNORED
    return _withdraw(session, slack, offer, clock)


def _emoji_set(stored: str | None) -> set[str]:
    return {name for name in (stored or "").split(",") if name}


def withdraw_offer(
    session: Session, slack: SlackPort, *, offer_id: int, user_id: str, clock: Clock
) -> Answer:
    """*Withdraw my offer*: only the helper who offered, and only before it is accepted."""
    offer = session.get(Offer, offer_id)
    session.commit()
    if offer is None:
        return Answer.NOT_FOUND
    if offer.helper_id != user_id:
        log.info("offer %s: withdrawal refused to %s, not the helper", offer_id, user_id)
        return Answer.NOT_YOURS
    return _withdraw(session, slack, offer, clock)


def _withdraw(session: Session, slack: SlackPort, offer: Offer, clock: Clock) -> Answer:
    now = clock()
    offer_id, request_id, helper_id = offer.id, offer.request_id, offer.helper_id
    moved = rq.move_offer(
        session,
        offer_id,
        from_status=(OfferStatus.OFFERED,),
        to_status=OfferStatus.WITHDRAWN,
        now=now,
        helper_id=helper_id,
    )
    if not moved:
        session.refresh(offer)
        session.commit()
        return Answer.ALREADY if offer.status == OfferStatus.WITHDRAWN else Answer.NOT_OPEN
    request = queries.get_request(session, request_id)
    assert request is not None  # an offer's request is deleted with it
    rq.bump(session, request_id, now)
    rq.record_event(session, request, EventKind.OFFER_WITHDRAWN, now, actor_id=helper_id)
    _owe_shown(session, slack, offer_id, request, clock)
    log.info("request %s: %s withdrew their offer", request_id, helper_id)
    return Answer.WITHDRAWN


def accept_offer(
    session: Session, slack: SlackPort, *, offer_id: int, user_id: str, clock: Clock
) -> Answer:
    """*Accept*: only the asker. Opens a group DM of the two (with the request's context and
    needed-by), which is how the helper hears of it. Several helpers can be accepted."""
    now = clock()
    answered = _answer_offer(
        session, offer_id, user_id, OfferStatus.ACCEPTED, EventKind.ACCEPTED, now, accepted_at=now
    )
    if isinstance(answered, Answer):
        return answered
    offer, request = answered
    log.info("request %s: %s accepted %s's offer", request.id, who(request), offer.helper_id)
    effects = Effects()
    effects.owe(deliveries.group_dm(offer))
    _owe_shown(session, slack, offer_id, request, clock, effects)
    return Answer.ACCEPTED


def not_now(
    session: Session, slack: SlackPort, *, offer_id: int, user_id: str, clock: Clock
) -> Answer:
    """*Not now*: only the asker. The helper is thanked kindly; the offer still counts as
    willingness on the post."""
    answered = _answer_offer(
        session, offer_id, user_id, OfferStatus.DECLINED, EventKind.NOT_NOW, clock()
    )
    if isinstance(answered, Answer):
        return answered
    _, request = answered
    _owe_shown(session, slack, offer_id, request, clock)
    return Answer.NOT_NOW


def _answer_offer(
    session: Session,
    offer_id: int,
    user_id: str,
    to_status: OfferStatus,
    kind: EventKind,
    now: datetime,
    **values: Any,
) -> tuple[Offer, HelpRequest] | Answer:
    """The asker's answer to an open offer, stored once with its event, to be committed with
    what it owes: the offer and its request, or why not."""
    asked = _asker_offer(session, offer_id, user_id)
    if isinstance(asked, Answer):
        return asked
    offer, request = asked
    if not rq.bump_if_open(session, request.id, now):
        session.rollback()
        return Answer.NOT_OPEN
    moved = rq.move_offer(
        session,
        offer_id,
        from_status=(OfferStatus.OFFERED,),
        to_status=to_status,
        now=now,
        **values,
    )
    if not moved:
        session.rollback()
        return _not_moved(session, offer)
    rq.record_event(session, request, kind, now, actor_id=user_id, subject_id=offer.helper_id)
    return offer, request


def _asker_offer(
    session: Session, offer_id: int, user_id: str
) -> tuple[Offer, HelpRequest] | Answer:
    """An offer on this person's own open request, with the request; otherwise why not, with the
    read's transaction ended."""
    offer = session.get(Offer, offer_id)
    request = queries.get_request(session, offer.request_id) if offer is not None else None
    if offer is None or request is None:
        refused = Answer.NOT_FOUND
    elif request.asker_id != user_id:
        log.info("offer %s: answer refused to %s, not the asker", offer_id, user_id)
        refused = Answer.NOT_YOURS
    elif request.status != RequestStatus.OPEN:
        refused = Answer.NOT_OPEN
    else:
        return offer, request
    session.commit()
    return refused


def _not_moved(session: Session, offer: Offer) -> Answer:
    session.refresh(offer)
    session.commit()
    return Answer.OFFER_GONE if offer.status == OfferStatus.WITHDRAWN else Answer.ALREADY


def decline_help(
    session: Session,
    slack: SlackPort,
    *,
    request_id: int,
    helper_id: str,
    reason: DeclineReason,
    note: str | None,
    clock: Clock,
    direct_ask: MessageRef | None = None,
) -> Answer:
    """*Not this time* on a direct ask, with a reason: thank the helper, ask the next suggested
    helper, and tell the asker what passing helpers said, gathered and without names."""
    request = _open_request(session, request_id, helper_id)
    if isinstance(request, Answer):
        return request
    now = clock()
    note = (note or "").strip()[:DECLINE_NOTE_MAX_CHARS] or None
    if not rq.decline_suggestion(session, request_id, helper_id, reason, note, now):
        session.commit()
        return Answer.ALREADY
    rq.record_event(
        session, request, EventKind.PASSED, now, actor_id=helper_id, detail=reason.value
    )
    effects = Effects()
    if direct_ask is not None:
        effects.owe(deliveries.passed_thanks(request, helper_id, direct_ask))
    effects.owe(deliveries.decline_feedback(request))
    commit_and_deliver(session, slack, effects, clock=clock)
    log.info("request %s: %s passed (%s)", request_id, helper_id, reason)
    session.refresh(request)
    routing.ask_suggested(session, slack, request, 1, clock)
    return Answer.DECLINED


def decline_form(
    session: Session, request_id: int | None
) -> tuple[Answer | None, RequestCard | None]:
    """The request a *Not this time* form is about, while it still takes answers."""
    card = card_for(session, request_id)
    if card is None:
        return Answer.NOT_FOUND, None
    if card.status != RequestStatus.OPEN:
        return Answer.NOT_OPEN, None
    return None, card
