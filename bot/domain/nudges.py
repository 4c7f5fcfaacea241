"""Who gets which nudge, now: a few kind, well-timed messages that make asking for help normal.

Pure: the scheduler fetches people, open requests and workspace numbers in a fixed number of
queries, passes the time in, and sends what `plan_nudges` returns through the outbox, keyed by
(user, kind, period) so a message is never sent twice.

Judgement calls, so a reviewer can disagree with them on purpose:

- At most one nudge per person per run, at most one per local day and `weekly_cap` per week, and
  only in the person's own working hours. A nudge that arrives at 22:00 or every morning stops
  being kind and starts being noise, and noise teaches people to ignore the app.
- Priority: DEADLINE_SOON > MATCHING_REQUESTS > the encouragement kinds. The first two are about
  a real request with a clock on it, so they cannot wait a week; the encouragements can.
- The encouragement kinds (RECIPROCITY, START_SMALL, PEOPLE_SAY_YES) all speak to someone who is
  not asking, so they share one gap (`encourage_every`): without it, a quiet person would hear
  "please ask" every week, which is nagging. Among those that apply, the one sent least recently
  goes first, so a quiet person hears a different angle each time instead of the same message;
  on a tie RECIPROCITY leads (it applies only to people who help, and says the most about them),
  then START_SMALL, then PEOPLE_SAY_YES.
- Someone whose Slack time zone is unknown gets nothing: we cannot tell their working hours, and
  guessing wrong means a message in the middle of their night.
- Nothing here ever mentions how long it has been since someone asked: the point is an invitation,
  never a reminder that they "haven't".

Messages are structure (`bot.domain.message`), not Slack markup: words, references to a
request's link or channel, and request text as the asker typed it. `bot.slack.blocks.scheduled`
renders them, escaping what needs it.
"""

import hashlib
import heapq
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum

from bot.domain.message import ChannelRef, Command, Line, Link, Message, line, message
from bot.domain.text import clip
from bot.domain.worktime import STANDARD_WEEK, WorkingWeek, require_aware


class NudgeKind(StrEnum):
    """A kind of nudge; the value is stable, for outbox keys, stored opt-outs and button ids."""

    # Small asks are easy to say yes to and easy to make, and each one that is answered makes the
    # next easier: the habit of asking is built from small asks (Baker's work on reciprocity
    # rings; Zhao's on asking). Goes to people who have not asked in `inactive_weeks`.
    START_SMALL = "start_small"
    # People underestimate how willing others are to help, by as much as half the likelihood of a
    # yes in Flynn & Lake's studies ("If you need help, just ask", JPSP, 2008), and helpers feel
    # more positive and less inconvenienced than askers expect (Zhao & Epley, Psychological
    # Science, 2022). A true fact about yeses corrects the belief that keeps people from asking.
    PEOPLE_SAY_YES = "people_say_yes"
    # A request close to its needed-by time with no offer is the moment an asker most needs to
    # hear that silence means "not seen yet", not "no" (Flynn & Lake 2008), and what usually helps.
    # After needed-by, the follow-up in the offers flow takes over.
    DEADLINE_SOON = "deadline_soon"
    # Most people who could help never see a request. Helpers enjoy helping more than askers
    # expect (Zhao & Epley 2022), so putting a fitting, unanswered request in front of them is a
    # favour to both sides.
    MATCHING_REQUESTS = "matching_requests"
    # In Baker's reciprocity ring, generalized reciprocity works only if everyone asks as well as
    # gives: a generous helper who never asks leaves others no way to give back. This tells them
    # asking is their half of the exchange.
    RECIPROCITY = "reciprocity"


# Encouragements speak to someone who is not asking; deadline and matching nudges are about a
# request with a clock on it. Ordered by which leads on a tie (see the module docstring).
ENCOURAGEMENTS: tuple[NudgeKind, ...] = (
    NudgeKind.RECIPROCITY,
    NudgeKind.START_SMALL,
    NudgeKind.PEOPLE_SAY_YES,
)
PRIORITY: tuple[NudgeKind, ...] = (
    NudgeKind.DEADLINE_SOON,
    NudgeKind.MATCHING_REQUESTS,
    *ENCOURAGEMENTS,
)

