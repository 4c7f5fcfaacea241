"""The profile modal's submission: field errors on the form, or save and refresh App Home."""

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.services.profiles import save_profile, validate_profile
from bot.slack.blocks.profile import profile_errors, read_profile_form
from bot.slack.listeners.acted import Acted
from bot.slack.listeners.events.app_home import publish_home


def submit_profile(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> None:
    # Checking is pure and fast, so it runs before ack: the errors ride on the ack itself.
    act = Acted.of(body, context)
    form = read_profile_form(view)
    errors = validate_profile(form)
    if errors:
        act.logger.info("profile of %s sent back for %s", act.user_id, ", ".join(sorted(errors)))
        ack(response_action="errors", errors=profile_errors(errors))
        return
    ack()
    with act.deps.sessions() as session:
        errors = save_profile(
            session, team_id=act.team_id, user_id=act.user_id, form=form, clock=act.deps.clock
        )
    if errors:  # the same checks as above, so only a bug gets here
        act.logger.error("profile of %s refused after ack: %s", act.user_id, errors)
        return
    publish_home(act.deps, act.client, act.logger, team_id=act.team_id, user_id=act.user_id)
