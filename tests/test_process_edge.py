"""The edge of the real process: what reaches /slack/events that is not Slack, and start-ups
that cannot go on, each answered with a 4xx or one sentence, never a traceback."""

import hashlib
import hmac
import http.client
import socket
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest

from tests.slack_stand_in.pytest_plugin import ASKER_ID
from tests.support import REPO, SIGNING_SECRET, settings_env
from tests.test_http_process import free_port, running_app, start  # noqa: F401

pytestmark = pytest.mark.subprocess

MARK = "junk-marker-7f3a"


def post(
    url: str,
    body: bytes,
    *,
    path: str = "/slack/events",
    content_type: str = "application/x-www-form-urlencoded",
    signed: bool = True,
    timestamp: str | None = None,
    method: str = "POST",
) -> int:
    """Send raw bytes, signed over the bytes themselves, and return the HTTP status."""
    ts = timestamp if timestamp is not None else str(int(time.time()))
    headers = {"Content-Type": content_type, "Content-Length": str(len(body))}
    if signed:
        base = f"v0:{ts}:".encode() + body
        digest = hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
        headers |= {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}
    connection = http.client.HTTPConnection(urlsplit(url).netloc, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def refusals(log_text: str) -> list[str]:
    return [line for line in log_text.splitlines() if " refused " in line]


def test_junk_gets_a_4xx_and_one_short_line_each(running_app) -> None:  # noqa: F811
    url = running_app.url
    deep = b"[" * 100_000 + b"]" * 100_000
    cases = [
        ("no signature", 401, post(url, f"text={MARK}".encode(), signed=False)),
        ("stale signature", 401, post(url, f"text={MARK}".encode(), timestamp="1")),
        ("timestamp not a number", 400, post(url, f"text={MARK}".encode(), timestamp="soon")),
        ("unsigned, not UTF-8", 401, post(url, b"payload=\xff\xfe" + MARK.encode(), signed=False)),
        ("signed, not UTF-8", 400, post(url, b"payload=\xff\xfe" + MARK.encode())),
        ("payload not JSON", 400, post(url, f"payload={MARK}".encode())),
        ("unsigned JSON junk", 401, post(url, b"{" + MARK.encode(), signed=False)),
        ("JSON junk", 400, post(url, b"{" + MARK.encode(), content_type="application/json")),
        ("deeply nested JSON", 400, post(url, deep, content_type="application/json")),
        ("nested payload", 400, post(url, b"payload=" + deep)),
        ("GET", 405, post(url, b"", method="GET")),
        ("elsewhere", 404, post(url, b"", path="/admin")),
    ]
    assert [(name, status) for name, status, _ in cases] == [(name, got) for name, _, got in cases]

    time.sleep(0.3)
    log = running_app.log.read_text()
    assert "Traceback" not in log
    assert MARK not in log  # no body, whole or in part
    lines = refusals(log)
    assert len(lines) == len(cases), "\n".join(lines)
    assert all(len(line) < 200 for line in lines), "\n".join(lines)


def test_a_huge_body_is_refused_before_it_is_read(running_app) -> None:  # noqa: F811
    connection = http.client.HTTPConnection(urlsplit(running_app.url).netloc, timeout=10)
    try:
        connection.putrequest("POST", "/slack/events")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(64 * 1024 * 1024))
        connection.endheaders()  # and never send those 64 MiB
        assert connection.getresponse().status == 413
    finally:
        connection.close()
    assert "Traceback" not in running_app.log.read_text()


def test_nothing_a_client_sends_starts_a_log_line_of_its_own(running_app) -> None:  # noqa: F811
    forged = "/x%0D%0A2026-01-01%2000:00:00,000%20ERROR%20reciprocity:%20forged%1B[31m"
    assert post(running_app.url, b"", path=forged, signed=False) == 404
    time.sleep(0.3)
    log = running_app.log.read_text()
    assert not any(line.startswith("2026-01-01") for line in log.splitlines())
    assert "\x1b" not in log
    assert "\r" not in log
    (line,) = refusals(log)
    assert "\\r\\n2026-01-01" in line
    assert "\\x1b[31m" in line


def stopped_with(process: subprocess.Popen[bytes], log_path, timeout: float = 60) -> str:
    assert process.wait(timeout=timeout) == 2
    output = log_path.read_text()
    assert "Traceback" not in output
    return output


def test_a_taken_port_stops_the_app_with_one_sentence(fake_slack, tmp_path) -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = settings_env(fake_slack.base_url, f"sqlite:///{tmp_path / 'p.db'}", PORT=str(port))
        output = stopped_with(start(tmp_path, env), tmp_path / "app.log")
    assert f"reciprocity: port {port} is in use; set PORT" in output


def test_slack_failing_auth_test_is_not_called_a_bad_token(fake_slack, tmp_path) -> None:
    fake_slack.server_error("auth.test", status=503, times=3)  # every attempt the client makes
    env = settings_env(fake_slack.base_url, f"sqlite:///{tmp_path / 's.db'}", PORT="1")
    output = stopped_with(start(tmp_path, env), tmp_path / "app.log")
    assert "reciprocity: Slack answered auth.test" in output
    assert "HTTP 503" in output
    assert "refused" not in output


@pytest.mark.parametrize("url", ["mysql://u@h/d", "postgresql+asyncpg://u@h/d", "postgresql://h/d"])
def test_an_unsupported_database_driver_stops_the_app_with_one_sentence(tmp_path, url) -> None:
    env = settings_env("http://127.0.0.1:1/api/", url)
    result = subprocess.run(
        [sys.executable, str(REPO / "app.py")],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "SLACK_APP_TOKEN": "", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("reciprocity: DATABASE_URL names")
    assert "sqlite:///" in result.stderr
    assert "postgresql+psycopg://" in result.stderr
    assert ASKER_ID not in result.stderr