# Long enough for a short request to be read whole in a list, short enough for three to fit a DM.
EXCERPT_CHARS = 80


# --- Inputs and output ----------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """Everything planning needs about one person, counted by the caller."""

    user_id: str
    tz: tzinfo | None  # their Slack time zone; None (unknown) means they are never nudged
    is_bot: bool = False
    is_deleted: bool = False
    last_asked_at: datetime | None = None  # their most recent request, if any
    asked_recent: int = 0  # requests they made in the last 30 days
    helped_recent: int = 0  # accepted offers or thanks received in the last 90 days
    snoozed_until: datetime | None = None
    stopped: frozenset[NudgeKind] = frozenset()  # kinds they turned off with "Stop these"
    last_nudged_at: datetime | None = None  # the last nudge of any kind sent to them
    nudges_this_week: int = 0  # nudges of any kind sent to them in the 7 days before now
    skill_keys: frozenset[str] = frozenset()  # their skills as `routing.skill_stem` gives them
    topic_ids: frozenset[int] = frozenset()  # topics they are glad to help with
    # When each kind was last sent to them; kinds never sent are absent. Keeps encouragements
    # from repeating (see `NudgePolicy.encourage_every`).
    last_sent: Mapping[NudgeKind, datetime] = field(default_factory=dict)
    # "Don't suggest me for now" is on, or they are at their weekly capacity: no matching nudge.
    paused: bool = False


@dataclass(frozen=True)
class WorkspaceFacts:
    """Last month's numbers for the whole workspace, or None where there is nothing to count."""

    requests_last_month: int
    offered_share: float | None  # share of those requests that got at least one offer, 0..1
    median_first_offer: timedelta | None  # median time from posting to the first offer


@dataclass(frozen=True)
class OpenRequest:
    """An open request; `what` as the asker typed it."""

    id: int
    asker_id: str
    what: str
    topic_id: int | None
    keys: frozenset[str]  # `routing.lookup_keys(routing.terms(what))`
    needed_by: datetime | None
    posted_at: datetime
    offers: int
    channel: str
    permalink: str | None = None


@dataclass(frozen=True)
class NudgePolicy:
    """The workspace's settings; the defaults are the ones the README describes."""

    enabled: frozenset[NudgeKind] = frozenset(NudgeKind)
    weekly_cap: int = 2
    daily_cap: int = 1  # only 0 (never) or 1 is meaningful: a run sends at most one anyway
    inactive_weeks: int = 4
    # Nudges arrive only inside it, in each person's own zone.
    working_week: WorkingWeek = STANDARD_WEEK
    remind_before: timedelta = timedelta(hours=24)
    reciprocity_helps: int = 3
    min_requests_for_facts: int = 20
    max_matches: int = 3
    # A request needs time to be seen in its channel before anyone is told it has no offer.
    settle: timedelta = timedelta(hours=1)
    # At most one encouragement in this long, whichever kind.
    encourage_every: timedelta = timedelta(days=14)
    # The window `Person.helped_recent` counts over; "asked for nothing" means in this window too.
    reciprocity_window: timedelta = timedelta(days=90)

    def __post_init__(self) -> None:
        if min(self.weekly_cap, self.daily_cap, self.max_matches) < 0:
            raise ValueError("caps must not be negative")


@dataclass(frozen=True)
class PlannedNudge:
    """One message to send. The outbox key is (user_id, kind, period)."""

    kind: NudgeKind
    user_id: str
    period: str  # "2026-W48" (the person's local ISO week), or "request-<id>" for DEADLINE_SOON
    message: Message  # the body; the Slack side adds the Snooze and Stop these buttons
    request_ids: tuple[int, ...] = ()


# --- Time -----------------------------------------------------------------------------------


def iso_week(now: datetime, tz: tzinfo) -> str:
    """The ISO week of `now`'s local date in `tz`, like "2026-W48" (and "2026-W53", "2027-W01"
    around a year's end: the ISO year, not the calendar year)."""
    require_aware(now)
    year, week, _ = now.astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"


