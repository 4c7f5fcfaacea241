"""`user_change` and `team_join`: keep the Slack user cache fresh from the events themselves.

Both events carry the whole user object, so the cache is refreshed without a users.info call,
and never with users.list.
"""

from typing import Any

from slack_bolt import BoltContext

from bot.services.profiles import remember_person
from bot.slack.deps import deps_of
from bot.slack.gateway import person_from_user


def refresh_person(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
    person = person_from_user(event.get("user"))
    team_id = body.get("team_id") or (event.get("user") or {}).get("team_id")
    if person is None or not isinstance(team_id, str) or not team_id:
        context.logger.warning("%s event without a usable user", event.get("type"))
        return
    deps = deps_of(context)
    # An upsert: a retried delivery (X-Slack-Retry-Num) writes the same row again.
    with deps.sessions() as session:
        remember_person(session, team_id=team_id, person=person, clock=deps.clock)
