"""Private replies from listeners: only the person who acted sees them."""

from logging import Logger

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError


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
