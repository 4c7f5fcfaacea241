"""The ⋯ menu on a posted request: *Mark resolved*, *Edit request* and *Withdraw request*, for
the asker only."""

from logging import Logger
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.services.asks import Outcome, withdraw_request
from bot.slack.blocks import ids
from bot.slack.blocks.messages import refusal_text
from bot.slack.deps import Deps
from bot.slack.listeners.forms import open_edit_form, open_resolve_form
from bot.slack.listeners.replies import acted_on, menu_choice, tell_privately

_CHOICES = (ids.MENU_EDIT, ids.MENU_WITHDRAW, ids.MENU_RESOLVE)


def register(app: App, deps: Deps) -> None:
    @app.action(ids.REQUEST_MENU)
    def use_menu(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, logger: Logger
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        channel_id, _ = acted_on(body)
        choice, request_id = menu_choice(action)
        if request_id is None or choice not in _CHOICES:
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

        opener = open_resolve_form if choice == ids.MENU_RESOLVE else open_edit_form
        opener(
            client,
            logger,
            deps,
            trigger_id=body.get("trigger_id", ""),
            request_id=request_id,
            user_id=user_id,
            channel_id=channel_id,
        )
