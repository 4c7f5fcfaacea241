"""App Home: the person's helper profile, their recent requests and offers, their nudge and
digest choices, and (for admins) the workspace's settings and topics."""

from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.domain.nudges import NudgeKind
from bot.domain.offers import OfferStatus
from bot.domain.prefs import Prefs, WorkspacePolicy
from bot.domain.profiles import (
    Balance,
    Home,
    ProfileSummary,
    RecentOffer,
    RecentRequest,
)
from bot.domain.requests import Delivery, RequestStatus
from bot.domain.routing import TopicInfo
from bot.slack.blocks import ids
from bot.slack.blocks.text import escape, fit, slack_date

# Slack allows 100 blocks in a Home tab; profile and requests take about a dozen, so this many
# topics keeps the tab well inside the limit. Beyond it the tab says how many are not shown.
MAX_TOPICS_SHOWN = 50
_LIST_CHARS = 1200  # topics or skills in the profile section, of its 3000 characters
_KEYWORD_CHARS = 600


def home_view(home: Home) -> dict[str, Any]:
    blocks: list[Any] = [
        *_profile_blocks(home.profile),
        _balance_block(home.balance),
        DividerBlock(),
        *_request_blocks(home.recent),
        DividerBlock(),
        *_offer_blocks(home.offers),
        DividerBlock(),
        *_prefs_blocks(home.prefs, home.now),
    ]
    if home.policy is not None:
        blocks += [DividerBlock(), *_policy_blocks(home.policy)]
    if home.topics is not None:
        blocks += [DividerBlock(), *_topic_blocks(home.topics)]
    return View(type="home", blocks=blocks).to_dict()


def _prefs_blocks(prefs: Prefs, now: datetime) -> list[Any]:
    """Someone's own choices about nudges and the digest, and the buttons to change them."""
    if prefs.snoozed_until is not None and prefs.snoozed_until > now:
        nudges = f"Nudges snoozed until {slack_date(prefs.snoozed_until, '{date_long}')}."
    elif prefs.stopped:
        names = ", ".join(sorted(NUDGE_LABELS[k] for k in prefs.stopped))
        nudges = f"Nudges on, except: {names}."
    else:
        nudges = "Nudges on: at most one a day, only in your working hours."
    digest = "off" if prefs.digest_off else "on (Mondays)"
    buttons = [
        ButtonElement(
            text="Turn my digest on" if prefs.digest_off else "Turn my digest off",
            action_id=ids.NUDGE_PREFS,
            value=ids.PREFS_DIGEST_ON if prefs.digest_off else ids.PREFS_DIGEST_OFF,
        )
    ]
    if prefs.stopped or (prefs.snoozed_until is not None and prefs.snoozed_until > now):
        buttons.append(
            ButtonElement(
                text="Resume all nudges", action_id=ids.NUDGE_PREFS, value=ids.PREFS_RESUME
            )
        )
    return [
        HeaderBlock(text="Nudges and your digest"),
        SectionBlock(text=MarkdownTextObject(text=f"{nudges}\nWeekly digest: {digest}.")),
        ActionsBlock(elements=buttons),
    ]


NUDGE_LABELS = {
    NudgeKind.START_SMALL: "start small",
    NudgeKind.PEOPLE_SAY_YES: "people say yes",
    NudgeKind.DEADLINE_SOON: "deadline reminders",
    NudgeKind.MATCHING_REQUESTS: "requests that match your skills",
    NudgeKind.RECIPROCITY: "asking is part of the exchange",
}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _workdays_text(days: frozenset[int]) -> str:
    """Workdays as people say them: Monday to Friday, Sunday to Thursday (a run across the
    week's end), every day, or the days named one by one."""
    if len(days) == len(WEEKDAYS):
        return "every day"
    firsts = [d for d in range(7) if d in days and (d - 1) % 7 not in days]
    if len(firsts) == 1 and len(days) > 2:
        first = firsts[0]
        return f"{WEEKDAYS[first]} to {WEEKDAYS[(first + len(days) - 1) % 7]}"
    return ", ".join(WEEKDAYS[d] for d in sorted(days))


def _policy_blocks(policy: WorkspacePolicy) -> list[Any]:
    kinds = ", ".join(NUDGE_LABELS[k] for k in NudgeKind if k in policy.enabled) or "none"
    week = policy.working_week
    text = (
        f"*Working week:* {_workdays_text(week.days)}, {week.start:%H:%M} to {week.end:%H:%M} "
        "(people's own time).\n"
        f"*Nudges on:* {kinds}\n"
        f"At most {policy.weekly_cap} a week per person; “start small” after "
        f"{policy.inactive_weeks} quiet weeks.\n"
        f"*Digests:* {WEEKDAYS[policy.digest_weekday]}s at {policy.digest_hour}:00 "
        f"(people's own time; channels in {escape(policy.digest_tz)})."
    )
    return [
        HeaderBlock(text="Workspace settings"),
        SectionBlock(
            text=MarkdownTextObject(text=text),
            accessory=ButtonElement(text="Change", action_id=ids.EDIT_WORKSPACE_SETTINGS),
        ),
        ActionsBlock(
            elements=[
                ButtonElement(text="Preview this week's digest", action_id=ids.PREVIEW_DIGEST)
            ]
        ),
    ]


