"""Messages: the request as posted, and what the asker is told about it."""

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    SectionBlock,
)

from bot.domain.requests import Outcome, RequestCard, RequestStatus
from bot.slack.blocks import ids
from bot.slack.blocks.text import FIELD_TEXT, SECTION_TEXT, chunks, escape, fit, slack_date

_WHY = "*Why it matters*\n"


def _asker(card: RequestCard) -> str:
    return "Someone" if card.anonymous else f"<@{card.asker_id}>"


def request_message(
    card: RequestCard, offer_emoji: str = "raising_hand"
) -> tuple[str, list[dict[str, Any]]]:
    """The request where it was posted: who asks (unless anonymous), what, why, what would help,
    size and needed-by, and where it stands: offers so far, in progress with whom. A closed
    request (resolved, withdrawn, expired) shrinks to a line saying so."""
    if card.status != RequestStatus.OPEN:
        return _closed_message(card)

    if card.recipient_id:
        heading = f"*{_asker(card)} is asking you, privately, for help*"
    else:
        heading = f"*{_asker(card)} is asking for help*"
    header = SectionBlock(text=MarkdownTextObject(text=heading))
    if card.recipient_id is None:
        # Everyone sees the menu; only the asker may use it (checked when it is used).
        header.accessory = OverflowMenuElement(
            action_id=ids.REQUEST_MENU,
            options=[
                Option(value=f"{ids.MENU_RESOLVE}:{card.id}", label="Mark resolved"),
                Option(value=f"{ids.MENU_EDIT}:{card.id}", label="Edit request"),
                Option(value=f"{ids.MENU_WITHDRAW}:{card.id}", label="Withdraw request"),
            ],
        )
    blocks: list[Any] = [header, *_request_body(card)]
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_standing(card, offer_emoji))]))
    blocks.append(
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="I can help",
                    action_id=ids.OFFER_FROM_POST,
                    value=str(card.id),
                    style="primary",
                )
            ]
        )
    )
    context = f"Request #{card.id} · asked with /ask"
    if card.source_permalink:
        context += f" · started from <{card.source_permalink}|this message>"
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=context)]))
    asking = "is asking you privately" if card.recipient_id else "is asking for help"
    text = f"{_asker(card)} {asking}: {fit(card.what, 200)}"
    return text, [block.to_dict() for block in blocks]


def people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


def mentions(user_ids: tuple[str, ...] | list[str]) -> str:
    """`<@A>`, `<@A> and <@B>`, `<@A>, <@B> and <@C>`."""
    names = [f"<@{u}>" for u in user_ids]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


def _standing(card: RequestCard, offer_emoji: str) -> str:
    if card.helpers:
        others = card.offers - len(card.helpers)
        line = f":handshake: In progress with {mentions(card.helpers)}"
        if others > 0:
            line += f" · {people(others)} more offered"
        return line
    if card.offers:
        have = "has" if card.offers == 1 else "have"
        return f":raised_hands: {people(card.offers)} {have} offered to help so far"
    return f"No offers yet. Press *I can help* or react with :{offer_emoji}: to offer."


def _closed_message(card: RequestCard) -> tuple[str, list[dict[str, Any]]]:
    what = fit(card.what, 300)
    if card.status == RequestStatus.RESOLVED:
        thanks = f", with help from {mentions(card.helpers)}" if card.helpers else ""
        heading = f":white_check_mark: *Resolved{thanks}.* Thank you to everyone who offered."
        text = f"Resolved: {fit(card.what, 200)}"
    elif card.status == RequestStatus.EXPIRED:
        heading = f"_{_asker(card)}'s request has closed: its needed-by date passed._"
        text = f"Closed: {fit(card.what, 200)}"
    else:
        heading = f"_{_asker(card)} withdrew this request: no help needed any more._"
        text = f"Withdrawn: {fit(card.what, 200)}"
    blocks: list[Any] = [
        SectionBlock(text=MarkdownTextObject(text=heading)),
        ContextBlock(elements=[MarkdownTextObject(text=what)]),
    ]
    if card.offers and card.status != RequestStatus.RESOLVED:
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text=f"{people(card.offers)} offered to help.")]
            )
        )
    return text, [block.to_dict() for block in blocks]


def _request_body(card: RequestCard) -> list[Any]:
    """What, and the facts a helper weighs: why, what would help, size, needed-by."""
    # A long request continues in the next section rather than being cut.
    blocks: list[Any] = [
        SectionBlock(text=MarkdownTextObject(text=p))
        for p in chunks(escape(card.what), SECTION_TEXT)
    ]
    fields = []
    if card.why:
        fields.append(MarkdownTextObject(text=_WHY + fit(card.why, FIELD_TEXT - len(_WHY))))
    fields.append(MarkdownTextObject(text=f"*What would help*\n{card.kind.label}"))
    fields.append(MarkdownTextObject(text=f"*Size*\n{card.size.label}"))
    needed_by = slack_date(card.needed_by) if card.needed_by else "No deadline"
    fields.append(MarkdownTextObject(text=f"*Needed by*\n{needed_by}"))
    blocks.append(SectionBlock(fields=fields))
    return blocks


