"""A stored request as the rest of the app sees it, and telling its asker about it."""

import logging
from collections.abc import Callable
from typing import Any

from bot.domain.requests import RequestCard, RequestDraft
from bot.services.ports import SlackError
from db.models import HelpRequest

log = logging.getLogger(__name__)


def _as_composed(request: HelpRequest) -> dict[str, Any]:
    """What the asker composed, which a card and a draft both carry."""
    return {
        "what": request.what,
        "why": request.why,
        "kind": request.help_kind,
        "size": request.size,
        "needed_by": request.needed_by,
        "channel": request.destination_channel,
        "anonymous": request.anonymous,
    }


def card_of(request: HelpRequest, offers: int = 0, helpers: tuple[str, ...] = ()) -> RequestCard:
    return RequestCard(
        id=request.id,
        team_id=request.team_id,
        asker_id=request.asker_id,
        recipient_id=request.recipient_id,
        source_permalink=request.source_permalink,
        status=request.status,
        offers=offers,
        helpers=helpers,
        **_as_composed(request),
    )


def draft_of(request: HelpRequest) -> RequestDraft:
    return RequestDraft(**_as_composed(request))


def who(request: HelpRequest | RequestCard) -> str:
    """The asker as log lines may name them: an anonymous asker is never written down."""
    return "an anonymous asker" if request.anonymous else request.asker_id


def tell_asker(send: Callable[..., None], card: RequestCard, *args: Any) -> None:
    """Telling the asker is a courtesy after the fact: its failure must not undo what was
    stored, so it is logged, not raised."""
    try:
        send(card, *args)
    except SlackError as error:
        log.warning("could not tell %s about request %s: %s", who(card), card.id, error.code)