def is_quiet_time(now: datetime, tz: tzinfo | None, policy: NudgePolicy) -> bool:
    """Whether it is outside the person's working hours or workdays (the policy's working week),
    in their own zone. An unknown zone is always quiet: we cannot know when their day is."""
    return not policy.working_week.is_working(now, tz)


# --- Planning -------------------------------------------------------------------------------

# A request with its place in the order matches are shown in.
_Ranked = tuple[int, OpenRequest]


def _rank(pair: _Ranked) -> int:
    return pair[0]


def plan_nudges(
    people: Iterable[Person],
    facts: WorkspaceFacts,
    open_requests: Sequence[OpenRequest],
    policy: NudgePolicy,
    now: datetime,
) -> list[PlannedNudge]:
    """The nudges to send now: at most one per person, ordered by user id.

    Nobody is nudged who is a bot or deactivated, has an unknown time zone, is outside their
    working hours or workdays, has snoozed, was nudged earlier on the same local day, or has had
    `weekly_cap` nudges in the last 7 days. A kind goes out only if the policy enables it and the
    person has not stopped it. Nobody is told about their own request in MATCHING_REQUESTS, and
    only requests with no offer, posted at least `policy.settle` ago and not yet past needed-by
    are mentioned at all.

    Deterministic: the same inputs give the same nudges and texts (variety comes from a hash of
    user id and period, never from a random generator).
    """
    require_aware(now)
    usable = [r for r in open_requests if _waiting_for_offer(r, policy, now)]
    # Soonest needed first (those without a date last), then the longest waiting: the order
    # matches are shown in. Sorted once, so every index list below is already in that order and
    # a person's matches are a merge of a few short heads, not a sort of thousands of requests.
    usable.sort(key=lambda r: (r.needed_by is None, r.needed_by or r.posted_at, r.posted_at, r.id))
    by_asker: dict[str, list[OpenRequest]] = {}
    by_key: dict[str, list[_Ranked]] = {}
    by_topic: dict[int, list[_Ranked]] = {}
    for rank, request in enumerate(usable):
        by_asker.setdefault(request.asker_id, []).append(request)
        for key in request.keys:
            by_key.setdefault(key, []).append((rank, request))
        if request.topic_id is not None:
            by_topic.setdefault(request.topic_id, []).append((rank, request))
    index = _Index(by_asker, by_key, by_topic)

    planned: list[PlannedNudge] = []
    seen: set[str] = set()
    for person in people:
        if person.user_id in seen:
            continue
        seen.add(person.user_id)
        nudge = _plan_one(person, facts, index, policy, now)
        if nudge is not None:
            planned.append(nudge)
    planned.sort(key=lambda nudge: nudge.user_id)
    return planned


@dataclass(frozen=True)
class _Index:
    by_asker: dict[str, list[OpenRequest]]
    by_key: dict[str, list[_Ranked]]
    by_topic: dict[int, list[_Ranked]]


def _waiting_for_offer(request: OpenRequest, policy: NudgePolicy, now: datetime) -> bool:
    if request.offers > 0 or request.posted_at > now - policy.settle:
        return False
    return request.needed_by is None or request.needed_by > now


def _may_nudge(person: Person, policy: NudgePolicy, now: datetime) -> bool:
    if person.is_bot or person.is_deleted or person.tz is None:
        return False
    if is_quiet_time(now, person.tz, policy):
        return False
    if person.snoozed_until is not None and person.snoozed_until > now:
        return False
    if person.nudges_this_week >= policy.weekly_cap or policy.daily_cap <= 0:
        return False
    if person.last_nudged_at is not None:
        today = now.astimezone(person.tz).date()
        if person.last_nudged_at.astimezone(person.tz).date() >= today:
            return False
    return True


