"""Buttons that close the loop, in the asker's DMs and the group DM: *Mark resolved*, the
follow-up after needed-by (*Yes, resolved* / *Still need help* / *No longer needed*), and the
ways to act on what passing helpers said (extend, edit, widen)."""

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.domain.requests import Outcome
from bot.services.asks import widen_now
from bot.services.closing import no_longer_needed
from bot.slack.blocks import ids
from bot.slack.blocks.replies import LET_GO, WIDENED_ALREADY
from bot.slack.listeners.acted import Acted
from bot.slack.listeners.forms import open_edit_form, open_extend_form, open_resolve_form


def open_closing_form(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """RESOLVE_REQUEST, FOLLOW_UP_RESOLVED, FOLLOW_UP_EXTEND, FEEDBACK_EXTEND, FEEDBACK_EDIT."""
    ack()
    act = Acted.of(body, context)
    # A follow-up is answered in place once its form is submitted.
    origin = act.message if act.handled.startswith("follow_up") else None
    if act.request_id is None:
        act.missing()
    elif act.handled in (ids.RESOLVE_REQUEST, ids.FOLLOW_UP_RESOLVED):
        open_resolve_form(act, act.request_id, origin)
    elif act.handled in (ids.FOLLOW_UP_EXTEND, ids.FEEDBACK_EXTEND):
        open_extend_form(act, act.request_id, origin)
    else:
        open_edit_form(act, act.request_id)


def let_go(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """FOLLOW_UP_DONE: *No longer needed* closes the request."""
    ack()
    act = Acted.of(body, context)
    outcome = act.on_request(no_longer_needed, user_id=act.user_id)
    if outcome == Outcome.EXPIRED:
        act.replace_message(LET_GO)
    elif outcome is not None:
        act.refuse(outcome)


def widen(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """FEEDBACK_WIDEN: post a direct ask in its channel now."""
    ack()
    act = Acted.of(body, context)
    result = act.on_request(widen_now, user_id=act.user_id)
    if result is None or result.outcome in (Outcome.POSTED, Outcome.FAILED):
        return
    if result.outcome == Outcome.ALREADY_POSTED:
        act.tell(WIDENED_ALREADY)
    else:
        act.refuse(result.outcome)
