"""What the benchmarks share: their command line, the databases they measure (a SQLite file or a
private PostgreSQL schema, migrated), the app as app.py builds it against the fake Slack, bulk
loading of generated workspaces, statement counting, percentiles, and the JSON file each writes
its figures to, with when and where they were measured.

Run the benchmarks as modules from the repository root: `.venv/bin/python -m bench.bench_ask`.
"""

import argparse
import json
import logging
import math
import os
import platform
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any, TypeVar

from slack_bolt import App
from slack_bolt.listener.listener_completion_handler import ListenerCompletionHandler
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from sqlalchemy import Engine, Table, create_engine, event, text

from bot.config import load_settings
from bot.domain.requests import HelpKind, RequestSize
from bot.slack.app import build_app, build_deps
from bot.slack.blocks import ids
from bot.slack.client import build_web_client
from db.engine import create_db_engine, create_session_factory
from db.migrate import upgrade
from tests.slack_stand_in.driver import SlackDriver
from tests.slack_stand_in.fake_slack import FakeSlack, JsonDict
from tests.slack_stand_in.pytest_plugin import BOT_TOKEN, BOT_USER_ID, TEAM_ID, seed_workspace
from tests.support import SIGNING_SECRET, private_schema, settings_env

NS_PER_MS = 1_000_000
# A listener that has not finished by then is stuck, not slow.
WAIT_TIMEOUT_S = 10.0
RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_CACHE = Path("/tmp/reciprocity-bench")
DATABASES = ("sqlite", "postgresql")

# --- Command line ---------------------------------------------------------------------------------


def parser(doc: str | None, name: str) -> argparse.ArgumentParser:
    """The options every benchmark takes; `name` names its results file."""
    found = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    found.add_argument(
        "--json",
        type=Path,
        default=RESULTS / f"{name}.json",
        help=f"where to write the figures (default: bench/results/{name}.json)",
    )
    return found


def add_database_args(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument("--database", choices=(*DATABASES, "both"), default=default)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG),
        help="PostgreSQL to make private schemas in (BENCH_DATABASE_URL, else the local test)",
    )


def add_rounds_args(
    parser: argparse.ArgumentParser, unit: str, iterations: int, warmup: int, batch: int
) -> None:
    """The sizes of an interleaved latency run: timed rounds per `unit`, warm-up, batches."""
    parser.add_argument(
        "--iterations", type=int, default=iterations, help=f"timed rounds per {unit}"
    )
    parser.add_argument(
        "--warmup", type=int, default=warmup, help=f"untimed rounds per {unit} first"
    )
    parser.add_argument(
        "--batch", type=int, default=batch, help=f"rounds per {unit} before switching"
    )


def add_workspace_args(parser: argparse.ArgumentParser, people: int, requests: int) -> None:
    """The sizes and seed of a generated workspace, and where SQLite copies of it are cached."""
    parser.add_argument("--people", type=int, default=people)
    parser.add_argument("--requests", type=int, default=requests)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="SQLite cache dir")


def parse(parser: argparse.ArgumentParser) -> argparse.Namespace:
    args = parser.parse_args()
    if getattr(args, "iterations", 1) < 1 or getattr(args, "batch", 1) < 1:
        parser.error("--iterations and --batch must be positive")
    if getattr(args, "warmup", 0) < 0:
        parser.error("--warmup must not be negative")
    return args


def chosen_databases(args: argparse.Namespace) -> tuple[str, ...]:
    return DATABASES if args.database == "both" else (args.database,)


def latency_default_database() -> str:
    """The in-process latency benchmarks measure PostgreSQL too when BENCH_DATABASE_URL says
    where it is, as they always have."""
    return "both" if os.environ.get("BENCH_DATABASE_URL") else "sqlite"


# --- Where and when -------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlalchemy": version("sqlalchemy"),
        "slack_bolt": version("slack_bolt"),
        "slack_sdk": version("slack_sdk"),
    }