def _plan_one(
    person: Person, facts: WorkspaceFacts, index: _Index, policy: NudgePolicy, now: datetime
) -> PlannedNudge | None:
    if not _may_nudge(person, policy, now):
        return None
    assert person.tz is not None  # _may_nudge refuses an unknown zone
    tz = person.tz

    def allowed(kind: NudgeKind) -> bool:
        return kind in policy.enabled and kind not in person.stopped

    if allowed(NudgeKind.DEADLINE_SOON):
        due = _deadline_soon(person, index, policy, now)
        if due is not None:
            return PlannedNudge(
                kind=NudgeKind.DEADLINE_SOON,
                user_id=person.user_id,
                period=f"request-{due.id}",
                message=deadline_soon_message(due, now, tz),
                request_ids=(due.id,),
            )
    week = iso_week(now, tz)
    if allowed(NudgeKind.MATCHING_REQUESTS) and not person.paused:
        matches = _matching(person, index, policy)
        if matches:
            return PlannedNudge(
                kind=NudgeKind.MATCHING_REQUESTS,
                user_id=person.user_id,
                period=week,
                message=matching_requests_message(matches, now, tz),
                request_ids=tuple(request.id for request in matches),
            )
    kind = _encouragement(person, policy, now, allowed)
    if kind is None:
        return None
    seed = _seed(person.user_id, week)
    if kind is NudgeKind.RECIPROCITY:
        body = reciprocity_message(person.helped_recent)
    elif kind is NudgeKind.START_SMALL:
        body = start_small_message(seed)
    else:
        body = people_say_yes_message(facts, policy.min_requests_for_facts, seed)
    return PlannedNudge(kind=kind, user_id=person.user_id, period=week, message=body)


def _deadline_soon(
    person: Person, index: _Index, policy: NudgePolicy, now: datetime
) -> OpenRequest | None:
    due = [
        request
        for request in index.by_asker.get(person.user_id, ())
        if request.needed_by is not None and request.needed_by <= now + policy.remind_before
    ]
    # The most urgent first; any others get their turn on a later day if there is still time.
    return min(due, key=lambda r: (r.needed_by, r.id), default=None)


def _matching(person: Person, index: _Index, policy: NudgePolicy) -> list[OpenRequest]:
    lists = [index.by_key[key] for key in person.skill_keys if key in index.by_key]
    lists += [index.by_topic[t] for t in person.topic_ids if t in index.by_topic]
    found: list[OpenRequest] = []
    seen: set[int] = set()
    # Keyed by rank alone: one request is in several lists, and requests do not compare.
    for _, request in heapq.merge(*lists, key=_rank):
        if len(found) >= policy.max_matches:
            break
        if request.id in seen or request.asker_id == person.user_id:
            continue
        seen.add(request.id)
        found.append(request)
    return found


def _encouragement(
    person: Person,
    policy: NudgePolicy,
    now: datetime,
    allowed: Callable[[NudgeKind], bool],
) -> NudgeKind | None:
    sent = [person.last_sent[k] for k in ENCOURAGEMENTS if k in person.last_sent]
    if sent and max(sent) > now - policy.encourage_every:
        return None
    asked_within = _asked_within(person, now)
    candidates: list[NudgeKind] = []
    if (
        person.helped_recent >= policy.reciprocity_helps
        and person.asked_recent == 0
        and not asked_within(policy.reciprocity_window)
    ):
        candidates.append(NudgeKind.RECIPROCITY)
    if person.asked_recent == 0 and not asked_within(timedelta(weeks=policy.inactive_weeks)):
        candidates.append(NudgeKind.START_SMALL)
    # For anyone who is not asking much lately: the belief it corrects is what stops people.
    if person.asked_recent == 0 and not asked_within(timedelta(days=30)):
        candidates.append(NudgeKind.PEOPLE_SAY_YES)
    candidates = [kind for kind in candidates if allowed(kind)]
    if not candidates:
        return None

    def order(kind: NudgeKind) -> tuple[bool, datetime | None, int]:
        last = person.last_sent.get(kind)
        # Never sent comes first, then the longest ago; the fixed order settles ties.
        return (last is not None, last, ENCOURAGEMENTS.index(kind))

    return min(candidates, key=order)


