"""Planning nudges and weekly digests into the outbox.

A run reads each workspace in a fixed number of queries (whatever its size), lets the pure
planners in bot.domain decide who gets what now, and stores each message under an idempotency
key (kind, person or channel, period). Running it every few minutes, twice at once, or again
after a crash plans each message once; `bot.services.outbox` sends them."""

import logging
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.domain import digests as dg
from bot.domain import nudges as nd
from bot.domain.message import Message, to_json
from bot.domain.outbox import (
    CHANNEL_DIGEST,
    DIGEST_PREVIEW,
    PERSONAL_DIGEST,
    OutboxStatus,
    outbox_key,
)
from bot.domain.prefs import WorkspacePolicy
from bot.domain.routing import lookup_keys, terms
from bot.domain.worktime import zone_from
from bot.services import prefs as prefs_service
from bot.services.ports import SlackError, SlackPort
from bot.services.profiles import is_admin
from db import outbox_queries as oq
from db import planning_queries as pq

log = logging.getLogger(__name__)

# Facts and matches look back a month; older open requests are left to the weekly digest.
LOOKBACK = timedelta(days=30)
HELP_WINDOW = timedelta(days=90)
WEEK = timedelta(days=7)
MAX_MATCHING = 3


@dataclass(frozen=True)
class PlanReport:
    nudges: int = 0
    digests: int = 0


@dataclass(frozen=True)
class _Snapshot:
    """One workspace as the planners need it, read in a fixed number of queries."""

    people: list[nd.Person]
    open_requests: list[nd.OpenRequest]
    facts: nd.WorkspaceFacts
    digest_off: frozenset[str]


def plan_all(session: Session, *, clock: Clock) -> PlanReport:
    nudges = digests = 0
    for team_id in pq.teams(session):
        report = plan_team(session, team_id=team_id, now=clock())
        nudges += report.nudges
        digests += report.digests
    session.commit()
    return PlanReport(nudges, digests)


def plan_team(session: Session, *, team_id: str, now: datetime) -> PlanReport:
    policy = prefs_service.policy_of(session, team_id)
    snapshot = _snapshot(session, team_id, now)
    nudge_policy = nd.NudgePolicy(
        enabled=frozenset(nd.NudgeKind(k) for k in policy.enabled),
        weekly_cap=policy.weekly_cap,
        inactive_weeks=policy.inactive_weeks,
        working_week=policy.working_week,
    )
    planned = nd.plan_nudges(
        snapshot.people, snapshot.facts, snapshot.open_requests, nudge_policy, now
    )
    rows = [_row(team_id, n.kind.value, n.user_id, n.period, n.message, now) for n in planned]
    nudges = oq.enqueue(session, rows)

    digest_rows = []
    period = dg.digest_due(
        now, zone_from(policy.digest_tz, 0) or UTC, policy.digest_weekday, policy.digest_hour
    )
    if period is not None:
        digest_rows = [
            _row(team_id, CHANNEL_DIGEST, channel, period, digest.message, now)
            for channel, digest in _channel_digests(session, team_id, snapshot, now)
        ]
    digest_rows += _personal_digests(session, team_id, policy, snapshot, now)
    digests = oq.enqueue(session, digest_rows)
    session.commit()
    if nudges or digests:
        log.info("team %s: planned %d nudge(s) and %d digest(s)", team_id, nudges, digests)
    return PlanReport(nudges, digests)


def _row(
    team_id: str, kind: str, target: str, period: str, message: Message, now: datetime
) -> dict:
    return {
        "team_id": team_id,
        "key": outbox_key(kind, target, period),
        "kind": kind,
        "target": target,
        "period": period,
        "payload": to_json(message),
        "status": OutboxStatus.PENDING,
        "next_attempt_at": now,
        "created_at": now,
    }


