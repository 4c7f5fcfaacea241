"""Opening the asker's forms on a request (edit, resolve, extend), from whichever button or menu
led there. Each checks the person may use it first, and explains privately when they may not."""

from bot.services.asks import editable_draft
from bot.services.closing import extension_form, resolution_form
from bot.services.ports import MessageRef
from bot.slack.blocks.ask_modal import ask_modal
from bot.slack.blocks.closing import extend_modal, resolve_modal
from bot.slack.listeners.acted import Acted


def open_edit_form(act: Acted, request_id: int) -> None:
    with act.deps.sessions() as session:
        refused, draft = editable_draft(session, request_id=request_id, user_id=act.user_id)
    if refused is None and draft is not None:
        act.open(ask_modal(draft=draft, metadata={"request_id": request_id}, editing=True))
    else:
        act.refuse(refused or "")


def open_resolve_form(act: Acted, request_id: int, origin: MessageRef | None = None) -> None:
    with act.deps.sessions() as session:
        refused, form = resolution_form(session, request_id=request_id, user_id=act.user_id)
    if refused is None and form is not None:
        metadata = act.form_metadata(request_id, origin)
        act.open(resolve_modal(form.card, form.helpers, form.accepted, metadata))
    else:
        act.refuse(refused or "")


def open_extend_form(act: Acted, request_id: int, origin: MessageRef | None = None) -> None:
    with act.deps.sessions() as session:
        refused, card, suggested = extension_form(
            session, request_id=request_id, user_id=act.user_id, clock=act.deps.clock
        )
    if refused is None and card is not None:
        act.open(extend_modal(card, suggested, act.form_metadata(request_id, origin)))
    else:
        act.refuse(refused or "")
