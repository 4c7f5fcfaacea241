"""*Try again* and *Post in the help channel* on the "couldn't post" notice."""

from logging import Logger
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services.asks import Outcome, retry_post
from bot.services.ports import MessageRef
from bot.slack.blocks import ids
from bot.slack.blocks.messages import retry_refused_text
from bot.slack.deps import Deps

_REFUSED = {Outcome.NOT_YOURS, Outcome.ALREADY_POSTED, Outcome.IN_PROGRESS, Outcome.NOT_FOUND}


def register(app: App, deps: Deps) -> None:
    def handle(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, logger: Logger
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        container = body.get("container") or {}
        channel_id, message_ts = container.get("channel_id"), container.get("message_ts")
        notice = MessageRef(channel_id, message_ts) if channel_id and message_ts else None
        value = action.get("value")
        if not (isinstance(value, str) and value.isdigit()):
            logger.warning("retry from %s with a malformed request id %r", user_id, value)
            _tell(client, logger, channel_id, user_id, retry_refused_text(Outcome.NOT_FOUND))
            return
        to_help = action.get("action_id") == ids.POST_TO_HELP_CHANNEL
        with deps.sessions() as session:
            result = retry_post(
                session,
                deps.slack,
                request_id=int(value),
                user_id=user_id,
                clock=deps.clock,
                channel=deps.settings.help_channel if to_help else None,
                notice=notice,
            )
        if result.outcome in _REFUSED:
            _tell(client, logger, channel_id, user_id, retry_refused_text(result.outcome))

    app.action(ids.RETRY_POST)(handle)
    app.action(ids.POST_TO_HELP_CHANNEL)(handle)


def _tell(
    client: WebClient, logger: Logger, channel_id: str | None, user_id: str, text: str
) -> None:
    try:
        client.chat_postEphemeral(channel=channel_id or user_id, user=user_id, text=text)
    except SlackApiError as error:
        logger.warning("could not tell %s: %s", user_id, error.response.get("error"))
