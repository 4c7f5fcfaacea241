"""What each message a state change owes says, rendered when it is sent from what is stored
then, so a message sent late, or sent again, shows the current state.

Each function here makes the Slack calls for one outbox row and raises SlackError when Slack
fails; the outbox sender (bot.services.outbox) claims, retries and records. A post is tagged
with the row's key: a row tried before (its sender died, or Slack's answer never came) looks for
its key in the conversation first, so it is never posted twice."""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.domain.feedback import summarise_declines
from bot.domain.offers import OfferStatus, OfferView, SuggestionStatus
from bot.domain.outbox import Effect, Owed, is_permanent
from bot.domain.requests import RequestStatus
from bot.services.cards import card_of
from bot.services.ports import MessageRef, PostedMessage, SlackError, SlackPort
from bot.services.status import live_card
from db import offer_queries as rq
from db import queries, routing_queries
from db.models import HelpRequest, Offer, OutboxMessage, Suggestion

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivered:
    posted: MessageRef | None = None  # the message a post made, recorded on the row
    refused: str | None = None  # Slack's permanent refusal, when owing others instead
    then: tuple[Owed, ...] = ()  # what this delivery owes in turn


# What changes owe


def post_shown(request: HelpRequest) -> Owed:
    """The request's channel post, updated to how it now stands."""
    return Owed(
        Effect.POST_UPDATE,
        request.team_id,
        request.posted_channel or "",
        str(request.id),
        {"request_id": request.id},
    )


def offer_shown(session: Session, offer: Offer, asker_id: str) -> tuple[Owed, Owed]:
    """The asker's notice of an offer and the helper's own message about it, as it now stands."""
    subject = f"{offer.id}:{rq.offer_round(session, offer.request_id, offer.helper_id)}"
    ids = {"offer_id": offer.id}
    return (
        Owed(Effect.OFFER_NOTICE, offer.team_id, asker_id, subject, ids),
        Owed(Effect.OFFER_CONFIRMATION, offer.team_id, offer.helper_id, subject, ids),
    )


def thanks(request: HelpRequest, helper_id: str) -> Owed:
    return Owed(
        Effect.THANKS,
        request.team_id,
        helper_id,
        f"{request.id}:{helper_id}",
        {"request_id": request.id, "helper_id": helper_id},
    )


def resolved_notice(request: HelpRequest, answering: MessageRef | None) -> Owed:
    where = {"channel": answering.channel, "ts": answering.ts} if answering else {}
    ids = {"request_id": request.id, **where}
    return Owed(Effect.RESOLVED_NOTICE, request.team_id, request.asker_id, str(request.id), ids)


def passed_thanks(request: HelpRequest, helper_id: str, direct_ask: MessageRef) -> Owed:
    ids = {"request_id": request.id, "channel": direct_ask.channel, "ts": direct_ask.ts}
    subject = f"{request.id}:{helper_id}"
    return Owed(Effect.PASSED_THANKS, request.team_id, helper_id, subject, ids)


def decline_feedback(request: HelpRequest) -> Owed:
    ids = {"request_id": request.id}
    return Owed(Effect.DECLINE_FEEDBACK, request.team_id, request.asker_id, str(request.id), ids)


def direct_ask(request: HelpRequest, suggestion: Suggestion) -> Owed:
    ids = {"request_id": request.id, "suggestion_id": suggestion.id}
    subject = f"{request.id}:{suggestion.user_id}"
    return Owed(Effect.DIRECT_ASK, request.team_id, suggestion.user_id, subject, ids)


def group_dm(offer: Offer) -> Owed:
    return Owed(
        Effect.GROUP_DM, offer.team_id, offer.helper_id, str(offer.id), {"offer_id": offer.id}
    )


# Sending them


def deliver(session: Session, slack: SlackPort, message: OutboxMessage, clock: Clock) -> Delivered:
    """Make the Slack calls `message` stands for. No transaction is open during a call."""
    effect = Effect(message.kind)
    if effect == Effect.POST_UPDATE:
        return _update_post(session, slack, int(message.payload["request_id"]))
    if effect == Effect.THANKS:
        return _thanks(session, slack, message)
    if effect == Effect.RESOLVED_NOTICE:
        return _resolved_notice(session, slack, message)
    if effect == Effect.PASSED_THANKS:
        return _passed_thanks(session, slack, message)
    if effect == Effect.DECLINE_FEEDBACK:
        return _decline_feedback(session, slack, message)
    if effect == Effect.DIRECT_ASK:
        return _direct_ask(session, slack, message, clock)
    found = _offer(session, int(message.payload["offer_id"]))
    if found is None:
        session.commit()
        return Delivered()
    offer, request = found
    senders: dict[Effect, Callable[[], Delivered]] = {
        Effect.OFFER_NOTICE: lambda: _offer_message(session, slack, message, offer, request),
        Effect.OFFER_CONFIRMATION: lambda: _offer_message(session, slack, message, offer, request),
        Effect.GROUP_DM: lambda: _group_dm(session, slack, message, offer, request),
        Effect.NO_GROUP_DM_ASKER: lambda: _no_group_dm_asker(
            session, slack, message, offer, request
        ),
        Effect.NO_GROUP_DM_HELPER: lambda: _no_group_dm_helper(
            session, slack, message, offer, request
        ),
    }
    return senders[effect]()


