"""*Not this time*, with a reason: the helper's answer to a direct ask."""

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.domain.offers import DECLINE_NOTE_MAX_CHARS
from bot.services.offers import decline_help
from bot.slack.blocks import ids
from bot.slack.blocks.closing import read_decline_form
from bot.slack.blocks.replies import DECLINE_NOTE_TOO_LONG, PICK_DECLINE_REASON, offer_reply
from bot.slack.listeners.acted import Acted


def pass_on(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    act = Acted.of(body, context)
    reason, note = read_decline_form(view)
    if reason is None:
        ack(response_action="errors", errors={ids.DECLINE_REASON_BLOCK: PICK_DECLINE_REASON})
        return
    if len(note) > DECLINE_NOTE_MAX_CHARS:
        ack(response_action="errors", errors={ids.DECLINE_NOTE_BLOCK: DECLINE_NOTE_TOO_LONG})
        return
    ack()
    # The direct ask the form was opened from is thanked in place.
    result = act.on_request(
        decline_help, helper_id=act.user_id, reason=reason, note=note, direct_ask=act.message
    )
    text = offer_reply(result) if result is not None else None
    if text:
        act.tell(text)
