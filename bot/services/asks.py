"""Asking for help: store a request, post it, keep the asker told, and let them change it."""

import logging
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.domain.offers import EventKind, Route
from bot.domain.requests import Delivery, Outcome, RequestCard, RequestDraft, RequestStatus
from bot.domain.smart import SmartReport, analyse
from bot.services import deliveries, routing
from bot.services.cards import card_of, draft_of, tell_asker, who
from bot.services.effects import Effects, commit_and_deliver
from bot.services.people import cached_local_now
from bot.services.ports import CONNECTION_ERROR, MessageRef, PostedMessage, SlackError, SlackPort
from bot.services.prefs import policy_of
from bot.services.status import live_card
from db import offer_queries, queries, routing_queries
from db.engine import unreachable
from db.models import HelpRequest

log = logging.getLogger(__name__)

# Longer than any one post attempt can take with Slack's retries (a few Retry-After waits), so a
# live attempt is never taken over; short enough that a crashed one is soon retryable.
STALE_CLAIM = timedelta(minutes=5)
DEFAULT_WIDEN = routing.WidenPolicy()
# Seconds between tries at recording a post Slack has, while the database is out of reach: about
# half a minute in all, past a blip or a failover, and well inside STALE_CLAIM.
RECORD_WAITS = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)
pause = time.sleep


@dataclass(frozen=True)
class DeliveryResult:
    outcome: Outcome
    request_id: int | None = None
    message: PostedMessage | None = None
    error_code: str | None = None


def _posted(request: HelpRequest) -> PostedMessage | None:
    if request.posted_channel and request.posted_ts:
        return PostedMessage(request.posted_channel, request.posted_ts)
    return None


def submit_request(
    session: Session,
    slack: SlackPort,
    *,
    team_id: str,
    asker_id: str,
    draft: RequestDraft,
    default_channel: str,
    clock: Clock,
    source_permalink: str | None = None,
    topic_id: int | None = None,
    widen: routing.WidenPolicy = DEFAULT_WIDEN,
) -> DeliveryResult:
    """Store a validated draft, then post it. The request is committed before Slack is called,
    so a refusal or a crash mid-post never loses what the asker wrote."""
    request = _new_request(
        team_id, asker_id, draft, default_channel, clock, RequestStatus.OPEN, source_permalink
    )
    request.delivery = Delivery.POSTING
    request.delivery_claimed_at = request.created_at
    request.topic_id = topic_id
    session.add(request)
    session.commit()
    log.info("request %s stored for %s in team %s", request.id, who(request), team_id)
    result = deliver(session, slack, request, clock, replace=None)
    routing.open_routing(session, slack, request, Route.CHANNEL, clock, widen)
    return result


def save_draft(
    session: Session,
    *,
    team_id: str,
    asker_id: str,
    draft: RequestDraft,
    default_channel: str,
    clock: Clock,
    request_id: int | None = None,
    source_permalink: str | None = None,
) -> int:
    """Keep a draft while its asker reviews the coaching; returns its id. An existing draft of the
    same asker is updated in place (the asker pressed Edit and submitted again)."""
    existing = queries.get_request(session, request_id) if request_id is not None else None
    if (
        existing is not None
        and existing.asker_id == asker_id
        and existing.status == RequestStatus.DRAFT
    ):
        _apply(existing, draft, default_channel)
        existing.updated_at = clock()
        session.commit()
        return existing.id
    request = _new_request(
        team_id, asker_id, draft, default_channel, clock, RequestStatus.DRAFT, source_permalink
    )
    session.add(request)
    session.commit()
    return request.id


@dataclass(frozen=True)
class Prepared:
    """A validated draft, read against SMART and routed, before the ack answers Slack."""

    team_id: str
    asker_id: str
    draft: RequestDraft  # as it will be posted: anonymous only where that is allowed
    source_permalink: str | None
    report: SmartReport
    plan: routing.Routing
    draft_id: int | None  # set when the draft is kept: for the review, or re-submitted from it

    @property
    def needs_review(self) -> bool:
        return self.report.needs_review or bool(self.plan.suggestions)


