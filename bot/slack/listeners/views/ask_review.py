"""The coaching review: *Post as it is* (or privately to one person), or close to discard."""

from logging import Logger
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.services.asks import Outcome, discard_draft, publish_draft
from bot.slack.blocks import ids
from bot.slack.blocks.messages import refusal_text
from bot.slack.blocks.review import read_private_recipient, read_route
from bot.slack.blocks.state import metadata_int, read_metadata
from bot.slack.deps import Deps
from bot.slack.listeners.replies import tell_privately


def register(app: App, deps: Deps) -> None:
    @app.view(ids.ASK_REVIEW)
    def post_reviewed(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, logger: Logger
    ) -> None:
        user_id = body["user"]["id"]
        recipient = read_private_recipient(view)
        if recipient == user_id:
            ack(
                response_action="errors",
                errors={ids.PRIVATE_BLOCK: "Choose someone other than yourself."},
            )
            return
        ack()
        request_id = metadata_int(read_metadata(view), "request_id")
        if request_id is None:
            logger.warning("review submitted by %s without a request id", user_id)
            tell_privately(client, logger, user_id, refusal_text(Outcome.NOT_FOUND))
            return
        with deps.sessions() as session:
            result = publish_draft(
                session,
                deps.slack,
                request_id=request_id,
                user_id=user_id,
                clock=deps.clock,
                recipient_id=recipient,
                route=read_route(view),
                widen=deps.widen,
            )
        if result.outcome == Outcome.NOT_FOUND:
            tell_privately(client, logger, user_id, refusal_text(Outcome.NOT_FOUND))

    # Closing the review, or the form reopened from it with Edit, forgets the draft.
    @app.view_closed(ids.ASK_REVIEW)
    @app.view_closed(ids.ASK_MODAL)
    def discard_on_close(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        ack()
        request_id = metadata_int(read_metadata(view), "request_id")
        if request_id is not None:
            with deps.sessions() as session:
                discard_draft(session, request_id=request_id, user_id=body["user"]["id"])
