"""What tests and benchmarks share besides fixtures: the signing secret, settings for a run,
scratch databases (a SQLite file or a private PostgreSQL schema), a clock that only moves when
told, and the steps and readings the flow tests have in common (filling in /ask, pressing a
button, reading what the fake Slack and the database hold). Benchmarks import this module;
nothing imports conftest."""

import contextlib
import json
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.domain.offers import EventKind, Route
from bot.domain.requests import HelpKind, RequestSize
from bot.slack.blocks import ids
from db.models import HelpRequest, Offer, RequestEvent
from tests.slack_stand_in.driver import DriverResponse, SlackDriver
from tests.slack_stand_in.fake_slack import Call, FakeSlack
from tests.slack_stand_in.pytest_plugin import ASKER_ID, BOT_TOKEN, BOT_USER_ID, HELP_CHANNEL_ID

SIGNING_SECRET = "8f742231b10e8888abcd99e0f1a2b3c4"
REPO = Path(__file__).resolve().parents[1]


def settings_env(api_url: str, database_url: str, **overrides: str) -> dict[str, str]:
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": database_url,
        "HELP_CHANNEL": HELP_CHANNEL_ID,
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


class CuttableLink:
    """A TCP relay to the database server that a test or a benchmark can cut: every connection
    through it drops at once and new ones are closed as they come, as when the server is out of
    reach."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            server = socket.create_connection(self.target)
            with self.lock:
                self.open += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.up = False
        with self.lock:
            for end in self.open:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
            self.open.clear()

    def close(self) -> None:
        self.cut()
        self.listener.close()


@contextmanager
def database_down(engine: Engine, touching: str | None = None) -> Iterator[None]:
    """Every statement (or each one naming the table `touching`) fails as when the server is
    out of reach; the test's own savepoints still work, so its transaction can be rolled back."""

    def refuse(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "SAVEPOINT" not in statement.upper() and (touching is None or touching in statement):
            raise OperationalError(statement, parameters, ConnectionRefusedError("refused"))

    event.listen(engine, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", refuse)


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


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


# -- the /ask form and the review ----------------------------------------------------------------

WHAT = "Could someone review my postgres migration that adds an index to the orders table?"
WHY = "It blocks Thursday's release to customers"
NO_OFFERS = "No offers yet"


def ask_form(clock: FakeClock, **changes: object) -> dict:
    """The /ask form filled in: a SMART request about databases, needed in two days."""
    return {
        ids.WHAT_INPUT: WHAT,
        ids.WHY_INPUT: WHY,
        ids.KIND_INPUT: HelpKind.FEEDBACK.value,
        ids.SIZE_INPUT: RequestSize.HALF_HOUR.value,
        ids.NEEDED_BY_INPUT: int((clock() + timedelta(days=2)).timestamp()),
        **changes,
    }


def review_of(fake: FakeSlack, view: dict, response: DriverResponse) -> dict:
    """The review that suggests helpers, as Slack shows it after the form's response."""
    body = response.json()
    assert body["response_action"] == "update", body
    return fake.apply_view_response(view["id"], body)


def send(
    fake: FakeSlack, driver: SlackDriver, view: dict, clock: FakeClock, route: Route, **changes
) -> None:
    """Submit the form, then choose `route` on the review that suggests helpers."""
    response = driver.view_submission(view, ask_form(clock, **changes), user_id=ASKER_ID)
    driver.view_submission(
        review_of(fake, view, response), {"route": route.value}, user_id=ASKER_ID
    )


# -- reading the fake Slack ----------------------------------------------------------------------


def shown(message: dict) -> str:
    """Everything a reader sees in a message: its fallback text and its blocks."""
    return message.get("text", "") + json.dumps(message.get("blocks") or [])


def post_of(fake: FakeSlack, request: HelpRequest) -> dict:
    return fake.messages[(request.posted_channel, request.posted_ts)]


def post_updates(fake: FakeSlack, request: HelpRequest) -> list[Call]:
    return [
        c
        for c in fake.calls_to("chat.update")
        if (c.args["channel"], c.args["ts"]) == (request.posted_channel, request.posted_ts)
    ]


def dms_to(fake: FakeSlack, user_id: str) -> list[Call]:
    return [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == user_id]


def direct_ask(fake: FakeSlack, helper: str) -> tuple[str, dict]:
    """The direct ask as the helper received it: (ts, message)."""
    dm = fake.dm_channel_id(helper)
    return next((ts, m) for (c, ts), m in fake.messages.items() if c == dm)


def holding(fake: FakeSlack, user_id: str, action_id: str) -> list[tuple[str, dict]]:
    """(ts, message) of each message in `user_id`'s DM with the app that has this button now."""
    dm = fake.dm_channel_id(user_id)
    return [
        (ts, message)
        for (channel, ts), message in fake.messages.items()
        if channel == dm and f'"action_id": "{action_id}"' in json.dumps(message.get("blocks"))
    ]


def ephemerals(fake: FakeSlack, user_id: str | None = None) -> list[str]:
    return [
        c.args["text"]
        for c in fake.calls_to("chat.postEphemeral")
        if user_id is None or c.args["user"] == user_id
    ]


def last_view(fake: FakeSlack) -> dict:
    return list(fake.views.values())[-1]


def notice_ref(fake: FakeSlack, ts: str) -> tuple[str, str]:
    """Where the asker's DM with the app holds the message `ts`."""
    return fake.dm_channel_id(ASKER_ID), ts


# -- what people do in Slack ---------------------------------------------------------------------


def press(
    driver: SlackDriver, fake: FakeSlack, user_id: str, action_id: str, channel: str, ts: str
) -> DriverResponse:
    """`user_id` presses the button `action_id` in the stored message at (channel, ts)."""
    message = fake.messages[(channel, ts)]
    return driver.block_action(
        action_id, user_id=user_id, message={**message, "ts": ts}, channel_id=channel
    )


def press_in_dm(
    driver: SlackDriver, fake: FakeSlack, owner: str, action_id: str, user_id: str | None = None
) -> str:
    """Press `action_id` in the one message of `owner`'s DM that has it (as `user_id`)."""
    (ts, _message), *rest = holding(fake, owner, action_id)
    assert not rest, f"several messages in {owner}'s DM have {action_id}"
    press(driver, fake, user_id or owner, action_id, fake.dm_channel_id(owner), ts)
    return ts


def answer_direct_ask(driver: SlackDriver, fake: FakeSlack, helper: str, action_id: str) -> str:
    """`helper` presses `action_id` (*I can help*, *Not this time*) on their direct ask."""
    ts, _message = direct_ask(fake, helper)
    press(driver, fake, helper, action_id, fake.dm_channel_id(helper), ts)
    return ts


def offer_by_button(
    driver: SlackDriver, fake: FakeSlack, request: HelpRequest, helper: str
) -> DriverResponse:
    return press(
        driver, fake, helper, ids.OFFER_FROM_POST, request.posted_channel, request.posted_ts
    )


def reaction(
    user_id: str,
    request: HelpRequest,
    name: str = "raising_hand",
    *,
    removed: bool = False,
    ts: str | None = None,
    kind: str = "message",
) -> dict:
    """A reaction_added / reaction_removed event, shaped as Slack sends it."""
    return {
        "type": "reaction_removed" if removed else "reaction_added",
        "user": user_id,
        "reaction": name,
        "item_user": BOT_USER_ID,
        "item": {"type": kind, "channel": request.posted_channel, "ts": ts or request.posted_ts},
    }


def use_menu(
    driver: SlackDriver, fake: FakeSlack, user_id: str, choice: str, request: HelpRequest
) -> DriverResponse:
    return driver.block_action(
        ids.REQUEST_MENU,
        user_id=user_id,
        selected=f"{choice}:{request.id}",
        message={**post_of(fake, request), "ts": request.posted_ts},
        channel_id=request.posted_channel,
    )


def resolve_form(
    driver: SlackDriver, fake: FakeSlack, request: HelpRequest, user_id: str = ASKER_ID
) -> dict:
    before = len(fake.calls_to("views.open"))
    use_menu(driver, fake, user_id, ids.MENU_RESOLVE, request)
    assert len(fake.calls_to("views.open")) == before + 1
    form = last_view(fake)
    assert form["callback_id"] == ids.RESOLVE_MODAL
    return form


def note_for(helper: str) -> str:
    """The resolve form's input for the thank-you note to `helper`."""
    return f"{ids.THANKS_BLOCK_PREFIX}{helper}.{ids.THANKS_INPUT}"


# -- reading the database ------------------------------------------------------------------------


def the_request(session: Session) -> HelpRequest:
    session.expire_all()
    (request,) = session.scalars(select(HelpRequest)).all()
    return request


def requests(session: Session) -> list[HelpRequest]:
    session.expire_all()
    return list(session.scalars(select(HelpRequest).order_by(HelpRequest.id)))


def offers(session: Session) -> list[Offer]:
    session.expire_all()
    return list(session.scalars(select(Offer).order_by(Offer.id)))


def offer_of(session: Session, helper: str) -> Offer:
    return next(o for o in offers(session) if o.helper_id == helper)


def events(session: Session, request_id: int) -> list[RequestEvent]:
    session.expire_all()
    return list(
        session.scalars(
            select(RequestEvent)
            .where(RequestEvent.request_id == request_id)
            .order_by(RequestEvent.created_at, RequestEvent.id)
        )
    )


def kinds(session: Session, request_id: int) -> list[EventKind]:
    return [e.kind for e in events(session, request_id)]


# -- App Home ------------------------------------------------------------------------------------


def open_home(
    driver: SlackDriver,
    user_id: str,
    *,
    tab: str = "home",
    retry_num: int | None = None,
    event_id: str | None = None,
) -> DriverResponse:
    # Shaped as Slack sends it (java_json_logs/events/AppHomeOpenedPayload.json).
    response = driver.event(
        {
            "type": "app_home_opened",
            "user": user_id,
            "channel": "D0APPHOME",
            "tab": tab,
        },
        retry_num=retry_num,
        event_id=event_id,
    )
    assert response.status == 200
    return response


def published(fake: FakeSlack, user_id: str) -> list[dict]:
    return [c.args["view"] for c in fake.calls_to("views.publish") if c.args["user_id"] == user_id]


def home_of(driver: SlackDriver, fake: FakeSlack, user_id: str) -> dict:
    open_home(driver, user_id)
    views = published(fake, user_id)
    assert views, f"no Home published for {user_id}"
    return views[-1]


def text_of(view: dict) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def headers(view: dict) -> list[str]:
    return [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]


def opened(fake: FakeSlack, callback_id: str) -> dict:
    """The last modal opened with this callback id, as Slack holds it (with its view id)."""
    found = [v for v in fake.views.values() if v["callback_id"] == callback_id]
    assert found, f"no {callback_id} modal was opened"
    return found[-1]