def direct_ask_message(
    card: RequestCard, reasons: tuple[str, ...]
) -> tuple[str, list[dict[str, Any]]]:
    """A request sent to one suggested helper, with why they were asked and two answers."""
    heading = f"*{_asker(card)} is asking you directly for help*"
    blocks: list[Any] = [SectionBlock(text=MarkdownTextObject(text=heading)), *_request_body(card)]
    if reasons:
        why_you = fit(" · ".join(reasons), SECTION_TEXT - len("Why you: "))
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"Why you: {why_you}")]))
    blocks.append(
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="I can help", action_id=ids.OFFER_HELP, value=str(card.id), style="primary"
                ),
                ButtonElement(text="Not this time", action_id=ids.DECLINE_HELP, value=str(card.id)),
            ]
        )
    )
    text = f"{_asker(card)} is asking you directly for help: {fit(card.what, 200)}"
    return text, [block.to_dict() for block in blocks]


def passed_notice(card: RequestCard) -> tuple[str, list[dict[str, Any]]]:
    """A direct ask the helper passed on: the buttons go, a thank-you stays."""
    text = "No problem, thanks for saying so. Saying no is useful information too."
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ContextBlock(elements=[MarkdownTextObject(text=fit(card.what, 300))]),
    ]
    return text, [block.to_dict() for block in blocks]


def asked_notice(helper_ids: tuple[str, ...], widened: bool) -> str:
    people = ", ".join(f"<@{h}>" for h in helper_ids)
    if widened:
        return (
            f"No offers on your request yet. That's common: people are busy, not unwilling. "
            f"I've also asked {people} directly."
        )
    return f"I asked {people} directly. I'll tell you when someone offers."


def widened_to_channel_notice(channel: str) -> str:
    return (
        "No offers on your request yet. That's common: people are busy, not unwilling. "
        f"I've also posted it in <#{channel}>, so more people can see it."
    )


def plain_blocks(text: str) -> list[dict[str, Any]]:
    return [SectionBlock(text=MarkdownTextObject(text=text)).to_dict()]


def posted_notice(
    card: RequestCard, channel: str, permalink: str | None
) -> tuple[str, list[dict[str, Any]]]:
    if card.recipient_id:
        text = f"I sent your request privately to <@{card.recipient_id}>."
    else:
        where = f"<{permalink}|your request>" if permalink else "your request"
        text = (
            f"I posted {where} in <#{channel}>. You can edit or withdraw it from the ⋯ menu "
            "on the message."
        )
    blocks = [SectionBlock(text=MarkdownTextObject(text=f":white_check_mark: {text}"))]
    return text, [block.to_dict() for block in blocks]


# What each refusal means for the asker, and what they can do about it.
_POST_ERROR_ADVICE = {
    "not_in_channel": "I'm not a member of {where}. Invite me there with "
    "`/invite @Reciprocity`, then press *Try again*.",
    "channel_not_found": "I can't find {where}: it may have been deleted, or it's private "
    "and I haven't been invited. Invite me with `/invite @Reciprocity`, or post it elsewhere.",
    "is_archived": "{where} is archived, so nothing can be posted there. Post it in "
    "another channel instead.",
    "restricted_action": "This workspace doesn't let apps post in {where}. Post it in "
    "another channel instead.",
    "user_disabled": "{where} has left the workspace, so they can't receive it.",
    "user_not_found": "I can't find {where} in this workspace.",
    "cannot_dm_bot": "{where} is an app, so it can't help with this one.",
    "ratelimited": "Slack asked me to slow down. Give it a minute, then press *Try again*.",
}
_DEFAULT_ADVICE = (
    "Slack didn't accept the post ({code}). Your request is saved: press *Try again* in a moment."
)


def post_failed_notice(
    card: RequestCard, error_code: str, help_channel: str
) -> tuple[str, list[dict[str, Any]]]:
    where = f"<@{card.recipient_id}>" if card.recipient_id else f"<#{card.channel}>"
    advice = _POST_ERROR_ADVICE.get(error_code, _DEFAULT_ADVICE).format(
        where=where, code=error_code
    )
    summary = fit(card.what, 300)
    text = f"I couldn't send your request to {where}. {advice}"
    buttons = [
        ButtonElement(
            text="Try again", action_id=ids.RETRY_POST, value=str(card.id), style="primary"
        )
    ]
    if card.recipient_id is None and card.channel != help_channel:
        buttons.append(
            ButtonElement(
                text="Post in the help channel",
                action_id=ids.POST_TO_HELP_CHANNEL,
                value=str(card.id),
            )
        )
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=f":warning: {text}")),
        ContextBlock(elements=[MarkdownTextObject(text=f"Your request, saved: _{summary}_")]),
        ActionsBlock(elements=buttons),
    ]
    return text, [block.to_dict() for block in blocks]


REFUSALS = {
    Outcome.NOT_YOURS: "Only the person who asked can change this request.",
    Outcome.ALREADY_POSTED: "This request is already posted.",
    Outcome.IN_PROGRESS: "I'm posting this request right now; give it a moment.",
    Outcome.NOT_FOUND: "I can't find that request any more.",
    Outcome.NOT_OPEN: (
        "This request is closed (resolved, withdrawn or expired), so it can't be changed."
    ),
}


def refusal_text(outcome: Outcome) -> str:
    return REFUSALS.get(outcome, "That didn't work; please try again.")
