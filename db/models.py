"""Declarative models. The schema itself is owned by the Alembic migrations in db/migrations."""

from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    Boolean,
    Enum,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.domain.requests import Delivery, HelpKind, RequestSize, RequestStatus
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
    status: Mapped[RequestStatus] = mapped_column(_enum(RequestStatus))
    delivery: Mapped[Delivery] = mapped_column(_enum(Delivery))
    delivery_error: Mapped[str | None] = mapped_column(String(64))
    delivery_claimed_at: Mapped[datetime | None]
    posted_channel: Mapped[str | None] = mapped_column(String(32))
    posted_ts: Mapped[str | None] = mapped_column(String(32))
    posted_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (
        # A Slack message is one request: later reactions and buttons find it by (channel, ts).
        UniqueConstraint("posted_channel", "posted_ts"),
        Index("ix_help_requests_asker", "team_id", "asker_id", "created_at"),
    )


class SlackUser(Base):
    """What the app knows of a Slack user, cached from users.info so /ask needs no extra call."""

    __tablename__ = "slack_users"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    real_name: Mapped[str] = mapped_column(String(255))
    tz: Mapped[str | None] = mapped_column(String(64))
    tz_offset: Mapped[int] = mapped_column(Integer)
    is_bot: Mapped[bool] = mapped_column(Boolean)
    is_deleted: Mapped[bool] = mapped_column(Boolean)
    is_admin: Mapped[bool] = mapped_column(Boolean)
    is_owner: Mapped[bool] = mapped_column(Boolean)
    fetched_at: Mapped[datetime]
