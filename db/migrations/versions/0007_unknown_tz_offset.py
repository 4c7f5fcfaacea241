"""A Slack user's UTC offset may be unknown (NULL), so an offset of 0 means UTC.

Until now a missing `tz_offset` was stored as 0, which made "Slack said nothing" and "this person
lives at UTC" the same row, and the zone rule had to treat 0 without a zone name as unknown. Rows
that are exactly that ambiguous case (no zone name, offset 0) become NULL: they were already
treated as unknown, so nobody's nudges or ranking change.
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"

_users = sa.table("slack_users", sa.column("tz", sa.String()), sa.column("tz_offset", sa.Integer()))


def upgrade() -> None:
    with op.batch_alter_table("slack_users", schema=None) as batch_op:
        batch_op.alter_column("tz_offset", existing_type=sa.Integer(), nullable=True)
    op.execute(
        _users.update().where(_users.c.tz.is_(None), _users.c.tz_offset == 0).values(tz_offset=None)
    )


def downgrade() -> None:
    op.execute(_users.update().where(_users.c.tz_offset.is_(None)).values(tz_offset=0))
    with op.batch_alter_table("slack_users", schema=None) as batch_op:
        batch_op.alter_column("tz_offset", existing_type=sa.Integer(), nullable=False)
