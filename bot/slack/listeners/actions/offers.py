"""Offer buttons: *I can help* (on the post or a direct ask), *Not this time* (opens the reason
form), the asker's *Accept* / *Not now*, and the helper's *Withdraw my offer*."""

from logging import Logger
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain.offers import OfferSource
from bot.domain.requests import RequestStatus
from bot.services import offers
from bot.services.offers import Answer
from bot.services.status import card_for
from bot.slack.blocks import ids
from bot.slack.blocks.closing import decline_modal
from bot.slack.deps import Deps
from bot.slack.listeners.replies import acted_on, parse_id, tell_privately

REPLIES = {
    Answer.ALREADY: "You've already answered this one, thank you.",
    Answer.OWN_REQUEST: "This is your own request, so you can't offer on it.",
    Answer.NOT_OPEN: "This request is closed: the asker no longer needs help with it.",
    Answer.NOT_FOUND: "I can't find that request any more.",
    Answer.NOT_YOURS: "Only the person this is for can use that button.",
    Answer.OFFER_GONE: "They withdrew their offer in the meantime, so there's nothing to answer.",
}
_ALREADY = {
    ids.ACCEPT_OFFER: "You've already answered this offer.",
    ids.NOT_NOW_OFFER: "You've already answered this offer.",
    ids.WITHDRAW_OFFER: "That offer is already withdrawn.",
}
_ACCEPTED_ALREADY = "Their offer was accepted already, so it can't be withdrawn here. Tell them "
_ACCEPTED_ALREADY += "in your conversation if plans have changed."


def register(app: App, deps: Deps) -> None:
    def reply(
        client: WebClient,
        logger: Logger,
        user_id: str,
        action_id: str,
        result: Answer,
        channel_id: str | None,
    ) -> None:
        if result == Answer.ALREADY:
            text = _ALREADY.get(action_id, REPLIES[Answer.ALREADY])
        elif result == Answer.NOT_OPEN and action_id == ids.WITHDRAW_OFFER:
            text = _ACCEPTED_ALREADY
        else:
            text = REPLIES.get(result, "")
        if text:
            tell_privately(client, logger, user_id, text, channel_id)

    def offer(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, logger: Logger
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        action_id = action.get("action_id", "")
        channel_id, message = acted_on(body)
        request_id = parse_id(action.get("value"))
        if request_id is None:
            logger.warning("offer from %s with a malformed request id", user_id)
            reply(client, logger, user_id, action_id, Answer.NOT_FOUND, channel_id)
            return
        direct = action_id == ids.OFFER_HELP
        with deps.sessions() as session:
            result = offers.offer_help(
                session,
                deps.slack,
                request_id=request_id,
                helper_id=user_id,
                source=OfferSource.DIRECT if direct else OfferSource.BUTTON,
                clock=deps.clock,
                # Only a direct ask is the helper's own message, to be answered in place.
                direct_ask=message if direct else None,
            )
        reply(client, logger, user_id, action_id, result, channel_id)

    def answer_offer(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, logger: Logger
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        action_id = action.get("action_id", "")
        channel_id, _ = acted_on(body)
        offer_id = parse_id(action.get("value"))
        if offer_id is None:
            logger.warning("%s from %s with a malformed offer id", action_id, user_id)
            reply(client, logger, user_id, action_id, Answer.NOT_FOUND, channel_id)
            return
        use_case = {
            ids.ACCEPT_OFFER: offers.accept_offer,
            ids.NOT_NOW_OFFER: offers.not_now,
            ids.WITHDRAW_OFFER: offers.withdraw_offer,
        }[action_id]
        with deps.sessions() as session:
            result = use_case(
                session, deps.slack, offer_id=offer_id, user_id=user_id, clock=deps.clock
            )
        reply(client, logger, user_id, action_id, result, channel_id)

    @app.action(ids.DECLINE_HELP)
    def open_decline_form(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, logger: Logger
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        channel_id, message = acted_on(body)
        request_id = parse_id(action.get("value"))
        with deps.sessions() as session:
            card = card_for(session, request_id)
        if card is None:
            tell_privately(client, logger, user_id, REPLIES[Answer.NOT_FOUND], channel_id)
            return
        if card.status != RequestStatus.OPEN:
            tell_privately(client, logger, user_id, REPLIES[Answer.NOT_OPEN], channel_id)
            return
        metadata: dict[str, Any] = {"request_id": card.id}
        if message is not None:
            metadata.update(channel=message.channel, ts=message.ts)
        try:
            client.views_open(
                trigger_id=body.get("trigger_id", ""), view=decline_modal(card, metadata)
            )
        except SlackApiError as error:
            logger.warning(
                "could not open the decline form for %s: %s", user_id, error.response.get("error")
            )

    for action_id in (ids.OFFER_HELP, ids.OFFER_FROM_POST):
        app.action(action_id)(offer)
    for action_id in (ids.ACCEPT_OFFER, ids.NOT_NOW_OFFER, ids.WITHDRAW_OFFER):
        app.action(action_id)(answer_offer)
