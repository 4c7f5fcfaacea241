"""The topic modals' submissions: add or edit a topic, or confirm deleting one. Admins only,
checked by the service on every submission, since a view can be crafted."""

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.services.profiles import TopicOutcome, delete_topic, save_topic, validate_topic
from bot.slack.blocks.profile import (
    NOT_ADMIN,
    TOPIC_GONE,
    metadata_topic_id,
    read_topic_form,
    topic_errors,
)
from bot.slack.listeners.acted import Acted
from bot.slack.listeners.events.app_home import publish_home


def submit_topic(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    # Saving runs before ack: a name another topic already has is an error on the form, and
    # only the database can say so. It is one or two short queries (and, at most once a day
    # per person, the users.info refresh behind the admin check).
    form = read_topic_form(view)
    errors = validate_topic(form)
    if errors:
        ack(response_action="errors", errors=topic_errors(errors))
        return
    act = Acted.of(body, context)
    result = act.as_admin(save_topic, form=form, topic_id=metadata_topic_id(view))
    if result.outcome == TopicOutcome.INVALID:
        ack(response_action="errors", errors=topic_errors(result.errors))
        return
    ack()
    _after_topic_change(act, result.outcome)


def confirm_delete(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    ack()
    act = Acted.of(body, context)
    topic_id = metadata_topic_id(view)
    if topic_id is None:
        act.logger.warning("topic deletion from %s without a topic id", act.user_id)
        act.tell(TOPIC_GONE)
        return
    _after_topic_change(act, act.as_admin(delete_topic, topic_id=topic_id))


def _after_topic_change(act: Acted, outcome: TopicOutcome) -> None:
    """Say why nothing changed, if so, and show the admin their Home as it is now."""
    if outcome == TopicOutcome.NOT_ADMIN:
        act.tell(NOT_ADMIN)
        return
    if outcome == TopicOutcome.NOT_FOUND:
        act.tell(TOPIC_GONE)
    publish_home(act.deps, act.client, act.logger, team_id=act.team_id, user_id=act.user_id)
