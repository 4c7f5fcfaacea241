"""Plain text as people typed it, made to fit: escaping for Slack happens only when rendering,
in bot/slack/blocks/text.py."""

import unicodedata

# Invisible characters that a field can hold and still look empty; kept inside other text, where
# they join emoji and scripts.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"


def whole_number(text: object, most: int) -> int | None:
    """A number typed or chosen from 0 to `most`, as ASCII digits; None for anything else, such
    as "²" (a digit to Python, but no number) or thousands of digits (too long to convert)."""
    if not isinstance(text, str) or not (text.isascii() and text.isdigit()):
        return None
    if len(text) > len(str(most)):
        return None
    number = int(text)
    return number if number <= most else None


def typed(text: str) -> str:
    """What a person typed, as the app keeps it: control characters other than newline and tab
    (NUL among them, which PostgreSQL refuses) and lone surrogates (which no database can encode)
    are dropped, and text that is only whitespace and invisible characters reads as empty, so a
    required field says so rather than storing nothing visible."""
    kept = "".join(
        char for char in text if char in "\n\t" or unicodedata.category(char) not in ("Cc", "Cs")
    )
    visible = any(not char.isspace() and char not in _INVISIBLE for char in kept)
    return kept if visible else ""


def clip(text: str, limit: int) -> str:
    """`text` on one line in at most `limit` characters: cut at a word break (one in the second
    half, else mid-word) and ended with "…", without dangling punctuation."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-\u2013\u2014") + "…"
