"""`/ask [text]`: open the request modal, with the text (if any) already in *What*."""

from logging import Logger
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.blocks import ids
from bot.slack.blocks.ask_modal import ask_modal
from bot.slack.deps import Deps


def register(app: App, deps: Deps) -> None:
    @app.command(ids.ASK_COMMAND)
    def open_ask_modal(
        ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond, logger: Logger
    ) -> None:
        ack()
        text = command.get("text")
        view = ask_modal(
            default_channel=deps.settings.help_channel,
            what=text.strip() if isinstance(text, str) else "",
        )
        try:
            client.views_open(trigger_id=command.get("trigger_id", ""), view=view)
        except SlackApiError as error:
            code = error.response.get("error")
            logger.warning("could not open the /ask modal for %s: %s", command.get("user_id"), code)
            respond(
                "Sorry, I couldn't open the request form just now "
                f"(Slack said `{code}`). Please run `/ask` again."
            )
