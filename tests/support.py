"""What tests and benchmarks share besides fixtures: the signing secret, settings for a run,
scratch databases (a SQLite file or a private PostgreSQL schema) and a clock that only moves when
told. Benchmarks import this module; nothing imports conftest."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.slack_stand_in.driver import SlackDriver
from tests.slack_stand_in.fake_slack import FakeSlack
from tests.slack_stand_in.pytest_plugin import BOT_TOKEN, HELP_CHANNEL_ID

SIGNING_SECRET = "8f742231b10e8888abcd99e0f1a2b3c4"
REPO = Path(__file__).resolve().parents[1]


def settings_env(api_url: str, database_url: str, **overrides: str) -> dict[str, str]:
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": database_url,
        "HELP_CHANNEL": HELP_CHANNEL_ID,
        "LOG_LEVEL": "DEBUG",
    }
    env.update(overrides)
    return env


@contextmanager
def private_schema(base_url: str, prefix: str = "test") -> Iterator[str]:
    """A URL for a new, empty schema in the PostgreSQL database at `base_url`, dropped
    afterwards, so concurrent runs never see each other's tables."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def scratch_database(tmp_dir: Path) -> Iterator[str]:
    """An empty database: a SQLite file, or a private schema in TEST_DATABASE_URL."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_dir / f'{uuid.uuid4().hex[:8]}.db'}"
        return
    with private_schema(base) as url:
        yield url


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def find_message(fake: FakeSlack, channel: str, contains: str) -> tuple[str, dict]:
    """The ts and body of the one stored message in `channel` whose text contains `contains`."""
    found = [
        (ts, message)
        for (in_channel, ts), message in fake.messages.items()
        if in_channel == channel and contains in message.get("text", "")
    ]
    assert len(found) == 1, f"expected one message with {contains!r} in {channel}: {found}"
    return found[0]


def submit_and_post(driver: SlackDriver, fake: FakeSlack, view: dict, values: dict, user_id: str):
    """Submit the /ask form and, if the coaching review comes back, press *Post as it is*: for
    tests about posting rather than coaching. Returns the form's own response."""
    response = driver.view_submission(view, values, user_id=user_id)
    body = response.json() if response.body else {}
    if body.get("response_action") == "update":
        shown = fake.apply_view_response(view["id"], body)
        driver.view_submission(shown, {}, user_id=user_id)
    return response
