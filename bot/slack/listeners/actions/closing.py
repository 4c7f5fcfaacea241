"""Buttons that close the loop, in the asker's DMs and the group DM: *Mark resolved*, the
follow-up after needed-by (*Yes, resolved* / *Still need help* / *No longer needed*), and the
ways to act on what passing helpers said (extend, edit, widen)."""

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.services.asks import Outcome, widen_now
from bot.services.closing import no_longer_needed
from bot.slack.blocks import ids
from bot.slack.blocks.replies import LET_GO, WIDENED_ALREADY
from bot.slack.listeners.acted import Acted
from bot.slack.listeners.forms import open_edit_form, open_extend_form, open_resolve_form


def use_closing_button(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    act = Acted.of(body, context)
    request_id, deps = act.request_id, act.deps
    if request_id is None:
        act.missing()
    elif act.handled in (ids.RESOLVE_REQUEST, ids.FOLLOW_UP_RESOLVED, ids.FOLLOW_UP_EXTEND):
        # A follow-up is answered in place once its form is submitted.
        origin = act.message if act.handled.startswith("follow_up") else None
        if act.handled == ids.FOLLOW_UP_EXTEND:
            open_extend_form(act, request_id, origin)
        else:
            open_resolve_form(act, request_id, origin)
    elif act.handled == ids.FEEDBACK_EXTEND:
        open_extend_form(act, request_id)
    elif act.handled == ids.FEEDBACK_EDIT:
        open_edit_form(act, request_id)
    elif act.handled == ids.FOLLOW_UP_DONE:
        with deps.sessions() as session:
            outcome = no_longer_needed(
                session, deps.slack, request_id=request_id, user_id=act.user_id, clock=deps.clock
            )
        if outcome == Outcome.EXPIRED:
            act.replace_message(LET_GO)
        else:
            act.refuse(outcome)
    elif act.handled == ids.FEEDBACK_WIDEN:
        with deps.sessions() as session:
            result = widen_now(
                session, deps.slack, request_id=request_id, user_id=act.user_id, clock=deps.clock
            )
        if result.outcome == Outcome.ALREADY_POSTED:
            act.tell(WIDENED_ALREADY)
        elif result.outcome not in (Outcome.POSTED, Outcome.FAILED):
            act.refuse(result.outcome)
