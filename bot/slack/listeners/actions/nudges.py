"""*Snooze* and *Stop these* on a nudge, *Turn off my digest* on a personal digest, and the same
choices from App Home. Each answers in place and changes only the clicker's own preferences."""

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.services import prefs
from bot.slack.blocks import ids
from bot.slack.blocks.replies import DIGEST_OFF, NUDGES_STOPPED, snoozed
from bot.slack.listeners.acted import Acted
from bot.slack.listeners.events.app_home import publish_home


def choose(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """SNOOZE_NUDGES, STOP_NUDGES and DIGEST_OFF, on a nudge or a digest."""
    ack()
    act = Acted.of(body, context)
    team_id, user_id, clock = act.team_id, act.user_id, act.deps.clock
    with act.deps.sessions() as session:
        if act.handled == ids.SNOOZE_NUDGES:
            until = prefs.snooze(session, team_id=team_id, user_id=user_id, clock=clock)
            text = snoozed(until)
        elif act.handled == ids.STOP_NUDGES:
            if not prefs.stop_kind(
                session, team_id=team_id, user_id=user_id, kind=act.value, clock=clock
            ):
                act.logger.warning("stop of an unknown nudge kind %r by %s", act.value, user_id)
                return
            text = NUDGES_STOPPED
        else:
            prefs.set_digest(session, team_id=team_id, user_id=user_id, on=False, clock=clock)
            text = DIGEST_OFF
    act.answer(text)


def change_from_home(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """NUDGE_PREFS: resume nudges, or turn the digest on or off, from App Home."""
    ack()
    act = Acted.of(body, context)
    if act.value not in (ids.PREFS_RESUME, ids.PREFS_DIGEST_ON, ids.PREFS_DIGEST_OFF):
        act.logger.warning("nudge preference %r from %s", act.value, act.user_id)
        return
    with act.deps.sessions() as session:
        if act.value == ids.PREFS_RESUME:
            prefs.resume_nudges(
                session, team_id=act.team_id, user_id=act.user_id, clock=act.deps.clock
            )
        else:
            on = act.value == ids.PREFS_DIGEST_ON
            prefs.set_digest(
                session, team_id=act.team_id, user_id=act.user_id, on=on, clock=act.deps.clock
            )
    publish_home(act.deps, act.client, act.logger, team_id=act.team_id, user_id=act.user_id)
