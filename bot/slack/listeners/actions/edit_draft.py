"""*Edit* on the coaching review: back to the form, every value kept."""

from logging import Logger
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services.asks import Outcome, get_draft
from bot.services.cards import draft_of
from bot.slack.blocks import ids
from bot.slack.blocks.ask_modal import ask_modal
from bot.slack.blocks.messages import refusal_text
from bot.slack.deps import Deps
from bot.slack.listeners.replies import parse_id, tell_privately


def register(app: App, deps: Deps) -> None:
    @app.action(ids.EDIT_DRAFT)
    def back_to_form(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, logger: Logger
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        view = body.get("view") or {}
        request_id = parse_id(action.get("value"))
        with deps.sessions() as session:
            request = get_draft(session, request_id, user_id) if request_id else None
            draft = draft_of(request) if request else None
            source = request.source_permalink if request else None
        if draft is None or request_id is None:
            logger.info("edit of a missing draft %r by %s", action.get("value"), user_id)
            tell_privately(client, logger, user_id, refusal_text(Outcome.NOT_FOUND))
            return
        metadata: dict[str, Any] = {"request_id": request_id}
        if source:
            metadata["source"] = source
        form = ask_modal(
            draft=draft,
            metadata=metadata,
            allow_anonymous=deps.settings.allow_anonymous,
            source_permalink=source,
        )
        try:
            # The hash makes Slack refuse the update if the view changed meanwhile.
            client.views_update(view_id=view.get("id"), hash=view.get("hash"), view=form)
        except SlackApiError as error:
            logger.warning("could not reopen the form for %s: %s", user_id, error.response["error"])
