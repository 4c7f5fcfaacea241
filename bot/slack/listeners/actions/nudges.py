"""*Snooze* and *Stop these* on a nudge, *Turn off my digest* on a personal digest, and the same
choices from App Home. Each answers in place and changes only the clicker's own preferences."""

from logging import Logger
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.context import BoltContext
from slack_sdk import WebClient

from bot.services import prefs
from bot.slack.blocks import ids
from bot.slack.blocks.text import slack_date
from bot.slack.deps import Deps
from bot.slack.listeners.events.app_home import publish_home, team_of
from bot.slack.listeners.replies import acted_on, answer_in_place, tell_privately

_DIGEST_OFF = "Your weekly digest is off. You can turn it back on from my App Home."


def register(app: App, deps: Deps) -> None:
    @app.action(ids.SNOOZE_NUDGES)
    @app.action(ids.STOP_NUDGES)
    @app.action(ids.DIGEST_OFF)
    def choose(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
        logger: Logger,
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        team_id = context.team_id or ""
        _, message = acted_on(body)
        action_id = action.get("action_id")
        with deps.sessions() as session:
            if action_id == ids.SNOOZE_NUDGES:
                until = prefs.snooze(session, team_id=team_id, user_id=user_id, clock=deps.clock)
                text = f":zzz: Snoozed. No nudges from me until {slack_date(until, '{date_long}')}."
            elif action_id == ids.STOP_NUDGES:
                kind = str(action.get("value") or "")
                if not prefs.stop_kind(
                    session, team_id=team_id, user_id=user_id, kind=kind, clock=deps.clock
                ):
                    logger.warning("stop of an unknown nudge kind %r by %s", kind, user_id)
                    return
                text = "Done: no more of these. You can turn them back on from my App Home."
            else:
                prefs.set_digest(
                    session, team_id=team_id, user_id=user_id, on=False, clock=deps.clock
                )
                text = _DIGEST_OFF
        if message is not None:
            answer_in_place(client, logger, message, text)
        else:
            tell_privately(client, logger, user_id, text)

    @app.action(ids.NUDGE_PREFS)
    def change_from_home(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, logger: Logger
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        team_id = team_of(body)
        choice = action.get("value")
        with deps.sessions() as session:
            if choice == ids.PREFS_RESUME:
                prefs.resume_nudges(session, team_id=team_id, user_id=user_id, clock=deps.clock)
            elif choice in (ids.PREFS_DIGEST_ON, ids.PREFS_DIGEST_OFF):
                prefs.set_digest(
                    session,
                    team_id=team_id,
                    user_id=user_id,
                    on=choice == ids.PREFS_DIGEST_ON,
                    clock=deps.clock,
                )
            else:
                logger.warning("nudge preference %r from %s", choice, user_id)
                return
        publish_home(deps, client, logger, team_id=team_id, user_id=user_id)
