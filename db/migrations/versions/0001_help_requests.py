"""Help requests: what was asked, by whom, and where its message was posted.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(name: str, *values: str) -> sa.Enum:
    # Values are spelled out, not imported: a migration must not change when the app's enums do.
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def upgrade() -> None:
    op.create_table(
        "help_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("asker_id", sa.String(length=32), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column(
            "help_kind",
            _enum(
                "helpkind",
                "information",
                "feedback",
                "pairing",
                "introduction",
                "decision",
                "moral_support",
                "other",
            ),
            nullable=False,
        ),
        sa.Column(
            "size", _enum("requestsize", "quick", "half_hour", "hours", "half_day"), nullable=False
        ),
        sa.Column("needed_by", sa.DateTime(timezone=True), nullable=True),
        sa.Column("destination_channel", sa.String(length=32), nullable=False),
        sa.Column("status", _enum("requeststatus", "open"), nullable=False),
        sa.Column(
            "delivery",
            _enum("delivery", "pending", "posting", "posted", "failed"),
            nullable=False,
        ),
        sa.Column("delivery_error", sa.String(length=64), nullable=True),
        sa.Column("delivery_claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("posted_channel", sa.String(length=32), nullable=True),
        sa.Column("posted_ts", sa.String(length=32), nullable=True),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_requests")),
        sa.UniqueConstraint(
            "posted_channel",
            "posted_ts",
            name=op.f("uq_help_requests_posted_channel_posted_ts"),
        ),
    )
    op.create_index(
        "ix_help_requests_asker", "help_requests", ["team_id", "asker_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_help_requests_asker", table_name="help_requests")
    op.drop_table("help_requests")
