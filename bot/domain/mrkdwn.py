"""Slack's mrkdwn is the format every message the app writes is in, planners included."""


def escape(text: str) -> str:
    """Escape user text for mrkdwn, so typed `<!channel>` or `<@U…>` stays literal text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
