"""Plain text as people typed it, made to fit: escaping for Slack happens only when rendering,
in bot/slack/blocks/text.py."""


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
