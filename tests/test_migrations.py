"""The migrations are the schema: they must build exactly the models, and undo cleanly."""

import os
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

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
