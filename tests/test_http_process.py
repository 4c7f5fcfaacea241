"""The real process, started the way the README starts it, driven over HTTP like Slack does."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bot.clock import utc_now
from bot.slack.blocks import ids
from db.engine import create_db_engine
from db.models import HelpRequest, InboxEvent
from tests.slack_stand_in.driver import SlackDriver
from tests.slack_stand_in.pytest_plugin import ASKER_ID, HELP_CHANNEL_ID
from tests.support import (
    REPO,
    SIGNING_SECRET,
    CuttableLink,
    find_message,
    private_schema,
    scratch_database,
    settings_env,
)

pytestmark = pytest.mark.subprocess


@dataclass
class RunningApp:
    process: subprocess.Popen[bytes]
    url: str
    database_url: str
    log: Path

    def requests(self) -> list[HelpRequest]:
        engine = create_db_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return list(connection.execute(select(HelpRequest)))
        finally:
            engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(tmp_path: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    full_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        # Empty, not absent: a developer's .env must not switch this run to Socket Mode.
        "SLACK_APP_TOKEN": "",
        **env,
    }
    log = (tmp_path / "app.log").open("wb")
    return subprocess.Popen(
        [sys.executable, str(REPO / "app.py")],
        cwd=tmp_path,
        env=full_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


@pytest.fixture
def running_app(fake_slack, tmp_path) -> Iterator[RunningApp]:
    port = free_port()
    with scratch_database(tmp_path) as database_url:
        process = start(tmp_path, settings_env(fake_slack.base_url, database_url, PORT=str(port)))
        app = RunningApp(process, f"http://127.0.0.1:{port}", database_url, tmp_path / "app.log")
        try:
            wait_until_healthy(app)
            yield app
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                returncode = process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                raise
        assert returncode == 0, f"SIGTERM did not stop the app cleanly:\n{app.log.read_text()}"


def wait_until_healthy(app: RunningApp, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.process.poll() is not None:
            pytest.fail(f"the app exited with {app.process.returncode}:\n{app.log.read_text()}")
        try:
            with urllib.request.urlopen(f"{app.url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the app did not start listening:\n{app.log.read_text()}")


def test_ask_submit_and_post_over_real_http(running_app, fake_slack) -> None:
    driver = SlackDriver(
        SIGNING_SECRET,
        url=f"{running_app.url}/slack/events",
        response_url_base=fake_slack.response_url_base,
    )
    assert (
        driver.slash_command("/ask", "rotate the staging DB password", user_id=ASKER_ID).status
        == 200
    )
    fake_slack.wait_for("views.open")
    view = list(fake_slack.views.values())[-1]

    needed_by = int((utc_now() + timedelta(days=1)).timestamp())  # a real process, real time
    response = driver.view_submission(
        view,
        {
            ids.WHAT_INPUT: "How do I rotate the staging DB password without downtime?",
            ids.WHY_INPUT: "The quarterly audit needs it done before the release",
            ids.KIND_INPUT: "information",
            ids.SIZE_INPUT: "quick",
            ids.NEEDED_BY_INPUT: needed_by,
        },
        user_id=ASKER_ID,
    )
    assert response.status == 200
    assert response.body == ""

    fake_slack.wait_for("chat.postMessage", count=2, timeout=15)  # the request, then the DM
    ts, message = find_message(fake_slack, HELP_CHANNEL_ID, "is asking for help")
    assert "without downtime" in json.dumps(message["blocks"])
    (request,) = running_app.requests()
    assert (request.asker_id, request.posted_channel, request.posted_ts) == (
        ASKER_ID,
        HELP_CHANNEL_ID,
        ts,
    )
    assert request.delivery == "posted"


def test_bad_or_stale_signatures_get_401_and_change_nothing(running_app, fake_slack) -> None:
    driver = SlackDriver(SIGNING_SECRET, url=f"{running_app.url}/slack/events")
    body = (
        "command=%2Fask&text=&user_id=UASKER01&team_id=T0001&channel_id=C0HELP"
        "&trigger_id=1337.42.abcd&response_url=http%3A%2F%2F127.0.0.1%2Fx"
    )
    content_type = "application/x-www-form-urlencoded"
    forged = driver.send_raw(body, content_type=content_type, signature="v0=" + "0" * 64)
    stale = driver.send_raw(body, content_type=content_type, timestamp=int(time.time()) - 600)
    wrong_secret = SlackDriver("0" * 32, url=f"{running_app.url}/slack/events").send_raw(
        body, content_type=content_type
    )

    assert (forged.status, stale.status, wrong_secret.status) == (401, 401, 401)
    time.sleep(0.3)  # anything a listener would have done in the background
    assert fake_slack.calls_to("views.open") == []
    assert running_app.requests() == []


def test_a_refused_token_stops_the_app_with_one_sentence(fake_slack, tmp_path) -> None:
    env = settings_env(
        fake_slack.base_url, f"sqlite:///{tmp_path / 'r.db'}", SLACK_BOT_TOKEN="xoxb-revoked"
    )
    process = start(tmp_path, env)
    assert process.wait(timeout=60) == 2
    output = (tmp_path / "app.log").read_text()
    assert "reciprocity: Slack refused SLACK_BOT_TOKEN" in output
    assert "Traceback" not in output


def test_unreachable_slack_stops_the_app_with_one_sentence(tmp_path) -> None:
    env = settings_env(f"http://127.0.0.1:{free_port()}/api/", f"sqlite:///{tmp_path / 'u.db'}")
    process = start(tmp_path, env)
    assert process.wait(timeout=90) == 2
    output = (tmp_path / "app.log").read_text()
    assert "reciprocity: could not reach Slack at SLACK_API_URL" in output
    assert "Traceback" not in output


def test_scheduler_only_runs_the_jobs_and_serves_nothing(fake_slack, tmp_path) -> None:
    from bot.domain.message import Message, line, to_json
    from bot.domain.outbox import OutboxStatus, outbox_key
    from db.migrate import upgrade
    from db.models import OutboxMessage

    port = free_port()
    with scratch_database(tmp_path) as database_url:
        engine = create_db_engine(database_url)
        upgrade(engine)
        now = utc_now()
        with engine.begin() as connection:
            connection.execute(
                OutboxMessage.__table__.insert().values(
                    team_id="T0001",
                    key=outbox_key("start_small", ASKER_ID, "2026-W48"),
                    kind="start_small",
                    target=ASKER_ID,
                    period="2026-W48",
                    payload=to_json(Message(((line("A small ask is an easy place to start."),),))),
                    status=OutboxStatus.PENDING,
                    attempts=0,
                    next_attempt_at=now - timedelta(minutes=1),
                    created_at=now - timedelta(minutes=1),
                )
            )
        env = settings_env(fake_slack.base_url, database_url, PORT=str(port), SCHEDULER="only")
        process = start(tmp_path, env)
        try:
            fake_slack.wait_for("chat.postMessage", timeout=30)
            with pytest.raises(urllib.error.URLError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
        finally:
            process.send_signal(signal.SIGTERM)
            returncode = process.wait(timeout=15)
        log = (tmp_path / "app.log").read_text()
        assert returncode == 0, log
        with engine.connect() as connection:
            (status,) = connection.execute(select(OutboxMessage.status)).one()
        engine.dispose()
    assert status == OutboxStatus.SENT
    assert "running the background jobs only" in log


def test_readyz_says_ready_while_the_database_answers(running_app) -> None:
    with urllib.request.urlopen(f"{running_app.url}/readyz", timeout=5) as response:
        assert (response.status, response.read()) == (200, b"ready\n")


def readiness(url: str) -> int:
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="a database server to cut off (PostgreSQL)"
)
def test_a_database_outage_shows_in_readyz_and_slack_is_asked_to_send_events_again(
    fake_slack, tmp_path
) -> None:
    port = free_port()
    with private_schema(os.environ["TEST_DATABASE_URL"]) as database_url:
        real = make_url(database_url)
        link = CuttableLink(real.host or "127.0.0.1", real.port or 5432)
        through_link = real.set(host="127.0.0.1", port=link.port).render_as_string(False)
        process = start(tmp_path, settings_env(fake_slack.base_url, through_link, PORT=str(port)))
        app = RunningApp(process, f"http://127.0.0.1:{port}", database_url, tmp_path / "app.log")
        driver = SlackDriver(SIGNING_SECRET, url=f"{app.url}/slack/events")
        event = {
            "type": "reaction_added",
            "user": ASKER_ID,
            "reaction": "raising_hand",
            "item": {"type": "message", "channel": HELP_CHANNEL_ID, "ts": "1700000000.000100"},
        }
        try:
            wait_until_healthy(app)
            wait_for_start_jobs(app.log)
            assert readiness(app.url) == 200

            link.cut()
            assert readiness(app.url) == 503
            assert driver.event(event, event_id="Ev0001CUT").status == 503

            link.up = True
            assert readiness(app.url) == 200
            assert driver.event(event, event_id="Ev0001CUT", retry_num=1).status == 200
            assert driver.event(event, event_id="Ev0001CUT", retry_num=2).status == 200
            recorded = wait_for_processed(database_url, "Ev0001CUT")
        finally:
            process.send_signal(signal.SIGTERM)
            returncode = process.wait(timeout=15)
            link.close()
    log = app.log.read_text()
    assert returncode == 0, log
    assert recorded == 1
    assert "Traceback" not in log, log
    assert log.count("Ev0001CUT not recorded, the database is out of reach") == 1


def wait_for_start_jobs(log: Path, timeout: float = 30) -> None:
    """Until the jobs that run at start have finished: one still running when the link is cut
    would fail on its own, which is not what the test is about."""
    jobs = ("plan_job", "send_job", "recover_inbox_job")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [line for line in log.read_text().splitlines() if "executed successfully" in line]
        if all(any(f'Job "{job} ' in line for line in done) for job in jobs):
            return
        time.sleep(0.1)
    pytest.fail(f"the jobs run at start did not finish:\n{log.read_text()}")


def wait_for_processed(database_url: str, event_id: str, timeout: float = 15) -> int:
    """How many inbox rows hold `event_id`, once it is processed."""
    engine = create_db_engine(database_url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                rows = connection.execute(
                    select(InboxEvent.processed_at).where(InboxEvent.event_id == event_id)
                ).all()
            if rows and all(processed for (processed,) in rows):
                return len(rows)
            time.sleep(0.1)
    finally:
        engine.dispose()
    pytest.fail(f"{event_id} was not processed")