def machine_line(found: dict[str, Any]) -> str:
    return f"{found['cpus']} CPUs, Python {found['python']}, {found['platform']}"


def database_version(engine: Engine) -> str:
    if engine.dialect.name == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    with engine.connect() as conn:
        return f"PostgreSQL {conn.scalar(text('SHOW server_version'))}"


def write_results(path: Path, found: dict[str, Any], sizes: dict[str, Any], **figures: Any) -> None:
    """The figures, with the machine, the databases and the sizes they were measured at."""
    payload = {"machine": found, "sizes": sizes, **figures}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    print(f"wrote {path}")


# --- Databases ------------------------------------------------------------------------------------


@contextmanager
def scratch_url(name: str, work: Path, label: str, postgres_url: str) -> Iterator[str]:
    """An empty database: a new SQLite file `label`.db under `work`, or a private PostgreSQL
    schema (bench_<random>) dropped afterwards."""
    if name == "sqlite":
        yield f"sqlite:///{work / f'{label}.db'}"
        return
    with private_schema(postgres_url, prefix="bench") as url:
        yield url


def migrated_engine(url: str, **options: Any) -> Engine:
    engine = create_db_engine(url, **options)
    upgrade(engine)
    return engine


def vacuum_analyze(engine: Engine) -> float:
    """PostgreSQL's VACUUM ANALYZE, in seconds: years of autovacuum would have set the visibility
    map that index-only scans rely on; right after COPY it is empty."""
    began = time.monotonic()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
    return time.monotonic() - began


class BulkSink:
    """Where generated rows go, in one transaction: Core executemany on SQLite (no per-row round
    trip, no ORM unit of work), COPY on PostgreSQL (psycopg adapts the values row by row)."""

    def __init__(self, engine: Engine, sequences: Sequence[str]) -> None:
        self._conn = engine.connect()
        self._tx = self._conn.begin()
        self._copy = engine.dialect.name == "postgresql"
        self._sequences = sequences

    def write(self, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        if not self._copy:
            self._conn.execute(
                table.insert(), [dict(zip(columns, row, strict=True)) for row in rows]
            )
            return
        raw = self._conn.connection.driver_connection
        statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
            for row in rows:
                # COPY takes JSON columns as their text.
                copy.write_row([json.dumps(v) if isinstance(v, dict) else v for v in row])

    def finish(self) -> None:
        if self._copy:
            # Ids went in explicitly: move the sequences past them, as real inserts would have.
            for table in self._sequences:
                self._conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                    )
                )
        self._tx.commit()
        self._conn.close()


T = TypeVar("T")
Number = TypeVar("Number", int, float)


