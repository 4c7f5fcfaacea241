"""Messages about offers: to the asker and the helper, the introduction that accepting
opens, thanks, the follow-up after needed-by, and what helpers who passed said."""

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.domain.feedback import DeclineFeedback, FeedbackAction
from bot.domain.offers import OfferStatus, OfferView
from bot.domain.requests import RequestCard
from bot.slack.blocks import ids
from bot.slack.blocks.text import SECTION_TEXT, escape, fit, slack_date

Blocks = list[dict[str, Any]]


def _about(card: RequestCard, limit: int = 120) -> str:
    return f"“{fit(card.what, limit)}”"


def _asker(card: RequestCard) -> str:
    return "The person who asked" if card.anonymous else f"<@{card.asker_id}>"


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text))


def _quote(heading: str, typed: str) -> SectionBlock:
    """`typed` as a quote under `heading`, cut to fit one section."""
    start = f"{heading}> "
    return _section(start + fit(typed, SECTION_TEXT - len(start), newline="\n> "))


def _render(text: str, blocks: list[Any]) -> tuple[str, Blocks]:
    return text, [block.to_dict() for block in blocks]


def offer_notice(card: RequestCard, offer: OfferView) -> tuple[str, Blocks]:
    """The asker's DM about one offer: *Accept* / *Not now* while it is open, then its outcome."""
    helper = f"<@{offer.helper_id}>"
    about = _about(card)
    if offer.status == OfferStatus.OFFERED:
        text = f":raised_hands: {helper} offered to help with your request {about}."
        buttons = [
            ButtonElement(
                text="Accept", action_id=ids.ACCEPT_OFFER, value=str(offer.id), style="primary"
            ),
            ButtonElement(text="Not now", action_id=ids.NOT_NOW_OFFER, value=str(offer.id)),
        ]
        hint = "Accept to start a group DM with them. You can accept more than one helper."
        return _render(text, [_section(text), _context(hint), ActionsBlock(elements=buttons)])
    if offer.status == OfferStatus.ACCEPTED:
        where = f" in <#{offer.group_channel}>" if offer.group_channel else ""
        text = f":handshake: You accepted {helper}'s offer to help with {about}. Talk{where}."
        resolve = ButtonElement(
            text="Mark resolved", action_id=ids.RESOLVE_REQUEST, value=str(card.id)
        )
        return _render(text, [_section(text), ActionsBlock(elements=[resolve])])
    if offer.status == OfferStatus.DECLINED:
        text = f"You said *not now* to {helper}'s offer on {about}. I've thanked them for offering."
    else:
        text = f"{helper} withdrew their offer on {about}. No harm done: others may still offer."
    return _render(text, [_section(text)])


def helper_offer_message(card: RequestCard, offer: OfferView) -> tuple[str, Blocks]:
    """The helper's own message about their offer (their direct ask, or a DM): withdraw while
    the asker hasn't answered, then what the asker decided."""
    about = _about(card)
    asker = "They" if card.anonymous else f"<@{card.asker_id}>"
    if offer.status == OfferStatus.OFFERED:
        text = f":raised_hands: You offered to help with {about}. {asker} will hear from me."
        withdraw = ButtonElement(
            text="Withdraw my offer", action_id=ids.WITHDRAW_OFFER, value=str(offer.id)
        )
        return _render(text, [_section(text), ActionsBlock(elements=[withdraw])])
    if offer.status == OfferStatus.ACCEPTED:
        where = (
            f" I've opened <#{offer.group_channel}> for you both." if offer.group_channel else ""
        )
        text = f":handshake: Your offer to help with {about} was accepted.{where}"
    elif offer.status == OfferStatus.DECLINED:
        text = (
            f"Thanks for offering to help with {about}. They're covered for now, and your "
            "offer still counts: it shows asking here gets answered."
        )
    else:
        text = f"You withdrew your offer on {about}. No problem, thanks for letting them know."
    return _render(text, [_section(text)])


