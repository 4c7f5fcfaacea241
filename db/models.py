"""Declarative models. The schema itself is owned by the Alembic migrations in db/migrations."""

from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.domain.offers import (
    DeclineReason,
    EventKind,
    OfferSource,
    OfferStatus,
    Route,
    SuggestionStatus,
)
from bot.domain.outbox import OutboxStatus
from bot.domain.requests import Delivery, HelpKind, RequestSize, RequestStatus
from bot.domain.routing import MAX_TERM
from db.types import UTCDateTime

# Named constraints, so migrations can alter and drop them the same way on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _enum(enum: type[StrEnum]) -> Enum:
    # Stored as the lowercase value in a VARCHAR: readable in SQL, no native enum type to migrate.
    return Enum(
        enum,
        native_enum=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime}


class HelpRequest(Base):
    __tablename__ = "help_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    asker_id: Mapped[str] = mapped_column(String(32))
    what: Mapped[str] = mapped_column(Text)
    why: Mapped[str] = mapped_column(Text)
    help_kind: Mapped[HelpKind] = mapped_column(_enum(HelpKind))
    size: Mapped[RequestSize] = mapped_column(_enum(RequestSize))
    needed_by: Mapped[datetime | None]
    destination_channel: Mapped[str] = mapped_column(String(32))
    recipient_id: Mapped[str | None] = mapped_column(String(32))
    anonymous: Mapped[bool] = mapped_column(Boolean, server_default=false())
    source_permalink: Mapped[str | None] = mapped_column(String(512))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id", ondelete="SET NULL"))
    route: Mapped[Route] = mapped_column(_enum(Route), server_default=Route.CHANNEL.value)
    # When to widen a request nobody has offered on yet, and when that happened (once).
    widen_at: Mapped[datetime | None]
    widened_at: Mapped[datetime | None]
    status: Mapped[RequestStatus] = mapped_column(_enum(RequestStatus))
    delivery: Mapped[Delivery] = mapped_column(_enum(Delivery))
    delivery_error: Mapped[str | None] = mapped_column(String(64))
    delivery_claimed_at: Mapped[datetime | None]
    posted_channel: Mapped[str | None] = mapped_column(String(32))
    posted_ts: Mapped[str | None] = mapped_column(String(32))
    posted_at: Mapped[datetime | None]
    # Bumped by every change the posted message shows (offers, acceptance, status), so whoever
    # updates the message last can tell whether what they rendered is still current.
    revision: Mapped[int] = mapped_column(Integer, server_default="0")
    # When needed-by passed and the asker was asked how it went (once per deadline).
    followed_up_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    # The asker's DM gathering what passing helpers said, updated in place as more pass.
    feedback_channel: Mapped[str | None] = mapped_column(String(32))
    feedback_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (
        # A Slack message is one request: later reactions and buttons find it by (channel, ts).
        UniqueConstraint("posted_channel", "posted_ts"),
        Index("ix_help_requests_asker", "team_id", "asker_id", "created_at"),
        Index("ix_help_requests_widen", "widen_at"),
        Index("ix_help_requests_due", "status", "needed_by"),
    )


class SlackUser(Base):
    """What the app knows of a Slack user, cached from users.info so /ask needs no extra call."""

    __tablename__ = "slack_users"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    real_name: Mapped[str] = mapped_column(String(255))
    tz: Mapped[str | None] = mapped_column(String(64))
    tz_offset: Mapped[int | None] = mapped_column(Integer)  # seconds east of UTC; None: unknown
    is_bot: Mapped[bool] = mapped_column(Boolean)
    is_deleted: Mapped[bool] = mapped_column(Boolean)
    is_admin: Mapped[bool] = mapped_column(Boolean)
    is_owner: Mapped[bool] = mapped_column(Boolean)
    fetched_at: Mapped[datetime]


