"""Helper profiles, the workspace's topics, and what App Home shows each person.

Profiles and topics are what routing reads (through db/routing_queries.py); this module is how
people write them. Admin rights are checked here, on every write, because a button hidden from
someone is no protection against a crafted request.
"""

import logging
import re
from collections.abc import Collection
from dataclasses import asdict, dataclass
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.domain.problems import Fault, FieldProblem
from bot.domain.profiles import (
    DEFAULT_CAPACITY,
    KEYWORD_MAX_CHARS,
    MAX_CAPACITY,
    MAX_KEYWORDS,
    MAX_SKILLS,
    SKILL_MAX_CHARS,
    TOPIC_NAME_MAX_CHARS,
    Balance,
    Home,
    ProfileForm,
    ProfileSummary,
    RecentOffer,
    RecentRequest,
    TopicForm,
)
from bot.domain.routing import TopicInfo
from bot.domain.text import typed, whole_number
from bot.services import people
from bot.services.ports import Person, SlackPort
from bot.services.prefs import policy_of, prefs_of
from db import offer_queries as rq
from db import profile_queries as pq
from db import queries
from db.models import Topic
from db.routing_queries import TopicRow

log = logging.getLogger(__name__)

RECENT_REQUESTS = 5
RECENT_OFFERS = 5

_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,}")
# Skills and keywords are typed as lists; commas, semicolons and new lines all separate them.
_LIST_SEPARATORS = re.compile(r"[,;\n]")


class TopicOutcome(StrEnum):
    SAVED = "saved"
    DELETED = "deleted"
    INVALID = "invalid"
    NOT_ADMIN = "not_admin"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class TopicResult:
    outcome: TopicOutcome
    errors: dict[str, FieldProblem]
    topic: TopicInfo | None = None


# --- Reading and checking what people typed -------------------------------------------------------


def split_list(text: str) -> list[str]:
    """Items of a typed list, trimmed and with inner runs of spaces made one, first spelling of
    each kept (case-insensitively)."""
    seen: dict[str, str] = {}
    for part in _LIST_SEPARATORS.split(text):
        item = " ".join(typed(part).split())
        if item and item.lower() not in seen:
            seen[item.lower()] = item
    return list(seen.values())


def validate_profile(form: ProfileForm) -> dict[str, FieldProblem]:
    """What is wrong, by form field, for `response_action: errors`; empty when it can be saved."""
    errors: dict[str, FieldProblem] = {}
    capacity = form.capacity_text.strip()
    if whole_number(capacity, MAX_CAPACITY) is None:
        errors["capacity"] = FieldProblem(Fault.OUT_OF_RANGE, limit=MAX_CAPACITY)
    skills = split_list(form.skills_text)
    too_long = [s for s in skills if len(s) > SKILL_MAX_CHARS]
    if too_long:
        errors["skills"] = FieldProblem(Fault.TOO_LONG, limit=SKILL_MAX_CHARS, item=too_long[0])
    elif len(skills) > MAX_SKILLS:
        errors["skills"] = FieldProblem(Fault.TOO_MANY, limit=MAX_SKILLS, given=len(skills))
    return errors


def parse_keywords(text: str) -> list[str]:
    return [keyword.lower() for keyword in split_list(text)]


def validate_topic(form: TopicForm) -> dict[str, FieldProblem]:
    errors: dict[str, FieldProblem] = {}
    name = " ".join(form.name.split())
    if not name:
        errors["name"] = FieldProblem(Fault.MISSING)
    elif len(name) > TOPIC_NAME_MAX_CHARS:
        errors["name"] = FieldProblem(Fault.TOO_LONG, limit=TOPIC_NAME_MAX_CHARS)
    keywords = parse_keywords(form.keywords_text)
    if len(keywords) > MAX_KEYWORDS:
        errors["keywords"] = FieldProblem(Fault.TOO_MANY, limit=MAX_KEYWORDS, given=len(keywords))
    elif any(len(k) > KEYWORD_MAX_CHARS for k in keywords):
        errors["keywords"] = FieldProblem(Fault.TOO_LONG, limit=KEYWORD_MAX_CHARS)
    if form.channel_id is None or not _CHANNEL_ID.fullmatch(form.channel_id):
        errors["channel"] = FieldProblem(Fault.MISSING)
    return errors