def _update_post(session: Session, slack: SlackPort, request_id: int) -> Delivered:
    request = queries.get_request(session, request_id, fresh=True)
    if request is None or not (request.posted_channel and request.posted_ts):
        session.commit()  # not posted yet: the post, when made, shows the state then
        return Delivered()
    message = PostedMessage(request.posted_channel, request.posted_ts)
    card = live_card(session, request)
    session.commit()
    slack.update_request(card, message)
    return Delivered()


def _thanks(session: Session, slack: SlackPort, message: OutboxMessage) -> Delivered:
    request_id, helper_id = int(message.payload["request_id"]), str(message.payload["helper_id"])
    request = queries.get_request(session, request_id, fresh=True)
    kept = [t for t in rq.thanks_for(session, request_id) if t.to_id == helper_id]
    session.commit()
    if request is None or not kept:
        return Delivered()
    card, note, impact = card_of(request), kept[0].note, kept[0].impact
    ref, _ = _post_once(
        slack, message, helper_id, lambda: slack.thank(card, helper_id, note, impact, message.key)
    )
    return Delivered(posted=ref)


def _resolved_notice(session: Session, slack: SlackPort, message: OutboxMessage) -> Delivered:
    request = queries.get_request(session, int(message.payload["request_id"]), fresh=True)
    thanked = tuple(t.to_id for t in rq.thanks_for(session, request.id)) if request else ()
    session.commit()
    if request is None:
        return Delivered()
    card, key = card_of(request), message.key
    channel, ts = message.payload.get("channel"), message.payload.get("ts")
    if channel and ts:  # written over the message it was resolved from: an idempotent update
        slack.tell_resolved(card, thanked, MessageRef(str(channel), str(ts)), key)
        return Delivered()
    ref, _ = _post_once(
        slack, message, request.asker_id, lambda: slack.tell_resolved(card, thanked, None, key)
    )
    return Delivered(posted=ref)


def _passed_thanks(session: Session, slack: SlackPort, message: OutboxMessage) -> Delivered:
    request = queries.get_request(session, int(message.payload["request_id"]), fresh=True)
    session.commit()
    if request is not None:
        ref = MessageRef(str(message.payload["channel"]), str(message.payload["ts"]))
        slack.thank_for_passing(ref, card_of(request))
    return Delivered()


def _decline_feedback(session: Session, slack: SlackPort, message: OutboxMessage) -> Delivered:
    """The asker's one message on why helpers passed, gathered and without names: posted
    once, then updated in place as more pass."""
    request = queries.get_request(session, int(message.payload["request_id"]), fresh=True)
    if request is None:
        session.commit()
        return Delivered()
    feedback = summarise_declines(
        rq.decline_reasons(session, request.id),
        has_deadline=request.needed_by is not None,
        in_channel=request.posted_ts is not None and request.recipient_id is None,
    )
    card = card_of(request)
    session.commit()
    if feedback is None:
        return Delivered()
    if request.feedback_channel and request.feedback_ts:
        ref = MessageRef(request.feedback_channel, request.feedback_ts)
        slack.tell_declines(card, feedback, ref, message.key)
        return Delivered()
    ref, found = _post_once(
        slack,
        message,
        request.asker_id,
        lambda: slack.tell_declines(card, feedback, None, message.key),
    )
    rq.set_feedback_message(session, request.id, ref.channel, ref.ts)
    session.commit()
    if found:
        slack.tell_declines(card, feedback, ref, message.key)
    return Delivered(posted=ref)


def _direct_ask(
    session: Session, slack: SlackPort, message: OutboxMessage, clock: Clock
) -> Delivered:
    """Ask a suggested helper, while the request is open. Someone Slack won't let the app DM
    (they left, or are an app) counts as not available."""
    request = queries.get_request(session, int(message.payload["request_id"]), fresh=True)
    suggestion = session.get(Suggestion, int(message.payload["suggestion_id"]))
    if request is None or suggestion is None or request.status != RequestStatus.OPEN:
        session.commit()
        return Delivered()
    card, helper_id = card_of(request), suggestion.user_id
    reasons = tuple(suggestion.reasons.splitlines())
    session.commit()
    try:
        ref, _ = _post_once(
            slack,
            message,
            helper_id,
            lambda: slack.ask_directly(card, helper_id, reasons, message.key),
        )
    except SlackError as error:
        if not is_permanent(error.code):
            raise
        log.warning("could not ask %s about request %s: %s", helper_id, request.id, error.code)
        routing_queries.set_suggestion_status(
            session, suggestion.id, SuggestionStatus.DECLINED, clock()
        )
        session.commit()
        return Delivered(refused=error.code)
    return Delivered(posted=ref)


def _offer(session: Session, offer_id: int) -> tuple[Offer, HelpRequest] | None:
    offer = session.get(Offer, offer_id, populate_existing=True)
    request = queries.get_request(session, offer.request_id, fresh=True) if offer else None
    if offer is None or request is None:
        return None
    return offer, request


