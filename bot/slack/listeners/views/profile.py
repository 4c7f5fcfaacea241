"""The profile modal's submission: field errors on the form, or save and refresh App Home."""

from logging import Logger
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.services.profiles import save_profile, validate_profile
from bot.slack.blocks import ids
from bot.slack.blocks.profile import profile_errors, read_profile_form
from bot.slack.deps import Deps
from bot.slack.listeners.events.app_home import publish_home, team_of


def register(app: App, deps: Deps) -> None:
    @app.view(ids.PROFILE_MODAL)
    def submit_profile(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, logger: Logger
    ) -> None:
        # Checking is pure and fast, so it runs before ack: the errors ride on the ack itself.
        form = read_profile_form(view)
        user_id = body["user"]["id"]
        errors = validate_profile(form)
        if errors:
            logger.info("profile of %s sent back for %s", user_id, ", ".join(sorted(errors)))
            ack(response_action="errors", errors=profile_errors(errors))
            return
        ack()
        team_id = team_of(body)
        with deps.sessions() as session:
            errors = save_profile(
                session, team_id=team_id, user_id=user_id, form=form, clock=deps.clock
            )
        if errors:  # the same checks as above, so only a bug gets here
            logger.error("profile of %s refused after ack: %s", user_id, errors)
            return
        publish_home(deps, client, logger, team_id=team_id, user_id=user_id)
