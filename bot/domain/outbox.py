"""Delivery of scheduled messages (nudges, digests): states, what is worth retrying, and when."""

from datetime import datetime, timedelta
from enum import StrEnum


class OutboxStatus(StrEnum):
    PENDING = "pending"  # planned; sent once its time comes
    SENDING = "sending"  # claimed by one sender; a stale claim is checked against Slack
    SENT = "sent"
    FAILED = "failed"  # a permanent error, or retries used up: recorded, never retried


# Errors that no retry can fix: the person or channel is gone, or the app may not post there.
PERMANENT_ERRORS = frozenset(
    {
        "account_inactive",
        "cannot_dm_bot",
        "channel_not_found",
        "invalid_auth",
        "is_archived",
        "not_in_channel",
        "restricted_action",
        "token_revoked",
        "user_disabled",
        "user_not_found",
        "msg_too_long",
        "invalid_blocks",
        "no_text",
    }
)
# After a transient failure (429 past slack_sdk's own Retry-After waits, 5xx, a dropped
# connection) the message waits this long, then longer; after the last it is given up.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)


def is_permanent(error_code: str) -> bool:
    return error_code in PERMANENT_ERRORS


def next_attempt(attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failed tries; None when it is time to give up."""
    if attempts < 1 or attempts > len(BACKOFF):
        return None
    return now + BACKOFF[attempts - 1]


def outbox_key(kind: str, target: str, period: str) -> str:
    """The idempotency key: one message of a kind to a person or channel per period."""
    return f"{kind}:{target}:{period}"


# Kinds of scheduled message besides the nudges (bot.domain.nudges.NudgeKind).
CHANNEL_DIGEST = "channel_digest"
PERSONAL_DIGEST = "personal_digest"
DIGEST_PREVIEW = "digest_preview"  # an admin's on-demand look at this week's channel digests
DIGEST_KINDS = frozenset({CHANNEL_DIGEST, PERSONAL_DIGEST, DIGEST_PREVIEW})
