"""The /ask modal: compose a SMART request, and read it back from Slack's view state."""

import json
from datetime import UTC, datetime
from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    ContextBlock,
    ConversationFilter,
    ConversationSelectElement,
    DateTimePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.requests import (
    WHAT_MAX_CHARS,
    WHY_MAX_CHARS,
    HelpKind,
    RequestDraft,
    RequestSize,
)
from bot.slack.blocks import ids

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
        InputBlock(
            block_id=ids.WHAT_BLOCK,
            label="What do you need?",
            hint="Name the thing, what you've tried, and the question.",
            element=PlainTextInputElement(
                action_id=ids.WHAT_INPUT,
                multiline=True,
                max_length=WHAT_MAX_CHARS,
                initial_value=draft.what[:WHAT_MAX_CHARS] or None,
                placeholder="e.g. A second pair of eyes on the retry logic in billing-sync: "
                "is backing off per customer enough?",
            ),
        ),
        InputBlock(
            block_id=ids.WHY_BLOCK,
            label="Why does it matter?",
            hint="What it unblocks, or who it helps.",
            optional=True,
            element=PlainTextInputElement(
                action_id=ids.WHY_INPUT,
                multiline=True,
                max_length=WHY_MAX_CHARS,
                initial_value=draft.why[:WHY_MAX_CHARS] or None,
                placeholder="e.g. It's the last thing before Thursday's release.",
            ),
        ),
        InputBlock(
            block_id=ids.KIND_BLOCK,
            label="What would help most?",
            element=StaticSelectElement(
                action_id=ids.KIND_INPUT,
                placeholder="Choose the kind of help",
                options=kinds,
                initial_option=_option(kinds, draft.kind),
            ),
        ),
        InputBlock(
            block_id=ids.SIZE_BLOCK,
            label="How big is it?",
            element=RadioButtonsElement(
                action_id=ids.SIZE_INPUT, options=sizes, initial_option=_option(sizes, draft.size)
            ),
        ),
        InputBlock(
            block_id=ids.NEEDED_BY_BLOCK,
            label="Needed by",
            hint="In your own time zone. Leave it empty if there's no deadline.",
            optional=True,
            element=DateTimePickerElement(
                action_id=ids.NEEDED_BY_INPUT,
                initial_date_time=int(draft.needed_by.timestamp()) if draft.needed_by else None,
            ),
        ),
    ]
    if not editing:
        blocks.append(
            InputBlock(
                block_id=ids.CHANNEL_BLOCK,
                label="Where should it go?",
                hint="Leave it empty and Reciprocity picks the channel for its topic, or the "
                "help channel.",
                optional=True,
                element=ConversationSelectElement(
                    action_id=ids.CHANNEL_INPUT,
                    initial_conversation=draft.channel,
                    filter=ConversationFilter(include=["public", "private"]),
                ),
            )
        )
        if allow_anonymous:
            anonymous = Option(
                value=ids.ANONYMOUS_VALUE,
                label="Post without my name",
                description="Reciprocity still knows it's you, to follow up, but never shows it.",
            )
            blocks.append(
                InputBlock(
                    block_id=ids.ANONYMOUS_BLOCK,
                    label="Your name",
                    optional=True,
                    element=CheckboxesElement(
                        action_id=ids.ANONYMOUS_INPUT,
                        options=[anonymous],
                        initial_options=[anonymous] if draft.anonymous else None,
                    ),
                )
            )
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=START_SMALL)]))
    view = View(
        type="modal",
        callback_id=ids.ASK_EDIT if editing else ids.ASK_MODAL,
        title=PlainTextObject(text="Edit your request" if editing else "Ask for help"),
        submit=PlainTextObject(text="Save changes" if editing else "Post request"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=json.dumps(metadata, separators=(",", ":")) if metadata else None,
        # A form that holds a draft under review tells the app when it is closed, so the draft
        # does not linger.
        notify_on_close=bool(metadata and "request_id" in metadata and not editing),
        blocks=blocks,
    )
    return view.to_dict()


def _option(options: list[Option], value: str | None) -> Option | None:
    return next((option for option in options if option.value == value), None)


def read_metadata(view: Any) -> dict[str, Any]:
    """The view's private_metadata as a dict; anything malformed reads as empty."""
    raw = view.get("private_metadata") if isinstance(view, dict) else None
    try:
        metadata = json.loads(raw) if isinstance(raw, str) and raw else {}
    except ValueError:
        return {}
    return metadata if isinstance(metadata, dict) else {}


def metadata_int(metadata: dict[str, Any], key: str) -> int | None:
    value = metadata.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def read_ask_form(view: Any) -> RequestDraft:
    """Read the submitted state, tolerating anything missing or malformed: a field Slack did not
    send (or sent garbage for) reads as empty, and validation then says what is missing."""
    state = view.get("state") if isinstance(view, dict) else None
    values = state.get("values") if isinstance(state, dict) else None
    values = values if isinstance(values, dict) else {}

    def element(block_id: str, action_id: str) -> dict[str, Any]:
        block = values.get(block_id)
        found = block.get(action_id) if isinstance(block, dict) else None
        return found if isinstance(found, dict) else {}

    def text(block_id: str, action_id: str) -> str:
        value = element(block_id, action_id).get("value")
        return value if isinstance(value, str) else ""

    def selected(block_id: str, action_id: str) -> str | None:
        option = element(block_id, action_id).get("selected_option")
        value = option.get("value") if isinstance(option, dict) else None
        return value if isinstance(value, str) else None

    kind_value = selected(ids.KIND_BLOCK, ids.KIND_INPUT)
    size_value = selected(ids.SIZE_BLOCK, ids.SIZE_INPUT)
    stamp = element(ids.NEEDED_BY_BLOCK, ids.NEEDED_BY_INPUT).get("selected_date_time")
    channel = element(ids.CHANNEL_BLOCK, ids.CHANNEL_INPUT).get("selected_conversation")
    checked = element(ids.ANONYMOUS_BLOCK, ids.ANONYMOUS_INPUT).get("selected_options")
    anonymous = isinstance(checked, list) and any(
        isinstance(option, dict) and option.get("value") == ids.ANONYMOUS_VALUE
        for option in checked
    )
    return RequestDraft(
        what=text(ids.WHAT_BLOCK, ids.WHAT_INPUT),
        why=text(ids.WHY_BLOCK, ids.WHY_INPUT),
        kind=HelpKind(kind_value) if kind_value in HelpKind._value2member_map_ else None,
        size=RequestSize(size_value) if size_value in RequestSize._value2member_map_ else None,
        needed_by=(
            datetime.fromtimestamp(stamp, UTC)
            if isinstance(stamp, int) and not isinstance(stamp, bool) and 0 < stamp < 2**37
            else None
        ),
        channel=channel if isinstance(channel, str) and channel else None,
        anonymous=anonymous,
    )


def field_errors(errors: dict[str, str]) -> dict[str, str]:
    """Map a draft's field errors to the modal's block ids, for `response_action: errors`."""
    return {ids.FIELD_BLOCKS[field]: message for field, message in errors.items()}
