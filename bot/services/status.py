"""Where a request stands, as its posted message shows it, kept current after every change."""

import logging

from sqlalchemy.orm import Session

from bot.domain.offers import OfferStatus
from bot.domain.requests import RequestCard, RequestStatus
from bot.services.cards import card_of
from bot.services.ports import PostedMessage, SlackError, SlackPort
from db import offer_queries as rq
from db import queries
from db.models import HelpRequest

log = logging.getLogger(__name__)

# Each pass renders the newest state; another pass is needed only when a change landed while the
# previous one was being sent, so a handful covers any realistic burst of clicks.
REFRESH_ATTEMPTS = 5


def live_card(session: Session, request: HelpRequest) -> RequestCard:
    """The request with its offers counted: one query, two once it is resolved."""
    tally = rq.offer_tally(session, request.id)
    offers = sum(1 for _, status in tally if status != OfferStatus.WITHDRAWN)
    helpers = [helper for helper, status in tally if status == OfferStatus.ACCEPTED]
    if request.status == RequestStatus.RESOLVED:
        helpers += [thanks.to_id for thanks in rq.thanks_for(session, request.id)]
    return card_of(request, offers, tuple(dict.fromkeys(helpers)))


def refresh_post(session: Session, slack: SlackPort, request_id: int) -> None:
    """Update the request's posted message to its current state. Two changes racing can send
    their updates in either order, so after each update the request's revision is read again:
    if something changed meanwhile, the message is rendered and sent again. The last change to
    commit is therefore always the last one shown. No transaction is open during the call."""
    for _ in range(REFRESH_ATTEMPTS):
        request = queries.get_request(session, request_id, fresh=True)
        if request is None or not (request.posted_channel and request.posted_ts):
            session.commit()
            return
        seen = request.revision
        message = PostedMessage(request.posted_channel, request.posted_ts)
        card = live_card(session, request)
        session.commit()
        try:
            slack.update_request(card, message)
        except SlackError as error:
            # The state is stored; the next change, or the next refresh, shows it.
            log.warning("request %s message not updated: %s", request_id, error.code)
            return
        latest = rq.revision_of(session, request_id)
        session.commit()
        if latest == seen:
            return
    log.warning(
        "request %s changed %d times while updating its message", request_id, REFRESH_ATTEMPTS
    )


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
