"""Saving an edit of a posted request: the message is updated in place."""

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.domain.requests import Outcome, validate_draft
from bot.services.asks import edit_request
from bot.slack.blocks.ask_modal import field_errors, read_ask_form
from bot.slack.listeners.acted import Acted


def save_edit(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    act = Acted.of(body, context)
    draft = read_ask_form(view)
    errors = validate_draft(draft, act.deps.clock())
    if errors:
        ack(response_action="errors", errors=field_errors(errors))
        return
    ack()
    result = act.on_request(edit_request, user_id=act.user_id, draft=draft)
    if result is not None and result.outcome != Outcome.UPDATED:
        act.refuse(result.outcome)
