"""Test data builders: each adds the rows for one thing a test needs and returns it, so a test
names only the fields that matter to it. Every builder takes the session first and the time the
rows are dated (`at`, usually `clock()`); it flushes, so ids are set, and never commits."""

from collections.abc import Iterable
from datetime import datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from bot.domain.offers import OfferSource, OfferStatus
from bot.domain.requests import Delivery, HelpKind, RequestSize, RequestStatus
from bot.domain.routing import skill_stem
from db.models import (
    HelperProfile,
    HelperSkill,
    HelperTopic,
    HelpRequest,
    Offer,
    SlackUser,
    Thanks,
    Topic,
)
from tests.slack_stand_in.pytest_plugin import ASKER_ID, HELP_CHANNEL_ID, TEAM_ID

DATA_CHANNEL = "C0DATA"
Row = TypeVar("Row")


def _added(session: Session, row: Row) -> Row:
    session.add(row)
    session.flush()
    return row


def slack_user(session: Session, user_id: str, *, at: datetime, **fields: object) -> SlackUser:
    """The cached Slack profile of `user_id`: a person in London unless `fields` say otherwise."""
    values: dict[str, object] = {
        "team_id": TEAM_ID,
        "user_id": user_id,
        "real_name": user_id.title(),
        "tz": "Europe/London",
        "tz_offset": 0,
        "is_bot": False,
        "is_deleted": False,
        "is_admin": False,
        "is_owner": False,
        "fetched_at": at,
    }
    values.update(fields)
    if values["tz"] is None and "tz_offset" not in fields:
        values["tz_offset"] = None  # Slack gives no offset without a zone
    return _added(session, SlackUser(**values))


def helper_profile(
    session: Session,
    user_id: str,
    *,
    at: datetime,
    capacity: int = 3,
    paused: bool = False,
    topics: Iterable[Topic] = (),
    skills: Iterable[str] = (),
) -> HelperProfile:
    """A helper profile with the topics they chose and the skills they wrote."""
    profile = HelperProfile(
        team_id=TEAM_ID, user_id=user_id, weekly_capacity=capacity, paused=paused, updated_at=at
    )
    session.add(profile)
    for topic in topics:
        session.add(HelperTopic(team_id=TEAM_ID, user_id=user_id, topic_id=topic.id))
    session.flush()
    add_skills(session, user_id, *skills)
    return profile


def add_skills(session: Session, user_id: str, *skills: str) -> None:
    """Skills as `user_id` wrote them on their profile."""
    for skill in skills:
        session.add(
            HelperSkill(team_id=TEAM_ID, user_id=user_id, skill=skill, stem=skill_stem(skill))
        )
    session.flush()


def person(
    session: Session,
    user_id: str,
    *,
    at: datetime,
    topics: Iterable[Topic] = (),
    skills: Iterable[str] = (),
    capacity: int = 3,
    paused: bool = False,
    **slack: object,
) -> HelperProfile:
    """Someone the app knows from Slack (`slack` overrides their Slack profile, e.g. `tz` or
    `is_bot`) who has a helper profile."""
    slack_user(session, user_id, at=at, **slack)
    return helper_profile(
        session, user_id, at=at, capacity=capacity, paused=paused, topics=topics, skills=skills
    )


def topic(
    session: Session,
    *,
    at: datetime,
    name: str = "Databases",
    keywords: str = "postgres,sql,index,migration",
    channel_id: str = DATA_CHANNEL,
    team_id: str = TEAM_ID,
) -> Topic:
    return _added(
        session,
        Topic(
            team_id=team_id,
            name=name,
            keywords=keywords,
            channel_id=channel_id,
            created_at=at,
            updated_at=at,
        ),
    )


def help_request(
    session: Session,
    *,
    at: datetime,
    what: str = "Which dashboard shows the p99 of the checkout API?",
    asker_id: str = ASKER_ID,
    status: RequestStatus = RequestStatus.OPEN,
    delivery: Delivery = Delivery.POSTED,
    **fields: object,
) -> HelpRequest:
    """A quick question for information in the help channel, open and posted, unless `fields`
    say otherwise."""
    values: dict[str, object] = {
        "team_id": TEAM_ID,
        "asker_id": asker_id,
        "what": what,
        "why": "",
        "help_kind": HelpKind.INFORMATION,
        "size": RequestSize.QUICK,
        "destination_channel": HELP_CHANNEL_ID,
        "status": status,
        "delivery": delivery,
        "created_at": at,
        "updated_at": at,
    }
    values.update(fields)
    return _added(session, HelpRequest(**values))


def offer(
    session: Session,
    request: HelpRequest,
    helper_id: str,
    *,
    at: datetime,
    status: OfferStatus = OfferStatus.OFFERED,
    source: OfferSource = OfferSource.BUTTON,
) -> Offer:
    return _added(
        session,
        Offer(
            request_id=request.id,
            team_id=request.team_id,
            helper_id=helper_id,
            source=source,
            status=status,
            created_at=at,
            updated_at=at,
        ),
    )


def thanks(
    session: Session,
    request: HelpRequest,
    to_id: str,
    *,
    at: datetime,
    note: str | None = None,
    impact: str | None = None,
) -> Thanks:
    """The asker of `request` thanking `to_id`."""
    return _added(
        session,
        Thanks(
            request_id=request.id,
            team_id=request.team_id,
            from_id=request.asker_id,
            to_id=to_id,
            note=note,
            impact=impact,
            created_at=at,
        ),
    )