def build_sqlite_cache(path: Path, fill: Callable[[Engine], T]) -> tuple[T, float]:
    """A migrated SQLite file at `path` that `fill` loads, then ANALYZE (its seconds returned).
    It is written as `.partial` and renamed once complete, so an interrupted run never leaves a
    half-filled cache behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    url = f"sqlite:///{partial}"
    migrated_engine(url).dispose()
    # The app's engine would journal every page twice and sync; a bulk load needs neither.
    loader = create_engine(url)

    @event.listens_for(loader, "connect")
    def _fast(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-1000000"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    filled = fill(loader)
    began = time.monotonic()
    with loader.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    analyzed = time.monotonic() - began
    with loader.connect() as conn:
        # Back to the app's journal mode, so measuring starts from the file production would have.
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")
    loader.dispose()
    partial.rename(path)
    return filled, analyzed


class StatementCounter:
    """Counts the statements SQLAlchemy sends, the reads among them, and (when `timed`) the time
    spent in them; untimed, it adds nothing after a statement to what is measured."""

    def __init__(self, engine: Engine, *, timed: bool = False) -> None:
        self.statements = 0
        self.reads = 0
        self.sql_ns = 0
        self._began = 0
        event.listen(engine, "before_cursor_execute", self._before)
        if timed:
            event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.statements += 1
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            self.reads += 1
        self._began = time.perf_counter_ns()

    def _after(self, *_args: Any) -> None:
        self.sql_ns += time.perf_counter_ns() - self._began

    def reset(self) -> None:
        self.statements, self.reads, self.sql_ns = 0, 0, 0


# --- The app against the fake Slack ---------------------------------------------------------------


def log_to_file(path: Path) -> None:
    """Production logs at INFO (LOG_LEVEL's default); keep that cost, but off the terminal."""
    logging.basicConfig(
        level=logging.INFO,
        filename=path,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@dataclass(frozen=True)
class Stamp:
    method: str
    channel: str
    args: JsonDict
    arrived: int


class StampedSlack(FakeSlack):
    """The stand-in, noting when each Web API call reached it and where it was going. The
    dispatching thread sits in Bolt's ack poll, so when it wakes says nothing about when a
    listener's call went out; and the stamp is taken before the fake's own contract checks (2-3
    ms for a modal), which stand for Slack's side and are not the app's cost."""

    def _clear_run_state(self) -> None:
        super()._clear_run_state()
        self._stamps: list[Stamp] = []

    def _handle_api(self, method: str, args: JsonDict, headers: dict[str, str]) -> Any:
        arrived = time.perf_counter_ns()
        with self._lock:
            self._stamps.append(Stamp(method, str(args.get("channel") or ""), args, arrived))
        return super()._handle_api(method, args, headers)

    def arrived(self, method: str, nth: int) -> int:
        """perf_counter_ns when the `nth` (1-based) call to `method` since the reset arrived."""
        with self._lock:
            stamps = [stamp.arrived for stamp in self._stamps if stamp.method == method]
        return stamps[nth - 1]

    def mark(self) -> int:
        with self._lock:
            return len(self._stamps)

    def first(self, since: int, method: str, where: Callable[[Stamp], bool]) -> Stamp:
        """The first `method` call since `since` that `where` accepts."""
        with self._lock:
            stamps = self._stamps[since:]
        for stamp in stamps:
            if stamp.method == method and where(stamp):
                return stamp
        seen = [f"{s.method} -> {s.channel}" for s in stamps]
        raise RuntimeError(f"no matching {method} call; calls seen: {seen}")

    def last(self, since: int, method: str, where: Callable[[Stamp], bool]) -> Stamp:
        with self._lock:
            stamps = self._stamps[since:]
        found = [s for s in stamps if s.method == method and where(s)]
        if not found:
            raise RuntimeError(f"no matching {method} call since {since}")
        return found[-1]


@contextmanager
def seeded_slack() -> Iterator[StampedSlack]:
    """The stamped fake, running, with the tests' small workspace as what reset() returns to."""
    fake = StampedSlack(token=BOT_TOKEN, team_id=TEAM_ID, bot_user_id=BOT_USER_ID)
    with fake:
        seed_workspace(fake)
        fake.set_baseline()
        yield fake


class SignedRequests:
    """Stands in for the app under the driver, keeping the signed request it would have sent,
    so building and signing the payload (the driver's work, not the app's) stays out of the
    timing."""

    def __init__(self) -> None:
        self.last: tuple[str, dict[str, Any]] | None = None

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        self.last = (req.raw_body, dict(req.headers))
        return BoltResponse(status=200)

    def take(self) -> tuple[str, dict[str, Any]]:
        assert self.last is not None
        taken, self.last = self.last, None
        return taken


def signing_driver(fake: FakeSlack) -> tuple[SlackDriver, SignedRequests]:
    """A driver whose requests are signed and kept, to be dispatched once the clock runs."""
    signed = SignedRequests()
    driver = SlackDriver(
        SIGNING_SECRET,
        app=signed,  # type: ignore[arg-type]  # only .dispatch is used
        response_url_base=fake.response_url_base,
    )
    return driver, signed


class CompletionCounter(ListenerCompletionHandler):
    """Counts listeners that have returned: a measurement starts only once the previous
    request's listener has finished (closing its session, logging) on another core, and a
    round's result is read only after its listener."""

    def __init__(self) -> None:
        self._done = 0
        self._cond = threading.Condition()

    def handle(self, request: BoltRequest, response: BoltResponse | None) -> None:
        with self._cond:
            self._done += 1
            self._cond.notify_all()

    @property
    def done(self) -> int:
        with self._cond:
            return self._done

    def wait_for(self, count: int) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: self._done >= count, WAIT_TIMEOUT_S):
                raise RuntimeError(f"listeners did not finish: {self._done}/{count}")


@dataclass
class Contender:
    """An app under measurement, its completion count and the samples taken of it."""

    name: str
    app: App
    completions: CompletionCounter
    engine: Engine | None = None
    rounds: int = 0
    samples: dict[str, list[int]] = field(default_factory=dict)

    def keep(self, scenario: str, ns: int) -> None:
        self.samples.setdefault(scenario, []).append(ns)


def contender(name: str, app: App, engine: Engine | None = None) -> Contender:
    completions = CompletionCounter()
    # Replaces Bolt's no-op default; the same hook on every app, outside the timed path's work.
    app.listener_runner.listener_completion_handler = completions
    return Contender(name, app, completions, engine)


def build_ours(name: str, fake: FakeSlack, database_url: str) -> Contender:
    """The app as app.py builds it: production client, retries, pool_pre_ping, ack-then-work."""
    settings = load_settings(settings_env(fake.base_url, database_url, LOG_LEVEL="INFO"))
    engine = migrated_engine(settings.database_url, pool_pre_ping=True)
    client = build_web_client(settings)
    deps = build_deps(settings, create_session_factory(engine), client)
    app = build_app(deps, client, process_before_response=False)
    return contender(name, app, engine)


WHAT = (
    "Could someone review the retry logic in billing-sync PR #412: "
    "is backing off per customer enough?"
)
WHY = "It's the last blocker before Thursday's release to customers"


def smart_answers() -> dict[str, Any]:
    """A valid /ask submission that meets all five SMART criteria, so it posts without a review
    (as tests/test_ask_flow.py answers the modal)."""
    return {
        ids.WHAT_INPUT: WHAT,
        ids.WHY_INPUT: WHY,
        ids.KIND_INPUT: HelpKind.FEEDBACK.value,
        ids.SIZE_INPUT: RequestSize.HALF_HOUR.value,
        ids.NEEDED_BY_INPUT: int(time.time() + 7 * 86_400),  # realistic on any day of the week
    }


def latency_args(
    doc: str | None, name: str, unit: str, iterations: int, warmup: int
) -> argparse.Namespace:
    """The command line of an interleaved latency benchmark, parsed."""
    found = parser(doc, name)
    add_rounds_args(found, unit, iterations=iterations, warmup=warmup, batch=25)
    add_database_args(found, default=latency_default_database())
    return parse(found)


def latency_scene(stack: ExitStack, name: str) -> tuple[Path, StampedSlack]:
    """A temporary directory for the run's databases and log (logging goes there), and the
    seeded fake Slack, both closed with `stack`."""
    work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=f"bench-{name}-")))
    log_to_file(work / "bench.log")
    return work, stack.enter_context(seeded_slack())