def prepare_request(
    session: Session,
    *,
    team_id: str,
    asker_id: str,
    draft: RequestDraft,
    allow_anonymous: bool,
    source: object,
    help_channel: str,
    clock: Clock,
    draft_id: int | None = None,
) -> Prepared:
    """Coach and route a submitted draft, and keep it (committed) as a draft when the asker will
    review it or is coming back from a review. Database work only: it runs before the ack.
    `source` is the form's claim of the message it was asked from, kept only if it is a link."""
    if not allow_anonymous:
        draft = replace(draft, anonymous=False)  # a crafted tick where it is not allowed
    permalink = source if isinstance(source, str) and source.startswith("https://") else None
    week = policy_of(session, team_id).working_week
    report = analyse(
        draft, cached_local_now(session, team_id=team_id, user_id=asker_id, clock=clock), week
    )
    plan = routing.plan_routing(
        session,
        team_id=team_id,
        asker_id=asker_id,
        draft=draft,
        help_channel=help_channel,
        now=clock(),
        week=week,
    )
    prepared = Prepared(team_id, asker_id, draft, permalink, report, plan, draft_id)
    if prepared.needs_review or draft_id is not None:
        draft_id = save_draft(
            session,
            team_id=team_id,
            asker_id=asker_id,
            draft=draft,
            default_channel=plan.channel,
            clock=clock,
            request_id=draft_id,
            source_permalink=permalink,
        )
        routing.keep_routing(session, draft_id, plan, clock)
        session.commit()
        prepared = replace(prepared, draft_id=draft_id)
    return prepared


def post_prepared(
    session: Session,
    slack: SlackPort,
    prepared: Prepared,
    *,
    clock: Clock,
    widen: routing.WidenPolicy = DEFAULT_WIDEN,
) -> DeliveryResult:
    """Post a prepared request that needs no review: the kept draft when it came back from a
    review, else a new request."""
    if prepared.draft_id is not None:
        return publish_draft(
            session,
            slack,
            request_id=prepared.draft_id,
            user_id=prepared.asker_id,
            clock=clock,
            widen=widen,
        )
    return submit_request(
        session,
        slack,
        team_id=prepared.team_id,
        asker_id=prepared.asker_id,
        draft=prepared.draft,
        default_channel=prepared.plan.channel,
        clock=clock,
        source_permalink=prepared.source_permalink,
        topic_id=prepared.plan.topic.id if prepared.plan.topic else None,
        widen=widen,
    )


@dataclass(frozen=True)
class KeptDraft:
    """A draft back in the asker's form: what they wrote, and the message it was asked from."""

    draft: RequestDraft
    source_permalink: str | None


def get_draft(session: Session, request_id: int, asker_id: str) -> KeptDraft | None:
    request = queries.get_request(session, request_id)
    if request is None or request.asker_id != asker_id or request.status != RequestStatus.DRAFT:
        return None
    return KeptDraft(draft_of(request), request.source_permalink)


def publish_draft(
    session: Session,
    slack: SlackPort,
    *,
    request_id: int,
    user_id: str,
    clock: Clock,
    recipient_id: str | None = None,
    route: Route = Route.CHANNEL,
    widen: routing.WidenPolicy = DEFAULT_WIDEN,
) -> DeliveryResult:
    """Post a reviewed draft ("Post as it is"): to its channel, privately to one person, directly
    to the suggested helpers, or both."""
    if recipient_id is not None:
        route = Route.CHANNEL  # a private ask goes to that one person, and no one else
    now = clock()
    opened = queries.open_draft(
        session,
        request_id,
        user_id,
        recipient_id=recipient_id,
        route=route,
        # A direct-only ask has no channel message until (unless) it is widened.
        delivery=Delivery.PENDING if route == Route.DIRECT else Delivery.POSTING,
        delivery_claimed_at=None if route == Route.DIRECT else now,
        now=now,
    )
    session.commit()
    if not opened:
        log.info("draft %s not published for %s: not a draft of theirs", request_id, user_id)
        return DeliveryResult(Outcome.NOT_FOUND, request_id)
    request = queries.get_request(session, request_id)
    assert request is not None  # just updated in a committed transaction
    session.refresh(request)
    log.info("draft %s published by %s, route %s", request_id, who(request), route)
    result = DeliveryResult(Outcome.POSTED, request_id)
    if route != Route.DIRECT:
        result = deliver(session, slack, request, clock, replace=None)
    routing.open_routing(session, slack, request, route, clock, widen)
    return result


