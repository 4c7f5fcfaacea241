"""Responses: accepting offers, resolution and thanks, reasons for passing, and every change in a
request's life as an event.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "thanks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("from_id", sa.String(length=32), nullable=False),
        sa.Column("to_id", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("impact", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["help_requests.id"],
            name=op.f("fk_thanks_request_id_help_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thanks")),
        sa.UniqueConstraint("request_id", "to_id", name=op.f("uq_thanks_request_id_to_id")),
    )
    with op.batch_alter_table("thanks", schema=None) as batch_op:
        batch_op.create_index("ix_thanks_to", ["team_id", "to_id", "created_at"], unique=False)

    op.create_table(
        "request_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.Enum(native_enum=False, length=32), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=True),
        sa.Column("subject_id", sa.String(length=32), nullable=True),
        sa.Column("detail", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["help_requests.id"],
            name=op.f("fk_request_events_request_id_help_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_events")),
    )
    with op.batch_alter_table("request_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_request_events_request", ["request_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_request_events_kind", ["team_id", "kind", "created_at"], unique=False
        )

    with op.batch_alter_table("help_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("followed_up_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("feedback_channel", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("feedback_ts", sa.String(length=32), nullable=True))
        batch_op.create_index("ix_help_requests_due", ["status", "needed_by"], unique=False)

    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("asker_channel", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("asker_ts", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("helper_channel", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("helper_ts", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("group_channel", sa.String(length=32), nullable=True))

    with op.batch_alter_table("suggestions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("decline_reason", sa.Enum(native_enum=False, length=32), nullable=True)
        )
        batch_op.add_column(sa.Column("decline_note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("suggestions", schema=None) as batch_op:
        batch_op.drop_column("decline_note")
        batch_op.drop_column("decline_reason")

    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_column("group_channel")
        batch_op.drop_column("helper_ts")
        batch_op.drop_column("helper_channel")
        batch_op.drop_column("asker_ts")
        batch_op.drop_column("asker_channel")
        batch_op.drop_column("accepted_at")

    with op.batch_alter_table("help_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_help_requests_due")
        batch_op.drop_column("feedback_ts")
        batch_op.drop_column("feedback_channel")
        batch_op.drop_column("resolved_at")
        batch_op.drop_column("followed_up_at")
        batch_op.drop_column("revision")

    with op.batch_alter_table("request_events", schema=None) as batch_op:
        batch_op.drop_index("ix_request_events_kind")
        batch_op.drop_index("ix_request_events_request")
    op.drop_table("request_events")

    with op.batch_alter_table("thanks", schema=None) as batch_op:
        batch_op.drop_index("ix_thanks_to")
    op.drop_table("thanks")
