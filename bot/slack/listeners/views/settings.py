"""The admins' workspace settings: the *Change* button on App Home opens the form; saving it
checks again that the person is an admin, since a view can be crafted."""

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.services.scheduled import preview_digests
from bot.services.workspace import NotAdmin, change_policy, editable_policy
from bot.slack.blocks.replies import NOT_ADMIN_SETTINGS
from bot.slack.blocks.settings import read_settings_form, settings_errors, settings_modal
from bot.slack.listeners.acted import Acted
from bot.slack.listeners.events.app_home import publish_home


def open_settings(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """EDIT_WORKSPACE_SETTINGS."""
    ack()
    act = Acted.of(body, context)
    try:
        policy = act.as_admin(editable_policy)
    except NotAdmin:
        act.logger.info("%s was refused the workspace settings: not an admin", act.user_id)
        act.dm(NOT_ADMIN_SETTINGS)
        return
    act.open(settings_modal(policy))


def preview(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """PREVIEW_DIGEST: this week's channel digests, as they would be sent now, in a DM."""
    ack()
    act = Acted.of(body, context)
    if not act.as_admin(preview_digests):
        act.logger.info("%s was refused the digest preview: not an admin", act.user_id)
        act.dm(NOT_ADMIN_SETTINGS)


def save_settings(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    act = Acted.of(body, context)
    policy, form_errors = read_settings_form(view)
    try:
        errors = act.as_admin(change_policy, policy=policy, form_errors=form_errors)
    except NotAdmin:
        ack()
        act.logger.warning("%s submitted the workspace settings but is not an admin", act.user_id)
        act.dm(NOT_ADMIN_SETTINGS)
        return
    if errors:
        ack(response_action="errors", errors=settings_errors(errors))
        return
    ack()
    publish_home(act.deps, act.client, act.logger, team_id=act.team_id, user_id=act.user_id)
