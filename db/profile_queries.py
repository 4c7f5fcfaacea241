"""The reads and writes helper profiles and the workspace's topics need."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.domain.routing import skill_stem
from db.models import HelperProfile, HelperSkill, HelperTopic, Topic
from db.queries import insert_ignoring_duplicates, update_one, upsert


def get_profile(session: Session, team_id: str, user_id: str) -> HelperProfile | None:
    return session.get(HelperProfile, (team_id, user_id))


def topics_of_user(session: Session, team_id: str, user_id: str) -> list[Topic]:
    return list(
        session.scalars(
            select(Topic)
            .join(HelperTopic, HelperTopic.topic_id == Topic.id)
            .where(HelperTopic.team_id == team_id, HelperTopic.user_id == user_id)
            .order_by(func.lower(Topic.name), Topic.id)
        )
    )


def skills_of_user(session: Session, team_id: str, user_id: str) -> list[str]:
    return list(
        session.scalars(
            select(HelperSkill.skill)
            .where(HelperSkill.team_id == team_id, HelperSkill.user_id == user_id)
            .order_by(HelperSkill.skill)
        )
    )


def save_profile(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    weekly_capacity: int,
    paused: bool,
    topic_ids: Sequence[int],
    skills: Sequence[str],
    now: datetime,
) -> None:
    """Write the whole profile: the person's topic and skill rows are replaced by these. Topic ids
    of other workspaces (or deleted since the form was opened) are dropped, not stored. The caller
    commits, so the profile changes all at once."""
    # An upsert, so a double submit cannot trip over the primary key, and the routing's
    # last_suggested_at survives an edit.
    upsert(
        session,
        HelperProfile,
        {"team_id": team_id, "user_id": user_id},
        {"weekly_capacity": weekly_capacity, "paused": paused, "updated_at": now},
    )
    session.execute(
        delete(HelperTopic).where(HelperTopic.team_id == team_id, HelperTopic.user_id == user_id)
    )
    session.execute(
        delete(HelperSkill).where(HelperSkill.team_id == team_id, HelperSkill.user_id == user_id)
    )
    if topic_ids:
        known = session.scalars(
            select(Topic.id).where(Topic.team_id == team_id, Topic.id.in_(set(topic_ids)))
        ).all()
        if known:
            session.execute(
                insert_ignoring_duplicates(session, HelperTopic).values(
                    [{"team_id": team_id, "user_id": user_id, "topic_id": t} for t in known]
                )
            )
    if skills:
        session.execute(
            insert_ignoring_duplicates(session, HelperSkill).values(
                [
                    {"team_id": team_id, "user_id": user_id, "skill": s, "stem": skill_stem(s)}
                    for s in dict.fromkeys(skills)
                ]
            )
        )
    session.expire_all()


def team_topics(session: Session, team_id: str) -> list[Topic]:
    """The workspace's topics in the order people read them: by name."""
    return list(
        session.scalars(
            select(Topic).where(Topic.team_id == team_id).order_by(func.lower(Topic.name), Topic.id)
        )
    )


def get_topic(session: Session, team_id: str, topic_id: int) -> Topic | None:
    return session.scalars(
        select(Topic).where(Topic.team_id == team_id, Topic.id == topic_id)
    ).one_or_none()


def topic_named(
    session: Session, team_id: str, name: str, except_id: int | None = None
) -> Topic | None:
    """A topic with this name whatever its case: "Billing" and "billing" are one topic."""
    query = select(Topic).where(Topic.team_id == team_id, func.lower(Topic.name) == name.lower())
    if except_id is not None:
        query = query.where(Topic.id != except_id)
    return session.scalars(query.limit(1)).first()


def save_topic(
    session: Session,
    *,
    team_id: str,
    topic_id: int | None,
    name: str,
    keywords: str,
    channel_id: str,
    now: datetime,
) -> int | None:
    """Add a topic (`topic_id` None) or change one; its id, or None when the one to change is
    gone. A name another topic took meanwhile raises IntegrityError."""
    values = {"name": name, "keywords": keywords, "channel_id": channel_id, "updated_at": now}
    if topic_id is None:
        topic = Topic(team_id=team_id, created_at=now, **values)
        session.add(topic)
        session.flush()
        return topic.id
    changed = update_one(session, Topic, Topic.team_id == team_id, Topic.id == topic_id, **values)
    session.expire_all()
    return topic_id if changed else None


def delete_topic(session: Session, team_id: str, topic_id: int) -> bool:
    """Helpers' choices of the topic go with it (ON DELETE CASCADE); requests routed by it keep
    their channel and lose only the link (ON DELETE SET NULL)."""
    result = session.execute(
        delete(Topic)
        .where(Topic.team_id == team_id, Topic.id == topic_id)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return result.rowcount == 1


def helpers_with_topic(session: Session, topic_id: int) -> int:
    return int(session.scalar(select(func.count()).where(HelperTopic.topic_id == topic_id)) or 0)
