"""Shared fixtures: a migrated database per run, a savepoint per test, the app in process."""

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry import FixedValueRetryIntervalCalculator
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings, load_settings
from bot.slack.app import build_app, build_deps
from bot.slack.client import default_retry_handlers
from bot.slack.deps import Deps
from db.engine import create_db_engine
from db.migrate import upgrade
from tests.slack_stand_in.driver import SlackDriver
from tests.slack_stand_in.fake_slack import FakeSlack
from tests.slack_stand_in.pytest_plugin import ASKER_ID, BOT_TOKEN, HELP_CHANNEL_ID

SIGNING_SECRET = "8f742231b10e8888abcd99e0f1a2b3c4"
HELP_CHANNEL = HELP_CHANNEL_ID
REPO = Path(__file__).resolve().parents[1]


def settings_env(api_url: str, database_url: str, **overrides: str) -> dict[str, str]:
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": database_url,
        "HELP_CHANNEL": HELP_CHANNEL,
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


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with scratch_database(tmp_path_factory.mktemp("db")) as url:
        engine = create_db_engine(url)
        upgrade(engine)
        yield engine
        engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions whose commits are savepoints inside one transaction, rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    yield sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    outer.rollback()
    connection.close()


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        yield session


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 23, 9, 30, tzinfo=UTC))


@pytest.fixture
def settings_overrides() -> dict[str, str]:
    """Extra environment for the app under test; a test module overrides this fixture."""
    return {}


@pytest.fixture
def settings(fake_slack: FakeSlack, settings_overrides: dict[str, str]) -> Settings:
    return load_settings(
        settings_env(fake_slack.base_url, "sqlite:///unused.db", **settings_overrides)
    )


@pytest.fixture
def slack_client(fake_slack: FakeSlack) -> WebClient:
    return WebClient(
        token=BOT_TOKEN,
        base_url=fake_slack.base_url,
        # Production's handlers, with short back-off so retries do not slow the suite.
        retry_handlers=default_retry_handlers(FixedValueRetryIntervalCalculator(0.01)),
    )


@pytest.fixture
def deps(
    settings: Settings, sessions: sessionmaker[Session], slack_client: WebClient, clock: FakeClock
) -> Deps:
    return build_deps(settings, sessions, slack_client, clock)


@pytest.fixture
def app(deps: Deps, slack_client: WebClient) -> App:
    # Listeners run to the end before dispatch returns, so tests see their effects at once.
    return build_app(deps, slack_client, process_before_response=True)


@pytest.fixture
def driver(app: App, fake_slack: FakeSlack) -> SlackDriver:
    return SlackDriver(SIGNING_SECRET, app=app, response_url_base=fake_slack.response_url_base)


@pytest.fixture
def open_ask_modal(driver: SlackDriver, fake_slack: FakeSlack) -> Callable[..., dict]:
    """Run /ask and return the modal as Slack opened it (with its view id)."""

    def run(text: str = "", user_id: str = ASKER_ID) -> dict:
        before = len(fake_slack.calls_to("views.open"))
        response = driver.slash_command("/ask", text, user_id=user_id)
        assert response.status == 200
        fake_slack.wait_for("views.open", count=before + 1)
        return list(fake_slack.views.values())[-1]

    return run


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
