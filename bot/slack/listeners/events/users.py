"""`user_change` and `team_join`: keep the Slack user cache fresh from the events themselves.

Both events carry the whole user object, so the cache is refreshed without a users.info call,
and never with users.list.
"""

from logging import Logger
from typing import Any

from slack_bolt import App

from bot.services.profiles import remember_person
from bot.slack.deps import Deps
from bot.slack.gateway import person_from_user


def register(app: App, deps: Deps) -> None:
    def refresh(event: dict[str, Any], body: dict[str, Any], logger: Logger) -> None:
        person = person_from_user(event.get("user"))
        team_id = body.get("team_id") or (event.get("user") or {}).get("team_id")
        if person is None or not isinstance(team_id, str) or not team_id:
            logger.warning("%s event without a usable user", event.get("type"))
            return
        # An upsert: a retried delivery (X-Slack-Retry-Num) writes the same row again.
        with deps.sessions() as session:
            remember_person(session, team_id=team_id, person=person, clock=deps.clock)

    app.event("user_change")(refresh)
    app.event("team_join")(refresh)