def _profile_blocks(profile: ProfileSummary) -> list[Any]:
    edit = ButtonElement(text="Edit profile", action_id=ids.EDIT_PROFILE, style="primary")
    if not profile.exists:
        text = (
            "You haven't said what you're glad to help with yet. Add topics and skills, and "
            "Reciprocity will suggest you for requests that match, as often as you say."
        )
        return [
            HeaderBlock(text="Your profile"),
            SectionBlock(text=MarkdownTextObject(text=text), accessory=edit),
        ]
    topics = fit(", ".join(t.name for t in profile.topics), _LIST_CHARS) or "_none chosen_"
    skills = fit(", ".join(profile.skills), _LIST_CHARS) or "_none listed_"
    asks = "ask" if profile.weekly_capacity == 1 else "asks"
    availability = (
        ":double_vertical_bar: *Paused*: you won't be suggested until you turn this off."
        if profile.paused
        else f":white_check_mark: Up to *{profile.weekly_capacity}* {asks} a week."
    )
    text = f"*Topics:* {topics}\n*Skills:* {skills}\n{availability}"
    return [
        HeaderBlock(text="Your profile"),
        SectionBlock(text=MarkdownTextObject(text=text), accessory=edit),
    ]


def _balance_block(balance: Balance) -> SectionBlock:
    """Give and ask, side by side: asking is half of the exchange, not a debt."""
    asked = "once" if balance.asked == 1 else f"{balance.asked} times"
    helped = "1 request" if balance.helped == 1 else f"{balance.helped} requests"
    thanks = "1 thank-you" if balance.thanks == 1 else f"{balance.thanks} thank-yous"
    text = f":arrows_counterclockwise: You've asked {asked} and helped with {helped} ({thanks})."
    if balance.helped > 0 and balance.asked == 0:
        text += " Asking is part of the exchange too: the people you helped would gladly return it."
    elif balance.asked > 0 and balance.helped == 0:
        text += " When you see a request you could help with, a small offer goes a long way."
    return SectionBlock(text=MarkdownTextObject(text=text))


_REQUEST_LABELS = {
    RequestStatus.WITHDRAWN: "Withdrawn",
    RequestStatus.RESOLVED: "Resolved",
    RequestStatus.EXPIRED: "Closed",
}
_OFFER_LABELS = {
    OfferStatus.OFFERED: "Offered, waiting to hear",
    OfferStatus.ACCEPTED: "Accepted",
    OfferStatus.DECLINED: "Not needed this time",
    OfferStatus.WITHDRAWN: "Withdrawn",
}


def status_label(request: RecentRequest) -> str:
    if request.status in _REQUEST_LABELS:
        return _REQUEST_LABELS[request.status]
    if request.delivery == Delivery.POSTED:
        return "Open"
    if request.delivery == Delivery.FAILED:
        return "Not posted: see my message"
    return "Posting"


def _request_blocks(recent: tuple[RecentRequest, ...]) -> list[Any]:
    blocks: list[Any] = [HeaderBlock(text="Your recent requests")]
    if not recent:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text="Nothing yet. Type `/ask` in any channel when something would go "
                    "faster with a colleague's help: small asks are welcome."
                )
            )
        )
        return blocks
    for request in recent:
        what = fit(" ".join(request.what.split()), 200)
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"*{status_label(request)}* · {slack_date(request.created_at)} · "
                        f"#{request.id}\n{what}"
                    )
                ]
            )
        )
    return blocks


def _offer_blocks(offers: tuple[RecentOffer, ...]) -> list[Any]:
    blocks: list[Any] = [HeaderBlock(text="Your recent offers")]
    if not offers:
        text = (
            "None yet. When you see a request you could help with, press *I can help* or react "
            "with :raising_hand:. Small help counts."
        )
        return [*blocks, SectionBlock(text=MarkdownTextObject(text=text))]
    for offer in offers:
        label = _OFFER_LABELS[offer.offer]
        if offer.offer == OfferStatus.ACCEPTED and offer.request == RequestStatus.RESOLVED:
            label = "Helped: resolved"
        what = fit(" ".join(offer.what.split()), 200)
        text = f"*{label}* · {slack_date(offer.created_at)} · #{offer.request_id}\n{what}"
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=text)]))
    return blocks


def _topic_blocks(topics: tuple[TopicInfo, ...]) -> list[Any]:
    add = ButtonElement(text="Add topic", action_id=ids.ADD_TOPIC)
    intro = (
        "Requests that match a topic go to its channel, and people who chose it are suggested."
        if topics
        else "No topics yet. Add one so requests find the right channel and people."
    )
    blocks: list[Any] = [
        HeaderBlock(text="Topics"),
        SectionBlock(text=MarkdownTextObject(text=intro), accessory=add),
    ]
    for topic in topics[:MAX_TOPICS_SHOWN]:
        keywords = fit(", ".join(topic.keywords), _KEYWORD_CHARS) or "_no keywords_"
        text = f"*{escape(topic.name)}* → <#{topic.channel_id}>\n{keywords}"
        menu = OverflowMenuElement(
            action_id=ids.TOPIC_MENU,
            options=[
                Option(value=f"{ids.TOPIC_EDIT}:{topic.id}", label="Edit"),
                Option(value=f"{ids.TOPIC_DELETE}:{topic.id}", label="Delete"),
            ],
        )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text), accessory=menu))
    hidden = len(topics) - MAX_TOPICS_SHOWN
    if hidden > 0:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"…and {hidden} more, not shown here to keep this page light."
                    )
                ]
            )
        )
    return blocks
