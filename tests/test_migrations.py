"""The migrations are the schema: they must build exactly the models, and undo cleanly."""

import os
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from db.engine import create_db_engine
from db.migrate import downgrade, upgrade
from db.models import Base
from tests.support import REPO, scratch_database


@pytest.fixture
def empty_engine(tmp_path):
    with scratch_database(tmp_path) as url:
        engine = create_db_engine(url)
        yield engine
        engine.dispose()


def test_upgrade_builds_exactly_the_models(empty_engine) -> None:
    upgrade(empty_engine)
    with empty_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_to_base_leaves_nothing_and_upgrade_runs_again(empty_engine) -> None:
    upgrade(empty_engine)
    downgrade(empty_engine, "base")
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}
    upgrade(empty_engine)
    assert "help_requests" in inspect(empty_engine).get_table_names()


def test_upgrade_is_idempotent(empty_engine) -> None:
    upgrade(empty_engine)
    upgrade(empty_engine)
    with empty_engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() is not None


@pytest.mark.subprocess
def test_the_operators_command_migrates_alone(tmp_path) -> None:
    with scratch_database(tmp_path) as url:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATABASE_URL": url}

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-m", "db", *args],
                cwd=REPO,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
                check=True,
            )

        run("upgrade")
        assert "(head)" in run("current").stdout
        run("downgrade", "base")
        assert "(head)" not in run("current").stdout


def test_0007_makes_only_the_ambiguous_offsets_unknown_and_downgrades(empty_engine) -> None:
    """Before 0007 a missing offset was stored as 0: with no zone name that row meant "unknown",
    and it becomes NULL; a real zone keeps its offset, and a downgrade restores the 0."""
    upgrade(empty_engine, "0006")
    row = (
        "INSERT INTO slack_users (team_id, user_id, real_name, tz, tz_offset, is_bot, is_deleted,"
        " is_admin, is_owner, fetched_at) VALUES ('T1', :user, '', :tz, :offset, false, false,"
        " false, false, '2026-12-01 09:00:00')"
    )
    with empty_engine.begin() as connection:
        for user, tz, offset in (
            ("UNONE", None, 0),
            ("ULON", "Europe/London", 0),
            ("UNY", None, -18000),
        ):
            connection.execute(text(row), {"user": user, "tz": tz, "offset": offset})
    upgrade(empty_engine)
    offsets = "SELECT user_id, tz_offset FROM slack_users ORDER BY user_id"
    with empty_engine.connect() as connection:
        assert dict(connection.execute(text(offsets)).all()) == {
            "ULON": 0,
            "UNONE": None,
            "UNY": -18000,
        }
    downgrade(empty_engine, "0006")
    with empty_engine.connect() as connection:
        assert dict(connection.execute(text(offsets)).all())["UNONE"] == 0
