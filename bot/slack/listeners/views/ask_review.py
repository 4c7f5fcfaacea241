"""The coaching review: *Post as it is* (or privately to one person), or close to discard."""

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.domain.requests import Outcome
from bot.services.asks import discard_draft, publish_draft
from bot.slack.blocks import ids
from bot.slack.blocks.replies import NOT_YOURSELF
from bot.slack.blocks.review import read_private_recipient, read_route
from bot.slack.listeners.acted import Acted


def post_reviewed(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    act = Acted.of(body, context)
    recipient, route = read_private_recipient(view), read_route(view)
    if recipient == act.user_id:
        ack(response_action="errors", errors={ids.PRIVATE_BLOCK: NOT_YOURSELF})
        return
    ack()
    result = act.on_request(
        publish_draft,
        user_id=act.user_id,
        recipient_id=recipient,
        route=route,
        widen=act.deps.widen,
    )
    if result is not None and result.outcome == Outcome.NOT_FOUND:
        act.refuse(Outcome.NOT_FOUND)


def discard_on_close(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Closing the review, or the form reopened from it with Edit, forgets the draft."""
    ack()
    act = Acted.of(body, context)
    if act.request_id is not None:
        with act.deps.sessions() as session:
            discard_draft(session, request_id=act.request_id, user_id=act.user_id)
