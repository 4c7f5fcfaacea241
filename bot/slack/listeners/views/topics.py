"""The topic modals' submissions: add or edit a topic, or confirm deleting one. Admins only,
checked by the service on every submission, since a view can be crafted."""

from logging import Logger
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.services.profiles import TopicOutcome, delete_topic, save_topic, validate_topic
from bot.slack.blocks import ids
from bot.slack.blocks.profile import (
    NOT_ADMIN,
    TOPIC_GONE,
    metadata_topic_id,
    read_topic_form,
    topic_errors,
)
from bot.slack.deps import Deps
from bot.slack.listeners.events.app_home import publish_home, team_of
from bot.slack.listeners.replies import tell_privately


def register(app: App, deps: Deps) -> None:
    @app.view(ids.TOPIC_MODAL)
    def submit_topic(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, logger: Logger
    ) -> None:
        # Saving runs before ack: a name another topic already has is an error on the form, and
        # only the database can say so. It is one or two short queries (and, at most once a day
        # per person, the users.info refresh behind the admin check).
        form = read_topic_form(view)
        user_id = body["user"]["id"]
        team_id = team_of(body)
        errors = validate_topic(form)
        if errors:
            ack(response_action="errors", errors=topic_errors(errors))
            return
        with deps.sessions() as session:
            result = save_topic(
                session,
                deps.slack,
                team_id=team_id,
                user_id=user_id,
                admin_ids=deps.settings.admin_user_ids,
                form=form,
                topic_id=metadata_topic_id(view),
                clock=deps.clock,
            )
        if result.outcome == TopicOutcome.INVALID:
            ack(response_action="errors", errors=topic_errors(result.errors))
            return
        ack()
        if result.outcome == TopicOutcome.NOT_ADMIN:
            tell_privately(client, logger, user_id, NOT_ADMIN)
            return
        if result.outcome == TopicOutcome.NOT_FOUND:
            tell_privately(client, logger, user_id, TOPIC_GONE)
        publish_home(deps, client, logger, team_id=team_id, user_id=user_id)

    @app.view(ids.TOPIC_DELETE_MODAL)
    def confirm_delete(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, logger: Logger
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        team_id = team_of(body)
        topic_id = metadata_topic_id(view)
        if topic_id is None:
            logger.warning("topic deletion from %s without a topic id", user_id)
            tell_privately(client, logger, user_id, TOPIC_GONE)
            return
        with deps.sessions() as session:
            outcome = delete_topic(
                session,
                deps.slack,
                team_id=team_id,
                user_id=user_id,
                admin_ids=deps.settings.admin_user_ids,
                topic_id=topic_id,
                clock=deps.clock,
            )
        if outcome == TopicOutcome.NOT_ADMIN:
            tell_privately(client, logger, user_id, NOT_ADMIN)
            return
        if outcome == TopicOutcome.NOT_FOUND:
            tell_privately(client, logger, user_id, TOPIC_GONE)
        publish_home(deps, client, logger, team_id=team_id, user_id=user_id)
