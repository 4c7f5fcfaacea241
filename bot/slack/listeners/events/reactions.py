"""Offer emoji on a posted request: adding one offers help, removing it takes the offer back.

Slack retries an event it thinks went unanswered (X-Slack-Retry-Num); the offer's unique key
makes a retry, or the same person adding a second offer emoji, change nothing."""

from typing import Any

from slack_bolt import BoltContext

from bot.services.offers import offer_by_reaction, withdraw_by_reaction
from bot.slack.deps import deps_of


def reaction_added(event: dict[str, Any], context: BoltContext) -> None:
    found = _offer_emoji_on_message(event, context)
    if found is None or not context.team_id:
        return
    user_id, channel, ts, emoji = found
    deps = deps_of(context)
    with deps.sessions() as session:
        result = offer_by_reaction(
            session,
            deps.slack,
            team_id=context.team_id,
            channel=channel,
            ts=ts,
            user_id=user_id,
            emoji=emoji,
            clock=deps.clock,
        )
    context.logger.debug("reaction_added by %s on %s/%s: %s", user_id, channel, ts, result)


def reaction_removed(event: dict[str, Any], context: BoltContext) -> None:
    found = _offer_emoji_on_message(event, context)
    if found is None:
        return
    user_id, channel, ts, emoji = found
    deps = deps_of(context)
    with deps.sessions() as session:
        result = withdraw_by_reaction(
            session,
            deps.slack,
            channel=channel,
            ts=ts,
            user_id=user_id,
            emoji=emoji,
            clock=deps.clock,
        )
    context.logger.debug("reaction_removed by %s on %s/%s: %s", user_id, channel, ts, result)


def _offer_emoji_on_message(
    event: dict[str, Any], context: BoltContext
) -> tuple[str, str, str, str] | None:
    """Who reacted, on which message, with which offer emoji; None for any other reaction, on
    anything but a message, or by the app itself."""
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
    return str(user_id), str(channel), str(ts), emoji


def _emoji(name: object) -> str:
    """The reaction's name without a skin tone: `hand::skin-tone-3` is still `hand`."""
    return str(name or "").split("::", 1)[0]
