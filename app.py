"""Reciprocity's composition root: settings, database, Slack app, scheduler, then serve."""

import errno
import gc
import logging
import signal
import sys
import threading

from apscheduler.schedulers.background import BackgroundScheduler
from dotenv import load_dotenv
from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.config import SettingsError, load_settings
from bot.logs import configure_logging
from bot.scheduler import build_scheduler
from bot.slack.app import build_app, build_deps
from bot.slack.client import build_web_client
from bot.slack.http import bind, serve
from db.engine import create_db_engine, create_session_factory, reachability_probe
from db.migrate import upgrade


def main() -> int:
    load_dotenv()
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"reciprocity: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)

    engine = create_db_engine(settings.database_url, pool_pre_ping=True)
    try:
        upgrade(engine)
    except SQLAlchemyError as error:
        print(
            f"reciprocity: could not migrate the database at DATABASE_URL "
            f"({engine.url.render_as_string(hide_password=True)}): {error.__class__.__name__}: "
            f"{error.orig if hasattr(error, 'orig') else error}",
            file=sys.stderr,
        )
        return 2

    client = build_web_client(settings)
    deps = build_deps(settings, create_session_factory(engine), client)
    try:
        app = build_app(deps, client)
    except BoltError as error:
        # Bolt raises BoltError for any failed auth.test; only an answered one judges the token.
        failed = error.__context__
        if isinstance(failed, SlackApiError) and failed.response.status_code != 200:
            print(
                f"reciprocity: Slack answered auth.test at SLACK_API_URL ({settings.api_url}) "
                f"with HTTP {failed.response.status_code}, so the token could not be checked; "
                "Slack may be having trouble (https://slack-status.com): start again shortly.",
                file=sys.stderr,
            )
            return 2
        print(
            f"reciprocity: Slack refused SLACK_BOT_TOKEN ({error}); reinstall the app and copy "
            "the Bot User OAuth Token from OAuth & Permissions at https://api.slack.com/apps.",
            file=sys.stderr,
        )
        return 2
    except (SlackClientError, OSError) as error:
        print(
            f"reciprocity: could not reach Slack at SLACK_API_URL ({settings.api_url}): {error}",
            file=sys.stderr,
        )
        return 2

    server = None
    if settings.app_token is None and settings.scheduler != "only":
        # Bound before the scheduler starts: a second copy started by mistake stops here instead
        # of running the jobs beside the first.
        try:
            ready = reachability_probe(engine)
            server = bind(app, "0.0.0.0", settings.port, settings.signing_secret, ready)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                why = f"port {settings.port} is in use; set PORT to a free port, or stop what is "
                why += "listening there (another copy of the app?)."
            else:
                why = f"could not listen on port {settings.port} ({error.strerror}); set PORT."
            print(f"reciprocity: {why}", file=sys.stderr)
            return 2

    scheduler = build_scheduler(deps)
    # Everything built so far lives as long as the process: move it out of the collector's
    # reach, so a full collection during a request no longer walks SQLAlchemy's and Bolt's
    # object graphs (the longest pauses in the submission's tail).
    gc.collect()
    gc.freeze()
    if settings.scheduler == "only":
        return run_jobs_only(scheduler, engine)
    if settings.scheduler == "embedded":
        scheduler.start()
    try:
        if server is not None:
            serve(server)
        else:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            SocketModeHandler(app, settings.app_token).start()
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
        engine.dispose()
    return 0


def run_jobs_only(scheduler: BackgroundScheduler, engine: Engine) -> int:
    """SCHEDULER=only: the background jobs alone, for deployments with several web processes
    (run those with SCHEDULER=off). Stops cleanly on SIGTERM or Ctrl-C."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    scheduler.start()
    logging.getLogger("reciprocity").info("running the background jobs only")
    try:
        stop.wait()
    finally:
        # Let a job finish its message: the outbox claim would otherwise go stale and wait.
        scheduler.shutdown(wait=True)
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