def ours_on_each_database(
    stack: ExitStack, args: argparse.Namespace, fake: FakeSlack, work: Path, label: str = "{}"
) -> tuple[list[Contender], dict[str, str]]:
    """Our app on each chosen database (named `label` with the database's name), and each
    database's version by contender name."""
    contenders: list[Contender] = []
    versions: dict[str, str] = {}
    for name in chosen_databases(args):
        url = stack.enter_context(scratch_url(name, work, "bench", args.postgres_url))
        ours = build_ours(label.format(name), fake, url)
        assert ours.engine is not None
        versions[ours.name] = database_version(ours.engine)
        contenders.append(ours)
    return contenders, versions


def print_run(args: argparse.Namespace, unit: str, elapsed: float) -> dict[str, Any]:
    """Say how large and long an interleaved run was, and where: the machine, to record."""
    found = machine()
    print(
        f"{args.iterations} timed rounds per {unit} after {args.warmup} warm-up, batches of "
        f"{args.batch}; {elapsed:.1f} s; {machine_line(found)}"
    )
    return found


def write_latency_results(
    args: argparse.Namespace, found: dict[str, Any], elapsed: float, **figures: Any
) -> None:
    sizes = {"iterations": args.iterations, "warmup": args.warmup, "batch": args.batch}
    write_results(args.json, found, sizes, elapsed_s=elapsed, **figures)


