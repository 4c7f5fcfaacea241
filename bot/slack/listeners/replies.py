"""Private replies from listeners: only the person who acted sees them."""

from logging import Logger
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services.ports import MessageRef


def tell_privately(
    client: WebClient, logger: Logger, user_id: str, text: str, channel_id: str | None = None
) -> None:
    """An ephemeral message where the person acted, or a DM when there is no such channel."""
    try:
        if channel_id:
            client.chat_postEphemeral(channel=channel_id, user=user_id, text=text)
        else:
            client.chat_postMessage(channel=user_id, text=text)
    except SlackApiError as error:
        logger.warning("could not tell %s: %s", user_id, error.response.get("error"))


def parse_id(value: object) -> int | None:
    """A request id from a button or menu value; None for anything malformed."""
    if isinstance(value, str) and value.isdigit() and len(value) < 19:
        return int(value)
    return None


def acted_on(body: dict[str, Any]) -> tuple[str | None, MessageRef | None]:
    """The conversation a button was pressed in, and the message that held it (when there is
    one), from an interactive payload's container."""
    container = body.get("container") or {}
    channel_id = container.get("channel_id") or (body.get("channel") or {}).get("id")
    message_ts = container.get("message_ts")
    message = MessageRef(channel_id, message_ts) if channel_id and message_ts else None
    return channel_id, message


def menu_choice(action: dict[str, Any]) -> tuple[str, int | None]:
    """An overflow menu's "choice:id" value, split; the id is None when malformed."""
    value = (action.get("selected_option") or {}).get("value", "")
    choice, _, raw_id = str(value).partition(":")
    return choice, parse_id(raw_id)


def answer_in_place(
    client: WebClient, logger: Logger, message: MessageRef | None, text: str
) -> None:
    """Replace a DM whose buttons have done their job with what came of them."""
    if message is None:
        return
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
    try:
        client.chat_update(channel=message.channel, ts=message.ts, text=text, blocks=blocks)
    except SlackApiError as error:
        logger.warning("could not update a message: %s", error.response.get("error"))