def _view(offer: Offer) -> OfferView:
    return OfferView(offer.id, offer.helper_id, offer.status, offer.group_channel)


def _offer_message(
    session: Session, slack: SlackPort, message: OutboxMessage, offer: Offer, request: HelpRequest
) -> Delivered:
    """The asker's notice of the offer, or the helper's own message about it, as the offer now
    stands: updated where it is, or posted (once) and recorded on the offer."""
    card, helper, key = card_of(request), offer.helper_id, message.key
    to_asker = message.kind == Effect.OFFER_NOTICE
    side = "asker" if to_asker else "helper"
    held = _held(getattr(offer, f"{side}_channel"), getattr(offer, f"{side}_ts"))
    view = _view(offer)
    update = slack.update_offer_notice if to_asker else slack.update_offer_confirmation
    if held is not None:
        session.commit()
        update(held, card, view)
        return Delivered()
    if offer.status == OfferStatus.DECLINED and not to_asker:
        # Nowhere to update: still, nobody should wonder what happened to their offer.
        return _tell(session, slack, message, lambda: slack.tell_covered(card, helper, key))
    if offer.status != OfferStatus.OFFERED:
        # Never shown, and nothing left to answer: accepted (the group DM tells them), declined
        # (the helper's message says so) or withdrawn (they know).
        session.commit()
        return Delivered()
    card = live_card(session, request)
    session.commit()
    post = slack.tell_offer if to_asker else slack.confirm_offer
    ref, found = _post_once(slack, message, message.target, lambda: post(card, view, message.key))
    rq.set_offer(session, offer.id, **{f"{side}_channel": ref.channel, f"{side}_ts": ref.ts})
    session.commit()
    if found:  # posted by an earlier try, perhaps before the offer changed
        update(ref, card_of(request), view)
    return Delivered(posted=ref)


def _held(channel: str | None, ts: str | None) -> MessageRef | None:
    return MessageRef(channel, ts) if channel and ts else None


def _group_dm(
    session: Session, slack: SlackPort, message: OutboxMessage, offer: Offer, request: HelpRequest
) -> Delivered:
    """Open the group DM (conversations.open gives the same one each time), then introduce the
    two in it. If Slack refuses the group DM, each of them is told directly instead."""
    card = card_of(request)
    channel = offer.group_channel
    then: tuple[Owed, ...] = ()
    if not channel:
        session.commit()
        try:
            channel = slack.open_group_dm(request.asker_id, offer.helper_id)
        except SlackError as error:
            if not is_permanent(error.code):
                raise
            log.warning("offer %s: no group DM: %s", offer.id, error.code)
            subject, ids = str(offer.id), {"offer_id": offer.id}
            told = (
                Owed(
                    Effect.NO_GROUP_DM_ASKER,
                    offer.team_id,
                    request.asker_id,
                    subject,
                    {**ids, "error": error.code},
                ),
                Owed(Effect.NO_GROUP_DM_HELPER, offer.team_id, offer.helper_id, subject, ids),
            )
            return Delivered(refused=error.code, then=told)
        rq.set_offer(session, offer.id, group_channel=channel)
        offer.group_channel = channel
        # The offer's messages name the group DM now.
        then = offer_shown(session, offer, request.asker_id)
        session.commit()
    _post_once(
        slack,
        message,
        channel,
        lambda: slack.introduce(channel, card, offer.helper_id, message.key),
    )
    return Delivered(then=then)


def _no_group_dm_asker(
    session: Session, slack: SlackPort, message: OutboxMessage, offer: Offer, request: HelpRequest
) -> Delivered:
    card, helper, key = card_of(request), offer.helper_id, message.key
    code = str(message.payload.get("error") or "")
    return _tell(session, slack, message, lambda: slack.tell_no_group_dm(card, helper, code, key))


def _no_group_dm_helper(
    session: Session, slack: SlackPort, message: OutboxMessage, offer: Offer, request: HelpRequest
) -> Delivered:
    card, helper, key = card_of(request), offer.helper_id, message.key
    return _tell(session, slack, message, lambda: slack.tell_helper_no_group_dm(card, helper, key))


def _tell(
    session: Session, slack: SlackPort, message: OutboxMessage, post: Callable[[], MessageRef]
) -> Delivered:
    """A note to the row's target, posted once."""
    session.commit()
    ref, _ = _post_once(slack, message, message.target, post)
    return Delivered(posted=ref)


def _post_once(
    slack: SlackPort, message: OutboxMessage, target: str, post: Callable[[], MessageRef]
) -> tuple[MessageRef, bool]:
    """Post `message` unless an earlier try did: where it is, and whether it was found there."""
    if message.attempts > 1:
        found = slack.find_effect(target, message.key)
        if found is not None:
            return MessageRef(found.channel, found.ts), True
    try:
        return post(), False
    except SlackError as error:
        if not error.outcome_unknown:
            raise
        found = slack.find_effect(target, message.key)
        if found is None:
            raise
        return MessageRef(found.channel, found.ts), True