def _asked_within(person: Person, now: datetime) -> Callable[[timedelta], bool]:
    def asked_within(window: timedelta) -> bool:
        return person.last_asked_at is not None and person.last_asked_at > now - window

    return asked_within


def _seed(user_id: str, period: str) -> int:
    # hashlib, not hash(): Python salts str hashes per process, and a retry must write the same
    # text as the first attempt.
    return int.from_bytes(hashlib.sha256(f"{user_id}:{period}".encode()).digest()[:8], "big")


# --- Texts ----------------------------------------------------------------------------------

_NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def count_word(n: int) -> str:
    """Small counts read better as words; past ten, digits are easier to take in at a glance."""
    return _NUMBER_WORDS[n - 1] if 1 <= n <= len(_NUMBER_WORDS) else str(n)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """`text` on one line, cut at a word break to at most `limit` characters with "…" (see
    `clip`). Counted as the reader sees it: the text is escaped for Slack only when it is
    rendered, so a cut never lands inside an escape."""
    return clip(text, limit)


def request_line(request: OpenRequest, now: datetime, tz: tzinfo) -> Line:
    """A bullet for an open request: linked excerpt, where it is, and when it is needed by."""
    parts: list[ChannelRef | Link | str] = ["• ", Link(request.permalink, excerpt(request.what))]
    if not request.permalink and request.channel:
        parts += [" in ", ChannelRef(request.channel)]
    if request.needed_by is not None:
        parts.append(f" (needed by {local_when(request.needed_by, now, tz)})")
    return line(*parts)


def local_when(moment: datetime, now: datetime, tz: tzinfo) -> str:
    """ "today at 15:00", "tomorrow at 09:30" or "Thursday 27 Nov at 15:00", in the reader's zone.

    The reader of a nudge is the one person it goes to, and we know their zone, so plain words
    read better than Slack's date markup here.
    """
    local = moment.astimezone(tz)
    days = (local.date() - now.astimezone(tz).date()).days
    clock = local.strftime("%H:%M")
    if days == 0:
        return f"today at {clock}"
    if days == 1:
        return f"tomorrow at {clock}"
    return f"{local.strftime('%A')} {local.day} {local.strftime('%b')} at {clock}"


