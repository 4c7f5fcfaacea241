"""The helper profile modal and the topic modals: build them, and read them back from Slack."""

from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    ConversationFilter,
    ConversationSelectElement,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    SectionBlock,
    StaticMultiSelectElement,
)

from bot.domain.problems import Fault, FieldProblem
from bot.domain.profiles import (
    MAX_CAPACITY,
    MAX_SKILLS,
    SKILL_MAX_CHARS,
    TOPIC_NAME_MAX_CHARS,
    ProfileForm,
    ProfileSummary,
    TopicForm,
)
from bot.domain.routing import TopicInfo
from bot.slack.blocks import ids
from bot.slack.blocks.inputs import (
    Wording,
    checkboxes_input,
    input_block,
    modal,
    text_input,
    worded_errors,
)
from bot.slack.blocks.state import (
    element,
    metadata_int,
    option_values,
    parse_id,
    read_metadata,
    state_values,
    text,
)
from bot.slack.blocks.text import OPTION_TEXT, escape, truncate

NOT_ADMIN = "Only workspace admins can change topics."
TOPIC_GONE = "That topic no longer exists; someone may have deleted it."

# Slack's limit on options in one select.
_MAX_OPTIONS = 100
# Room for every skill at its longest, with ", " between them.
_SKILLS_MAX_LENGTH = MAX_SKILLS * (SKILL_MAX_CHARS + 2)
_KEYWORDS_MAX_LENGTH = 2000


def profile_modal(profile: ProfileSummary, topics: list[TopicInfo]) -> dict[str, Any]:
    """The profile form, filled in with what the person has now. `topics` are the workspace's
    topics to choose from (only the first 100 fit in a select)."""
    intro = (
        "Say what you're glad to help with. Reciprocity suggests you for requests that match, "
        "never more often than you say, and never while you're paused."
    )
    blocks: list[Any] = [ContextBlock(elements=[MarkdownTextObject(text=intro)])]
    offered = topics[:_MAX_OPTIONS]
    if offered:
        options = [_topic_option(topic) for topic in offered]
        chosen = {topic.id for topic in profile.topics}
        initial = [
            option for option, topic in zip(options, offered, strict=True) if topic.id in chosen
        ]
        blocks.append(
            input_block(
                ids.PROFILE_TOPICS_BLOCK,
                "Topics you're glad to help with",
                StaticMultiSelectElement(
                    action_id=ids.PROFILE_TOPICS_INPUT,
                    placeholder="Choose topics",
                    options=options,
                    initial_options=initial or None,
                ),
                optional=True,
            )
        )
    else:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="_This workspace has no topics yet; an admin can add them. "
                        "Your skills below still count._"
                    )
                ]
            )
        )
    blocks += [
        text_input(
            ids.PROFILE_SKILLS_BLOCK,
            ids.PROFILE_SKILLS_INPUT,
            "Skills",
            hint=f"Separated by commas, up to {MAX_SKILLS}, e.g. SQL, incident reviews, Figma.",
            optional=True,
            multiline=True,
            max_length=_SKILLS_MAX_LENGTH,
            initial=", ".join(profile.skills),
            placeholder="What people could ask you about",
        ),
        input_block(
            ids.PROFILE_CAPACITY_BLOCK,
            "Asks a week you can take",
            NumberInputElement(
                action_id=ids.PROFILE_CAPACITY_INPUT,
                is_decimal_allowed=False,
                min_value=0,
                max_value=MAX_CAPACITY,
                initial_value=profile.weekly_capacity,
            ),
            hint="Reciprocity stops suggesting you once this many people have asked you.",
        ),
        checkboxes_input(
            ids.PROFILE_PAUSED_BLOCK,
            ids.PROFILE_PAUSED_INPUT,
            "Pause",
            [_PAUSED],
            checked=[ids.PAUSED_VALUE] if profile.paused else [],
        ),
    ]
    return modal(ids.PROFILE_MODAL, "Your helper profile", "Save", blocks)


def _topic_option(topic: TopicInfo) -> Option:
    return Option(value=str(topic.id), label=truncate(topic.name, OPTION_TEXT))


_PAUSED = Option(
    value=ids.PAUSED_VALUE,
    label="Don't suggest me for now",
    description="Busy, away or heads-down: your profile stays as it is.",
)


