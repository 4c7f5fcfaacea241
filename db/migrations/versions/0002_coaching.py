"""Coaching: anonymous and private requests, a link to the source message, a Slack user cache.

The status column gains the values "draft" and "withdrawn"; it is a VARCHAR without a CHECK
constraint, so that needs no DDL.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("help_requests") as batch:
        batch.add_column(sa.Column("recipient_id", sa.String(length=32), nullable=True))
        batch.add_column(
            sa.Column("anonymous", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column("source_permalink", sa.String(length=512), nullable=True))
    op.create_table(
        "slack_users",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("real_name", sa.String(length=255), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=True),
        sa.Column("tz_offset", sa.Integer(), nullable=False),
        sa.Column("is_bot", sa.Boolean(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("is_owner", sa.Boolean(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "user_id", name=op.f("pk_slack_users")),
    )


def downgrade() -> None:
    op.drop_table("slack_users")
    with op.batch_alter_table("help_requests") as batch:
        batch.drop_column("source_permalink")
        batch.drop_column("anonymous")
        batch.drop_column("recipient_id")