def format_within(duration: timedelta) -> str:
    """A duration for "within …": rounded up, so "within 2 hours" is never an understatement."""
    minutes = max(1, -(-int(duration.total_seconds()) // 60))
    if minutes == 1:
        return "a minute"
    if minutes < 60:
        # Past ten minutes, five-minute steps are as precise as anyone reads.
        if minutes > 10:
            minutes = -(-minutes // 5) * 5
        return "an hour" if minutes == 60 else f"{minutes} minutes"
    hours = -(-minutes // 60)
    if hours == 1:
        return "an hour"
    if hours < 48:
        return f"{hours} hours"
    return f"{-(-hours // 24)} days"


def workspace_fact(facts: WorkspaceFacts, min_requests: int) -> str | None:
    """Last month's share of requests that got an offer, in plain words, or None when there is
    too little data (or too low a share to make the point; the research line is used instead)."""
    n = facts.requests_last_month
    share = facts.offered_share
    if n < max(min_requests, 1) or share is None:
        return None
    share = min(max(share, 0.0), 1.0)
    offered = round(share * n)
    tenths = round(share * 10)
    # Below one in two, the number argues against asking; the research still holds, so say that.
    if tenths < 5:
        return None
    if offered == n:
        said = f"all {n} requests here got an offer"
    elif tenths == 10:
        said = "nearly every request here got an offer"
    else:
        exact = tenths * n == offered * 10
        said = f"{'' if exact else 'about '}{tenths} in 10 requests here got an offer"
    sentence = f"Last month {said}"
    if facts.median_first_offer is not None:
        first = "half of them" if offered == n else "half of those"
        sentence += f", and {first} had one within {format_within(facts.median_first_offer)}"
    return sentence + "."


# Each statement stays as qualitative as its paper, apart from Flynn and Lake's own "by as much
# as 50%".
RESEARCH_LINES: tuple[str, ...] = (
    "People who ask for help tend to underestimate how many others will say yes, in studies by "
    "as much as half (Flynn and Lake, 2008, \u201cIf you need help, just ask\u201d).",
    "Helpers feel more positive, and less put out, than askers expect them to "
    "(Zhao and Epley, 2022).",
)


def research_line(seed: int) -> str:
    return RESEARCH_LINES[seed % len(RESEARCH_LINES)]


def asking_is_normal_line(facts: WorkspaceFacts, min_requests: int, seed: int) -> str:
    """One sentence that normalises asking: this workspace's numbers if there are enough, else
    published research."""
    return workspace_fact(facts, min_requests) or research_line(seed)


ASK = Command("/ask")
_ASK_ANYTIME = line(
    "If something's on your mind, big or small, ", ASK, " is there whenever you want it."
)


def people_say_yes_message(facts: WorkspaceFacts, min_requests: int, seed: int) -> Message:
    fact = workspace_fact(facts, min_requests)
    if fact is not None:
        return message((line(f"{fact} People say yes more often than we expect."), _ASK_ANYTIME))
    return message((line(research_line(seed)), _ASK_ANYTIME))


# Concrete, small and SMART: each names the thing, the size and the kind of help.
SMALL_ASKS: tuple[str, ...] = (
    "Could someone spend 10 minutes reading the first page of my design doc?",
    "Who owns the staging deploy pipeline? I'd like to ask them one question.",
    "Can anyone share how they set up their local test database?",
    "Would someone sanity-check this chart before I send it on Friday?",
    "Is there a template for a project kickoff note I could borrow?",
    "Has anyone used our expense tool for a conference ticket? Which category did you pick?",
)
SMALL_ASK_EXAMPLES = 3


def start_small_message(seed: int) -> Message:
    start = seed % len(SMALL_ASKS)
    picked = [SMALL_ASKS[(start + i) % len(SMALL_ASKS)] for i in range(SMALL_ASK_EXAMPLES)]
    return message(
        (
            line(
                "A small ask is an easy place to start: colleagues are glad to help, and a small, "
                "specific ask is the easiest kind to say yes to. A few that people ask:"
            ),
            *(line(f"• {example}") for example in picked),
            line("Type ", ASK, " whenever something comes up, however small."),
        )
    )


def reciprocity_message(helped: int) -> Message:
    times = "once" if helped == 1 else ("twice" if helped == 2 else f"{count_word(helped)} times")
    return message(
        (
            line(f"You've helped colleagues {times} in the last three months. Thank you."),
            line(
                "Asking is the other half of that exchange: when you ask, someone else gets the "
                "chance to help, and that's what keeps a group generous. Is there anything, big "
                "or small, you could use a hand with? ",
                ASK,
                " is there when you want it.",
            ),
        )
    )


def deadline_soon_message(request: OpenRequest, now: datetime, tz: tzinfo) -> Message:
    assert request.needed_by is not None
    when = local_when(request.needed_by, now, tz)
    lines = [
        line(
            f"Your request \u201c{excerpt(request.what)}\u201d is needed by {when} and has no "
            "offer yet. That usually means the right person hasn't seen it, not that nobody "
            "wants to help. Asking one colleague directly, or making the first step smaller, "
            "often gets a quick yes."
        )
    ]
    if request.permalink:
        lines.append(line(Link(request.permalink, "Open your request")))
    return message(tuple(lines))


def matching_requests_message(matches: Sequence[OpenRequest], now: datetime, tz: tzinfo) -> Message:
    n = len(matches)
    head = (
        "An open request matches what you're glad to help with, and nobody has offered yet:"
        if n == 1
        else f"{count_word(n).capitalize()} open requests match what you're glad to help with, "
        "and nobody has offered yet:"
    )
    return message(
        (
            line(head),
            *(request_line(request, now, tz) for request in matches),
            line(
                "If one is a fit, an offer takes a click, and helping tends to feel better than "
                "people expect. If not, there's nothing you need to do."
            ),
        )
    )
