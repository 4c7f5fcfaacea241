"""Delivery through the outbox, of scheduled messages (nudges, digests) and of the messages a
state change owes (effects): states, what is worth retrying, and when."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any


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


class Effect(StrEnum):
    """A message a state change owes, rendered at send time from what is stored then."""

    POST_UPDATE = "post_update"  # the request's channel post, shown as it now stands
    OFFER_NOTICE = "offer_notice"  # the asker's DM about an offer, with Accept / Not now
    OFFER_CONFIRMATION = "offer_confirmation"  # the helper's own message about their offer
    GROUP_DM = "group_dm"  # on accept: a group DM of the two, and the introduction in it
    NO_GROUP_DM_ASKER = "no_group_dm_asker"  # when Slack refuses the group DM
    NO_GROUP_DM_HELPER = "no_group_dm_helper"
    THANKS = "thanks"  # on resolving: to each person thanked, with the asker's note
    RESOLVED_NOTICE = "resolved_notice"  # the asker told it is resolved and who was thanked
    PASSED_THANKS = "passed_thanks"  # a direct ask the helper passed on, replaced with thanks
    DECLINE_FEEDBACK = "decline_feedback"  # the asker's one message gathering why helpers passed
    DIRECT_ASK = "direct_ask"  # a suggested helper asked directly


# Effects that show a state: one row per thing shown, re-armed by every change to it.
SHOWING_STATE = frozenset(
    {Effect.POST_UPDATE, Effect.OFFER_NOTICE, Effect.OFFER_CONFIRMATION, Effect.DECLINE_FEEDBACK}
)


@dataclass(frozen=True)
class Owed:
    """One message a change owes: what to send, to whom, and the ids to render it from."""

    effect: Effect
    team_id: str
    target: str  # the person or channel it goes to (for logs and the history lookup)
    subject: str  # what it is about, making the key: "12" for offer 12, "12:3" for round 3
    ids: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return effect_key(self.effect, self.subject)

    @property
    def rearms(self) -> bool:
        return self.effect in SHOWING_STATE


def effect_key(effect: Effect, subject: str) -> str:
    return f"{effect.value}:{subject}"


def is_effect(kind: str) -> bool:
    return kind in Effect._value2member_map_
