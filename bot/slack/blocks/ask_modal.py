"""The /ask modal: compose a SMART request, and read it back from Slack's view state."""

from datetime import UTC, datetime
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    ConversationFilter,
    ConversationSelectElement,
    DateTimePickerElement,
    MarkdownTextObject,
    Option,
)

from bot.domain.requests import (
    WHAT_MAX_CHARS,
    WHY_MAX_CHARS,
    HelpKind,
    RequestDraft,
    RequestSize,
)
from bot.slack.blocks import ids
from bot.slack.blocks.inputs import (
    checkboxes_input,
    input_block,
    modal,
    option_for,
    radio_input,
    select_input,
    text_input,
)
from bot.slack.blocks.state import (
    element,
    option_values,
    selected,
    state_values,
    text,
    timestamp,
)

# Small asks build the habit; a few examples make "small" concrete.
START_SMALL = (
    "*Start small:* “Can someone sanity-check this SQL query?” · “Who knows how our "
    "on-call rota works?” · “Could you look over these two slides?”"
)


def ask_modal(
    *,
    draft: RequestDraft | None = None,
    metadata: dict[str, Any] | None = None,
    allow_anonymous: bool = False,
    source_permalink: str | None = None,
    editing: bool = False,
    notice: str | None = None,
) -> dict[str, Any]:
    """The request form, filled in from `draft` when given. `editing` is for a request already
    posted: where it went and under whose name stay as they are, so those inputs are left out."""
    draft = draft or RequestDraft(what="")
    kinds = [Option(value=kind.value, label=kind.label) for kind in HelpKind]
    sizes = [Option(value=size.value, label=size.label) for size in RequestSize]
    intro = (
        "People are more willing to help than we think. A clear, specific ask makes saying "
        "yes easy."
    )
    blocks: list[Any] = [ContextBlock(elements=[MarkdownTextObject(text=intro)])]
    if notice:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f":calendar: {notice}")]))
    if source_permalink:
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text=f"From <{source_permalink}|this message>.")]
            )
        )
    blocks += [
        text_input(
            ids.WHAT_BLOCK,
            ids.WHAT_INPUT,
            "What do you need?",
            hint="Name the thing, what you've tried, and the question.",
            multiline=True,
            max_length=WHAT_MAX_CHARS,
            initial=draft.what[:WHAT_MAX_CHARS],
            placeholder="e.g. A second pair of eyes on the retry logic in billing-sync: "
            "is backing off per customer enough?",
        ),
        text_input(
            ids.WHY_BLOCK,
            ids.WHY_INPUT,
            "Why does it matter?",
            hint="What it unblocks, or who it helps.",
            optional=True,
            multiline=True,
            max_length=WHY_MAX_CHARS,
            initial=draft.why[:WHY_MAX_CHARS],
            placeholder="e.g. It's the last thing before Thursday's release.",
        ),
        select_input(
            ids.KIND_BLOCK,
            ids.KIND_INPUT,
            "What would help most?",
            kinds,
            draft.kind,
            placeholder="Choose the kind of help",
        ),
        radio_input(
            ids.SIZE_BLOCK, ids.SIZE_INPUT, "How big is it?", sizes, option_for(sizes, draft.size)
        ),
        input_block(
            ids.NEEDED_BY_BLOCK,
            "Needed by",
            DateTimePickerElement(
                action_id=ids.NEEDED_BY_INPUT,
                initial_date_time=int(draft.needed_by.timestamp()) if draft.needed_by else None,
            ),
            hint="In your own time zone. Leave it empty if there's no deadline.",
            optional=True,
        ),
    ]
    if not editing:
        blocks.append(
            input_block(
                ids.CHANNEL_BLOCK,
                "Where should it go?",
                ConversationSelectElement(
                    action_id=ids.CHANNEL_INPUT,
                    initial_conversation=draft.channel,
                    filter=ConversationFilter(include=["public", "private"]),
                ),
                hint="Leave it empty and Reciprocity picks the channel for its topic, or the "
                "help channel.",
                optional=True,
            )
        )
        if allow_anonymous:
            anonymous = Option(
                value=ids.ANONYMOUS_VALUE,
                label="Post without my name",
                description="Reciprocity still knows it's you, to follow up, but never shows it.",
            )
            blocks.append(
                checkboxes_input(
                    ids.ANONYMOUS_BLOCK,
                    ids.ANONYMOUS_INPUT,
                    "Your name",
                    [anonymous],
                    checked=[ids.ANONYMOUS_VALUE] if draft.anonymous else [],
                )
            )
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=START_SMALL)]))
    return modal(
        ids.ASK_EDIT if editing else ids.ASK_MODAL,
        "Edit your request" if editing else "Ask for help",
        "Save changes" if editing else "Post request",
        blocks,
        metadata=metadata or None,
        # A form that holds a draft under review tells the app when it is closed, so the draft
        # does not linger.
        notify_on_close=bool(metadata and "request_id" in metadata and not editing),
    )


def read_ask_form(view: Any) -> RequestDraft:
    """Read the submitted state, tolerating anything missing or malformed: a field Slack did not
    send (or sent garbage for) reads as empty, and validation then says what is missing."""
    values = state_values(view)
    kind_value = selected(values, ids.KIND_BLOCK, ids.KIND_INPUT)
    size_value = selected(values, ids.SIZE_BLOCK, ids.SIZE_INPUT)
    stamp = timestamp(values, ids.NEEDED_BY_BLOCK, ids.NEEDED_BY_INPUT)
    channel = element(values, ids.CHANNEL_BLOCK, ids.CHANNEL_INPUT).get("selected_conversation")
    anonymous = ids.ANONYMOUS_VALUE in option_values(
        values, ids.ANONYMOUS_BLOCK, ids.ANONYMOUS_INPUT
    )
    return RequestDraft(
        what=text(values, ids.WHAT_BLOCK, ids.WHAT_INPUT),
        why=text(values, ids.WHY_BLOCK, ids.WHY_INPUT),
        kind=HelpKind(kind_value) if kind_value in HelpKind._value2member_map_ else None,
        size=RequestSize(size_value) if size_value in RequestSize._value2member_map_ else None,
        needed_by=datetime.fromtimestamp(stamp, UTC) if stamp is not None else None,
        channel=channel if isinstance(channel, str) and channel else None,
        anonymous=anonymous,
    )


def field_errors(errors: dict[str, str]) -> dict[str, str]:
    """Map a draft's field errors to the modal's block ids, for `response_action: errors`."""
    return {ids.FIELD_BLOCKS[field]: message for field, message in errors.items()}
