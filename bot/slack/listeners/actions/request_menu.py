"""The ⋯ menu on a posted request: *Mark resolved*, *Edit request* and *Withdraw request*, for
the asker only."""

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.domain.requests import Outcome
from bot.services.asks import withdraw_request
from bot.slack.blocks import ids
from bot.slack.listeners.acted import Acted
from bot.slack.listeners.forms import open_edit_form, open_resolve_form

_CHOICES = (ids.MENU_EDIT, ids.MENU_WITHDRAW, ids.MENU_RESOLVE)


def use_menu(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    act = Acted.of(body, context)
    if act.request_id is None or act.choice not in (
        ids.MENU_EDIT,
        ids.MENU_WITHDRAW,
        ids.MENU_RESOLVE,
    ):
        act.missing()
    elif act.choice == ids.MENU_RESOLVE:
        open_resolve_form(act, act.request_id)
    elif act.choice == ids.MENU_EDIT:
        open_edit_form(act, act.request_id)
    else:
        result = act.on_request(withdraw_request, user_id=act.user_id)
        if result is not None and result.outcome != Outcome.WITHDRAWN:
            act.refuse(result.outcome)
