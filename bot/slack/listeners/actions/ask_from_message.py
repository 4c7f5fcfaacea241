"""The message shortcut *Ask for help with this*: the form, filled from the message."""

from logging import Logger
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain.requests import RequestDraft
from bot.services.ports import PostedMessage, SlackError
from bot.slack.blocks import ids
from bot.slack.blocks.ask_modal import ask_modal
from bot.slack.blocks.text import plain_from_mrkdwn
from bot.slack.deps import Deps


def register(app: App, deps: Deps) -> None:
    @app.shortcut(ids.ASK_FROM_MESSAGE)
    def ask_from_message(
        ack: Ack, shortcut: dict[str, Any], client: WebClient, logger: Logger
    ) -> None:
        ack()
        user_id = (shortcut.get("user") or {}).get("id", "")
        message = shortcut.get("message") or {}
        channel_id = (shortcut.get("channel") or {}).get("id")
        text = message.get("text")
        what = plain_from_mrkdwn(text).strip() if isinstance(text, str) else ""
        permalink = None
        ts = message.get("ts") or shortcut.get("message_ts")
        if channel_id and ts:
            try:
                permalink = deps.slack.permalink(PostedMessage(channel_id, ts))
            except SlackError as error:
                # The app may not be in that conversation; the ask still works without the link.
                logger.info("no permalink for the shortcut's message: %s", error.code)
        form = ask_modal(
            draft=RequestDraft(what=what),
            metadata={"source": permalink} if permalink else None,
            allow_anonymous=deps.settings.allow_anonymous,
            source_permalink=permalink,
        )
        try:
            client.views_open(trigger_id=shortcut.get("trigger_id", ""), view=form)
        except SlackApiError as error:
            logger.warning("could not open the form for %s: %s", user_id, error.response["error"])
