"""*Edit* on the coaching review: back to the form, every value kept."""

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk.errors import SlackApiError

from bot.domain.requests import Outcome
from bot.services.asks import get_draft
from bot.slack.blocks.ask_modal import ask_modal
from bot.slack.blocks.messages import refusal_text
from bot.slack.listeners.acted import Acted


def back_to_form(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    act = Acted.of(body, context)
    request_id = act.request_id
    with act.deps.sessions() as session:
        kept = get_draft(session, request_id, act.user_id) if request_id else None
    if kept is None or request_id is None:
        act.logger.info("edit of a missing draft %r by %s", act.value, act.user_id)
        act.dm(refusal_text(Outcome.NOT_FOUND))
        return
    metadata: dict[str, Any] = {"request_id": request_id}
    if kept.source_permalink:
        metadata["source"] = kept.source_permalink
    form = ask_modal(
        draft=kept.draft,
        metadata=metadata,
        allow_anonymous=act.deps.settings.allow_anonymous,
        source_permalink=kept.source_permalink,
    )
    review = body.get("view") or {}
    try:
        # The hash makes Slack refuse the update if the view changed meanwhile.
        act.client.views_update(view_id=review.get("id"), hash=review.get("hash"), view=form)
    except SlackApiError as error:
        act.logger.warning(
            "could not reopen the form for %s: %s", act.user_id, error.response["error"]
        )
