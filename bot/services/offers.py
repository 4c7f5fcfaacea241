"""Answers to a direct ask: *I can help* records an offer, *Not this time* passes it on."""

import logging
from enum import StrEnum

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.domain.requests import RequestCard, RequestStatus
from bot.domain.responses import OfferSource, OfferStatus, SuggestionStatus
from bot.services import routing
from bot.services.cards import card_of, tell_asker
from bot.services.ports import MessageRef, SlackError, SlackPort
from db import queries
from db import routing_queries as rq
from db.models import HelpRequest

log = logging.getLogger(__name__)


class Answer(StrEnum):
    OFFERED = "offered"
    DECLINED = "declined"
    ALREADY = "already"  # this person already answered; nothing changes
    OWN_REQUEST = "own_request"
    NOT_OPEN = "not_open"
    NOT_FOUND = "not_found"


def _open_request(
    session: Session, request_id: int, helper_id: str
) -> tuple[Answer | None, HelpRequest | None]:
    request = queries.get_request(session, request_id)
    if request is None or request.status == RequestStatus.DRAFT:
        return Answer.NOT_FOUND, None
    if request.asker_id == helper_id:
        return Answer.OWN_REQUEST, request
    if request.status != RequestStatus.OPEN:
        return Answer.NOT_OPEN, request
    return None, request


def offer_help(
    session: Session,
    slack: SlackPort,
    *,
    request_id: int,
    helper_id: str,
    source: OfferSource,
    clock: Clock,
    message: MessageRef | None = None,
) -> Answer:
    """Record one offer per helper and request (a double click or retry adds nothing), then tell
    the asker and update the helper's direct ask in place."""
    refused, request = _open_request(session, request_id, helper_id)
    if refused is not None or request is None:
        return refused or Answer.NOT_FOUND
    now = clock()
    added = rq.add_offer(
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
    if not added:
        session.commit()
        return Answer.ALREADY
    rq.answer_suggestion(
        session,
        request_id,
        helper_id,
        SuggestionStatus.OFFERED,
        now,
        only_from=(SuggestionStatus.SUGGESTED, SuggestionStatus.ASKED, SuggestionStatus.DECLINED),
    )
    session.commit()
    log.info("request %s: %s offered to help (%s)", request_id, helper_id, source)
    card = card_of(request)
    tell_asker(slack.tell_offer, card, helper_id)
    if message is not None:
        _answer(slack, message, card, offered=True)
    return Answer.OFFERED


def decline_help(
    session: Session,
    slack: SlackPort,
    *,
    request_id: int,
    helper_id: str,
    clock: Clock,
    message: MessageRef | None = None,
) -> Answer:
    """ "Not this time" on a direct ask: thank the helper, and ask the next suggested helper."""
    refused, request = _open_request(session, request_id, helper_id)
    if refused is not None or request is None:
        return refused or Answer.NOT_FOUND
    declined = rq.answer_suggestion(
        session,
        request_id,
        helper_id,
        SuggestionStatus.DECLINED,
        clock(),
        only_from=(SuggestionStatus.ASKED,),
    )
    session.commit()
    if not declined:
        return Answer.ALREADY
    log.info("request %s: %s passed", request_id, helper_id)
    card = card_of(request)
    if message is not None:
        _answer(slack, message, card, offered=False)
    session.refresh(request)
    routing.ask_suggested(session, slack, request, 1, clock)
    return Answer.DECLINED


def _answer(slack: SlackPort, message: MessageRef, card: RequestCard, offered: bool) -> None:
    try:
        slack.answer_direct_ask(message, card, offered)
    except SlackError as error:
        log.warning("could not update a direct ask: %s", error.code)
