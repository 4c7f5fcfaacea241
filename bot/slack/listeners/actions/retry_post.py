"""*Try again* and *Post in the help channel* on the "couldn't send" notice."""

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.domain.requests import Outcome
from bot.services.asks import retry_post
from bot.slack.blocks import ids
from bot.slack.listeners.acted import Acted

_REFUSED = {
    Outcome.NOT_YOURS,
    Outcome.ALREADY_POSTED,
    Outcome.IN_PROGRESS,
    Outcome.NOT_FOUND,
    Outcome.NOT_OPEN,
}


def try_again(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """RETRY_POST, and POST_TO_HELP_CHANNEL for the help channel instead."""
    ack()
    act = Acted.of(body, context)
    to_help = act.handled == ids.POST_TO_HELP_CHANNEL
    channel = act.deps.settings.help_channel if to_help else None
    result = act.on_request(retry_post, user_id=act.user_id, channel=channel, notice=act.message)
    if result is not None and result.outcome in _REFUSED:
        act.refuse(result.outcome)
