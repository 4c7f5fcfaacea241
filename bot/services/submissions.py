"""A view submission is processed once per view, however often its signed request arrives.

Slack's signature stays valid for five minutes, so a submission can be replayed. Its view id and
hash are recorded in the transaction that makes its first change: a replay, or the same
submission arriving twice at once, finds them and changes nothing, while a submission whose
transaction fails takes the record with it, so the person can submit again. Slack gives a view
a new hash whenever it is updated (the review shown after the form), so a view shown again is
a new submission.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.orm import Session, SessionTransaction

from bot.clock import Clock
from db.queries import forget_processed_views, mark_view_processed, unmark_view_processed

# Well past Slack's five minutes: older records can no longer match a valid signature.
KEPT_FOR = timedelta(days=1)


@dataclass(frozen=True)
class Submission:
    team_id: str
    view_id: str
    hash: str
    callback_id: str


class Replayed(Exception):
    """This view, with this hash, was processed already, or is being processed."""


@dataclass
class Claim:
    """The submission being processed on this thread, and where its record stands."""

    submission: Submission
    clock: Clock
    # The session whose open transaction holds the record, until it commits or rolls back.
    holder: Session | None = field(default=None, repr=False)
    # The record is committed: the submission was processed.
    done: bool = False
    # Called once the record is committed.
    on_done: Callable[[], None] | None = field(default=None, repr=False)


_claim: ContextVar[Claim | None] = ContextVar("view_submission_claim", default=None)


@contextmanager
def processing(submission: Submission, clock: Clock) -> Iterator[Claim]:
    """While this block runs on the thread, the first transaction that any session of a watched
    factory begins records `submission`, or raises Replayed if it is already recorded."""
    claim = Claim(submission, clock)
    token = _claim.set(claim)
    try:
        yield claim
    finally:
        _claim.reset(token)


def watch_submissions() -> None:
    """Make every session record the submission being processed (see `processing`); outside
    `processing` the hooks do nothing. On the Session class itself, which lives as long as the
    process: a registration keyed on a session factory could be taken for that of an earlier,
    collected factory whose id the new one reuses."""
    for name, hook in (
        ("after_begin", _record),
        ("after_commit", _kept),
        ("after_transaction_end", _ended),
    ):
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)


def release(session: Session, submission: Submission) -> None:
    """Forget a submission that was sent back with field errors, which the person corrects and
    submits again under the same hash."""
    unmark_view_processed(session, submission.view_id, submission.hash)
    session.commit()


def forget_old_submissions(session: Session, *, clock: Clock) -> int:
    forgotten = forget_processed_views(session, clock() - KEPT_FOR)
    session.commit()
    return forgotten


def _record(session: Session, _transaction: SessionTransaction, connection: Connection) -> None:
    claim = _claim.get()
    # Once recorded, or while another open transaction of this thread holds the record (which
    # PostgreSQL would make this one wait for, forever), there is nothing to record.
    if claim is None or claim.done or claim.holder is not None:
        return
    submission = claim.submission
    values: dict[str, Any] = {
        "team_id": submission.team_id,
        "view_id": submission.view_id,
        "hash": submission.hash,
        "callback_id": submission.callback_id,
        "processed_at": claim.clock(),
    }
    if not mark_view_processed(connection, values):
        raise Replayed(submission.view_id)
    claim.holder = session


def _kept(session: Session) -> None:
    claim = _claim.get()
    if claim is not None and claim.holder is session:
        claim.holder, claim.done = None, True
        if claim.on_done is not None:
            claim.on_done()


def _ended(session: Session, transaction: SessionTransaction) -> None:
    # Rolled back, or closed without a commit: the record went with it.
    claim = _claim.get()
    if claim is not None and claim.holder is session and transaction.parent is None:
        claim.holder = None
