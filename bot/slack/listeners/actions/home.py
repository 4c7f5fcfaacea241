"""Buttons on App Home: *Edit profile*, *Add topic*, and each topic's Edit/Delete menu. The
openers here are shared with `/ask profile` and `/ask topics`."""

from logging import Logger
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services.profiles import (
    TopicOutcome,
    editable_topic,
    helpers_with_topic,
    profile_of,
    topic_choices,
)
from bot.slack.blocks import ids
from bot.slack.blocks.profile import (
    NOT_ADMIN,
    TOPIC_GONE,
    profile_modal,
    topic_delete_modal,
    topic_modal,
)
from bot.slack.deps import Deps
from bot.slack.listeners.events.app_home import publish_home, team_of
from bot.slack.listeners.replies import menu_choice, tell_privately

_COULD_NOT_OPEN = (
    "Sorry, I couldn't open that form just now (Slack said `{code}`). Please try again."
)


def open_profile_modal(
    deps: Deps, client: WebClient, logger: Logger, *, team_id: str, user_id: str, trigger_id: str
) -> str | None:
    """Open the person's profile form; returns what to tell them if that failed."""
    with deps.sessions() as session:
        profile = profile_of(session, team_id=team_id, user_id=user_id)
        topics = topic_choices(session, team_id=team_id)
    return _open(client, logger, trigger_id, profile_modal(profile, topics), user_id)


def open_topic_modal(
    deps: Deps,
    client: WebClient,
    logger: Logger,
    *,
    team_id: str,
    user_id: str,
    trigger_id: str,
    topic_id: int | None = None,
    deleting: bool = False,
) -> str | None:
    """Open the add-topic form, or the edit or delete form of `topic_id`, for admins only;
    returns what to tell the person when they may not, or it failed."""
    with deps.sessions() as session:
        result = editable_topic(
            session,
            deps.slack,
            team_id=team_id,
            user_id=user_id,
            admin_ids=deps.settings.admin_user_ids,
            topic_id=topic_id,
            clock=deps.clock,
        )
        helpers = (
            helpers_with_topic(session, team_id=team_id, topic_id=topic_id)
            if deleting and result.topic is not None
            else 0
        )
    if result.outcome == TopicOutcome.NOT_ADMIN:
        logger.info("%s was refused the topic form: not an admin", user_id)
        return NOT_ADMIN
    if result.outcome == TopicOutcome.NOT_FOUND or (topic_id is not None and result.topic is None):
        return TOPIC_GONE
    if deleting and result.topic is not None:
        view = topic_delete_modal(result.topic, helpers)
    else:
        view = topic_modal(result.topic)
    return _open(client, logger, trigger_id, view, user_id)


def _open(
    client: WebClient, logger: Logger, trigger_id: str, view: dict[str, Any], user_id: str
) -> str | None:
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as error:
        code = error.response.get("error")
        logger.warning("could not open %s for %s: %s", view.get("callback_id"), user_id, code)
        return _COULD_NOT_OPEN.format(code=code)
    return None


def register(app: App, deps: Deps) -> None:
    @app.action(ids.EDIT_PROFILE)
    def edit_profile(ack: Ack, body: dict[str, Any], client: WebClient, logger: Logger) -> None:
        ack()
        user_id = body["user"]["id"]
        problem = open_profile_modal(
            deps,
            client,
            logger,
            team_id=team_of(body),
            user_id=user_id,
            trigger_id=body.get("trigger_id", ""),
        )
        if problem:
            tell_privately(client, logger, user_id, problem)

    @app.action(ids.ADD_TOPIC)
    def add_topic(ack: Ack, body: dict[str, Any], client: WebClient, logger: Logger) -> None:
        ack()
        user_id = body["user"]["id"]
        problem = open_topic_modal(
            deps,
            client,
            logger,
            team_id=team_of(body),
            user_id=user_id,
            trigger_id=body.get("trigger_id", ""),
        )
        if problem:
            tell_privately(client, logger, user_id, problem)

    @app.action(ids.TOPIC_MENU)
    def use_topic_menu(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, logger: Logger
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        team_id = team_of(body)
        choice, topic_id = menu_choice(action)
        if topic_id is None or choice not in (ids.TOPIC_EDIT, ids.TOPIC_DELETE):
            logger.warning("topic menu from %s with a malformed value", user_id)
            tell_privately(client, logger, user_id, TOPIC_GONE)
            return
        problem = open_topic_modal(
            deps,
            client,
            logger,
            team_id=team_id,
            user_id=user_id,
            trigger_id=body.get("trigger_id", ""),
            topic_id=topic_id,
            deleting=choice == ids.TOPIC_DELETE,
        )
        if problem:
            tell_privately(client, logger, user_id, problem)
            if problem == TOPIC_GONE:
                # Their Home still lists it: show them the topics as they are now.
                publish_home(deps, client, logger, team_id=team_id, user_id=user_id)