def _snapshot(session: Session, team_id: str, now: datetime) -> _Snapshot:
    asking = pq.asking(session, team_id, now - timedelta(days=30))
    helping = pq.helping(session, team_id, now - HELP_WINDOW)
    chosen = pq.prefs(session, team_id)
    kinds = [k.value for k in nd.NudgeKind]
    history: dict[str, dict[str, tuple[datetime, int]]] = defaultdict(dict)
    for target, kind, latest, this_week in pq.nudge_history(
        session, team_id, kinds, now - timedelta(days=60), now - WEEK
    ):
        history[target][kind] = (latest, int(this_week or 0))
    skills: dict[str, set[str]] = defaultdict(set)
    topics: dict[str, set[int]] = defaultdict(set)
    for user_id, what, value in pq.interests(session, team_id):
        if what == "skill":
            skills[user_id].add(value)
        elif str(value).isdigit():
            topics[user_id].add(int(value))
    paused = pq.unavailable(session, team_id)

    people = []
    for user_id, tz, offset, is_bot, is_deleted in pq.people(session, team_id):
        asked = asking.get(user_id)
        mine = chosen.get(user_id)
        sent = history.get(user_id, {})
        people.append(
            nd.Person(
                user_id=user_id,
                tz=zone_from(tz, offset),
                is_bot=is_bot,
                is_deleted=is_deleted,
                last_asked_at=asked[0] if asked else None,
                asked_recent=asked[1] if asked else 0,
                helped_recent=helping.get(user_id, 0),
                snoozed_until=mine.snoozed_until if mine else None,
                stopped=frozenset(
                    nd.NudgeKind(k)
                    for k in (mine.stopped_kinds.split(",") if mine else ())
                    if k in nd.NudgeKind._value2member_map_
                ),
                last_nudged_at=max((at for at, _ in sent.values()), default=None),
                nudges_this_week=sum(count for _, count in sent.values()),
                skill_keys=frozenset(skills.get(user_id, ())),
                topic_ids=frozenset(topics.get(user_id, ())),
                last_sent={nd.NudgeKind(k): at for k, (at, _) in sent.items()},
                paused=user_id in paused,
            )
        )

    open_requests = [
        nd.OpenRequest(
            id=row.id,
            asker_id=row.asker_id,
            what=row.what,
            topic_id=row.topic_id,
            keys=frozenset(lookup_keys(terms(row.what))),
            needed_by=row.needed_by,
            posted_at=row.posted_at,
            offers=int(row.offers),
            channel=row.posted_channel,
        )
        for row in pq.open_requests(session, team_id, now - LOOKBACK)
    ]
    digest_off = frozenset(user for user, row in chosen.items() if row.digest_off)
    return _Snapshot(people, open_requests, _facts(session, team_id, now), digest_off)


def _facts(session: Session, team_id: str, now: datetime) -> nd.WorkspaceFacts:
    """Last month's share of requests with an offer, and the median wait for the first."""
    posted = pq.first_offers(session, team_id, now - LOOKBACK)
    waits = [first - at for at, first in posted if first is not None and at is not None]
    return nd.WorkspaceFacts(
        requests_last_month=len(posted),
        offered_share=len(waits) / len(posted) if posted else None,
        median_first_offer=statistics.median(waits) if waits else None,
    )


def _channel_digests(
    session: Session, team_id: str, snapshot: _Snapshot, now: datetime
) -> list[tuple[str, dg.Digest]]:
    """This week's digest of each channel that has something to say."""
    since = now - WEEK
    thanked: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for channel, to_id, _, _, _ in pq.thanks_since(session, team_id, since):
        if channel:
            thanked[channel][to_id] += 1
    waiting: dict[str, list[dg.OpenItem]] = defaultdict(list)
    for request in snapshot.open_requests:
        if request.offers == 0:
            waiting[request.channel].append(
                dg.OpenItem(request.id, request.what, None, request.needed_by)
            )
    digests = []
    for channel, asked, offered, resolved in pq.channel_weeks(session, team_id, since):
        if channel[:1] not in ("C", "G"):
            continue  # a private ask lives in a DM: it has no channel to report to
        week = dg.ChannelWeek(
            channel=channel,
            asked=int(asked or 0),
            offered=int(offered or 0),
            resolved=int(resolved or 0),
            open_requests=waiting.get(channel, []),
            thanked=[dg.Thanked(u, n) for u, n in thanked.get(channel, {}).items()],
        )
        digest = dg.channel_digest(week, snapshot.facts)
        if digest is not None:
            digests.append((channel, digest))
    return digests


