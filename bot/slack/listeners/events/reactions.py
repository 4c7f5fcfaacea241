"""Offer emoji on a posted request: adding one offers help, removing it takes the offer back.

Each such event is recorded before Slack is answered (bot.services.inbox, from the middleware
in bot.slack.app), so Slack's retry of it (X-Slack-Retry-Num) changes nothing; the offer's
unique key makes the same person adding a second offer emoji change nothing either."""

from typing import Any

from slack_bolt import BoltContext

from bot.services import inbox
from bot.services.offers import Reaction
from bot.slack.deps import deps_of


def reacted(body: dict[str, Any], context: BoltContext) -> None:
    """reaction_added and reaction_removed."""
    received = offer_reaction(body, context)
    if received is not None:
        deps = deps_of(context)
        with deps.sessions() as session:
            result = inbox.process(session, deps.slack, received, clock=deps.clock)
        context.logger.debug("%s: %s: %s", received.kind, received.payload, result)


def offer_reaction(body: dict[str, Any], context: BoltContext) -> inbox.Received | None:
    """The event as the inbox records it, when it is an offer emoji added to or removed from a
    message by someone other than the app; None for any other event."""
    event = body.get("event") if body.get("type") == "event_callback" else None
    kind = event.get("type") if isinstance(event, dict) else None
    if kind not in inbox.HANDLERS:
        return None
    reaction = _offer_emoji_on_message(event, context)
    if reaction is None:
        return None
    return inbox.Received.reaction(str(body.get("event_id") or ""), kind, reaction)


def _offer_emoji_on_message(event: dict[str, Any], context: BoltContext) -> Reaction | None:
    """The reaction, when it is an offer emoji on a message by someone other than the app."""
    item = event.get("item") if isinstance(event.get("item"), dict) else {}
    user_id, channel, ts = event.get("user"), item.get("channel"), item.get("ts")
    emoji = _emoji(event.get("reaction"))
    if (
        emoji not in deps_of(context).settings.offer_emojis
        or item.get("type") != "message"
        or not all(isinstance(v, str) and v for v in (user_id, channel, ts))
        or user_id == context.bot_user_id
    ):
        return None
    return Reaction(context.team_id or "", str(channel), str(ts), str(user_id), emoji)


def _emoji(name: object) -> str:
    """The reaction's name without a skin tone: `hand::skin-tone-3` is still `hand`."""
    return str(name or "").split("::", 1)[0]
