"""The message shortcut *Ask for help with this*: the form, filled from the message."""

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.domain.requests import RequestDraft
from bot.domain.text import typed
from bot.services.ports import PostedMessage, SlackError
from bot.slack.blocks.ask_modal import ask_modal
from bot.slack.blocks.text import plain_from_mrkdwn
from bot.slack.listeners.acted import Acted


def ask_from_message(ack: Ack, shortcut: dict[str, Any], context: BoltContext) -> None:
    ack()
    act = Acted.of(shortcut, context)
    message = shortcut.get("message") or {}
    text = message.get("text")
    what = typed(plain_from_mrkdwn(text)).strip() if isinstance(text, str) else ""
    permalink = None
    ts = message.get("ts") or shortcut.get("message_ts")
    if act.channel_id and ts:
        try:
            permalink = act.deps.slack.permalink(PostedMessage(act.channel_id, ts))
        except SlackError as error:
            # The app may not be in that conversation; the ask still works without the link.
            act.logger.info("no permalink for the shortcut's message: %s", error.code)
    act.open(
        ask_modal(
            draft=RequestDraft(what=what),
            metadata={"source": permalink} if permalink else None,
            allow_anonymous=act.deps.settings.allow_anonymous,
            source_permalink=permalink,
        )
    )
