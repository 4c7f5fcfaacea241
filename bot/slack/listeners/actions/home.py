"""Buttons on App Home: *Edit profile*, *Add topic*, and each topic's Edit/Delete menu. The
openers here are shared with `/ask profile` and `/ask topics`."""

from typing import Any

from slack_bolt import Ack, BoltContext

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
from bot.slack.blocks.replies import could_not_open
from bot.slack.listeners.acted import Acted
from bot.slack.listeners.events.app_home import publish_home


def open_profile_modal(act: Acted) -> str | None:
    """Open the person's profile form; returns what to tell them if that failed."""
    with act.deps.sessions() as session:
        profile = profile_of(session, team_id=act.team_id, user_id=act.user_id)
        topics = topic_choices(session, team_id=act.team_id)
    return _open(act, profile_modal(profile, topics))


def open_topic_modal(act: Acted, topic_id: int | None = None, deleting: bool = False) -> str | None:
    """Open the add-topic form, or the edit or delete form of `topic_id`, for admins only;
    returns what to tell the person when they may not, or it failed."""
    deps = act.deps
    with deps.sessions() as session:
        result = editable_topic(
            session,
            deps.slack,
            team_id=act.team_id,
            user_id=act.user_id,
            admin_ids=deps.settings.admin_user_ids,
            topic_id=topic_id,
            clock=deps.clock,
        )
        helpers = (
            helpers_with_topic(session, team_id=act.team_id, topic_id=topic_id)
            if deleting and result.topic is not None
            else 0
        )
    if result.outcome == TopicOutcome.NOT_ADMIN:
        act.logger.info("%s was refused the topic form: not an admin", act.user_id)
        return NOT_ADMIN
    if result.outcome == TopicOutcome.NOT_FOUND or (topic_id is not None and result.topic is None):
        return TOPIC_GONE
    if deleting and result.topic is not None:
        return _open(act, topic_delete_modal(result.topic, helpers))
    return _open(act, topic_modal(result.topic))


def _open(act: Acted, view: dict[str, Any]) -> str | None:
    code = act.open(view)
    return could_not_open(code) if code is not None else None


def open_home_form(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """EDIT_PROFILE and ADD_TOPIC."""
    ack()
    act = Acted.of(body, context)
    problem = open_profile_modal(act) if act.handled == ids.EDIT_PROFILE else open_topic_modal(act)
    if problem:
        act.dm(problem)


def use_topic_menu(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    act = Acted.of(body, context)
    if act.value_id is None or act.choice not in (ids.TOPIC_EDIT, ids.TOPIC_DELETE):
        act.logger.warning("topic menu from %s with a malformed value", act.user_id)
        act.dm(TOPIC_GONE)
        return
    problem = open_topic_modal(act, act.value_id, deleting=act.choice == ids.TOPIC_DELETE)
    if problem:
        act.dm(problem)
        if problem == TOPIC_GONE:
            # Their Home still lists it: show them the topics as they are now.
            publish_home(act.deps, act.client, act.logger, team_id=act.team_id, user_id=act.user_id)
