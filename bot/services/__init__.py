"""Use cases. Each takes a Session and a Slack port; none opens a session of its own."""