def discard_draft(session: Session, *, request_id: int, user_id: str) -> bool:
    """Forget a draft whose review was closed; a request already posted is never touched."""
    deleted = queries.delete_draft(session, request_id, user_id)
    session.commit()
    return deleted


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
    session.refresh(request)
    if not claimed:
        if request.asker_id != user_id:
            outcome = Outcome.NOT_YOURS
        elif request.status != RequestStatus.OPEN:
            outcome = Outcome.NOT_OPEN
        elif request.delivery == Delivery.POSTED:
            outcome = Outcome.ALREADY_POSTED
        else:
            outcome = Outcome.IN_PROGRESS
        log.info("request %s not re-posted for %s: %s", request_id, user_id, outcome)
        return DeliveryResult(outcome, request_id, message=_posted(request))
    if channel and channel != request.destination_channel:
        request.destination_channel = channel
        request.recipient_id = None
        session.commit()
    # The notice may be older than a post whose answer was lost.
    return deliver(session, slack, request, clock, replace=notice, look_first=True)


def edit_request(
    session: Session,
    slack: SlackPort,
    *,
    request_id: int,
    user_id: str,
    draft: RequestDraft,
    clock: Clock,
) -> DeliveryResult:
    """Change an open request's words; its message is updated in place where it was posted."""
    request = askers_request(session, request_id, user_id)
    if isinstance(request, Outcome):
        return DeliveryResult(request, request_id)
    now = clock()
    if draft.needed_by != request.needed_by:
        # A new needed-by deserves its own "did you get what you needed?" when it passes.
        request.followed_up_at = None
    _apply(request, draft, request.destination_channel, keep_place=True)
    request.updated_at = now
    request.revision += 1
    offer_queries.record_event(session, request, EventKind.EDITED, now, actor_id=user_id)
    message = _posted(request)
    commit_and_deliver(session, slack, Effects([deliveries.post_shown(request)]), clock=clock)
    log.info("request %s edited by %s", request_id, who(request))
    return DeliveryResult(Outcome.UPDATED, request_id, message=message)


def editable_draft(
    session: Session, *, request_id: int, user_id: str
) -> tuple[Outcome | None, RequestDraft | None]:
    """The request's fields to fill the edit form, or why this person cannot edit it."""
    request = askers_request(session, request_id, user_id)
    if isinstance(request, Outcome):
        return request, None
    return None, draft_of(request)


def withdraw_request(
    session: Session, slack: SlackPort, *, request_id: int, user_id: str, clock: Clock
) -> DeliveryResult:
    """The asker no longer needs help; the message says so where it was posted."""
    request = let_go(
        session, slack, request_id, user_id, RequestStatus.WITHDRAWN, EventKind.WITHDRAWN, clock
    )
    if isinstance(request, Outcome):
        return DeliveryResult(request, request_id)
    return DeliveryResult(Outcome.WITHDRAWN, request_id, message=_posted(request))


def let_go(
    session: Session,
    slack: SlackPort,
    request_id: int,
    user_id: str,
    to_status: RequestStatus,
    event: EventKind,
    clock: Clock,
) -> HelpRequest | Outcome:
    """The asker lets their open request go (withdrawn, or no longer needed once needed-by has
    passed): stored with its event, and the posted message says so. Otherwise why not."""
    now = clock()
    request = move_askers_request(session, request_id, user_id, to_status, now)
    if isinstance(request, Outcome):
        return request
    offer_queries.record_event(session, request, event, now, actor_id=user_id)
    commit_and_deliver(session, slack, Effects([deliveries.post_shown(request)]), clock=clock)
    session.refresh(request)
    log.info("request %s %s by %s", request_id, to_status, who(request))
    return request


def askers_request(
    session: Session,
    request_id: int,
    user_id: str,
    allowed: tuple[RequestStatus, ...] = (RequestStatus.OPEN,),
) -> HelpRequest | Outcome:
    """The asker's own request when it is in one of `allowed`; otherwise why not, with the
    read's transaction ended."""
    request = queries.get_request(session, request_id)
    if request is None or request.status == RequestStatus.DRAFT:
        refused = Outcome.NOT_FOUND
    elif request.asker_id != user_id:
        log.info("request %s: change refused to %s, not the asker", request_id, user_id)
        refused = Outcome.NOT_YOURS
    elif request.status not in allowed:
        refused = Outcome.NOT_OPEN
    else:
        return request
    session.commit()
    return refused


