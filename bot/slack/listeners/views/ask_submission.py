"""The /ask modal's submission: field errors, a coaching review, or straight to posting."""

from dataclasses import replace
from logging import Logger
from typing import Any

from slack_bolt import Ack, App

from bot.domain.requests import validate_draft
from bot.services.asks import prepare_request, publish_draft, submit_request
from bot.services.routing import SHOWN
from bot.slack.blocks import ids
from bot.slack.blocks.ask_modal import field_errors, read_ask_form
from bot.slack.blocks.review import Suggested, review_view
from bot.slack.blocks.state import metadata_int, read_metadata
from bot.slack.deps import Deps


def register(app: App, deps: Deps) -> None:
    @app.view(ids.ASK_MODAL)
    def submit_ask(ack: Ack, body: dict[str, Any], view: dict[str, Any], logger: Logger) -> None:
        # Validation, coaching and routing run before ack: their outcome (field errors, or the
        # review screen) rides on the ack itself. None of it calls Slack.
        draft = read_ask_form(view)
        if not deps.settings.allow_anonymous:
            draft = replace(draft, anonymous=False)  # a crafted tick where it is not allowed
        metadata = read_metadata(view)
        user_id = body["user"]["id"]
        team_id = (body.get("team") or {}).get("id") or view.get("team_id") or ""
        asker = "an anonymous asker" if draft.anonymous else user_id
        errors = validate_draft(draft, deps.clock())
        if errors:
            logger.info("ask from %s sent back for %s", asker, ", ".join(sorted(errors)))
            ack(response_action="errors", errors=field_errors(errors))
            return
        source = metadata.get("source")
        source = source if isinstance(source, str) and source.startswith("https://") else None
        # One session from coaching to the post: the reads before the ack and the insert after
        # it share a transaction, so a submission begins and checks out a connection once less.
        # The ack is not a Slack call; no transaction stays open across one.
        with deps.sessions() as session:
            prepared = prepare_request(
                session,
                team_id=team_id,
                asker_id=user_id,
                draft=draft,
                help_channel=deps.settings.help_channel,
                clock=deps.clock,
                draft_id=metadata_int(metadata, "request_id"),
                source_permalink=source,
            )
            plan, draft_id = prepared.plan, prepared.draft_id
            if prepared.needs_review:
                session.commit()
                logger.info("ask from %s shown its review (draft %s)", asker, draft_id)
                shown = [Suggested(s.user_id, s.reasons) for s in plan.suggestions[:SHOWN]]
                view = review_view(
                    prepared.report,
                    request_id=draft_id,
                    support=deps.settings.support_resources,
                    channel=plan.channel,
                    suggested=shown,
                )
                ack(response_action="update", view=view)
                return
            ack()
            if draft_id is not None:
                publish_draft(
                    session,
                    deps.slack,
                    request_id=draft_id,
                    user_id=user_id,
                    clock=deps.clock,
                    widen=deps.widen,
                )
            else:
                submit_request(
                    session,
                    deps.slack,
                    team_id=team_id,
                    asker_id=user_id,
                    draft=draft,
                    default_channel=plan.channel,
                    clock=deps.clock,
                    source_permalink=source,
                    topic_id=plan.topic.id if plan.topic else None,
                    widen=deps.widen,
                )