class Topic(Base):
    """A subject the workspace routes requests by, kept by admins."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(80))
    # Comma-separated, lowercased; a keyword may be a phrase ("on call").
    keywords: Mapped[str] = mapped_column(Text)
    channel_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("team_id", "name"),)


class HelperProfile(Base):
    """What someone is glad to help with, and how much."""

    __tablename__ = "helper_profiles"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    weekly_capacity: Mapped[int] = mapped_column(Integer)
    paused: Mapped[bool] = mapped_column(Boolean)
    # Spread: people suggested longest ago are considered first among many equals.
    last_suggested_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class HelperTopic(Base):
    __tablename__ = "helper_topics"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True
    )

    __table_args__ = (Index("ix_helper_topics_topic", "topic_id"),)


class HelperSkill(Base):
    """A free tag on a profile, with its stem, so skills can be matched with an index."""

    __tablename__ = "helper_skills"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    skill: Mapped[str] = mapped_column(String(64), primary_key=True)  # as the person wrote it
    stem: Mapped[str] = mapped_column(String(64))  # bot.domain.routing.skill_stem(skill)

    __table_args__ = (Index("ix_helper_skills_stem", "team_id", "stem"),)


class RequestTerm(Base):
    """A request's content terms: what "similar requests" are found by."""

    __tablename__ = "request_terms"

    request_id: Mapped[int] = mapped_column(
        ForeignKey("help_requests.id", ondelete="CASCADE"), primary_key=True
    )
    term: Mapped[str] = mapped_column(String(MAX_TERM), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))

    __table_args__ = (Index("ix_request_terms_term", "team_id", "term", "request_id"),)


class TermStat(Base):
    """How many requests in a workspace use a term, so only telling terms are looked up."""

    __tablename__ = "term_stats"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    term: Mapped[str] = mapped_column(String(MAX_TERM), primary_key=True)
    requests: Mapped[int] = mapped_column(Integer)


class Suggestion(Base):
    """A helper the ranking put forward for a request, and what came of it."""

    __tablename__ = "suggestions"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("help_requests.id", ondelete="CASCADE"))
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[str] = mapped_column(Text)  # one plain-words reason a line
    status: Mapped[SuggestionStatus] = mapped_column(_enum(SuggestionStatus))
    asked_at: Mapped[datetime | None]
    responded_at: Mapped[datetime | None]
    # What a helper who passed said: shared with the asker gathered and unnamed; the note never.
    decline_reason: Mapped[DeclineReason | None] = mapped_column(_enum(DeclineReason))
    decline_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("request_id", "user_id"),
        Index("ix_suggestions_user", "team_id", "user_id", "created_at"),
    )


class Offer(Base):
    """Someone offered to help with a request."""

    __tablename__ = "offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("help_requests.id", ondelete="CASCADE"))
    team_id: Mapped[str] = mapped_column(String(32))
    helper_id: Mapped[str] = mapped_column(String(32))
    source: Mapped[OfferSource] = mapped_column(_enum(OfferSource))
    status: Mapped[OfferStatus] = mapped_column(_enum(OfferStatus))
    accepted_at: Mapped[datetime | None]
    # The asker's DM about this offer (Accept / Not now) and the helper's own message about it
    # (their direct ask, or a confirmation), both updated in place as the offer moves on.
    asker_channel: Mapped[str | None] = mapped_column(String(32))
    asker_ts: Mapped[str | None] = mapped_column(String(32))
    helper_channel: Mapped[str | None] = mapped_column(String(32))
    helper_ts: Mapped[str | None] = mapped_column(String(32))
    # The group DM accepting opened between asker and helper.
    group_channel: Mapped[str | None] = mapped_column(String(32))
    # The offer emoji this helper has on the post (comma-separated): the offer is taken back
    # when the last of them is removed, not the first.
    reactions: Mapped[str] = mapped_column(Text, server_default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (
        # One offer per helper per request: a double click or a retried event changes nothing.
        UniqueConstraint("request_id", "helper_id"),
        Index("ix_offers_helper", "team_id", "helper_id", "created_at"),
    )


class Thanks(Base):
    """An asker's thanks to someone who helped, kept for digests and the give/ask balance."""

    __tablename__ = "thanks"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("help_requests.id", ondelete="CASCADE"))
    team_id: Mapped[str] = mapped_column(String(32))
    from_id: Mapped[str] = mapped_column(String(32))
    to_id: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    # What the help made possible, in the asker's words (one for the request, copied to each).
    impact: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("request_id", "to_id"),
        Index("ix_thanks_to", "team_id", "to_id", "created_at"),
    )


