"""The coaching review: how a request reads, with kind tips, before it is posted."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
    UserSelectElement,
)

from bot.domain.offers import Route
from bot.domain.smart import SmartReport, Verdict
from bot.domain.support import SupportResource
from bot.slack.blocks import ids
from bot.slack.blocks.inputs import input_block, modal, radio_input
from bot.slack.blocks.state import element, selected, state_values
from bot.slack.blocks.text import escape

# Suggestions, not marks: nothing here reads as a score or a fail.
_ICONS = {Verdict.MET: ":white_check_mark:", Verdict.WEAK: ":bulb:", Verdict.MISSING: ":bulb:"}


@dataclass(frozen=True)
class Suggested:
    user_id: str
    reasons: tuple[str, ...]


ROUTE_LABELS = {
    Route.CHANNEL: "Post it in {channel}",
    Route.DIRECT: "Ask these people directly",
    Route.BOTH: "Both: post it, and ask them directly",
}


def review_view(
    report: SmartReport,
    *,
    request_id: int,
    support: tuple[SupportResource, ...],
    channel: str,
    suggested: Sequence[Suggested] = (),
) -> dict[str, Any]:
    lines = [
        f"{_ICONS[finding.verdict]} *{finding.criterion.label}*: {escape(finding.tip)}"
        for finding in report.findings
    ]
    intro = (
        "Here's how your request reads to a colleague. A clearer ask is easier to say yes to, "
        "but it's your call: post it as it is, or edit it first."
        if not report.all_met
        else "Your request reads clearly."
    )
    if suggested:
        intro += " You can also ask the people most likely to help."
    blocks: list[Any] = [
        SectionBlock(text=MarkdownTextObject(text=intro)),
        SectionBlock(text=MarkdownTextObject(text="\n".join(lines))),
        ActionsBlock(
            elements=[ButtonElement(text="Edit", action_id=ids.EDIT_DRAFT, value=str(request_id))]
        ),
    ]
    if suggested:
        people = "\n".join(
            f"<@{s.user_id}>" + (f": {escape(' · '.join(s.reasons))}" if s.reasons else "")
            for s in suggested
        )
        options = [
            Option(
                value=route.value,
                text=MarkdownTextObject(text=label.format(channel=f"<#{channel}>")),
            )
            for route, label in ROUTE_LABELS.items()
        ]
        blocks += [
            DividerBlock(),
            SectionBlock(text=MarkdownTextObject(text=f"*Who could help*\n{people}")),
            radio_input(
                ids.ROUTE_BLOCK, ids.ROUTE_INPUT, "How should it go out?", options, options[0]
            ),
        ]
    if report.sensitive:
        blocks += [
            DividerBlock(),
            SectionBlock(
                text=MarkdownTextObject(
                    text="This sounds like it might be personal. You're welcome to post it; you "
                    "could also ask one person you trust, privately, instead of a channel."
                )
            ),
            input_block(
                ids.PRIVATE_BLOCK,
                "Send it privately to",
                UserSelectElement(action_id=ids.PRIVATE_INPUT, placeholder="Choose someone"),
                hint="Only they will see it. Leave empty to post as planned.",
                optional=True,
            ),
        ]
        if support:
            links = " · ".join(f"<{r.url}|{escape(r.label)}>" for r in support)
            blocks.append(
                ContextBlock(
                    elements=[MarkdownTextObject(text=f"Support is here for you too: {links}")]
                )
            )
    return modal(
        ids.ASK_REVIEW,
        "Before you post",
        "Send" if report.all_met else "Post as it is",
        blocks,
        metadata={"request_id": request_id},
        # A closed review discards its draft, so nothing half-composed lingers.
        notify_on_close=True,
    )


def read_private_recipient(view: Any) -> str | None:
    user = element(state_values(view), ids.PRIVATE_BLOCK, ids.PRIVATE_INPUT).get("selected_user")
    return user if isinstance(user, str) and user else None


def read_route(view: Any) -> Route:
    """The asker's choice; anything missing or unknown means the channel, as before routing."""
    value = selected(state_values(view), ids.ROUTE_BLOCK, ids.ROUTE_INPUT)
    return Route(value) if value in Route._value2member_map_ else Route.CHANNEL