def move_askers_request(
    session: Session,
    request_id: int,
    user_id: str,
    to_status: RequestStatus,
    now: datetime,
    *,
    allowed: tuple[RequestStatus, ...] = (RequestStatus.OPEN,),
    **values: object,
) -> HelpRequest | Outcome:
    """The asker's own request moved from one of `allowed` to `to_status` (with `values`), not
    yet committed; otherwise why not, with the transaction ended. A click racing another change
    finds the request moved already: NOT_OPEN."""
    request = askers_request(session, request_id, user_id, allowed)
    if isinstance(request, Outcome):
        return request
    if not offer_queries.move_request(
        session,
        request_id,
        from_status=allowed,
        to_status=to_status,
        now=now,
        asker_id=user_id,
        **values,
    ):
        session.commit()
        return Outcome.NOT_OPEN
    return request


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
        # The dead attempt may have posted it before it could record so.
        results.append(deliver(session, slack, request, clock, replace=None, look_first=True))
    return results


def widen_due(session: Session, slack: SlackPort, *, clock: Clock, limit: int = 50) -> list[int]:
    """Widen, once, each open request nobody has offered on by its widening time: a direct ask
    goes to its channel too, a channel post to the next suggested helpers. The asker is told."""
    now = clock()
    widened = []
    for request_id in routing_queries.due_for_widening(session, now, limit):
        claimed = routing_queries.claim_widening(session, request_id, now)
        request = queries.get_request(session, request_id)
        if not claimed or request is None:
            session.commit()
            continue
        offer_queries.record_event(session, request, EventKind.WIDENED, now)
        session.commit()
        session.refresh(request)
        widened.append(request_id)
        if request.route == Route.DIRECT:
            _post_direct_ask(session, slack, request, clock)
            continue
        asked = routing.ask_suggested(session, slack, request, routing.WIDEN_TO, clock)
        if asked:
            tell_asker(slack.tell_asked, card_of(request), asked, True)
        else:
            log.info("request %s: no one left to widen to", request_id)
    return widened


def widen_now(
    session: Session, slack: SlackPort, *, request_id: int, user_id: str, clock: Clock
) -> DeliveryResult:
    """The asker's *Widen to the channel* on a request so far only asked directly."""
    request = askers_request(session, request_id, user_id)
    if isinstance(request, Outcome):
        return DeliveryResult(request, request_id)
    if request.route != Route.DIRECT or request.recipient_id is not None:
        session.commit()
        return DeliveryResult(Outcome.ALREADY_POSTED, request_id, message=_posted(request))
    now = clock()
    routing_queries.claim_widening(session, request_id, now)
    offer_queries.record_event(session, request, EventKind.WIDENED, now, actor_id=user_id)
    session.commit()
    result = _post_direct_ask(session, slack, request, clock)
    return result or DeliveryResult(Outcome.IN_PROGRESS, request_id)


def _post_direct_ask(
    session: Session, slack: SlackPort, request: HelpRequest, clock: Clock
) -> DeliveryResult | None:
    """Post a request so far only asked directly in its channel too; None when another attempt
    is already posting it."""
    now = clock()
    request.route = Route.BOTH
    session.commit()
    if not queries.claim_delivery(session, request.id, None, now, now - STALE_CLAIM):
        session.commit()
        return None
    session.commit()
    session.refresh(request)
    result = deliver(session, slack, request, clock, replace=None, announce=False)
    if result.message is not None:
        tell_asker(slack.tell_widened_to_channel, card_of(request), result.message.channel)
    return result


def _new_request(
    team_id: str,
    asker_id: str,
    draft: RequestDraft,
    default_channel: str,
    clock: Clock,
    status: RequestStatus,
    source_permalink: str | None,
) -> HelpRequest:
    now = clock()
    request = HelpRequest(
        team_id=team_id,
        asker_id=asker_id,
        status=status,
        delivery=Delivery.PENDING,
        source_permalink=source_permalink,
        created_at=now,
        updated_at=now,
    )
    _apply(request, draft, default_channel)
    return request


def _apply(
    request: HelpRequest, draft: RequestDraft, default_channel: str, keep_place: bool = False
) -> None:
    if draft.kind is None or draft.size is None:
        raise ValueError("validate_draft first: kind and size are required")
    request.what = draft.what.strip()
    request.why = draft.why.strip()
    request.help_kind = draft.kind
    request.size = draft.size
    request.needed_by = draft.needed_by
    if not keep_place:
        # Where a request is posted, and under whose name, is fixed once it is posted.
        request.destination_channel = draft.channel or default_channel
        request.anonymous = draft.anonymous


