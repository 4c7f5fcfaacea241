"""Asking for help: store a request, post it, and keep the asker told."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.domain.requests import Delivery, RequestCard, RequestDraft, RequestStatus
from bot.services.ports import MessageRef, PostedMessage, SlackError, SlackPort
from db import queries
from db.models import HelpRequest

log = logging.getLogger(__name__)

# Longer than any one post attempt can take with Slack's retries (a few Retry-After waits), so a
# live attempt is never taken over; short enough that a crashed one is soon retryable.
STALE_CLAIM = timedelta(minutes=5)


class Outcome(StrEnum):
    POSTED = "posted"
    FAILED = "failed"
    ALREADY_POSTED = "already_posted"
    IN_PROGRESS = "in_progress"
    NOT_FOUND = "not_found"
    NOT_YOURS = "not_yours"


@dataclass(frozen=True)
class DeliveryResult:
    outcome: Outcome
    request_id: int | None = None
    message: PostedMessage | None = None
    error_code: str | None = None


def card_of(request: HelpRequest) -> RequestCard:
    return RequestCard(
        id=request.id,
        team_id=request.team_id,
        asker_id=request.asker_id,
        what=request.what,
        why=request.why,
        kind=request.help_kind,
        size=request.size,
        needed_by=request.needed_by,
        channel=request.destination_channel,
    )


def submit_request(
    session: Session,
    slack: SlackPort,
    *,
    team_id: str,
    asker_id: str,
    draft: RequestDraft,
    default_channel: str,
    clock: Clock,
) -> DeliveryResult:
    """Store a validated draft, then post it. The request is committed before Slack is called,
    so a refusal or a crash mid-post never loses what the asker wrote."""
    if draft.kind is None or draft.size is None:
        raise ValueError("validate_draft first: kind and size are required")
    now = clock()
    request = HelpRequest(
        team_id=team_id,
        asker_id=asker_id,
        what=draft.what.strip(),
        why=draft.why.strip(),
        help_kind=draft.kind,
        size=draft.size,
        needed_by=draft.needed_by,
        destination_channel=draft.channel or default_channel,
        status=RequestStatus.OPEN,
        delivery=Delivery.POSTING,
        delivery_claimed_at=now,
        created_at=now,
        updated_at=now,
    )
    session.add(request)
    session.commit()
    log.info(
        "request %s stored for %s in team %s, posting to %s",
        request.id,
        asker_id,
        team_id,
        request.destination_channel,
    )
    return _deliver(session, slack, request, clock, replace=None)


def retry_post(
    session: Session,
    slack: SlackPort,
    *,
    request_id: int,
    user_id: str,
    clock: Clock,
    channel: str | None = None,
    notice: MessageRef | None = None,
) -> DeliveryResult:
    """Post a stored request again, optionally somewhere else; at most one attempt wins."""
    now = clock()
    claimed = queries.claim_delivery(session, request_id, user_id, now, now - STALE_CLAIM)
    session.commit()
    request = queries.get_request(session, request_id)
    if request is None:
        return DeliveryResult(Outcome.NOT_FOUND, request_id)
    if not claimed:
        session.refresh(request)
        if request.asker_id != user_id:
            outcome = Outcome.NOT_YOURS
        elif request.delivery == Delivery.POSTED:
            outcome = Outcome.ALREADY_POSTED
        else:
            outcome = Outcome.IN_PROGRESS
        log.info("request %s not re-posted for %s: %s", request_id, user_id, outcome)
        message = (
            PostedMessage(request.posted_channel, request.posted_ts)
            if request.posted_channel and request.posted_ts
            else None
        )
        return DeliveryResult(outcome, request_id, message=message)
    session.refresh(request)
    if channel and channel != request.destination_channel:
        request.destination_channel = channel
        session.commit()
    return _deliver(session, slack, request, clock, replace=notice)


def resume_stalled_deliveries(
    session: Session, slack: SlackPort, *, clock: Clock, limit: int = 50
) -> list[DeliveryResult]:
    """Finish posts whose attempt died mid-way (a crash or restart between storing and posting),
    so no stored request is silently never posted. The claim keeps this safe beside live
    attempts and beside the same job in another process."""
    now = clock()
    results = []
    for request_id in queries.stalled_deliveries(session, now - STALE_CLAIM, limit):
        claimed = queries.claim_delivery(session, request_id, None, now, now - STALE_CLAIM)
        session.commit()
        request = queries.get_request(session, request_id)
        if not claimed or request is None:
            continue
        session.refresh(request)
        log.info("resuming the stalled post of request %s", request_id)
        results.append(_deliver(session, slack, request, clock, replace=None))
    return results


def _deliver(
    session: Session,
    slack: SlackPort,
    request: HelpRequest,
    clock: Clock,
    replace: MessageRef | None,
) -> DeliveryResult:
    """Post a request that this attempt has claimed. No transaction is open during Slack calls."""
    card = card_of(request)
    try:
        posted = slack.post_request(card)
    except SlackError as error:
        code = error.code
        request.delivery = Delivery.FAILED
        request.delivery_error = code
        request.updated_at = clock()
        session.commit()
        log.warning("request %s could not be posted to %s: %s", card.id, card.channel, code)
        _tell(lambda: slack.tell_post_failed(card, code, replace), card)
        return DeliveryResult(Outcome.FAILED, card.id, error_code=code)

    now = clock()
    request.delivery = Delivery.POSTED
    request.delivery_error = None
    request.posted_channel = posted.channel
    request.posted_ts = posted.ts
    request.posted_at = now
    request.updated_at = now
    session.commit()
    log.info("request %s posted to %s at %s", card.id, posted.channel, posted.ts)

    try:
        permalink = slack.permalink(posted)
    except SlackError as error:
        # The post itself worked; the asker is still told where, just without a link.
        log.warning("no permalink for request %s: %s", card.id, error.code)
        permalink = None
    _tell(lambda: slack.tell_posted(card, posted, permalink, replace), card)
    return DeliveryResult(Outcome.POSTED, card.id, message=posted)


def _tell(send: Callable[[], None], card: RequestCard) -> None:
    # Telling the asker is a courtesy after the fact: its failure must not undo what was stored.
    try:
        send()
    except SlackError as error:
        log.warning("could not tell %s about request %s: %s", card.asker_id, card.id, error.code)