def dispatch(app: App, signed: tuple[str, dict[str, Any]]) -> BoltResponse:
    body, headers = signed
    # The request object is built here, as an HTTP adapter builds it per request.
    return app.dispatch(BoltRequest(body=body, headers=headers))


def interleave(
    contenders: Sequence[Contender],
    args: argparse.Namespace,
    run_batch: Callable[[Contender, int, bool], None],
) -> float:
    """Warm-up for each, then `args.iterations` kept rounds in batches of `args.batch`, the first
    contender rotating each time so drift and noise fall on all alike. Returns the seconds."""
    started = time.monotonic()
    for each in contenders:
        run_batch(each, args.warmup, False)
    remaining, round_no = args.iterations, 0
    while remaining > 0:
        size = min(args.batch, remaining)
        shift = round_no % len(contenders)
        for each in [*contenders[shift:], *contenders[:shift]]:
            run_batch(each, size, True)
        remaining -= size
        round_no += 1
    return time.monotonic() - started


# --- Percentiles ----------------------------------------------------------------------------------


def percentile(ordered: Sequence[Number], p: float) -> Number:
    """Nearest-rank percentile of values sorted ascending."""
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def summarize(samples_ns: Sequence[int], points: Sequence[int] = (50, 90, 99)) -> dict[str, Any]:
    """The count, the given percentiles and the maximum, in milliseconds."""
    ordered = sorted(samples_ns)
    found: dict[str, Any] = {"n": len(ordered)}
    for p in points:
        found[f"p{p}"] = percentile(ordered, p) / NS_PER_MS
    found["max"] = ordered[-1] / NS_PER_MS
    return found


def print_table(
    label: str,
    contenders: Sequence[Contender],
    scenarios: Sequence[str],
    base: Contender | None = None,
) -> dict[str, Any]:
    """p50/p90/p99/max of each contender's scenarios, printed and returned by name; with a
    `base`, every other contender's p50 and p99 as a ratio to the base's too."""
    results: dict[str, Any] = {}
    width = max(len(s) for s in scenarios) + 2
    header = f"{label:<20} {'scenario':<{width}} {'p50':>7} {'p90':>7} {'p99':>7} {'max':>7}"
    if base is not None:
        header += f" {'p50 x':>6} {'p99 x':>6}"
    print(f"\nlatency in ms, from the signed request\n{header}\n{'-' * len(header)}")
    base_stats = {s: summarize(base.samples[s]) for s in scenarios} if base else {}
    for each in contenders:
        rows = results[each.name] = {s: summarize(each.samples[s]) for s in scenarios}
        for scenario, stats in rows.items():
            ratios = ""
            if base is not None and each is not base:
                stats["p50_ratio"] = stats["p50"] / base_stats[scenario]["p50"]
                stats["p99_ratio"] = stats["p99"] / base_stats[scenario]["p99"]
                ratios = f" {stats['p50_ratio']:>6.2f} {stats['p99_ratio']:>6.2f}"
            print(
                f"{each.name:<20} {scenario:<{width}} {stats['p50']:>7.2f} {stats['p90']:>7.2f}"
                f" {stats['p99']:>7.2f} {stats['max']:>7.2f}{ratios}"
            )
    return results
