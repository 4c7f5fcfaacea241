"""*I can help* and *Not this time* on a direct ask."""

from logging import Logger
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.domain.responses import OfferSource
from bot.services.offers import Answer, decline_help, offer_help
from bot.slack.blocks import ids
from bot.slack.deps import Deps
from bot.slack.listeners.replies import acted_on, parse_id, tell_privately

_REPLIES = {
    Answer.ALREADY: "You've already answered this one, thank you.",
    Answer.OWN_REQUEST: "This is your own request.",
    Answer.NOT_OPEN: "This request is closed: the asker no longer needs help with it.",
    Answer.NOT_FOUND: "I can't find that request any more.",
}


def register(app: App, deps: Deps) -> None:
    def answer(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, logger: Logger
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        channel_id, message = acted_on(body)
        request_id = parse_id(action.get("value"))
        if request_id is None:
            logger.warning("answer from %s with a malformed request id", user_id)
            tell_privately(client, logger, user_id, _REPLIES[Answer.NOT_FOUND], channel_id)
            return
        with deps.sessions() as session:
            if action.get("action_id") == ids.OFFER_HELP:
                result = offer_help(
                    session,
                    deps.slack,
                    request_id=request_id,
                    helper_id=user_id,
                    source=OfferSource.DIRECT,
                    clock=deps.clock,
                    message=message,
                )
            else:
                result = decline_help(
                    session,
                    deps.slack,
                    request_id=request_id,
                    helper_id=user_id,
                    clock=deps.clock,
                    message=message,
                )
        if result in _REPLIES:
            tell_privately(client, logger, user_id, _REPLIES[result], channel_id)

    app.action(ids.OFFER_HELP)(answer)
    app.action(ids.DECLINE_HELP)(answer)
