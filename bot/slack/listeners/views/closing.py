"""Submitting the asker's closing forms: *Mark resolved* (with thanks) and a new needed-by."""

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.domain.requests import Outcome, needed_by_problem
from bot.services.closing import extend_request, resolve_request
from bot.slack.blocks import ids
from bot.slack.blocks.closing import read_extend_form, read_resolve_form, resolve_errors
from bot.slack.blocks.replies import PICK_NEW_DEADLINE, extended
from bot.slack.listeners.acted import Acted


def resolve(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    form = read_resolve_form(view)
    errors = resolve_errors(form)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    act = Acted.of(body, context)
    result = act.on_request(
        resolve_request,
        user_id=act.user_id,
        notes=form.notes,
        others=form.others,
        impact=form.impact,
        answering=act.message,
    )
    if result is None:
        return
    outcome, _ = result
    if outcome != Outcome.RESOLVED:  # the resolution itself tells the asker
        act.refuse(outcome)


def extend(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    act = Acted.of(body, context)
    needed_by = read_extend_form(view)
    if needed_by is None:
        ack(response_action="errors", errors={ids.EXTEND_BLOCK: PICK_NEW_DEADLINE})
        return
    problem = needed_by_problem(needed_by, act.deps.clock())
    if problem:
        ack(response_action="errors", errors={ids.EXTEND_BLOCK: problem})
        return
    ack()
    result = act.on_request(
        extend_request, user_id=act.user_id, needed_by=needed_by, widen=act.deps.widen
    )
    if result is not None and result.outcome == Outcome.EXTENDED:
        act.answer(extended(needed_by, result.asked, result.widen_at))
    elif result is not None:
        act.refuse(result.outcome)