def topic_modal(topic: TopicInfo | None = None) -> dict[str, Any]:
    """The add-topic form, or the edit form for `topic`."""
    blocks: list[Any] = [
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="A request whose words match a topic's name or keywords goes to the "
                    "topic's channel (unless the asker picks one), and people who chose the "
                    "topic on their profile are suggested."
                )
            ]
        ),
        text_input(
            ids.TOPIC_NAME_BLOCK,
            ids.TOPIC_NAME_INPUT,
            "Name",
            max_length=TOPIC_NAME_MAX_CHARS,
            initial=topic.name if topic else None,
            placeholder="e.g. Billing",
        ),
        text_input(
            ids.TOPIC_KEYWORDS_BLOCK,
            ids.TOPIC_KEYWORDS_INPUT,
            "Keywords",
            hint="Separated by commas; a keyword may be a phrase, e.g. invoice, refund, tax rate.",
            optional=True,
            multiline=True,
            max_length=_KEYWORDS_MAX_LENGTH,
            initial=", ".join(topic.keywords) if topic else None,
        ),
        input_block(
            ids.TOPIC_CHANNEL_BLOCK,
            "Channel its requests go to",
            ConversationSelectElement(
                action_id=ids.TOPIC_CHANNEL_INPUT,
                placeholder="Choose a channel",
                initial_conversation=topic.channel_id if topic else None,
                filter=ConversationFilter(include=["public", "private"]),
            ),
            hint="Invite Reciprocity there with /invite @Reciprocity.",
        ),
    ]
    return modal(
        ids.TOPIC_MODAL,
        "Edit topic" if topic else "Add a topic",
        "Save" if topic else "Add topic",
        blocks,
        metadata=_metadata(topic),
    )


def topic_delete_modal(topic: TopicInfo, helpers: int) -> dict[str, Any]:
    """Deleting cannot be undone and takes the topic off people's profiles: ask first."""
    chose = {0: "Nobody has chosen it yet.", 1: "1 person chose it on their profile."}.get(
        helpers, f"{helpers} people chose it on their profiles."
    )
    text = (
        f"Delete *{escape(topic.name)}*? {chose} Requests already sent by it stay where they "
        "were posted."
    )
    return modal(
        ids.TOPIC_DELETE_MODAL,
        "Delete topic",
        "Delete",
        [SectionBlock(text=MarkdownTextObject(text=text))],
        metadata=_metadata(topic),
    )


def _metadata(topic: TopicInfo | None) -> dict[str, Any] | None:
    return {"topic_id": topic.id} if topic else None


def metadata_topic_id(view: Any) -> int | None:
    """The topic a form was opened for; None for a new one or anything malformed."""
    value = metadata_int(read_metadata(view), "topic_id")
    return value if value is not None and value > 0 else None


def read_profile_form(view: Any) -> ProfileForm:
    """The submitted profile; anything missing or malformed reads as empty, and checking the
    form then says what is wrong."""
    values = state_values(view)
    chosen = option_values(values, ids.PROFILE_TOPICS_BLOCK, ids.PROFILE_TOPICS_INPUT)
    topic_ids = tuple(topic_id for topic_id in map(parse_id, chosen) if topic_id is not None)
    paused = ids.PAUSED_VALUE in option_values(
        values, ids.PROFILE_PAUSED_BLOCK, ids.PROFILE_PAUSED_INPUT
    )
    return ProfileForm(
        topic_ids=topic_ids,
        skills_text=text(values, ids.PROFILE_SKILLS_BLOCK, ids.PROFILE_SKILLS_INPUT),
        capacity_text=text(values, ids.PROFILE_CAPACITY_BLOCK, ids.PROFILE_CAPACITY_INPUT),
        paused=paused,
    )


def read_topic_form(view: Any) -> TopicForm:
    values = state_values(view)
    channel = element(values, ids.TOPIC_CHANNEL_BLOCK, ids.TOPIC_CHANNEL_INPUT).get(
        "selected_conversation"
    )
    return TopicForm(
        name=text(values, ids.TOPIC_NAME_BLOCK, ids.TOPIC_NAME_INPUT),
        keywords_text=text(values, ids.TOPIC_KEYWORDS_BLOCK, ids.TOPIC_KEYWORDS_INPUT),
        channel_id=channel if isinstance(channel, str) and channel else None,
    )


_PROFILE_WORDING: Wording = {
    ("capacity", Fault.OUT_OF_RANGE): "Enter a whole number from 0 to {limit}.",
    ("skills", Fault.TOO_LONG): "Keep each skill to {limit} characters; “{item:.20}…” is longer.",
    ("skills", Fault.TOO_MANY): "List up to {limit} skills; you have {given}.",
}

_TOPIC_WORDING: Wording = {
    ("name", Fault.MISSING): "Give the topic a name.",
    ("name", Fault.TOO_LONG): "Keep the name to {limit} characters.",
    ("name", Fault.TAKEN): "There is already a topic “{item}”.",
    ("keywords", Fault.TOO_MANY): "List up to {limit} keywords.",
    ("keywords", Fault.TOO_LONG): "Keep each keyword to {limit} characters.",
    ("channel", Fault.MISSING): "Choose the channel this topic's requests go to.",
}


def profile_errors(problems: Mapping[str, FieldProblem]) -> dict[str, str]:
    return worded_errors(problems, ids.PROFILE_FIELD_BLOCKS, _PROFILE_WORDING)


def topic_errors(problems: Mapping[str, FieldProblem]) -> dict[str, str]:
    return worded_errors(problems, ids.TOPIC_FIELD_BLOCKS, _TOPIC_WORDING)
