"""The outbox carries every message a state change owes, not only scheduled ones. A message that
shows a state (a post, an offer notice) is one row re-armed by each change; `version` counts the
changes, so a sender that rendered an older one sends again."""

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("version")
