"""Small helpers for Slack's text formats."""

import re
from datetime import UTC, datetime


def escape(text: str) -> str:
    """Escape user text for mrkdwn, so typed `<!channel>` or `<@U…>` stays literal text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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
            cut = limit
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n ") if cut < len(text) else ""
    if text or not pieces:
        pieces.append(text)
    return pieces


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


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
