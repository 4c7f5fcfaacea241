"""*Not this time*, with a reason: the helper's answer to a direct ask."""

from logging import Logger
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.domain.offers import DECLINE_NOTE_MAX_CHARS
from bot.services.offers import Answer, decline_help
from bot.services.ports import MessageRef
from bot.slack.blocks import ids
from bot.slack.blocks.closing import read_decline_form
from bot.slack.blocks.state import metadata_int, read_metadata
from bot.slack.deps import Deps
from bot.slack.listeners.actions.offers import REPLIES
from bot.slack.listeners.replies import tell_privately


def register(app: App, deps: Deps) -> None:
    @app.view(ids.DECLINE_MODAL)
    def pass_on(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, logger: Logger
    ) -> None:
        reason, note = read_decline_form(view)
        if reason is None:
            ack(
                response_action="errors",
                errors={ids.DECLINE_REASON_BLOCK: "Pick the reason that fits best."},
            )
            return
        if len(note) > DECLINE_NOTE_MAX_CHARS:
            ack(
                response_action="errors",
                errors={
                    ids.DECLINE_NOTE_BLOCK: f"Please keep it under {DECLINE_NOTE_MAX_CHARS} "
                    "characters."
                },
            )
            return
        ack()
        user_id = body["user"]["id"]
        metadata = read_metadata(view)
        request_id = metadata_int(metadata, "request_id")
        if request_id is None:
            logger.warning("decline submitted by %s without a request id", user_id)
            tell_privately(client, logger, user_id, REPLIES[Answer.NOT_FOUND])
            return
        channel, ts = metadata.get("channel"), metadata.get("ts")
        direct_ask = (
            MessageRef(channel, ts) if isinstance(channel, str) and isinstance(ts, str) else None
        )
        with deps.sessions() as session:
            result = decline_help(
                session,
                deps.slack,
                request_id=request_id,
                helper_id=user_id,
                reason=reason,
                note=note,
                clock=deps.clock,
                direct_ask=direct_ask,
            )
        if result in REPLIES:
            tell_privately(client, logger, user_id, REPLIES[result])