def deliver(
    session: Session,
    slack: SlackPort,
    request: HelpRequest,
    clock: Clock,
    replace: MessageRef | None,
    announce: bool = True,
    look_first: bool = False,
) -> DeliveryResult:
    """Post a request that this attempt has claimed. No transaction is open during Slack calls.
    `announce` False leaves telling the asker to the caller (widening says it differently).
    `look_first` when an earlier attempt may have posted it (its claim went stale, or the asker
    tries again): Slack's copy is taken instead of posting twice."""
    # A request can have offers before its post (asked directly first, or widened while its
    # post kept failing); every such change bumps the revision, so a fresh request skips the
    # count on the submission's hot path.
    card = live_card(session, request) if request.revision else card_of(request)
    try:
        posted, found = _post_once(slack, card, look_first)
    except SlackError as error:
        code = error.code
        if error.outcome_unknown:
            # Slack may have it, and could not be asked: telling the asker it failed would
            # invite a second post. The claim goes stale and the recovery job looks again.
            log.warning("request %s: post to %s unconfirmed (%s)", card.id, card.destination, code)
            return DeliveryResult(Outcome.IN_PROGRESS, card.id, error_code=code)
        request.delivery = Delivery.FAILED
        request.delivery_error = code
        request.updated_at = clock()
        session.commit()
        log.warning("request %s could not be posted to %s: %s", card.id, card.destination, code)
        tell_asker(slack.tell_post_failed, card, code, replace)
        return DeliveryResult(Outcome.FAILED, card.id, error_code=code)

    for wait in (*RECORD_WAITS, None):
        try:
            _record_posted(session, slack, request, posted, found, clock)
            break
        except Exception as error:
            if wait is None or not unreachable(error):
                raise
            # Slack has the post and nobody will press or resend anything for it: left
            # unrecorded, its claim would hold offers, the asker's notice and updates back for
            # STALE_CLAIM. A blip is waited out here instead.
            session.rollback()
            log.warning(
                "request %s: posted, but not recorded: the database is out of reach (%s); "
                "trying again in %s s",
                card.id,
                type(error).__name__,
                wait,
            )
            pause(wait)
    log.info("request %s posted to %s at %s", card.id, posted.channel, posted.ts)

    permalink = None
    if card.recipient_id is None:  # a private ask's DM is not the asker's to open
        try:
            permalink = slack.permalink(posted)
        except SlackError as error:
            # The post itself worked; the asker is still told where, just without a link.
            log.warning("no permalink for request %s: %s", card.id, error.code)
    if announce:
        tell_asker(slack.tell_posted, card, posted, permalink, replace)
    return DeliveryResult(Outcome.POSTED, card.id, message=posted)


def _record_posted(
    session: Session,
    slack: SlackPort,
    request: HelpRequest,
    posted: PostedMessage,
    found: bool,
    clock: Clock,
) -> None:
    now = clock()
    request.delivery = Delivery.POSTED
    request.delivery_error = None
    request.posted_channel = posted.channel
    request.posted_ts = posted.ts
    request.posted_at = now
    request.updated_at = now
    offer_queries.record_event(
        session, request, EventKind.POSTED, now, actor_id=request.asker_id, detail=posted.channel
    )
    owed = Effects()
    if found:
        # Slack's copy was posted as the request stood then; whatever changed while its answer
        # was lost (an offer, a resolution) is shown by updating it to how it stands now.
        owed.owe(deliveries.post_shown(request))
    commit_and_deliver(session, slack, owed, clock=clock)


def _post_once(slack: SlackPort, card: RequestCard, look_first: bool) -> tuple[PostedMessage, bool]:
    """The request's post, and whether it is Slack's copy of an earlier attempt rather than a new
    post. A post that got no answer is looked for before it is sent again, so it is never made
    twice; a SlackError whose outcome is unknown means it may or may not be there."""
    if look_first:
        try:
            found = slack.find_request(card)
        except SlackError as error:
            if error.outcome_unknown:
                raise
            # Slack won't show this conversation's history (a channel the app posts in without
            # being a member): better a rare second post than a request that never goes out.
            log.warning("request %s: could not look for its post: %s", card.id, error.code)
            found = None
        if found is not None:
            log.info("request %s was already posted, at %s", card.id, found.ts)
            return found, True
    try:
        return slack.post_request(card), False
    except SlackError as error:
        if not error.outcome_unknown:
            raise
        log.info("request %s: no answer to its post (%s); looking for it", card.id, error.code)
    try:
        found = slack.find_request(card)
    except SlackError as error:
        raise SlackError(CONNECTION_ERROR) from error
    # Not there: Slack never took it, so one more post is safe.
    return (found, True) if found is not None else (slack.post_request(card), False)
