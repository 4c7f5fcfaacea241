"""How people respond to a request: suggestions to helpers, and their offers."""

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.labelled import LabelledEnum


class Route(StrEnum):
    """Where the asker chose to send a request."""

    CHANNEL = "channel"
    DIRECT = "direct"  # a DM to each suggested helper
    BOTH = "both"


class SuggestionStatus(StrEnum):
    SUGGESTED = "suggested"  # ranked and shown to the asker, not contacted
    ASKED = "asked"  # sent a direct ask
    OFFERED = "offered"
    DECLINED = "declined"


class OfferStatus(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    WITHDRAWN = "withdrawn"  # by the helper, before it was accepted
    DECLINED = "declined"  # the asker said "Not now"


class OfferSource(StrEnum):
    BUTTON = "button"
    DIRECT = "direct"
    REACTION = "reaction"


# A passing helper's free-text note is kept for insights, never shown to the asker.
DECLINE_NOTE_MAX_CHARS = 500


class DeclineReason(LabelledEnum):
    """Why a helper passed on a direct ask: information for the asker, never a verdict."""

    NO_TIME = "no_time", "Not enough time right now"
    NOT_MY_AREA = "not_my_area", "Not my area"
    UNCLEAR = "unclear", "The ask is unclear"
    DEADLINE = "deadline", "The deadline is too tight"
    OTHER = "other", "Other"


class EventKind(StrEnum):
    """Every change in a request's life, stored with its time for digests and insights."""

    POSTED = "posted"
    EDITED = "edited"
    ASKED = "asked"  # a helper was asked directly
    WIDENED = "widened"
    OFFERED = "offered"
    OFFER_WITHDRAWN = "offer_withdrawn"
    ACCEPTED = "accepted"
    NOT_NOW = "not_now"  # the asker turned an offer down
    PASSED = "passed"  # a helper said "Not this time", with a reason
    FOLLOWED_UP = "followed_up"  # needed-by passed; the asker was asked how it went
    EXTENDED = "extended"
    RESOLVED = "resolved"
    THANKED = "thanked"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


@dataclass(frozen=True)
class OfferView:
    """An offer as the messages about it need it."""

    id: int
    helper_id: str
    status: OfferStatus
    group_channel: str | None = None


class Answer(StrEnum):
    """What came of an offer, or of answering one: the helper's or the asker's."""

    OFFERED = "offered"
    DECLINED = "declined"
    ACCEPTED = "accepted"
    NOT_NOW = "not_now"
    WITHDRAWN = "withdrawn"
    ALREADY = "already"  # this was already done; nothing changes
    OFFER_GONE = "offer_gone"  # the helper withdrew before the asker answered
    OWN_REQUEST = "own_request"
    NOT_YOURS = "not_yours"
    NOT_OPEN = "not_open"
    NOT_FOUND = "not_found"
    IGNORED = "ignored"  # a reaction that is not an offer on a request
    # A reaction on a message in a channel where a request's post has no known ts yet (Slack's
    # answer was lost and the app is looking for it): it may be on that post, so ask again later.
    NOT_YET = "not_yet"
