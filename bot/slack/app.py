"""Build the Bolt app and what its listeners share, from settings and a session factory."""

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock, utc_now
from bot.config import Settings
from bot.services import inbox
from bot.services.submissions import watch_submissions
from bot.slack.deps import Deps
from bot.slack.gateway import SlackGateway
from bot.slack.listeners import register_listeners
from bot.slack.listeners.acted import team_of
from bot.slack.listeners.events.reactions import offer_reaction
from db.engine import unreachable

log = logging.getLogger(__name__)

# Bolt runs each listener on this pool and acks only once the listener has started and called
# ack(), so a pool full of listeners waiting on a slow Slack (up to the client's 10 s timeout,
# plus a Retry-After of at most 10 s) would leave new requests unacked past Slack's 3 seconds.
# Bolt's default is 5; 32 threads lets that many listeners wait out a slow Slack while new
# requests are still acked at once. The threads mostly wait on sockets, so they cost only memory.
LISTENER_THREADS = 32


def build_deps(
    settings: Settings, sessions: sessionmaker[Session], client: WebClient, clock: Clock = utc_now
) -> Deps:
    return Deps(
        settings=settings,
        sessions=sessions,
        clock=clock,
        slack=SlackGateway(client, settings.help_channel, settings.offer_emojis[0]),
    )


def quiet_slack_loggers() -> None:
    """slack_sdk and Bolt log every request and payload at DEBUG: channels, user ids, message
    text. That would put anonymous askers' ids in the logs, so their loggers stop at INFO."""
    for name in ("slack_sdk", "slack_bolt"):
        logger = logging.getLogger(name)
        logger.setLevel(max(logger.level, logging.INFO))


def build_app(deps: Deps, client: WebClient, *, process_before_response: bool = False) -> App:
    """`process_before_response=True` runs each listener to the end before the response is
    returned (deterministic tests, FaaS); the default acks first and works in the background.
    Raises slack_bolt's BoltError when Slack refuses the token (Bolt calls auth.test)."""
    quiet_slack_loggers()
    app = App(
        signing_secret=deps.settings.signing_secret,
        client=client,
        process_before_response=process_before_response,
        # Under slack_bolt, so the DEBUG cap above covers Bolt's own lines about payloads.
        logger=logging.getLogger("slack_bolt.reciprocity"),
        listener_executor=ThreadPoolExecutor(LISTENER_THREADS, thread_name_prefix="listener"),
    )

    @app.middleware
    def refuse_other_workspaces(
        context: BoltContext, body: dict[str, Any], next: Callable[[], None]
    ) -> BoltResponse | None:
        # One bot token serves one workspace (auth.test names it): a signed payload naming
        # another is acknowledged, so Slack does not retry it, and goes no further.
        own = context.authorize_result.team_id if context.authorize_result else None
        named = {team for team in (context.team_id, team_of(body)) if team}
        if own and named - {own}:
            log.warning("refused a request for another workspace: %r", sorted(named - {own}))
            return BoltResponse(status=200, body="")
        next()
        return None

    @app.middleware
    def provide_deps(context: BoltContext, next: Callable[[], None]) -> None:
        # Only what is shared and long-lived: a session opened here would be closed before the
        # listener runs, so listeners open their own with deps.sessions().
        context["deps"] = deps
        next()

    @app.middleware
    def record_events(
        context: BoltContext, body: dict[str, Any], next: Callable[[], None]
    ) -> BoltResponse | None:
        # Bolt acknowledges an event as soon as the middleware has run, before its listener
        # does, and Slack never sends an acknowledged event again: so it is recorded here, in
        # a session closed before next(), and not acknowledged when it cannot be.
        received = offer_reaction(body, context)
        if received is None or not received.event_id:
            next()
            return None
        try:
            with deps.sessions() as session:
                new = inbox.record(session, received, clock=deps.clock)
        except SQLAlchemyError as error:
            if not unreachable(error):
                raise
            log.warning(
                "%s event %s not recorded, the database is out of reach (%s): "
                "answered 503 so that Slack sends it again",
                received.kind,
                received.event_id,
                type(error).__name__,
            )
            return BoltResponse(status=503, body="")
        if not new:
            log.info("%s event %s sent again: recorded already", received.kind, received.event_id)
            return BoltResponse(status=200, body="")
        next()
        return None

    watch_submissions()
    register_listeners(app)

    @app.error
    def log_unhandled(error: Exception, body: dict[str, Any]) -> None:
        # Neither the sender nor the payload: for an anonymous ask the sender is the asker.
        kind = body.get("type") or body.get("command") or "request"
        log.error("unhandled error in %s", kind, exc_info=error)

    return app