# --- Who may keep topics --------------------------------------------------------------------------


def is_admin(
    session: Session,
    slack: SlackPort,
    *,
    team_id: str,
    user_id: str,
    admin_ids: Collection[str],
    clock: Clock,
) -> bool:
    """Slack's workspace admins and owners (from the users.info cache, refreshed when stale), and
    anyone the app's settings name. A deactivated account is nobody's admin."""
    if user_id in admin_ids:
        return True
    user = people.profile(session, slack, team_id=team_id, user_id=user_id, clock=clock)
    return user is not None and not user.is_deleted and (user.is_admin or user.is_owner)


# --- Profiles -------------------------------------------------------------------------------------


def topic_info(topic: Topic | TopicRow) -> TopicInfo:
    """A stored topic, read whole or as routing's narrower row, as the domain sees it."""
    return TopicInfo(
        id=topic.id,
        name=topic.name,
        keywords=tuple(k for k in topic.keywords.split(",") if k),
        channel_id=topic.channel_id,
    )


def profile_of(session: Session, *, team_id: str, user_id: str) -> ProfileSummary:
    """Someone's profile as they would see it; the defaults when they have none yet."""
    row = pq.get_profile(session, team_id, user_id)
    return ProfileSummary(
        exists=row is not None,
        weekly_capacity=row.weekly_capacity if row is not None else DEFAULT_CAPACITY,
        paused=row.paused if row is not None else False,
        topics=tuple(topic_info(t) for t in pq.topics_of_user(session, team_id, user_id)),
        skills=tuple(pq.skills_of_user(session, team_id, user_id)),
    )


def topic_choices(session: Session, *, team_id: str) -> list[TopicInfo]:
    return [topic_info(t) for t in pq.team_topics(session, team_id)]


def save_profile(
    session: Session, *, team_id: str, user_id: str, form: ProfileForm, clock: Clock
) -> dict[str, FieldProblem]:
    """Check and store a submitted profile in one transaction; returns field errors, empty when
    it was saved. The listener checks first too, for the modal; checking here as well keeps a
    crafted submission out of the database."""
    errors = validate_profile(form)
    if errors:
        return errors
    # Kept as typed, for people to read; matching uses each skill's stem (db/profile_queries).
    skills = split_list(form.skills_text)
    pq.save_profile(
        session,
        team_id=team_id,
        user_id=user_id,
        weekly_capacity=int(form.capacity_text.strip()),
        paused=form.paused,
        topic_ids=form.topic_ids,
        skills=skills,
        now=clock(),
    )
    session.commit()
    log.info("helper profile of %s saved (%d skills)", user_id, len(set(skills)))
    return {}


# --- App Home -------------------------------------------------------------------------------------


def home(
    session: Session,
    slack: SlackPort,
    *,
    team_id: str,
    user_id: str,
    admin_ids: Collection[str],
    clock: Clock,
) -> Home:
    """Everything someone's Home tab shows. The admin check may refresh the person from Slack,
    which commits first; the reads after it need no Slack call."""
    admin = is_admin(
        session, slack, team_id=team_id, user_id=user_id, admin_ids=admin_ids, clock=clock
    )
    recent = [
        RecentRequest(
            id=r.id, what=r.what, status=r.status, delivery=r.delivery, created_at=r.created_at
        )
        for r in queries.requests_by_asker(session, team_id, user_id, RECENT_REQUESTS)
    ]
    offers = [
        RecentOffer(
            request_id=request.id,
            what=request.what,
            offer=offer.status,
            request=request.status,
            created_at=offer.created_at,
        )
        for offer, request in rq.recent_offers(session, team_id, user_id, RECENT_OFFERS)
    ]
    return Home(
        profile=profile_of(session, team_id=team_id, user_id=user_id),
        recent=tuple(recent),
        offers=tuple(offers),
        balance=Balance(*rq.balance(session, team_id, user_id)),
        prefs=prefs_of(session, team_id, user_id),
        now=clock(),
        policy=policy_of(session, team_id) if admin else None,
        topics=tuple(topic_choices(session, team_id=team_id)) if admin else None,
    )