class RequestEvent(Base):
    """One change in a request's life and when it happened: time to first offer, time to
    resolution and decline reasons are measured from these."""

    __tablename__ = "request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("help_requests.id", ondelete="CASCADE"))
    team_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind))
    actor_id: Mapped[str | None] = mapped_column(String(32))  # who did it; None for the app
    subject_id: Mapped[str | None] = mapped_column(String(32))  # the helper it concerns
    detail: Mapped[str | None] = mapped_column(String(64))  # an offer's source, a reason
    created_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_request_events_request", "request_id", "created_at"),
        Index("ix_request_events_kind", "team_id", "kind", "created_at"),
    )


class OutboxMessage(Base):
    """A message from the moment it is owed until Slack has it: a scheduled one (a nudge, a
    digest), or one a state change owes (bot.domain.outbox.Effect), written in that change's
    transaction. The key makes owing idempotent: a restart, a second scheduler, a rerun or a
    double click owes nothing twice."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(200), unique=True)  # kind:target:period, effect:subject
    kind: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(32))  # a user (DM) or a channel
    period: Mapped[str] = mapped_column(String(64))
    # bot.domain.message.to_json: structure, rendered at send time, so a change in wording or
    # layout reaches messages already planned.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[OutboxStatus] = mapped_column(_enum(OutboxStatus))
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    next_attempt_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(64))
    posted_channel: Mapped[str | None] = mapped_column(String(32))
    posted_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]
    # Bumped each time a change re-arms the row: a sender finishing an older version sends again.
    version: Mapped[int] = mapped_column(Integer, server_default="0")

    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        # Caps count what each person was sent lately.
        Index("ix_outbox_target", "team_id", "target", "created_at"),
    )


class PersonPrefs(Base):
    """What someone chose about nudges and digests: Snooze, Stop these, digest off."""

    __tablename__ = "person_prefs"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    snoozed_until: Mapped[datetime | None]
    stopped_kinds: Mapped[str] = mapped_column(Text, server_default="")  # comma-separated
    digest_off: Mapped[bool] = mapped_column(Boolean, server_default=false())
    updated_at: Mapped[datetime]


class ProcessedView(Base):
    """A view submission already processed, by its view id and hash: a replay of the same
    signed request finds it and changes nothing. Written in the transaction of the
    submission's first change, so a submission that fails leaves nothing behind."""

    __tablename__ = "processed_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    view_id: Mapped[str] = mapped_column(String(32))
    # Slack gives a view a new hash whenever it is updated, so a view shown again (the review
    # after the form) is a new submission.
    hash: Mapped[str] = mapped_column(String(64))
    callback_id: Mapped[str] = mapped_column(String(64))
    processed_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("view_id", "hash"),
        Index("ix_processed_views_processed_at", "processed_at"),
    )


class InboxEvent(Base):
    """An event from Slack, recorded before Slack is answered: once it is acknowledged, Slack
    never sends it again, so what is recorded here is all that is left of it. Slack's retry of
    the same event id finds it and changes nothing; one whose processing failed is taken up
    again by the recovery job."""

    __tablename__ = "inbox_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime]
    # When its processing last began: the request's own listener at once, then the recovery
    # job, which takes it only once that claim is older than its grace period.
    claimed_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer)
    processed_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_inbox_events_processed_at", "processed_at", "claimed_at"),)


class WorkspaceSettings(Base):
    """What admins chose for the workspace's nudges, digests and working week; defaults when
    absent."""

    __tablename__ = "workspace_settings"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    enabled_kinds: Mapped[str] = mapped_column(Text)  # comma-separated nudge kinds
    weekly_cap: Mapped[int] = mapped_column(Integer)
    inactive_weeks: Mapped[int] = mapped_column(Integer)
    digest_weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    digest_hour: Mapped[int] = mapped_column(Integer)
    # Channel digests have no reader's time zone of their own; this one is the workspace's.
    digest_tz: Mapped[str] = mapped_column(String(64))
    # The working week (bot.domain.worktime.WorkingWeek) in whole local hours; the defaults are
    # the standard week, Monday to Friday 9:00-17:00.
    workdays: Mapped[str] = mapped_column(String(16), server_default="0,1,2,3,4")  # 0 = Monday
    day_start_hour: Mapped[int] = mapped_column(Integer, server_default="9")
    day_end_hour: Mapped[int] = mapped_column(Integer, server_default="17")
    updated_at: Mapped[datetime]
