"""Serve Slack's HTTP requests at /slack/events, with a health check at /healthz."""

import logging
import signal
import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    # A thread per request: one slow client must not hold up Slack's 3-second acks.
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)


def wsgi_app(app: App) -> Callable[..., Iterable[bytes]]:
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok\n"]
        return slack(environ, start_response)

    return application


def serve(app: App, host: str, port: int) -> None:
    server = make_server(
        host, port, wsgi_app(app), server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
    )

    def stop(_signum: int, _frame: object) -> None:
        # shutdown() waits for serve_forever to return, so it cannot run on the serving thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("Reciprocity is listening on http://%s:%s%s", host, server.server_port, EVENTS_PATH)
    try:
        server.serve_forever()
    finally:
        server.server_close()