def introduction(card: RequestCard, helper_id: str) -> tuple[str, Blocks]:
    """The first message in the group DM accepting opens: who, what, why, by when."""
    text = (
        f":wave: <@{card.asker_id}>, meet <@{helper_id}>, who offered to help with your request. "
        f"<@{helper_id}>, thank you!"
    )
    lines = [f"*What*\n{fit(card.what, 1500)}"]
    if card.why:
        lines.append(f"*Why it matters*\n{fit(card.why, 800)}")
    needed = slack_date(card.needed_by) if card.needed_by else "No deadline"
    lines.append(f"*What would help* {card.kind.label} · *Size* {card.size.label}")
    lines.append(f"*Needed by* {needed}")
    resolve = ButtonElement(text="Mark resolved", action_id=ids.RESOLVE_REQUEST, value=str(card.id))
    return _render(
        text,
        [
            _section(text),
            _section("\n\n".join(lines)),
            _context(f"Request #{card.id}. When it's sorted, the asker can mark it resolved."),
            ActionsBlock(elements=[resolve]),
        ],
    )


def thanks_message(card: RequestCard, note: str | None, impact: str | None) -> tuple[str, Blocks]:
    who = "Someone you helped" if card.anonymous else f"<@{card.asker_id}>"
    text = f":pray: {who} marked {_about(card)} resolved, and says thank you."
    blocks: list[Any] = [_section(text)]
    if note:
        blocks.append(_quote("", note))
    if impact:
        blocks.append(_quote("*What your help made possible*\n", impact))
    blocks.append(_context("Thanks like this show up in your weekly digest and App Home."))
    return _render(text, blocks)


def follow_up_message(card: RequestCard) -> tuple[str, Blocks]:
    text = f"Your request {_about(card)} was needed by now. Did you get what you needed?"
    buttons = [
        ButtonElement(
            text="Yes, resolved",
            action_id=ids.FOLLOW_UP_RESOLVED,
            value=str(card.id),
            style="primary",
        ),
        ButtonElement(text="Still need help", action_id=ids.FOLLOW_UP_EXTEND, value=str(card.id)),
        ButtonElement(text="No longer needed", action_id=ids.FOLLOW_UP_DONE, value=str(card.id)),
    ]
    hint = "Still need help? Pick a new needed-by and I'll ask a few more people."
    return _render(text, [_section(text), _context(hint), ActionsBlock(elements=buttons)])


_FEEDBACK_BUTTONS = {
    FeedbackAction.EXTEND_DEADLINE: ("Extend the deadline", ids.FEEDBACK_EXTEND),
    FeedbackAction.EDIT_REQUEST: ("Edit the request", ids.FEEDBACK_EDIT),
    FeedbackAction.WIDEN_TO_CHANNEL: ("Widen to the channel", ids.FEEDBACK_WIDEN),
}


def declines_message(card: RequestCard, feedback: DeclineFeedback) -> tuple[str, Blocks]:
    """What helpers who passed said, gathered and without names, with one tip and the actions
    it suggests."""
    text = f"About your request {_about(card, 80)}: {feedback.summary}"
    blocks: list[Any] = [
        _section(f":speech_balloon: {text}"),
        _section(f":bulb: {escape(feedback.tip)}"),
    ]
    if feedback.actions:
        buttons = []
        for action in feedback.actions:
            label, action_id = _FEEDBACK_BUTTONS[action]
            buttons.append(ButtonElement(text=label, action_id=action_id, value=str(card.id)))
        blocks.append(ActionsBlock(elements=buttons))
    blocks.append(_context("A no is information, not a verdict. Most asks find a yes."))
    return _render(text, blocks)


def no_group_dm_for_asker(helper_id: str, error_code: str) -> tuple[str, Blocks]:
    text = (
        f"I couldn't start a conversation with <@{helper_id}> ({error_code}). "
        "Send them a message directly: they know you accepted."
    )
    return _render(text, [_section(text)])


def no_group_dm_for_helper() -> tuple[str, Blocks]:
    text = (
        "Your offer to help was accepted, but I couldn't open a conversation for you both. "
        "They'll message you directly."
    )
    return _render(text, [_section(text)])


def covered() -> tuple[str, Blocks]:
    """A helper's thanks after *Not now*, when their offer has no message of its own to update."""
    text = "Thanks for offering to help. They're covered for now."
    return _render(text, [_section(text)])


def answered(text: str) -> tuple[str, Blocks]:
    """A DM whose buttons have been used, replaced by what came of it."""
    return _render(text, [_section(text)])
