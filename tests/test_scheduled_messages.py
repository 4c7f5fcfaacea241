"""Scheduled messages from structure to Slack: every nudge and digest kind renders to Block Kit
Slack accepts, survives the outbox's JSON, and messages planned before the outbox stored
structure are still sent as planned."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import MetaData, Table, select

from bot.domain import digests as dg
from bot.domain import nudges as nd
from bot.domain.message import Link, Message, Prerendered, from_json, line, message, to_json
from bot.domain.outbox import CHANNEL_DIGEST, DIGEST_PREVIEW, PERSONAL_DIGEST, OutboxStatus
from bot.domain.requests import RequestStatus
from bot.slack.blocks.scheduled import mrkdwn, scheduled_message
from db.engine import create_db_engine
from db.migrate import downgrade, upgrade
from tests.slack_stand_in.contract import check_blocks
from tests.support import scratch_database

NOW = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
FACTS = nd.WorkspaceFacts(40, 0.9, timedelta(minutes=95))
NO_FACTS = nd.WorkspaceFacts(3, None, None)

REQUEST = nd.OpenRequest(
    id=7,
    asker_id="UASK",
    what="Review <my> Q&A doc before *Friday*",
    topic_id=None,
    keys=frozenset(),
    needed_by=NOW + timedelta(hours=20),
    posted_at=NOW - timedelta(hours=3),
    offers=0,
    channel="C0HELP",
    permalink="https://example.slack.com/archives/C0HELP/p7",
)
UNLINKED = nd.OpenRequest(**{**REQUEST.__dict__, "id": 8, "permalink": None})


def every_message() -> list[tuple[str, Message]]:
    nudges = [
        (nd.NudgeKind.DEADLINE_SOON, nd.deadline_soon_message(REQUEST, NOW, BERLIN)),
        (
            nd.NudgeKind.MATCHING_REQUESTS,
            nd.matching_requests_message([REQUEST, UNLINKED], NOW, BERLIN),
        ),
        (nd.NudgeKind.RECIPROCITY, nd.reciprocity_message(4)),
        (nd.NudgeKind.START_SMALL, nd.start_small_message(3)),
        (nd.NudgeKind.PEOPLE_SAY_YES, nd.people_say_yes_message(FACTS, 20, 1)),
        (nd.NudgeKind.PEOPLE_SAY_YES, nd.people_say_yes_message(NO_FACTS, 20, 1)),
    ]
    assert {kind for kind, _ in nudges} == set(nd.NudgeKind)
    open_item = dg.OpenItem(7, REQUEST.what, REQUEST.permalink, REQUEST.needed_by)
    channel = dg.channel_digest(
        dg.ChannelWeek("C0HELP", 5, 4, 3, [open_item], [dg.Thanked("UANA", 2)]), FACTS
    )
    personal = dg.personal_digest(
        dg.PersonalWeek(
            user_id="UME",
            asked=[dg.AskedItem(1, "A <b> & c", RequestStatus.OPEN)],
            helped=[dg.HelpedItem(2, "Postgres index")],
            thanks=[dg.ThanksItem("UANA", "You saved my demo <3"), dg.ThanksItem(None, None)],
            matching=[open_item],
        )
    )
    helper = dg.personal_digest(dg.PersonalWeek("UME", [], [dg.HelpedItem(2, "x")], [], []))
    assert channel is not None
    assert personal is not None
    assert helper is not None
    return [
        *((kind.value, body) for kind, body in nudges),
        (CHANNEL_DIGEST, channel.message),
        (PERSONAL_DIGEST, personal.message),
        (PERSONAL_DIGEST, helper.message),
        (DIGEST_PREVIEW, dg.preview([("C0HELP", channel)])),
        (DIGEST_PREVIEW, dg.preview([])),
    ]


@pytest.mark.parametrize(("kind", "body"), every_message())
def test_every_kind_renders_to_blocks_slack_accepts(kind: str, body: Message) -> None:
    text, blocks = scheduled_message(kind, body)
    assert text
    assert check_blocks("chat.postMessage", blocks, limit=50) == []


@pytest.mark.parametrize(("kind", "body"), every_message())
def test_every_kind_survives_the_outbox(kind: str, body: Message) -> None:
    assert from_json(to_json(body)) == body


def test_typed_text_is_escaped_and_references_are_markup() -> None:
    text = mrkdwn(nd.matching_requests_message([REQUEST, UNLINKED], NOW, BERLIN))
    assert "<https://example.slack.com/archives/C0HELP/p7|Review &lt;my&gt; Q&amp;A doc" in text
    assert "• Review &lt;my&gt; Q&amp;A doc before *Friday* in <#C0HELP>" in text
    digest = dg.channel_digest(
        dg.ChannelWeek("C0HELP", 1, 0, 0, [], [dg.Thanked("UANA", 1)]), FACTS
    )
    assert digest is not None
    assert "Thank you to <@UANA> for helping this week." in mrkdwn(digest.message)


def test_an_odd_permalink_is_shown_as_its_label() -> None:
    body = message((line(Link("https://x.example/a b", "Open <it>")),))
    assert mrkdwn(body) == "Open &lt;it&gt;"


def test_messages_planned_before_0006_are_sent_as_planned_and_downgrade_back(
    tmp_path,
) -> None:
    legacy = "Hello <@UASK>.\n\n*Your week*\n• A &amp; B"
    planned = message((line("Hi ", nd.ASK),))
    with scratch_database(tmp_path) as url:
        engine = create_db_engine(url)
        try:
            upgrade(engine, "0005")
            row = {
                "team_id": "T1",
                "kind": "start_small",
                "target": "UASK",
                "period": "2026-W48",
                "status": OutboxStatus.PENDING.value,
                "attempts": 0,
                "next_attempt_at": NOW,
                "created_at": NOW,
            }
            with engine.begin() as connection:
                outbox = Table("outbox", MetaData(), autoload_with=connection)
                connection.execute(outbox.insert().values(key="a", text=legacy, **row))

            upgrade(engine)
            with engine.begin() as connection:
                outbox = Table("outbox", MetaData(), autoload_with=connection)
                (payload,) = connection.execute(select(outbox.c.payload)).scalars()
                connection.execute(outbox.insert().values(key="b", payload=to_json(planned), **row))
            migrated = from_json(payload)
            assert migrated == message((line(Prerendered(legacy)),))
            assert scheduled_message("start_small", migrated)[0] == legacy

            downgrade(engine, "0005")
            with engine.begin() as connection:
                outbox = Table("outbox", MetaData(), autoload_with=connection)
                texts = dict(connection.execute(select(outbox.c.key, outbox.c.text)).all())
            assert texts == {"a": legacy, "b": mrkdwn(planned)}
        finally:
            engine.dispose()
