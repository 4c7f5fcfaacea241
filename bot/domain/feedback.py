"""What the asker hears when helpers pass on a direct ask: gathered, kind, and something to do.

A "no" is information, not a verdict (Zhao; Baker): the asker learns *why* people passed, in
aggregate and without names, so nobody is blamed and nobody is put on the spot for saying no.
One coaching tip follows from the reasons, with the one-click actions that act on it.

Plain text only: the summary and tip go into Slack mrkdwn, where `<`, `>` and `&` are markup.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.offers import DeclineReason


class FeedbackAction(StrEnum):
    """A one-click follow-up offered with the feedback; the value is stable for button ids."""

    EXTEND_DEADLINE = "extend"
    EDIT_REQUEST = "edit"
    WIDEN_TO_CHANNEL = "widen"


@dataclass(frozen=True)
class DeclineFeedback:
    """What to show the asker; see `summarise_declines`."""

    summary: str  # e.g. "Two people passed: the deadline was too tight for them."
    tip: str  # one coaching tip following from the reasons
    actions: tuple[FeedbackAction, ...]  # best first; only ones that make sense


# When reasons are equally common, the one the asker can most easily fix leads: it is listed
# first and chooses the tip, so the feedback points at something they can do. OTHER is last
# because it tells the asker nothing they can change.
_PRIORITY: tuple[DeclineReason, ...] = (
    DeclineReason.UNCLEAR,
    DeclineReason.DEADLINE,
    DeclineReason.NOT_MY_AREA,
    DeclineReason.NO_TIME,
    DeclineReason.OTHER,
)

# Everyone gave the same reason: said once, about "them" (singular they keeps one person from
# being singled out and reads the same for one or many).
_ALL_SAME: dict[DeclineReason, str] = {
    DeclineReason.NO_TIME: "they didn't have time right now",
    DeclineReason.NOT_MY_AREA: "it was outside their area",
    DeclineReason.UNCLEAR: "the ask wasn't clear enough for them to pick up",
    DeclineReason.DEADLINE: "the deadline was too tight for them",
    DeclineReason.OTHER: "they had another reason",
}
# Mixed reasons: each group reads "<count> <phrase>", e.g. "two didn't have time right now".
_GROUP: dict[DeclineReason, str] = {
    DeclineReason.NO_TIME: "didn't have time right now",
    DeclineReason.NOT_MY_AREA: "felt it was outside their area",
    DeclineReason.UNCLEAR: "found the ask unclear",
    DeclineReason.DEADLINE: "found the deadline too tight",
    DeclineReason.OTHER: "had another reason",
}
# Only "another reason" changes with the count: several people rarely share one unnamed reason.
_ALL_SAME_PLURAL: dict[DeclineReason, str] = {
    DeclineReason.OTHER: "they each had their own reasons",
}
_GROUP_PLURAL: dict[DeclineReason, str] = {
    DeclineReason.OTHER: "had other reasons",
}

_TIPS: dict[DeclineReason, str] = {
    DeclineReason.DEADLINE: (
        "A later deadline often turns a no into a yes. If the date can move, even a day or two "
        "gives people room to fit it in."
    ),
    DeclineReason.UNCLEAR: (
        "People say yes when they can see the finish line: say what a good answer looks like, "
        "and what you've already tried."
    ),
    DeclineReason.NOT_MY_AREA: (
        "The right person may not have seen it yet. Widening it to the channel lets them find "
        "it, and naming the tool or topic they'd search for helps too."
    ),
    DeclineReason.NO_TIME: (
        "People are busy, not unwilling. A smaller first step, say 15 minutes on a call, is "
        "much easier to say yes to."
    ),
    DeclineReason.OTHER: (
        "A no is information, not a verdict: it says something about their week, not about you "
        "or your ask. Others may well say yes."
    ),
}

# The tips above point at an action; when that action isn't on offer the tip must not promise
# it, or the asker looks for a button that isn't there.
_TIP_WITHOUT_WIDENING: dict[DeclineReason, str] = {
    DeclineReason.NOT_MY_AREA: (
        "The right person may not have seen it yet. Adding the words they'd search for, like "
        "the tool, system or team involved, helps them spot it."
    ),
}
_TIP_WITHOUT_DEADLINE: dict[DeclineReason, str] = {
    DeclineReason.DEADLINE: (
        "Timing was the sticking point. If there's any give in when you need this, saying so "
        "in the request often turns a no into a yes."
    ),
}

# Best first. Editing is always possible, so every list ends up with at least one action.
_ACTIONS: dict[DeclineReason, tuple[FeedbackAction, ...]] = {
    DeclineReason.DEADLINE: (
        FeedbackAction.EXTEND_DEADLINE,
        FeedbackAction.EDIT_REQUEST,
        FeedbackAction.WIDEN_TO_CHANNEL,
    ),
    DeclineReason.UNCLEAR: (FeedbackAction.EDIT_REQUEST, FeedbackAction.WIDEN_TO_CHANNEL),
    DeclineReason.NOT_MY_AREA: (FeedbackAction.WIDEN_TO_CHANNEL, FeedbackAction.EDIT_REQUEST),
    DeclineReason.NO_TIME: (
        FeedbackAction.EDIT_REQUEST,
        FeedbackAction.EXTEND_DEADLINE,
        FeedbackAction.WIDEN_TO_CHANNEL,
    ),
    DeclineReason.OTHER: (FeedbackAction.WIDEN_TO_CHANNEL, FeedbackAction.EDIT_REQUEST),
}
# More buttons than this and the message stops being a nudge and becomes a menu.
MAX_ACTIONS = 3

_NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _count_word(n: int) -> str:
    # Small counts read better as words; past ten, digits are easier to take in at a glance.
    return _NUMBER_WORDS[n - 1] if 1 <= n <= len(_NUMBER_WORDS) else str(n)


def _people_passed(n: int) -> str:
    word = _count_word(n)
    return f"{word[0].upper()}{word[1:]} {'person' if n == 1 else 'people'} passed"


def _join(parts: Sequence[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    # The comma before "and" is kept even for two groups: it separates two different reasons
    # clearly ("two didn't have time right now, and one found the ask unclear").
    return f"{', '.join(parts[:-1])}, and {parts[-1]}"


def _ordered_groups(reasons: Sequence[DeclineReason]) -> list[tuple[DeclineReason, int]]:
    counts = Counter(reasons)
    return sorted(counts.items(), key=lambda item: (-item[1], _PRIORITY.index(item[0])))


def _group_phrase(reason: DeclineReason, n: int) -> str:
    return _GROUP_PLURAL.get(reason, _GROUP[reason]) if n > 1 else _GROUP[reason]


def _summary(groups: Sequence[tuple[DeclineReason, int]], total: int) -> str:
    if len(groups) == 1:
        reason, _ = groups[0]
        phrase = _ALL_SAME_PLURAL.get(reason, _ALL_SAME[reason]) if total > 1 else _ALL_SAME[reason]
    else:
        phrase = _join([f"{_count_word(n)} {_group_phrase(reason, n)}" for reason, n in groups])
    return f"{_people_passed(total)}: {phrase}."


def _tip(reason: DeclineReason, *, has_deadline: bool, in_channel: bool) -> str:
    if in_channel and reason in _TIP_WITHOUT_WIDENING:
        return _TIP_WITHOUT_WIDENING[reason]
    if not has_deadline and reason in _TIP_WITHOUT_DEADLINE:
        return _TIP_WITHOUT_DEADLINE[reason]
    return _TIPS[reason]


def _actions(
    reason: DeclineReason, *, has_deadline: bool, in_channel: bool
) -> tuple[FeedbackAction, ...]:
    def available(action: FeedbackAction) -> bool:
        if action is FeedbackAction.EXTEND_DEADLINE:
            return has_deadline  # nothing to extend
        if action is FeedbackAction.WIDEN_TO_CHANNEL:
            return not in_channel  # already where everyone can see it
        return True

    return tuple(action for action in _ACTIONS[reason] if available(action))[:MAX_ACTIONS]


def summarise_declines(
    reasons: Sequence[DeclineReason], *, has_deadline: bool, in_channel: bool
) -> DeclineFeedback | None:
    """Gather why helpers passed into one kind summary, a tip and the actions worth offering.

    `reasons` holds one entry per helper who passed (stored string values are accepted too); it
    carries no names, so none can leak into the text. `has_deadline`: the request has a
    needed-by time that could be extended. `in_channel`: it is already posted in a channel, so
    widening would do nothing.

    None when there are no reasons: there is nothing to tell the asker yet.
    """
    if not reasons:
        return None
    parsed = [DeclineReason(reason) for reason in reasons]
    groups = _ordered_groups(parsed)
    # The most common reason speaks for the group; ties go to the most actionable (see _PRIORITY).
    dominant = groups[0][0]
    return DeclineFeedback(
        summary=_summary(groups, len(parsed)),
        tip=_tip(dominant, has_deadline=has_deadline, in_channel=in_channel),
        actions=_actions(dominant, has_deadline=has_deadline, in_channel=in_channel),
    )
