"""Buttons that close the loop, in the asker's DMs and the group DM: *Mark resolved*, the
follow-up after needed-by (*Yes, resolved* / *Still need help* / *No longer needed*), and the
ways to act on what passing helpers said (extend, edit, widen)."""

from logging import Logger
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.services.asks import Outcome, widen_now
from bot.services.closing import no_longer_needed
from bot.slack.blocks import ids
from bot.slack.blocks.messages import refusal_text
from bot.slack.deps import Deps
from bot.slack.listeners.forms import open_edit_form, open_extend_form, open_resolve_form
from bot.slack.listeners.replies import acted_on, answer_in_place, parse_id, tell_privately

_LET_GO = (
    "Okay, I've closed your request. Thanks for asking: every ask makes the next one easier, "
    "for you and for everyone watching."
)
_WIDENED_ALREADY = "It's already in a channel, where everyone there can see it."


def register(app: App, deps: Deps) -> None:
    def use(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, logger: Logger
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        action_id = action.get("action_id", "")
        channel_id, message = acted_on(body)
        request_id = parse_id(action.get("value"))
        if request_id is None:
            logger.warning("%s from %s with a malformed request id", action_id, user_id)
            tell_privately(client, logger, user_id, refusal_text(Outcome.NOT_FOUND), channel_id)
            return
        form = {
            "trigger_id": body.get("trigger_id", ""),
            "request_id": request_id,
            "user_id": user_id,
            "channel_id": channel_id,
        }
        # A follow-up is answered in place once its form is submitted.
        origin = message if action_id.startswith("follow_up") else None
        if action_id in (ids.RESOLVE_REQUEST, ids.FOLLOW_UP_RESOLVED):
            open_resolve_form(client, logger, deps, origin=origin, **form)
        elif action_id in (ids.FOLLOW_UP_EXTEND, ids.FEEDBACK_EXTEND):
            open_extend_form(client, logger, deps, origin=origin, **form)
        elif action_id == ids.FEEDBACK_EDIT:
            open_edit_form(client, logger, deps, **form)
        elif action_id == ids.FOLLOW_UP_DONE:
            with deps.sessions() as session:
                outcome = no_longer_needed(
                    session, deps.slack, request_id=request_id, user_id=user_id, clock=deps.clock
                )
            if outcome == Outcome.EXPIRED:
                answer_in_place(client, logger, message, _LET_GO)
            else:
                tell_privately(client, logger, user_id, refusal_text(outcome), channel_id)
        elif action_id == ids.FEEDBACK_WIDEN:
            with deps.sessions() as session:
                result = widen_now(
                    session, deps.slack, request_id=request_id, user_id=user_id, clock=deps.clock
                )
            if result.outcome == Outcome.ALREADY_POSTED:
                tell_privately(client, logger, user_id, _WIDENED_ALREADY, channel_id)
            elif result.outcome not in (Outcome.POSTED, Outcome.FAILED):
                tell_privately(client, logger, user_id, refusal_text(result.outcome), channel_id)

    for action_id in (
        ids.RESOLVE_REQUEST,
        ids.FOLLOW_UP_RESOLVED,
        ids.FOLLOW_UP_EXTEND,
        ids.FOLLOW_UP_DONE,
        ids.FEEDBACK_EXTEND,
        ids.FEEDBACK_EDIT,
        ids.FEEDBACK_WIDEN,
    ):
        app.action(action_id)(use)
