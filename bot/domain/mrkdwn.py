"""Slack's mrkdwn is the format every message the app writes is in, planners included."""


def escape(text: str) -> str:
    """Escape user text for mrkdwn, so typed `<!channel>` or `<@U…>` stays literal text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int, *, escaped: bool = True) -> str:
    """`text` on one line in at most `limit` characters: cut at a word break (one in the second
    half, else mid-word) and ended with "…", without dangling punctuation.

    For `escaped` text a cut never splits an `&amp;`-style entity, which would show as stray
    characters; raw text (escaped later) keeps its `&`s.
    """
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    amp = cut.rfind("&")
    if escaped and amp >= 0 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut.rstrip(" ,.;:-\u2013\u2014") + "…"
