"""Messages: the request as posted in a channel, and what the asker is told about it."""

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.domain.requests import RequestCard
from bot.slack.blocks import ids
from bot.slack.blocks.text import chunks, escape, slack_date, truncate

# Slack's limit for a section's text; longer requests continue in the next section.
_SECTION_LIMIT = 3000


def request_message(card: RequestCard) -> tuple[str, list[dict[str, Any]]]:
    """The request in its channel: who asks, what, why, what would help, size, needed by."""
    what = escape(card.what)
    blocks: list[Any] = [
        SectionBlock(text=MarkdownTextObject(text=f"*<@{card.asker_id}> is asking for help*")),
        *(
            SectionBlock(text=MarkdownTextObject(text=piece))
            for piece in chunks(what, _SECTION_LIMIT)
        ),
    ]
    fields = []
    if card.why:
        fields.append(MarkdownTextObject(text=f"*Why it matters*\n{escape(card.why)}"))
    fields.append(MarkdownTextObject(text=f"*What would help*\n{card.kind.label}"))
    fields.append(MarkdownTextObject(text=f"*Size*\n{card.size.label}"))
    needed_by = slack_date(card.needed_by) if card.needed_by else "No deadline"
    fields.append(MarkdownTextObject(text=f"*Needed by*\n{needed_by}"))
    blocks.append(SectionBlock(fields=fields))
    blocks.append(
        ContextBlock(elements=[MarkdownTextObject(text=f"Request #{card.id} · asked with /ask")])
    )
    text = f"<@{card.asker_id}> is asking for help: {truncate(what, 200)}"
    return text, [block.to_dict() for block in blocks]


def posted_notice(
    card: RequestCard, channel: str, permalink: str | None
) -> tuple[str, list[dict[str, Any]]]:
    where = f"<{permalink}|your request>" if permalink else "your request"
    text = f"I posted {where} in <#{channel}>. I'll let you know when someone offers to help."
    return text, [
        SectionBlock(text=MarkdownTextObject(text=f":white_check_mark: {text}")).to_dict()
    ]


# What each refusal means for the asker, and what they can do about it.
_POST_ERROR_ADVICE = {
    "not_in_channel": "I'm not a member of <#{channel}>. Invite me there with "
    "`/invite @Reciprocity`, then press *Try again*.",
    "channel_not_found": "I can't find <#{channel}>: it may have been deleted, or it's private "
    "and I haven't been invited. Invite me with `/invite @Reciprocity`, or post it elsewhere.",
    "is_archived": "<#{channel}> is archived, so nothing can be posted there. Post it in "
    "another channel instead.",
    "restricted_action": "This workspace doesn't let apps post in <#{channel}>. Post it in "
    "another channel instead.",
    "ratelimited": "Slack asked me to slow down. Give it a minute, then press *Try again*.",
}
_DEFAULT_ADVICE = (
    "Slack didn't accept the post ({code}). Your request is saved: press *Try again* in a moment."
)


def post_failed_notice(
    card: RequestCard, error_code: str, help_channel: str
) -> tuple[str, list[dict[str, Any]]]:
    advice = _POST_ERROR_ADVICE.get(error_code, _DEFAULT_ADVICE).format(
        channel=card.channel, code=error_code
    )
    summary = truncate(escape(card.what), 300)
    text = f"I couldn't post your request in <#{card.channel}>. {advice}"
    buttons = [
        ButtonElement(
            text="Try again", action_id=ids.RETRY_POST, value=str(card.id), style="primary"
        )
    ]
    if card.channel != help_channel:
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


def retry_refused_text(outcome: str) -> str:
    return {
        "not_yours": "Only the person who asked can post this request.",
        "already_posted": "This request is already posted.",
        "in_progress": "I'm posting this request right now; give it a moment.",
        "not_found": "I can't find that request any more.",
    }.get(outcome, "That didn't work; please try again.")
