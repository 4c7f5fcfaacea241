"""The ⋯ menu on a posted request: *Edit request* and *Withdraw request*, for the asker only."""

from logging import Logger
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services.asks import Outcome, editable_draft, withdraw_request
from bot.slack.blocks import ids
from bot.slack.blocks.ask_modal import ask_modal
from bot.slack.blocks.messages import refusal_text
from bot.slack.deps import Deps
from bot.slack.listeners.replies import acted_on, menu_choice, tell_privately


def register(app: App, deps: Deps) -> None:
    @app.action(ids.REQUEST_MENU)
    def use_menu(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, logger: Logger
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        channel_id, _ = acted_on(body)
        choice, request_id = menu_choice(action)
        if request_id is None or choice not in (ids.MENU_EDIT, ids.MENU_WITHDRAW):
            logger.warning("request menu from %s with a malformed value", user_id)
            tell_privately(client, logger, user_id, refusal_text(Outcome.NOT_FOUND), channel_id)
            return

        if choice == ids.MENU_WITHDRAW:
            with deps.sessions() as session:
                result = withdraw_request(
                    session, deps.slack, request_id=request_id, user_id=user_id, clock=deps.clock
                )
            if result.outcome != Outcome.WITHDRAWN:
                tell_privately(client, logger, user_id, refusal_text(result.outcome), channel_id)
            return

        with deps.sessions() as session:
            refused, draft = editable_draft(session, request_id=request_id, user_id=user_id)
        if refused is not None or draft is None:
            tell_privately(client, logger, user_id, refusal_text(refused or ""), channel_id)
            return
        form = ask_modal(
            draft=draft,
            metadata={"request_id": request_id},
            editing=True,
        )
        try:
            client.views_open(trigger_id=body.get("trigger_id", ""), view=form)
        except SlackApiError as error:
            logger.warning(
                "could not open the edit form for %s: %s", user_id, error.response["error"]
            )
