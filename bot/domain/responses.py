"""How people respond to a request: suggestions to helpers, and their offers."""

from enum import StrEnum


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
    WITHDRAWN = "withdrawn"


class OfferSource(StrEnum):
    BUTTON = "button"
    DIRECT = "direct"
    REACTION = "reaction"
