"""The admins' workspace settings: the *Change* button on App Home opens the form; saving it
checks again that the person is an admin, since a view can be crafted."""

from logging import Logger
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services.scheduled import preview_digests
from bot.services.workspace import NotAdmin, change_policy, editable_policy
from bot.slack.blocks import ids
from bot.slack.blocks.settings import read_settings_form, settings_modal
from bot.slack.deps import Deps
from bot.slack.listeners.events.app_home import publish_home, team_of
from bot.slack.listeners.replies import tell_privately

NOT_ADMIN_SETTINGS = "Only workspace admins can change these settings."


def register(app: App, deps: Deps) -> None:
    @app.action(ids.EDIT_WORKSPACE_SETTINGS)
    def open_settings(ack: Ack, body: dict[str, Any], client: WebClient, logger: Logger) -> None:
        ack()
        user_id = body["user"]["id"]
        try:
            with deps.sessions() as session:
                policy = editable_policy(
                    session,
                    deps.slack,
                    team_id=team_of(body),
                    user_id=user_id,
                    admin_ids=deps.settings.admin_user_ids,
                    clock=deps.clock,
                )
        except NotAdmin:
            logger.info("%s was refused the workspace settings: not an admin", user_id)
            tell_privately(client, logger, user_id, NOT_ADMIN_SETTINGS)
            return
        try:
            client.views_open(trigger_id=body.get("trigger_id", ""), view=settings_modal(policy))
        except SlackApiError as error:
            logger.warning(
                "could not open the settings for %s: %s", user_id, error.response.get("error")
            )

    @app.action(ids.PREVIEW_DIGEST)
    def preview(ack: Ack, body: dict[str, Any], client: WebClient, logger: Logger) -> None:
        ack()
        user_id = body["user"]["id"]
        with deps.sessions() as session:
            allowed = preview_digests(
                session,
                deps.slack,
                team_id=team_of(body),
                user_id=user_id,
                admin_ids=deps.settings.admin_user_ids,
                clock=deps.clock,
            )
        if not allowed:
            logger.info("%s was refused the digest preview: not an admin", user_id)
            tell_privately(client, logger, user_id, NOT_ADMIN_SETTINGS)

    @app.view(ids.SETTINGS_MODAL)
    def save_settings(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, logger: Logger
    ) -> None:
        user_id = body["user"]["id"]
        team_id = team_of(body)
        try:
            with deps.sessions() as session:
                errors = change_policy(
                    session,
                    deps.slack,
                    team_id=team_id,
                    user_id=user_id,
                    admin_ids=deps.settings.admin_user_ids,
                    policy=read_settings_form(view),
                    clock=deps.clock,
                )
        except NotAdmin:
            ack()
            logger.warning("%s submitted the workspace settings but is not an admin", user_id)
            tell_privately(client, logger, user_id, NOT_ADMIN_SETTINGS)
            return
        if errors:
            ack(
                response_action="errors",
                errors={ids.SETTINGS_FIELD_BLOCKS[field]: text for field, text in errors.items()},
            )
            return
        ack()
        publish_home(deps, client, logger, team_id=team_id, user_id=user_id)
