"""Pure logic: no Slack, no SQLAlchemy, no wall clock (the time is always passed in)."""
