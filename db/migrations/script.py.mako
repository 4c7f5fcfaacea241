"""${message}"""

import sqlalchemy as sa
from alembic import op
${imports if imports else ""}
# Alembic reads these two; branch labels and dependencies are unused here, so they are left out.
revision: str = ${repr(up_revision)}
down_revision: str | None = ${repr(down_revision)}


def upgrade() -> None:
    """Upgrade schema."""
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    """Downgrade schema."""
    ${downgrades if downgrades else "pass"}
