"""*Try again* and *Post in the help channel* on the "couldn't send" notice."""

from logging import Logger
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.services.asks import Outcome, retry_post
from bot.slack.blocks import ids
from bot.slack.blocks.messages import refusal_text
from bot.slack.deps import Deps
from bot.slack.listeners.replies import acted_on, parse_id, tell_privately

_REFUSED = {
    Outcome.NOT_YOURS,
    Outcome.ALREADY_POSTED,
    Outcome.IN_PROGRESS,
    Outcome.NOT_FOUND,
    Outcome.NOT_OPEN,
}


def register(app: App, deps: Deps) -> None:
    def handle(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, logger: Logger
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        channel_id, notice = acted_on(body)
        request_id = parse_id(action.get("value"))
        if request_id is None:
            logger.warning(
                "retry from %s with a malformed request id %r", user_id, action.get("value")
            )
            tell_privately(client, logger, user_id, refusal_text(Outcome.NOT_FOUND), channel_id)
            return
        to_help = action.get("action_id") == ids.POST_TO_HELP_CHANNEL
        with deps.sessions() as session:
            result = retry_post(
                session,
                deps.slack,
                request_id=request_id,
                user_id=user_id,
                clock=deps.clock,
                channel=deps.settings.help_channel if to_help else None,
                notice=notice,
            )
        if result.outcome in _REFUSED:
            tell_privately(client, logger, user_id, refusal_text(result.outcome), channel_id)

    app.action(ids.RETRY_POST)(handle)
    app.action(ids.POST_TO_HELP_CHANNEL)(handle)
