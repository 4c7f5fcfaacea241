"""Opening the asker's forms on a request (edit, resolve, extend), from whichever button or menu
led there. Each checks the person may use it first, and explains privately when they may not."""

from logging import Logger
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services.asks import editable_draft
from bot.services.closing import extension_form, resolution_form
from bot.services.ports import MessageRef
from bot.slack.blocks.ask_modal import ask_modal
from bot.slack.blocks.closing import extend_modal, resolve_modal
from bot.slack.blocks.messages import refusal_text
from bot.slack.deps import Deps
from bot.slack.listeners.replies import tell_privately


def _metadata(request_id: int, origin: MessageRef | None) -> dict[str, Any]:
    """The request, and the DM the form was opened from when that DM should be answered in
    place once the form is submitted (a follow-up's buttons)."""
    metadata: dict[str, Any] = {"request_id": request_id}
    if origin is not None:
        metadata.update(channel=origin.channel, ts=origin.ts)
    return metadata


def _open(client: WebClient, logger: Logger, trigger_id: str, view: dict[str, Any]) -> None:
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as error:
        # An expired trigger (over 3 s) or a closed client: nothing to tell but the log.
        logger.warning(
            "could not open %s: %s", view.get("callback_id"), error.response.get("error")
        )


def open_edit_form(
    client: WebClient,
    logger: Logger,
    deps: Deps,
    *,
    trigger_id: str,
    request_id: int,
    user_id: str,
    channel_id: str | None,
) -> None:
    with deps.sessions() as session:
        refused, draft = editable_draft(session, request_id=request_id, user_id=user_id)
    if refused is not None or draft is None:
        tell_privately(client, logger, user_id, refusal_text(refused or ""), channel_id)
        return
    form = ask_modal(draft=draft, metadata={"request_id": request_id}, editing=True)
    _open(client, logger, trigger_id, form)


def open_resolve_form(
    client: WebClient,
    logger: Logger,
    deps: Deps,
    *,
    trigger_id: str,
    request_id: int,
    user_id: str,
    channel_id: str | None,
    origin: MessageRef | None = None,
) -> None:
    with deps.sessions() as session:
        refused, form = resolution_form(session, request_id=request_id, user_id=user_id)
    if refused is not None or form is None:
        tell_privately(client, logger, user_id, refusal_text(refused or ""), channel_id)
        return
    view = resolve_modal(form.card, form.helpers, form.accepted, _metadata(request_id, origin))
    _open(client, logger, trigger_id, view)


def open_extend_form(
    client: WebClient,
    logger: Logger,
    deps: Deps,
    *,
    trigger_id: str,
    request_id: int,
    user_id: str,
    channel_id: str | None,
    origin: MessageRef | None = None,
) -> None:
    with deps.sessions() as session:
        refused, card, suggested = extension_form(
            session, request_id=request_id, user_id=user_id, clock=deps.clock
        )
    if refused is not None or card is None:
        tell_privately(client, logger, user_id, refusal_text(refused or ""), channel_id)
        return
    _open(client, logger, trigger_id, extend_modal(card, suggested, _metadata(request_id, origin)))
