"""The unit of work of a change: write the state and the messages it owes, commit, deliver.

A service appends what its change owes to `Effects` while it writes the change, then calls
`commit_and_deliver`: the messages become outbox rows in the change's own transaction, so a
process killed after the commit still owes them, and the send job delivers them. Right after the
commit they are delivered in the caller's thread, so people hear at once."""

import logging
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.domain.outbox import Owed
from bot.services import outbox
from bot.services.ports import SlackPort
from db import outbox_queries as oq
from db.engine import unreachable

log = logging.getLogger(__name__)


@dataclass
class Effects:
    """The messages a change owes, in the order they are to be sent."""

    owed: list[Owed] = field(default_factory=list)

    def owe(self, *owed: Owed) -> None:
        self.owed.extend(owed)


def commit_and_deliver(
    session: Session, slack: SlackPort, effects: Effects, *, clock: Clock
) -> None:
    message_ids = oq.owe(session, effects.owed, clock())
    session.commit()
    try:
        deliver(session, slack, message_ids, clock)
    except Exception as error:
        if not unreachable(error):
            raise
        # The change and its messages are committed: the send job delivers them once the
        # database is back. Raising would make the caller treat a change made as one failed.
        session.rollback()
        log.warning(
            "%d message(s) left to the send job: the database is out of reach (%s)",
            len(message_ids),
            type(error).__name__,
        )


def deliver(session: Session, slack: SlackPort, message_ids: list[int], clock: Clock) -> None:
    """Delivery after the commit; a test stands a crash in here (the rows wait for the send
    job)."""
    outbox.deliver(session, slack, message_ids, clock=clock)
