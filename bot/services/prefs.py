"""What people chose about nudges and digests, and what admins chose for the workspace."""

import logging
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.domain.nudges import NudgeKind
from bot.domain.prefs import (
    INACTIVE_WEEKS,
    SNOOZE,
    WEEKLY_CAPS,
    Prefs,
    WorkspacePolicy,
    nudge_kinds,
)
from bot.domain.problems import Fault, FieldProblem
from bot.domain.worktime import stored_workdays, workdays, working_week
from db import queries
from db.models import PersonPrefs, WorkspaceSettings

log = logging.getLogger(__name__)


def prefs_of(session: Session, team_id: str, user_id: str) -> Prefs:
    row = session.get(PersonPrefs, (team_id, user_id))
    if row is None:
        return Prefs()
    return Prefs(row.snoozed_until, _kinds(row.stopped_kinds), row.digest_off)


def _kinds(stored: str) -> frozenset[NudgeKind]:
    return nudge_kinds(stored.split(","))


def _save(session: Session, team_id: str, user_id: str, clock: Clock, **values: object) -> None:
    queries.save_person_prefs(session, team_id, user_id, clock(), **values)
    session.commit()


def snooze(session: Session, *, team_id: str, user_id: str, clock: Clock) -> datetime:
    until = clock() + SNOOZE
    _save(session, team_id, user_id, clock, snoozed_until=until)
    log.info("%s snoozed nudges until %s", user_id, until)
    return until


def stop_kind(session: Session, *, team_id: str, user_id: str, kind: str, clock: Clock) -> bool:
    if not nudge_kinds([kind]):
        return False
    stopped = prefs_of(session, team_id, user_id).stopped | {NudgeKind(kind)}
    _save(session, team_id, user_id, clock, stopped_kinds=",".join(sorted(stopped)))
    log.info("%s stopped %s nudges", user_id, kind)
    return True


def resume_nudges(session: Session, *, team_id: str, user_id: str, clock: Clock) -> None:
    _save(session, team_id, user_id, clock, snoozed_until=None, stopped_kinds="")


def set_digest(session: Session, *, team_id: str, user_id: str, on: bool, clock: Clock) -> None:
    _save(session, team_id, user_id, clock, digest_off=not on)


def policy_of(session: Session, team_id: str) -> WorkspacePolicy:
    """One primary-key read: a use case that needs the policy twice passes it on instead."""
    row = session.get(WorkspaceSettings, team_id)
    if row is None:
        return WorkspacePolicy()
    return WorkspacePolicy(
        enabled=_kinds(row.enabled_kinds),
        weekly_cap=row.weekly_cap,
        inactive_weeks=row.inactive_weeks,
        digest_weekday=row.digest_weekday,
        digest_hour=row.digest_hour,
        digest_tz=row.digest_tz,
        working_week=working_week(workdays(row.workdays), row.day_start_hour, row.day_end_hour),
    )


def policy_problems(policy: WorkspacePolicy) -> dict[str, FieldProblem]:
    """Field name → what is wrong, for values a form could not have limited itself."""
    problems = {}
    if policy.weekly_cap not in WEEKLY_CAPS:
        problems["weekly_cap"] = FieldProblem(Fault.OUT_OF_RANGE, limit=WEEKLY_CAPS[-1])
    if policy.inactive_weeks not in INACTIVE_WEEKS:
        problems["inactive_weeks"] = FieldProblem(Fault.OUT_OF_RANGE, limit=INACTIVE_WEEKS[-1])
    if not 0 <= policy.digest_weekday <= 6:
        problems["digest_weekday"] = FieldProblem(Fault.OUT_OF_RANGE)
    if not 0 <= policy.digest_hour <= 23:
        problems["digest_hour"] = FieldProblem(Fault.OUT_OF_RANGE, limit=23)
    try:
        ZoneInfo(policy.digest_tz)
    except (ZoneInfoNotFoundError, ValueError):
        problems["digest_tz"] = FieldProblem(Fault.UNKNOWN)
    return problems


def save_policy(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    policy: WorkspacePolicy,
    form_errors: Mapping[str, FieldProblem],
    clock: Clock,
) -> dict[str, FieldProblem]:
    """Admins only (the caller checks); returns what is wrong by field (`form_errors`, what the
    form could not even read, among them), or saves."""
    errors = {**form_errors, **policy_problems(policy)}
    if errors:
        return errors
    queries.save_workspace_settings(
        session,
        team_id,
        enabled_kinds=",".join(sorted(policy.enabled)),
        weekly_cap=policy.weekly_cap,
        inactive_weeks=policy.inactive_weeks,
        digest_weekday=policy.digest_weekday,
        digest_hour=policy.digest_hour,
        digest_tz=policy.digest_tz,
        workdays=stored_workdays(policy.working_week.days),
        day_start_hour=policy.working_week.start.hour,
        day_end_hour=policy.working_week.end.hour,
        updated_at=clock(),
    )
    session.commit()
    log.info("%s saved the workspace's settings", user_id)
    return {}
