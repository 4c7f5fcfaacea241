"""Persistence: models, engine and sessions, queries, Alembic migrations."""
