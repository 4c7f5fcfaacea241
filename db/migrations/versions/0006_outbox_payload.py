"""The outbox stores a message's structure (bot.domain.message) instead of its mrkdwn, so it is
rendered at send time.

Messages planned before this keep their mrkdwn as one pre-rendered part, and are sent as they
were planned. A downgrade renders each payload back to mrkdwn with the rules of the day this was
written (kept here, not imported: a migration must not change when the app's renderer does).
"""

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"

_outbox = sa.table(
    "outbox",
    sa.column("id", sa.Integer()),
    sa.column("text", sa.Text()),
    sa.column("payload", sa.JSON()),
)


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payload", sa.JSON(), nullable=True))
    connection = op.get_bind()
    for row_id, text in connection.execute(sa.select(_outbox.c.id, _outbox.c.text)).all():
        payload = {
            "v": 1,
            "paragraphs": [[{"strong": False, "parts": [{"t": "mrkdwn", "text": text}]}]],
        }
        connection.execute(_outbox.update().where(_outbox.c.id == row_id).values(payload=payload))
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("payload", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("text")


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text", sa.Text(), nullable=True))
    connection = op.get_bind()
    for row_id, payload in connection.execute(sa.select(_outbox.c.id, _outbox.c.payload)).all():
        if isinstance(payload, str):
            payload = json.loads(payload)
        connection.execute(
            _outbox.update().where(_outbox.c.id == row_id).values(text=_mrkdwn(payload))
        )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("text", existing_type=sa.Text(), nullable=False)
        batch_op.drop_column("payload")


def _mrkdwn(payload: dict[str, Any]) -> str:
    def line(data: dict[str, Any]) -> str:
        text = "".join(_part(p) for p in data["parts"])
        return f"*{text}*" if data["strong"] else text

    return "\n\n".join("\n".join(line(ln) for ln in para) for para in payload["paragraphs"])


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _part(data: dict[str, Any]) -> str:
    kind = data["t"]
    if kind == "text":
        return _escape(data["text"])
    if kind == "command":
        return f"`{_escape(data['text'])}`"
    if kind == "mention":
        return f"<@{data['user']}>"
    if kind == "channel":
        return f"<#{data['channel']}>"
    if kind == "date":
        moment = datetime.fromisoformat(data["at"])
        fallback = moment.astimezone(UTC).strftime("%a %d %b %Y, %H:%M UTC")
        return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"
    if kind == "link":
        url, label = data["url"], _escape(data["label"])
        if not url or any(char in url for char in "<>| \n"):
            return label
        return f"<{url}|{label}>"
    return str(data["text"])  # "mrkdwn": pre-rendered
