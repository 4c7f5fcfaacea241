"""Serve Slack's HTTP requests at /slack/events, with a liveness check at /healthz and a
readiness check at /readyz (whether the database answers).

The request hygiene lives in the WSGI application, not the server, so it holds under any WSGI
server: what is not a signed, well-formed POST from Slack is refused with a 4xx and one short log
line before Bolt sees it, and no body is ever logged.
"""

import io
import logging
import signal
import threading
from collections.abc import Callable, Iterable
from http import HTTPStatus
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
# Slack's requests are a few kilobytes (a modal's whole state is the largest); 1 MiB leaves room
# for any of them and keeps a stranger from holding a thread and memory with a huge body.
MAX_BODY_BYTES = 1024 * 1024

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    # A thread per request: one slow client must not hold up Slack's 3-second acks.
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)


class _Refused(Exception):
    def __init__(self, status: HTTPStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def wsgi_app(app: App, signing_secret: str, ready: Callable[[], bool]) -> WsgiApp:
    """`ready` says whether the database answers: while it does not, /readyz answers 503, so a
    load balancer can hold traffic back, while /healthz still says the process is alive."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)
    verifier = SignatureVerifier(signing_secret)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz":
            return _reply(start_response, HTTPStatus.OK, b"ok\n")
        if path == "/readyz":
            if ready():
                return _reply(start_response, HTTPStatus.OK, b"ready\n")
            return _reply(start_response, HTTPStatus.SERVICE_UNAVAILABLE, b"database unreachable\n")
        try:
            _check_signed_request(environ, path, verifier)
            try:
                return slack(environ, start_response)
            except (ValueError, RecursionError):
                # Bolt parses the body as it builds its request, before any listener runs: a
                # signed body that is not the JSON it claims (or nests too deep) fails here.
                raise _Refused(HTTPStatus.BAD_REQUEST, "body is not the JSON Slack sends") from None
        except _Refused as refusal:
            log.info(
                "refused %s %s from %s: %s",
                environ.get("REQUEST_METHOD"),
                path,
                environ.get("REMOTE_ADDR", "?"),
                refusal.reason,
            )
            headers = [("Allow", "POST")] if refusal.status == HTTPStatus.METHOD_NOT_ALLOWED else []
            return _reply(start_response, refusal.status, refusal.status.phrase.encode(), headers)

    return application


def _check_signed_request(environ: dict[str, Any], path: str, verifier: SignatureVerifier) -> None:
    """Raise _Refused unless this is a POST to the events path with a body of a sane size, a
    valid Slack signature and UTF-8 text; leave the body readable again for Bolt."""
    if path != EVENTS_PATH:
        raise _Refused(HTTPStatus.NOT_FOUND, "no such path")
    if environ.get("REQUEST_METHOD") != "POST":
        raise _Refused(HTTPStatus.METHOD_NOT_ALLOWED, "not a POST")
    length_text = environ.get("CONTENT_LENGTH") or "0"
    if not length_text.isdigit():
        raise _Refused(HTTPStatus.BAD_REQUEST, "malformed Content-Length")
    length = int(length_text)
    if length > MAX_BODY_BYTES:
        raise _Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"body of {length} bytes")
    body = environ["wsgi.input"].read(length)
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
    signature = environ.get("HTTP_X_SLACK_SIGNATURE")
    if timestamp is None or signature is None:
        raise _Refused(HTTPStatus.UNAUTHORIZED, "not signed")
    if not timestamp.isdigit():
        raise _Refused(HTTPStatus.BAD_REQUEST, "malformed X-Slack-Request-Timestamp")
    try:
        # Slack only sends UTF-8 (and the verifier decodes the body to check it).
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _Refused(HTTPStatus.BAD_REQUEST, "body is not UTF-8") from None
    if not verifier.is_valid(body=text, timestamp=timestamp, signature=signature):
        raise _Refused(HTTPStatus.UNAUTHORIZED, "bad or stale signature")
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))


def _reply(
    start_response: Callable[..., Any],
    status: HTTPStatus,
    body: bytes,
    headers: list[tuple[str, str]] | None = None,
) -> list[bytes]:
    start_response(
        f"{status.value} {status.phrase}",
        [("Content-Type", "text/plain"), ("Content-Length", str(len(body))), *(headers or [])],
    )
    return [body]


def bind(
    app: App, host: str, port: int, signing_secret: str, ready: Callable[[], bool]
) -> WSGIServer:
    """The server, bound and ready to serve; raises OSError (EADDRINUSE) when the port is taken,
    before anything else in the process has started."""
    return make_server(
        host,
        port,
        wsgi_app(app, signing_secret, ready),
        server_class=_ThreadingWSGIServer,
        handler_class=_QuietHandler,
    )


def serve(server: WSGIServer) -> None:
    def stop(_signum: int, _frame: object) -> None:
        # shutdown() waits for serve_forever to return, so it cannot run on the serving thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    host, port = server.server_address[:2]
    log.info("Reciprocity is listening on http://%s:%s%s", host, port, EVENTS_PATH)
    try:
        server.serve_forever()
    finally:
        server.server_close()
