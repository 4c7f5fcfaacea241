"""Engines and sessions. Callers own transactions; nothing here commits."""

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    sqlite = make_url(url).get_backend_name() == "sqlite"
    if sqlite:
        # A file has no server connection to go stale: a ping per checkout is pure cost on the
        # submission's path (two checkouts each).
        kwargs.pop("pool_pre_ping", None)
    # SQLAlchemy writes a failed statement's bound values into its exception's message, and that
    # message reaches the logs: for an anonymous ask they include the asker's id.
    engine = create_engine(url, hide_parameters=True, **kwargs)
    if sqlite:
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; let SQLAlchemy
        # emit BEGIN itself (the documented pysqlite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        # WAL lets readers run beside the one writer; NORMAL is durable across app crashes.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front: two listener threads that read then write would
        # otherwise deadlock on the lock upgrade and one would fail with "database is locked".
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_session_factory(engine: Engine) -> sessionmaker[Session]:
    # Objects stay readable after commit: services commit before each Slack call and then render
    # what they just stored without a second round trip.
    return sessionmaker(engine, expire_on_commit=False)


def reachability_probe(engine: Engine, timeout: float = 2.0) -> Callable[[], bool]:
    """A check that a `SELECT 1` on the engine answers within `timeout` seconds. The query runs
    on a thread of its own, so a server that never answers costs the caller only the timeout;
    while that query still hangs, later checks wait for it rather than start another."""
    idle = threading.Lock()

    def reachable() -> bool:
        if not idle.acquire(timeout=timeout):
            return False
        answered = threading.Event()

        def select_one() -> None:
            try:
                # The DBAPI connection itself: a Connection would begin a transaction, which on
                # SQLite takes the write lock (BEGIN IMMEDIATE) and waits behind any writer.
                connection = engine.raw_connection()
                try:
                    cursor = connection.cursor()
                    cursor.execute("SELECT 1")
                    cursor.close()
                finally:
                    connection.close()
                answered.set()
            except Exception:
                pass  # unreachable: the caller sees no answer
            finally:
                idle.release()

        threading.Thread(target=select_one, name="db-probe", daemon=True).start()
        return answered.wait(timeout)

    return reachable


def unreachable(error: BaseException) -> bool:
    """The database could not be reached, or dropped the connection: worth trying again soon."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated
