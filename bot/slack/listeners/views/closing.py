"""Submitting the asker's closing forms: *Mark resolved* (with thanks) and a new needed-by."""

from logging import Logger
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.domain.requests import needed_by_problem
from bot.services.asks import Outcome
from bot.services.closing import extend_request, resolve_request
from bot.services.ports import MessageRef
from bot.slack.blocks import ids
from bot.slack.blocks.closing import read_extend_form, read_resolve_form, resolve_errors
from bot.slack.blocks.messages import mentions, refusal_text
from bot.slack.blocks.state import metadata_int, read_metadata
from bot.slack.blocks.text import slack_date
from bot.slack.deps import Deps
from bot.slack.listeners.replies import answer_in_place, tell_privately


def _origin(metadata: dict[str, Any]) -> MessageRef | None:
    channel, ts = metadata.get("channel"), metadata.get("ts")
    return MessageRef(channel, ts) if isinstance(channel, str) and isinstance(ts, str) else None


def _request_id(
    client: WebClient, logger: Logger, user_id: str, metadata: dict[str, Any], form: str
) -> int | None:
    request_id = metadata_int(metadata, "request_id")
    if request_id is None:
        logger.warning("%s submitted by %s without a request id", form, user_id)
        tell_privately(client, logger, user_id, refusal_text(Outcome.NOT_FOUND))
    return request_id


def register(app: App, deps: Deps) -> None:
    def reply(
        client: WebClient, logger: Logger, user_id: str, origin: MessageRef | None, text: str
    ) -> None:
        if origin is not None:
            answer_in_place(client, logger, origin, text)
        else:
            tell_privately(client, logger, user_id, text)

    @app.view(ids.RESOLVE_MODAL)
    def resolve(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, logger: Logger
    ) -> None:
        form = read_resolve_form(view)
        errors = resolve_errors(form)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        user_id = body["user"]["id"]
        metadata = read_metadata(view)
        request_id = _request_id(client, logger, user_id, metadata, "resolution")
        if request_id is None:
            return
        with deps.sessions() as session:
            outcome, thanked = resolve_request(
                session,
                deps.slack,
                request_id=request_id,
                user_id=user_id,
                notes=form.notes,
                others=form.others,
                impact=form.impact,
                clock=deps.clock,
            )
        if outcome != Outcome.RESOLVED:
            tell_privately(client, logger, user_id, refusal_text(outcome))
            return
        text = ":white_check_mark: Marked resolved."
        if thanked:
            text += f" I've passed your thanks to {mentions(thanked)}."
        reply(client, logger, user_id, _origin(metadata), text)

    @app.view(ids.EXTEND_MODAL)
    def extend(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, logger: Logger
    ) -> None:
        needed_by = read_extend_form(view)
        problem = (
            needed_by_problem(needed_by, deps.clock())
            if needed_by is not None
            else "Pick a new date and time."
        )
        if problem or needed_by is None:
            ack(response_action="errors", errors={ids.EXTEND_BLOCK: problem})
            return
        ack()
        user_id = body["user"]["id"]
        metadata = read_metadata(view)
        request_id = _request_id(client, logger, user_id, metadata, "extension")
        if request_id is None:
            return
        with deps.sessions() as session:
            result = extend_request(
                session,
                deps.slack,
                request_id=request_id,
                user_id=user_id,
                needed_by=needed_by,
                clock=deps.clock,
                widen=deps.widen,
            )
        if result.outcome != Outcome.EXTENDED:
            tell_privately(client, logger, user_id, refusal_text(result.outcome))
            return
        text = f":calendar: New needed-by: {slack_date(needed_by)}."
        if result.asked:
            text += f" I've asked {mentions(result.asked)} directly."
        if result.widen_at is not None:
            text += f" If nobody offers by {slack_date(result.widen_at)}, I'll widen it."
        reply(client, logger, user_id, _origin(metadata), text)
