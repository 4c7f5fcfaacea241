"""The /ask modal's submission: field errors, a coaching review, or straight to posting."""

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.domain.requests import validate_draft
from bot.services.asks import post_prepared, prepare_request
from bot.services.routing import SHOWN
from bot.slack.blocks.ask_modal import field_errors, read_ask_form
from bot.slack.blocks.review import Suggested, review_view
from bot.slack.listeners.acted import Acted


def submit_ask(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    # Validation, coaching and routing run before ack: their outcome (field errors, or the
    # review screen) rides on the ack itself. None of it calls Slack.
    act = Acted.of(body, context)
    deps = act.deps
    draft = read_ask_form(view)
    errors = validate_draft(draft, deps.clock())
    if errors:
        asker = "an anonymous asker" if draft.anonymous else act.user_id
        act.logger.info("ask from %s sent back for %s", asker, ", ".join(sorted(errors)))
        ack(response_action="errors", errors=field_errors(errors))
        return
    # One session from coaching to the post: the reads before the ack and the insert after
    # it share a transaction, so a submission begins and checks out a connection once less.
    # The ack is not a Slack call; no transaction stays open across one.
    with deps.sessions() as session:
        prepared = prepare_request(
            session,
            team_id=act.team_id,
            asker_id=act.user_id,
            draft=draft,
            allow_anonymous=deps.settings.allow_anonymous,
            source=act.metadata.get("source"),
            help_channel=deps.settings.help_channel,
            clock=deps.clock,
            draft_id=act.request_id,
        )
        if prepared.needs_review:
            asker = "an anonymous asker" if prepared.draft.anonymous else act.user_id
            act.logger.info("ask from %s shown its review (draft %s)", asker, prepared.draft_id)
            shown = [Suggested(s.user_id, s.reasons) for s in prepared.plan.suggestions[:SHOWN]]
            review = review_view(
                prepared.report,
                request_id=prepared.draft_id,
                support=deps.settings.support_resources,
                channel=prepared.plan.channel,
                suggested=shown,
            )
            ack(response_action="update", view=review)
            return
        ack()
        post_prepared(session, deps.slack, prepared, clock=deps.clock, widen=deps.widen)
