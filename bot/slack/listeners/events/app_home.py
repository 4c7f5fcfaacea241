"""`app_home_opened`: publish the person's Home tab, fresh each time they open it."""

from logging import Logger
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services.profiles import home
from bot.slack.blocks.home import home_view
from bot.slack.deps import Deps, deps_of
from bot.slack.listeners.acted import team_of


def publish_home(
    deps: Deps, client: WebClient, logger: Logger, *, team_id: str, user_id: str
) -> None:
    """Render and publish someone's Home. The session is closed before views.publish, so no
    transaction waits on Slack."""
    with deps.sessions() as session:
        data = home(
            session,
            deps.slack,
            team_id=team_id,
            user_id=user_id,
            admin_ids=deps.settings.admin_user_ids,
            clock=deps.clock,
        )
    try:
        client.views_publish(user_id=user_id, view=home_view(data))
    except SlackApiError as error:
        logger.warning("could not publish the Home of %s: %s", user_id, error.response.get("error"))


def show_home(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
    # The event also fires for the Messages tab, which has nothing to publish.
    if event.get("tab") != "home":
        return
    user_id = event.get("user")
    if not isinstance(user_id, str) or not user_id:
        context.logger.warning("app_home_opened without a user")
        return
    # A retried delivery publishes the same view again: harmless, so no de-duplication.
    publish_home(
        deps_of(context), context.client, context.logger, team_id=team_of(body), user_id=user_id
    )
