"""The /ask modal's submission: field errors in the modal, or store and post the request."""

from logging import Logger
from typing import Any

from slack_bolt import Ack, App

from bot.domain.requests import validate_draft
from bot.services.asks import submit_request
from bot.slack.blocks import ids
from bot.slack.blocks.ask_modal import field_errors, read_ask_form
from bot.slack.deps import Deps


def register(app: App, deps: Deps) -> None:
    @app.view(ids.ASK_MODAL)
    def submit_ask(ack: Ack, body: dict[str, Any], view: dict[str, Any], logger: Logger) -> None:
        # Validation is pure and fast, so it runs before ack: its errors ride on the ack itself.
        draft = read_ask_form(view)
        errors = validate_draft(draft, deps.clock())
        user_id = body["user"]["id"]
        if errors:
            logger.info("ask from %s sent back for %s", user_id, ", ".join(sorted(errors)))
            ack(response_action="errors", errors=field_errors(errors))
            return
        ack()
        team_id = (body.get("team") or {}).get("id") or view.get("team_id") or ""
        with deps.sessions() as session:
            submit_request(
                session,
                deps.slack,
                team_id=team_id,
                asker_id=user_id,
                draft=draft,
                default_channel=deps.settings.help_channel,
                clock=deps.clock,
            )
