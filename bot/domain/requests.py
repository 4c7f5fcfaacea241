"""What a help request is, and which drafts are good enough to post."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.labelled import LabelledEnum

# Long enough to name a thing and a question; a single word is never a request.
WHAT_MIN_CHARS = 15
# Slack shows a message in full up to about 4,000 characters; these leave room for the rest of
# the request and keep a colleague's read under a minute.
WHAT_MAX_CHARS = 2000
WHY_MAX_CHARS = 1000
# A deadline years away is no deadline; a year is generous for anything a colleague helps with.
NEEDED_BY_MAX_AHEAD = timedelta(days=365)


class HelpKind(LabelledEnum):
    INFORMATION = "information", "Information or an answer"
    FEEDBACK = "feedback", "Feedback or a review"
    PAIRING = "pairing", "Pairing or working it through together"
    INTRODUCTION = "introduction", "An introduction to someone"
    DECISION = "decision", "Help with a decision"
    MORAL_SUPPORT = "moral_support", "Moral support"
    OTHER = "other", "Something else"


class RequestSize(LabelledEnum):
    QUICK = "quick", "A quick question"
    HALF_HOUR = "half_hour", "About 30 minutes"
    HOURS = "hours", "An hour or two"
    HALF_DAY = "half_day", "Half a day or more"


class RequestStatus(StrEnum):
    DRAFT = "draft"  # composed, waiting on the asker's review; never shown to anyone else
    OPEN = "open"
    RESOLVED = "resolved"  # the asker got what they needed
    WITHDRAWN = "withdrawn"  # the asker no longer needs help
    EXPIRED = "expired"  # needed-by passed and the asker no longer needed it, or never said


class Delivery(StrEnum):
    """Where the request's channel message stands, apart from the request's own status."""

    PENDING = "pending"  # stored, no attempt yet
    POSTING = "posting"  # an attempt has claimed it; guards against posting twice
    POSTED = "posted"
    FAILED = "failed"  # Slack refused; the asker can try again


@dataclass(frozen=True)
class RequestDraft:
    """A request as the asker composed it, before it is stored."""

    what: str
    why: str = ""
    kind: HelpKind | None = None
    size: RequestSize | None = None
    needed_by: datetime | None = None
    channel: str | None = None
    anonymous: bool = False


@dataclass(frozen=True)
class RequestCard:
    """A stored request, as the Slack side needs it to render and route."""

    id: int
    team_id: str
    asker_id: str
    what: str
    why: str
    kind: HelpKind
    size: RequestSize
    needed_by: datetime | None
    channel: str
    anonymous: bool = False
    # Set when the asker chose to ask one person privately instead of a channel.
    recipient_id: str | None = None
    # The message the request was started from ("Ask for help with this").
    source_permalink: str | None = None
    status: RequestStatus = RequestStatus.OPEN
    # Where offers stand: everyone who offered (bar withdrawn offers), and who the asker
    # accepted (or, once resolved, thanked).
    offers: int = 0
    helpers: tuple[str, ...] = ()

    @property
    def destination(self) -> str:
        return self.recipient_id or self.channel


def validate_draft(draft: RequestDraft, now: datetime) -> dict[str, str]:
    """Return a kind, plain message for each field that stops the draft being posted."""
    errors: dict[str, str] = {}
    what = draft.what.strip()
    if not what:
        errors["what"] = "Tell people what you need: a sentence or two is plenty."
    elif len(what) < WHAT_MIN_CHARS:
        errors["what"] = (
            "Add a little more detail (at least 15 characters): what exactly, and what you have "
            "tried so far?"
        )
    elif len(what) > WHAT_MAX_CHARS:
        errors["what"] = (
            f"That is {len(what):,} characters; please keep it under {WHAT_MAX_CHARS:,} "
            "(link to a doc for the details)."
        )
    if len(draft.why.strip()) > WHY_MAX_CHARS:
        errors["why"] = f"Please keep this under {WHY_MAX_CHARS:,} characters."
    if draft.kind is None:
        errors["kind"] = "Pick the kind of help that fits best."
    if draft.size is None:
        errors["size"] = "Pick roughly how big this is; it helps people say yes."
    if draft.needed_by is not None:
        problem = needed_by_problem(draft.needed_by, now)
        if problem:
            errors["needed_by"] = problem
    return errors


def needed_by_problem(needed_by: datetime, now: datetime) -> str | None:
    """Why a needed-by time can't be used, or None when it can."""
    if needed_by <= now:
        return "That time has already passed: pick a time later than now."
    if needed_by - now > NEEDED_BY_MAX_AHEAD:
        return "Pick a time within the next year."
    return None


class Outcome(StrEnum):
    """What came of a change the asker (or the app on their behalf) tried on a request."""

    POSTED = "posted"
    FAILED = "failed"
    ALREADY_POSTED = "already_posted"
    IN_PROGRESS = "in_progress"
    NOT_FOUND = "not_found"
    NOT_YOURS = "not_yours"
    NOT_OPEN = "not_open"
    UPDATED = "updated"
    WITHDRAWN = "withdrawn"
    RESOLVED = "resolved"
    EXPIRED = "expired"
    EXTENDED = "extended"