# --- Topics ---------------------------------------------------------------------------------------


def editable_topic(
    session: Session,
    slack: SlackPort,
    *,
    team_id: str,
    user_id: str,
    admin_ids: Collection[str],
    topic_id: int | None,
    clock: Clock,
) -> TopicResult:
    """May this person open the topic form, and with what in it (None: a new topic)."""
    if not is_admin(
        session, slack, team_id=team_id, user_id=user_id, admin_ids=admin_ids, clock=clock
    ):
        return TopicResult(TopicOutcome.NOT_ADMIN, {})
    if topic_id is None:
        return TopicResult(TopicOutcome.SAVED, {})
    topic = pq.get_topic(session, team_id, topic_id)
    if topic is None:
        return TopicResult(TopicOutcome.NOT_FOUND, {})
    return TopicResult(TopicOutcome.SAVED, {}, topic_info(topic))


def save_topic(
    session: Session,
    slack: SlackPort,
    *,
    team_id: str,
    user_id: str,
    admin_ids: Collection[str],
    form: TopicForm,
    topic_id: int | None,
    clock: Clock,
) -> TopicResult:
    """Add a topic (`topic_id` None) or change one, for an admin only."""
    if not is_admin(
        session, slack, team_id=team_id, user_id=user_id, admin_ids=admin_ids, clock=clock
    ):
        log.warning("%s tried to change topics without admin rights", user_id)
        return TopicResult(TopicOutcome.NOT_ADMIN, {})
    errors = validate_topic(form)
    if errors:
        return TopicResult(TopicOutcome.INVALID, errors)
    name = " ".join(form.name.split())
    if pq.topic_named(session, team_id, name, except_id=topic_id) is not None:
        return TopicResult(TopicOutcome.INVALID, {"name": FieldProblem(Fault.TAKEN, item=name)})
    keywords = ",".join(parse_keywords(form.keywords_text))
    assert form.channel_id is not None  # validated above
    now = clock()
    try:
        saved_id = pq.save_topic(
            session,
            team_id=team_id,
            topic_id=topic_id,
            name=name,
            keywords=keywords,
            channel_id=form.channel_id,
            now=now,
        )
        if saved_id is None:
            session.rollback()
            return TopicResult(TopicOutcome.NOT_FOUND, {})
        session.commit()
    except IntegrityError:
        # Another admin saved the same name a moment ago.
        session.rollback()
        return TopicResult(TopicOutcome.INVALID, {"name": FieldProblem(Fault.TAKEN, item=name)})
    log.info("topic %s saved by %s", saved_id, user_id)
    saved = pq.get_topic(session, team_id, saved_id)
    return TopicResult(TopicOutcome.SAVED, {}, topic_info(saved) if saved else None)


def delete_topic(
    session: Session,
    slack: SlackPort,
    *,
    team_id: str,
    user_id: str,
    admin_ids: Collection[str],
    topic_id: int,
    clock: Clock,
) -> TopicOutcome:
    """Remove a topic, for an admin only. Helpers who chose it simply no longer have it; requests
    routed by it stay where they were posted."""
    if not is_admin(
        session, slack, team_id=team_id, user_id=user_id, admin_ids=admin_ids, clock=clock
    ):
        log.warning("%s tried to delete topic %s without admin rights", user_id, topic_id)
        return TopicOutcome.NOT_ADMIN
    deleted = pq.delete_topic(session, team_id, topic_id)
    session.commit()
    if not deleted:
        return TopicOutcome.NOT_FOUND
    log.info("topic %s deleted by %s", topic_id, user_id)
    return TopicOutcome.DELETED


def helpers_with_topic(session: Session, *, team_id: str, topic_id: int) -> int:
    topic = pq.get_topic(session, team_id, topic_id)
    return pq.helpers_with_topic(session, topic_id) if topic is not None else 0


# --- The Slack user cache, from events ------------------------------------------------------------


def remember_person(session: Session, *, team_id: str, person: Person, clock: Clock) -> None:
    """Cache a user as an event described them. An upsert, so a retried event changes nothing
    more than the first delivery did."""
    values = asdict(person)
    values.update(team_id=team_id, fetched_at=clock())
    queries.upsert_slack_user(session, values)
    session.commit()
