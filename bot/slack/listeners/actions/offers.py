"""Offer buttons: *I can help* (on the post or a direct ask), *Not this time* (opens the reason
form), the asker's *Accept* / *Not now*, and the helper's *Withdraw my offer*."""

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.domain.offers import Answer, OfferSource
from bot.services import offers
from bot.slack.blocks import ids
from bot.slack.blocks.closing import decline_modal
from bot.slack.blocks.replies import offer_reply
from bot.slack.listeners.acted import Acted


def offer(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """OFFER_HELP (on a direct ask) and OFFER_FROM_POST."""
    ack()
    act = Acted.of(body, context)
    direct = act.handled == ids.OFFER_HELP
    result = act.pressed(
        offers.offer_help,
        helper_id=act.user_id,
        source=OfferSource.DIRECT if direct else OfferSource.BUTTON,
        # Only a direct ask is the helper's own message, to be answered in place.
        direct_ask=act.message if direct else None,
    )
    if result is not None:
        _reply(act, result)


def answer_offer(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """ACCEPT_OFFER, NOT_NOW_OFFER and WITHDRAW_OFFER: the button's value is the offer."""
    ack()
    act = Acted.of(body, context)
    if act.value_id is None:
        act.missing("offer")
        return
    use_case = {
        ids.ACCEPT_OFFER: offers.accept_offer,
        ids.NOT_NOW_OFFER: offers.not_now,
        ids.WITHDRAW_OFFER: offers.withdraw_offer,
    }[act.handled]
    with act.deps.sessions() as session:
        result = use_case(
            session,
            act.deps.slack,
            offer_id=act.value_id,
            user_id=act.user_id,
            clock=act.deps.clock,
        )
    _reply(act, result)


def open_decline_form(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """DECLINE_HELP: *Not this time* opens the form asking why."""
    ack()
    act = Acted.of(body, context)
    with act.deps.sessions() as session:
        refused, card = offers.decline_form(session, act.request_id)
    if refused is not None or card is None:
        _reply(act, refused or Answer.NOT_FOUND)
        return
    act.open(decline_modal(card, act.form_metadata(card.id, act.message)))


def _reply(act: Acted, result: Answer) -> None:
    text = offer_reply(result, act.handled)
    if text:
        act.tell(text)
