"""Who people are, as far as the app needs to know: cached from Slack's users.info."""

import logging
from dataclasses import asdict
from datetime import UTC, datetime, timedelta, tzinfo

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.domain.worktime import zone_from
from bot.services.ports import SlackError, SlackPort
from db import queries
from db.models import SlackUser

log = logging.getLogger(__name__)

# Time zones and names change rarely; a day keeps users.info calls to about one per person a day.
PROFILE_TTL = timedelta(hours=24)


def profile(
    session: Session, slack: SlackPort, *, team_id: str, user_id: str, clock: Clock
) -> SlackUser | None:
    """The cached profile, refreshed from Slack when older than a day. None when Slack cannot say
    and nothing is cached. No transaction is held open during the Slack call."""
    cached = queries.get_slack_user(session, team_id, user_id)
    now = clock()
    if cached is not None and now - cached.fetched_at < PROFILE_TTL:
        return cached
    session.commit()
    try:
        person = slack.fetch_person(user_id)
    except SlackError as error:
        log.warning("users.info for %s failed: %s", user_id, error.code)
        return cached
    values = asdict(person)
    values.update(team_id=team_id, fetched_at=now)
    queries.upsert_slack_user(session, values)
    session.commit()
    return queries.get_slack_user(session, team_id, user_id)


def zone_of(user: SlackUser | None) -> tzinfo:
    """The person's Slack time zone (`zone_from`'s rule), UTC when Slack cannot tell: for reading
    and showing their local time, where some zone is needed. Deciding whether it is their working
    time wants `zone_from` itself, where unknown stays unknown."""
    zone = None if user is None else zone_from(user.tz, user.tz_offset)
    return UTC if zone is None else zone


def local_now(
    session: Session, slack: SlackPort, *, team_id: str, user_id: str, clock: Clock
) -> datetime:
    """Now, in the person's Slack time zone (UTC when Slack cannot tell)."""
    user = profile(session, slack, team_id=team_id, user_id=user_id, clock=clock)
    return clock().astimezone(zone_of(user))


def cached_local_now(session: Session, *, team_id: str, user_id: str, clock: Clock) -> datetime:
    """Now in the person's time zone from the cache alone: for the 3-second ack path."""
    return clock().astimezone(zone_of(queries.get_slack_user(session, team_id, user_id)))
