"""Each workspace chooses its working week: workdays, and the hours the day starts and ends.

Existing workspaces get the standard week (Monday to Friday, 9:00-17:00), which is what they had.
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"


def upgrade() -> None:
    with op.batch_alter_table("workspace_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("workdays", sa.String(length=16), server_default="0,1,2,3,4", nullable=False)
        )
        batch_op.add_column(
            sa.Column("day_start_hour", sa.Integer(), server_default="9", nullable=False)
        )
        batch_op.add_column(
            sa.Column("day_end_hour", sa.Integer(), server_default="17", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("workspace_settings", schema=None) as batch_op:
        batch_op.drop_column("day_end_hour")
        batch_op.drop_column("day_start_hour")
        batch_op.drop_column("workdays")
