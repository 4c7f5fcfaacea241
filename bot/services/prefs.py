"""What people chose about nudges and digests, and what admins chose for the workspace."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from bot.clock import Clock
from db import queries
from db.models import PersonPrefs, WorkspaceSettings

log = logging.getLogger(__name__)

SNOOZE = timedelta(days=14)
# Every nudge kind (bot.domain.nudges.NudgeKind values); kept here as strings so preferences can
# be read and written without the planning logic.
NUDGE_KINDS = (
    "start_small",
    "people_say_yes",
    "deadline_soon",
    "matching_requests",
    "reciprocity",
)


@dataclass(frozen=True)
class Prefs:
    snoozed_until: datetime | None = None
    stopped: frozenset[str] = frozenset()
    digest_off: bool = False


@dataclass(frozen=True)
class WorkspacePolicy:
    """Defaults: every nudge on, at most two a week (and one a day) per person, "start small" after
    four quiet weeks, digests on Monday at 9:00."""

    enabled: frozenset[str] = frozenset(NUDGE_KINDS)
    weekly_cap: int = 2
    inactive_weeks: int = 4
    digest_weekday: int = 0
    digest_hour: int = 9
    digest_tz: str = "UTC"


def prefs_of(session: Session, team_id: str, user_id: str) -> Prefs:
    row = session.get(PersonPrefs, (team_id, user_id))
    if row is None:
        return Prefs()
    return Prefs(row.snoozed_until, _kinds(row.stopped_kinds), row.digest_off)


def _kinds(stored: str) -> frozenset[str]:
    return frozenset(k for k in stored.split(",") if k)


def _save(session: Session, team_id: str, user_id: str, clock: Clock, **values: object) -> None:
    """An upsert: a first click, a double click and two first clicks at once all end with one
    row holding the values."""
    now = clock()
    values = {**values, "updated_at": now}
    statement = queries.insert_for(session)(PersonPrefs).values(
        team_id=team_id, user_id=user_id, **{"stopped_kinds": "", "digest_off": False, **values}
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["team_id", "user_id"], set_={k: statement.excluded[k] for k in values}
        )
    )
    session.commit()


def snooze(session: Session, *, team_id: str, user_id: str, clock: Clock) -> datetime:
    until = clock() + SNOOZE
    _save(session, team_id, user_id, clock, snoozed_until=until)
    log.info("%s snoozed nudges until %s", user_id, until)
    return until


def stop_kind(session: Session, *, team_id: str, user_id: str, kind: str, clock: Clock) -> bool:
    if kind not in NUDGE_KINDS:
        return False
    stopped = prefs_of(session, team_id, user_id).stopped | {kind}
    _save(session, team_id, user_id, clock, stopped_kinds=",".join(sorted(stopped)))
    log.info("%s stopped %s nudges", user_id, kind)
    return True


def resume_nudges(session: Session, *, team_id: str, user_id: str, clock: Clock) -> None:
    _save(session, team_id, user_id, clock, snoozed_until=None, stopped_kinds="")


def set_digest(session: Session, *, team_id: str, user_id: str, on: bool, clock: Clock) -> None:
    _save(session, team_id, user_id, clock, digest_off=not on)


def policy_of(session: Session, team_id: str) -> WorkspacePolicy:
    row = session.get(WorkspaceSettings, team_id)
    if row is None:
        return WorkspacePolicy()
    return WorkspacePolicy(
        enabled=_kinds(row.enabled_kinds) & frozenset(NUDGE_KINDS),
        weekly_cap=row.weekly_cap,
        inactive_weeks=row.inactive_weeks,
        digest_weekday=row.digest_weekday,
        digest_hour=row.digest_hour,
        digest_tz=row.digest_tz,
    )


def policy_errors(policy: WorkspacePolicy) -> dict[str, str]:
    """Field name → a plain message, for values a form could not have limited itself."""
    errors = {}
    if not 1 <= policy.weekly_cap <= 7:
        errors["weekly_cap"] = "Pick 1 to 7 nudges a week."
    if not 1 <= policy.inactive_weeks <= 26:
        errors["inactive_weeks"] = "Pick 1 to 26 weeks."
    if not 0 <= policy.digest_weekday <= 6:
        errors["digest_weekday"] = "Pick a day of the week."
    if not 0 <= policy.digest_hour <= 23:
        errors["digest_hour"] = "Pick an hour from 0 to 23."
    try:
        ZoneInfo(policy.digest_tz)
    except (ZoneInfoNotFoundError, ValueError):
        errors["digest_tz"] = "Use a time zone name like Europe/Berlin or America/New_York."
    return errors


def save_policy(
    session: Session, *, team_id: str, user_id: str, policy: WorkspacePolicy, clock: Clock
) -> dict[str, str]:
    """Admins only (the caller checks); returns field errors, or saves."""
    errors = policy_errors(policy)
    if errors:
        return errors
    values = {
        "team_id": team_id,
        "enabled_kinds": ",".join(sorted(policy.enabled)),
        "weekly_cap": policy.weekly_cap,
        "inactive_weeks": policy.inactive_weeks,
        "digest_weekday": policy.digest_weekday,
        "digest_hour": policy.digest_hour,
        "digest_tz": policy.digest_tz,
        "updated_at": clock(),
    }
    statement = queries.insert_for(session)(WorkspaceSettings).values(**values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["team_id"],
            set_={k: statement.excluded[k] for k in values if k != "team_id"},
        )
    )
    session.commit()
    log.info("%s saved the workspace's nudge and digest settings", user_id)
    return {}
