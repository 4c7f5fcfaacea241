"""What people chose about nudges and digests, and what admins chose for the workspace."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.nudges import NudgeKind
from bot.domain.worktime import STANDARD_WEEK, WorkingWeek

SNOOZE = timedelta(days=14)
# What admins may choose: nudges a week per person, and quiet weeks before "start small".
WEEKLY_CAPS = range(1, 8)
INACTIVE_WEEKS = range(1, 27)


@dataclass(frozen=True)
class Prefs:
    snoozed_until: datetime | None = None
    stopped: frozenset[NudgeKind] = frozenset()
    digest_off: bool = False


@dataclass(frozen=True)
class WorkspacePolicy:
    """Defaults: every nudge on, at most two a week (and one a day) per person, "start small" after
    four quiet weeks, digests on Monday at 9:00, and the standard working week (Monday to Friday,
    9:00-17:00) for nudges, follow-ups, routing and the SMART coach."""

    enabled: frozenset[NudgeKind] = frozenset(NudgeKind)
    weekly_cap: int = 2
    inactive_weeks: int = 4
    digest_weekday: int = 0
    digest_hour: int = 9
    digest_tz: str = "UTC"
    working_week: WorkingWeek = STANDARD_WEEK


_KINDS = frozenset(NudgeKind)


def nudge_kinds(values: Iterable[str]) -> frozenset[NudgeKind]:
    """The known nudge kinds among stored or submitted strings; anything else is dropped."""
    return frozenset(NudgeKind(v) for v in values if v in _KINDS)
