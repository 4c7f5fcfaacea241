"""Where a request stands, as its posted message and forms show it."""

from sqlalchemy.orm import Session

from bot.domain.offers import OfferStatus
from bot.domain.requests import RequestCard, RequestStatus
from bot.services.cards import card_of
from db import offer_queries as rq
from db import queries
from db.models import HelpRequest


def live_card(session: Session, request: HelpRequest) -> RequestCard:
    """The request with its offers counted: one query, two once it is resolved."""
    tally = rq.offer_tally(session, request.id)
    offers = sum(1 for _, status in tally if status != OfferStatus.WITHDRAWN)
    helpers = [helper for helper, status in tally if status == OfferStatus.ACCEPTED]
    if request.status == RequestStatus.RESOLVED:
        helpers += [thanks.to_id for thanks in rq.thanks_for(session, request.id)]
    return card_of(request, offers, tuple(dict.fromkeys(helpers)))


def card_for(session: Session, request_id: int | None) -> RequestCard | None:
    """A request as forms and replies show it; None for a missing id, or a draft (never shown
    to anyone but its asker's review)."""
    request = queries.get_request(session, request_id) if request_id is not None else None
    if request is None or request.status == RequestStatus.DRAFT:
        session.commit()
        return None
    card = live_card(session, request)
    session.commit()
    return card
