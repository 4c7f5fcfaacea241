"""Offer emoji on a posted request: adding one offers help, removing it takes the offer back.

Slack retries an event it thinks went unanswered (X-Slack-Retry-Num); the offer's unique key
makes a retry, or the same person adding a second offer emoji, change nothing."""

from typing import Any

from slack_bolt import BoltContext

from bot.services.offers import Reaction, offer_by_reaction, withdraw_by_reaction
from bot.slack.deps import deps_of


def reaction_added(event: dict[str, Any], context: BoltContext) -> None:
    reaction = _offer_emoji_on_message(event, context)
    if reaction is None or not reaction.team_id:
        return
    deps = deps_of(context)
    with deps.sessions() as session:
        result = offer_by_reaction(session, deps.slack, reaction, clock=deps.clock)
    context.logger.debug("reaction_added: %s: %s", reaction, result)


def reaction_removed(event: dict[str, Any], context: BoltContext) -> None:
    reaction = _offer_emoji_on_message(event, context)
    if reaction is not None:
        deps = deps_of(context)
        with deps.sessions() as session:
            result = withdraw_by_reaction(session, deps.slack, reaction, clock=deps.clock)
        context.logger.debug("reaction_removed: %s: %s", reaction, result)


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
