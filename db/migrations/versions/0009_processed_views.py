"""View submissions already processed, so a replayed one changes nothing."""

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"


def upgrade() -> None:
    op.create_table(
        "processed_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("view_id", sa.String(length=32), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("callback_id", sa.String(length=64), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processed_views")),
        sa.UniqueConstraint("view_id", "hash", name=op.f("uq_processed_views_view_id_hash")),
    )
    with op.batch_alter_table("processed_views", schema=None) as batch_op:
        batch_op.create_index("ix_processed_views_processed_at", ["processed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("processed_views", schema=None) as batch_op:
        batch_op.drop_index("ix_processed_views_processed_at")
    op.drop_table("processed_views")
