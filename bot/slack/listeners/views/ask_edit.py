"""Saving an edit of a posted request: the message is updated in place."""

from logging import Logger
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.domain.requests import validate_draft
from bot.services.asks import Outcome, edit_request
from bot.slack.blocks import ids
from bot.slack.blocks.ask_modal import field_errors, read_ask_form
from bot.slack.blocks.messages import refusal_text
from bot.slack.blocks.state import metadata_int, read_metadata
from bot.slack.deps import Deps
from bot.slack.listeners.replies import tell_privately


def register(app: App, deps: Deps) -> None:
    @app.view(ids.ASK_EDIT)
    def save_edit(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, logger: Logger
    ) -> None:
        draft = read_ask_form(view)
        errors = validate_draft(draft, deps.clock())
        if errors:
            ack(response_action="errors", errors=field_errors(errors))
            return
        ack()
        user_id = body["user"]["id"]
        request_id = metadata_int(read_metadata(view), "request_id")
        if request_id is None:
            logger.warning("edit submitted by %s without a request id", user_id)
            tell_privately(client, logger, user_id, refusal_text(Outcome.NOT_FOUND))
            return
        with deps.sessions() as session:
            result = edit_request(
                session,
                deps.slack,
                request_id=request_id,
                user_id=user_id,
                draft=draft,
                clock=deps.clock,
            )
        if result.outcome != Outcome.UPDATED:
            tell_privately(client, logger, user_id, refusal_text(result.outcome))