def _personal_digests(
    session: Session,
    team_id: str,
    policy: WorkspacePolicy,
    snapshot: _Snapshot,
    now: datetime,
) -> list[dict]:
    """Each person's week, at the digest hour in their own time zone, unless they turned it off
    or there is nothing to say."""
    due = {}
    for person in snapshot.people:
        if person.is_bot or person.is_deleted or person.tz is None:
            continue
        if person.user_id in snapshot.digest_off:
            continue
        period = dg.digest_due(now, person.tz, policy.digest_weekday, policy.digest_hour)
        if period is not None:
            due[person.user_id] = (person, period)
    if not due:
        return []
    since = now - WEEK
    asked: dict[str, list[dg.AskedItem]] = defaultdict(list)
    for asker, request_id, what, status in pq.asked_since(session, team_id, since):
        asked[asker].append(dg.AskedItem(request_id, what, status))
    helped: dict[str, list[dg.HelpedItem]] = defaultdict(list)
    for helper, request_id, what in pq.helped_since(session, team_id, since):
        helped[helper].append(dg.HelpedItem(request_id, what))
    thanks: dict[str, list[dg.ThanksItem]] = defaultdict(list)
    for _, to_id, from_id, note, _ in pq.thanks_since(session, team_id, since):
        thanks[to_id].append(dg.ThanksItem(from_id, note))
    waiting = _Waiting.of(snapshot.open_requests)
    rows = []
    for user_id, (person, period) in due.items():
        week = dg.PersonalWeek(
            user_id=user_id,
            asked=asked.get(user_id, []),
            helped=helped.get(user_id, []),
            thanks=thanks.get(user_id, []),
            matching=waiting.matching(person),
        )
        digest = dg.personal_digest(week)
        if digest is not None:
            rows.append(_row(team_id, PERSONAL_DIGEST, user_id, period, digest.message, now))
    return rows


@dataclass(frozen=True)
class _Waiting:
    """Open requests with no offer, indexed by the skill keys and topics they match, so finding
    a person's matches reads only their own keys' lists, not every request."""

    by_key: dict[str, list[nd.OpenRequest]]
    by_topic: dict[int, list[nd.OpenRequest]]

    @classmethod
    def of(cls, requests: list[nd.OpenRequest]) -> "_Waiting":
        by_key: dict[str, list[nd.OpenRequest]] = defaultdict(list)
        by_topic: dict[int, list[nd.OpenRequest]] = defaultdict(list)
        for request in sorted(requests, key=lambda r: r.posted_at, reverse=True):
            if request.offers:
                continue
            for key in request.keys:
                by_key[key].append(request)
            if request.topic_id is not None:
                by_topic[request.topic_id].append(request)
        return cls(by_key, by_topic)

    def matching(self, person: nd.Person) -> list[dg.OpenItem]:
        found: dict[int, nd.OpenRequest] = {}
        lists = [self.by_key.get(k, []) for k in person.skill_keys]
        lists += [self.by_topic.get(t, []) for t in person.topic_ids]
        for candidates in lists:
            # Each list is newest first: a person needs only the first few of each.
            taken = 0
            for request in candidates:
                if request.asker_id == person.user_id:
                    continue
                found[request.id] = request
                taken += 1
                if taken == MAX_MATCHING:
                    break
        newest = sorted(found.values(), key=lambda r: r.posted_at, reverse=True)[:MAX_MATCHING]
        return [dg.OpenItem(r.id, r.what, None, r.needed_by) for r in newest]


def preview_digests(
    session: Session,
    slack: SlackPort,
    *,
    team_id: str,
    user_id: str,
    admin_ids: frozenset[str],
    clock: Clock,
) -> bool:
    """An admin's look at this week's channel digests, as they would be sent now, in a DM.
    False when the person is not an admin."""
    if not is_admin(
        session, slack, team_id=team_id, user_id=user_id, admin_ids=admin_ids, clock=clock
    ):
        return False
    now = clock()
    snapshot = _snapshot(session, team_id, now)
    shown = dg.preview(_channel_digests(session, team_id, snapshot, now))
    session.commit()
    try:
        slack.post_scheduled(user_id, DIGEST_PREVIEW, shown, f"preview:{user_id}:{now.isoformat()}")
    except SlackError as error:
        log.warning("could not send %s the digest preview: %s", user_id, error.code)
    return True
