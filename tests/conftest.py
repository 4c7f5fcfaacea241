"""Shared fixtures: a migrated database per run, a savepoint per test, the app in process, and
the scene most flow tests start from (a databases topic, people glad to help, a posted request)."""

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry import FixedValueRetryIntervalCalculator
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings, load_settings
from bot.domain.requests import RequestStatus
from bot.slack.app import build_app, build_deps
from bot.slack.client import default_retry_handlers
from bot.slack.deps import Deps
from db.engine import create_db_engine
from db.migrate import upgrade
from db.models import HelpRequest, Topic
from tests import factories
from tests.slack_stand_in.driver import SlackDriver
from tests.slack_stand_in.fake_slack import FakeSlack
from tests.slack_stand_in.pytest_plugin import ASKER_ID, BOT_TOKEN, HELP_CHANNEL_ID
from tests.support import (
    NO_OFFERS,
    SIGNING_SECRET,
    FakeClock,
    ask_form,
    post_of,
    scratch_database,
    settings_env,
    shown,
    the_request,
)


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


@pytest.fixture
def databases(session: Session, clock: FakeClock) -> Topic:
    """The Databases topic, with its own channel."""
    return factories.topic(session, at=clock())


@pytest.fixture
def helpers(session: Session, clock: FakeClock, databases: Topic) -> None:
    """Six people glad to help with databases, UDB1 to UDB6: five are asked directly, one is in
    reserve."""
    for n in range(1, 7):
        factories.person(session, f"UDB{n}", at=clock(), topics=[databases])
    session.commit()


@pytest.fixture
def posted(
    open_ask_modal: Callable[..., dict],
    driver: SlackDriver,
    fake_slack: FakeSlack,
    session: Session,
    clock: FakeClock,
) -> HelpRequest:
    """A SMART request with a needed-by, posted straight to the help channel."""
    response = driver.view_submission(open_ask_modal(), ask_form(clock), user_id=ASKER_ID)
    assert response.body == ""
    request = the_request(session)
    assert (request.status, request.posted_channel) == (RequestStatus.OPEN, HELP_CHANNEL_ID)
    assert NO_OFFERS in shown(post_of(fake_slack, request))
    return request
