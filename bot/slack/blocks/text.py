"""Small helpers for Slack's text formats."""

import re
from datetime import UTC, datetime

# Slack's limits, in characters, for the block elements the app fills with typed or stored text
# (docs.slack.dev, Block Kit reference): past one, Slack refuses the whole message or view.
# Buttons (75) and headers (150) carry only the app's own words.
SECTION_TEXT = 3000  # a section's text; also any text object, as in a context block
FIELD_TEXT = 2000  # each of a section's fields
OPTION_TEXT = 75
MODAL_TITLE = 24
INITIAL_VALUE = 3000  # a plain_text_input's initial_value
PRIVATE_METADATA = 3000
# How a cut shows: an ellipsis alone reads like the person's own.
CUT = "… (cut)"

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape(text: str) -> str:
    """Escape user text for mrkdwn, so typed `<!channel>` or `<@U…>` stays literal text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fit(text: str, limit: int, *, newline: str = "\n") -> str:
    """Typed `text` escaped for mrkdwn (each newline written as `newline`, e.g. to continue a
    quote) in at most `limit` characters after escaping; a longer one is cut between characters,
    never inside an escape, and ends with CUT."""
    return _fitted([_ESCAPES.get(char, newline if char == "\n" else char) for char in text], limit)


def truncate(text: str, limit: int) -> str:
    """Plain text (a plain_text object: a button, an option, a title) in at most `limit`
    characters, ending with a cue when cut."""
    return _fitted(list(text), limit)


def _fitted(pieces: list[str], limit: int) -> str:
    if sum(map(len, pieces)) <= limit:
        return "".join(pieces)
    # A tight limit (a button, a label) has no room for the words.
    cue = CUT if limit >= 4 * len(CUT) else "…"
    budget, kept = limit - len(cue), []
    for piece in pieces:
        budget -= len(piece)
        if budget < 0:
            break
        kept.append(piece)
    return "".join(kept).rstrip() + cue


def slack_date(moment: datetime, token: str = "{date_short_pretty} at {time}") -> str:
    """A date every reader sees in their own timezone; the fallback is UTC."""
    fallback = moment.astimezone(UTC).strftime("%a %d %b %Y, %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{token}|{fallback}>"


def chunks(text: str, limit: int) -> list[str]:
    """Split text into pieces of at most `limit` characters, at line or word breaks if possible."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = text.rfind(" ", 0, limit)
        if cut < limit // 2:
            # Mid-word, but never inside an escape such as "&amp;".
            entity = text.rfind("&", limit - 4, limit)
            cut = entity if entity > 0 and ";" not in text[entity:limit] else limit
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n ") if cut < len(text) else ""
    if text or not pieces:
        pieces.append(text)
    return pieces


_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")


def plain_from_mrkdwn(text: str) -> str:
    """A message's text as a person would type it: mentions, channels and links as they read."""

    def readable(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            return f"@{label}" if label else target
        if target.startswith("#"):
            return f"#{label}" if label else target
        if target.startswith("!"):
            return f"@{label or target[1:].split('^')[0]}"
        return f"{label} ({target})" if label and label != target else target

    text = _LINK.sub(readable, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
