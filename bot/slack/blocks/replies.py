"""What the app says back to the person who just acted: private replies, answers written over the
message whose buttons were used, and the errors shown on a submitted form."""

from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from bot.domain.offers import DECLINE_NOTE_MAX_CHARS, Answer
from bot.slack.blocks import ids
from bot.slack.blocks.messages import mentions
from bot.slack.blocks.text import slack_date

DEADLINE_UNCLEAR = "I couldn't tell when you need this, so pick a time below."
LET_GO = (
    "Okay, I've closed your request. Thanks for asking: every ask makes the next one easier, "
    "for you and for everyone watching."
)
WIDENED_ALREADY = "It's already in a channel, where everyone there can see it."
NUDGES_STOPPED = "Done: no more of these. You can turn them back on from my App Home."
DIGEST_OFF = "Your weekly digest is off. You can turn it back on from my App Home."
NOT_ADMIN_SETTINGS = "Only workspace admins can change these settings."
NOT_YOURSELF = "Choose someone other than yourself."
PICK_NEW_DEADLINE = "Pick a new date and time."
PICK_DECLINE_REASON = "Pick the reason that fits best."
DECLINE_NOTE_TOO_LONG = f"Please keep it under {DECLINE_NOTE_MAX_CHARS} characters."
SUBMIT_AGAIN_SOON = "I couldn't save this just now. Nothing was lost: please submit it again soon."
PRESS_AGAIN_SOON = (
    "I couldn't save that just now, so nothing changed. Please try again in a moment."
)

# Keyed by the offers service's answers (bot.services.offers.Answer values).
OFFER_REPLIES = {
    Answer.ALREADY: "You've already answered this one, thank you.",
    Answer.OWN_REQUEST: "This is your own request, so you can't offer on it.",
    Answer.NOT_OPEN: "This request is closed: the asker no longer needs help with it.",
    Answer.NOT_FOUND: "I can't find that request any more.",
    Answer.NOT_YOURS: "Only the person this is for can use that button.",
    Answer.OFFER_GONE: "They withdrew their offer in the meantime, so there's nothing to answer.",
}
_OFFER_ANSWERED = {
    ids.ACCEPT_OFFER: "You've already answered this offer.",
    ids.NOT_NOW_OFFER: "You've already answered this offer.",
    ids.WITHDRAW_OFFER: "That offer is already withdrawn.",
}
_ACCEPTED_ALREADY = (
    "Their offer was accepted already, so it can't be withdrawn here. Tell them "
    "in your conversation if plans have changed."
)


def offer_reply(answer: Answer, action_id: str = "") -> str | None:
    """What to tell someone whose offer button (`action_id`) came to `answer`; None when the
    change itself, in their DM or on the post, says it."""
    if answer == Answer.ALREADY:
        return _OFFER_ANSWERED.get(action_id, OFFER_REPLIES[Answer.ALREADY])
    if answer == Answer.NOT_OPEN and action_id == ids.WITHDRAW_OFFER:
        return _ACCEPTED_ALREADY
    return OFFER_REPLIES.get(answer)


def could_not_open_ask(code: str | None) -> str:
    return (
        "Sorry, I couldn't open the request form just now "
        f"(Slack said `{code}`). Please run `/ask` again."
    )


def could_not_open(code: str | None) -> str:
    return f"Sorry, I couldn't open that form just now (Slack said `{code}`). Please try again."


def snoozed(until: datetime) -> str:
    return f":zzz: Snoozed. No nudges from me until {slack_date(until, '{date_long}')}."


def resolved(thanked: tuple[str, ...] | list[str]) -> str:
    text = ":white_check_mark: Marked resolved."
    if thanked:
        text += f" I've passed your thanks to {mentions(thanked)}."
    return text


def extended(
    needed_by: datetime, asked: tuple[str, ...] | list[str], widen_at: datetime | None
) -> str:
    text = f":calendar: New needed-by: {slack_date(needed_by)}."
    if asked:
        text += f" I've asked {mentions(asked)} directly."
    if widen_at is not None:
        text += f" If nobody offers by {slack_date(widen_at)}, I'll widen it."
    return text


def answer_blocks(text: str) -> list[dict[str, Any]]:
    """A DM whose buttons have done their job, written over with what came of them."""
    return [SectionBlock(text=MarkdownTextObject(text=text)).to_dict()]
