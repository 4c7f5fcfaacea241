"""The outbox: planned once per key, sent once, retried with backoff, given up on permanent
errors, and recovered after a sender died mid-send, against the fake Slack."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.domain.message import Mention, from_json, line, message, to_json
from bot.domain.outbox import BACKOFF, PERSONAL_DIGEST, OutboxStatus, outbox_key
from bot.services import outbox
from bot.slack.blocks import ids
from bot.slack.blocks.scheduled import key_of
from db import outbox_queries as oq
from db.models import OutboxMessage
from tests.slack_stand_in.pytest_plugin import ASKER_ID, HELP_CHANNEL_ID, HELPER_1_ID, TEAM_ID


class NoSleep:
    def __init__(self) -> None:
        self.slept = 0.0
        self.now = 0.0

    def sleep(self, seconds: float) -> None:
        self.slept += seconds
        self.now += seconds

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def pacer() -> outbox.Pacer:
    clock = NoSleep()
    return outbox.Pacer(per_second=10, sleep=clock.sleep, monotonic=clock.monotonic)


def row(clock, target: str, kind: str = "start_small", period: str = "2026-W48") -> dict:
    return {
        "team_id": TEAM_ID,
        "key": outbox_key(kind, target, period),
        "kind": kind,
        "target": target,
        "period": period,
        "payload": to_json(
            message((line("Hello ", Mention(target), "."),), (line("A second paragraph."),))
        ),
        "status": OutboxStatus.PENDING,
        "next_attempt_at": clock(),
        "created_at": clock(),
    }


def messages(session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def posts_to(fake_slack, target: str) -> list:
    """Messages Slack holds in the conversation with `target` (failed calls hold none)."""
    channel = fake_slack.dm_channel_id(target) if target[0] == "U" else target
    return [m for (where, _), m in fake_slack.messages.items() if where == channel]


def test_a_key_is_planned_once(session, clock) -> None:
    assert oq.enqueue(session, [row(clock, ASKER_ID), row(clock, HELPER_1_ID)]) == 2
    assert oq.enqueue(session, [row(clock, ASKER_ID), row(clock, ASKER_ID, period="2026-W49")]) == 1
    session.commit()
    assert len(messages(session)) == 3


def test_due_messages_are_sent_once_with_their_key_and_buttons(
    session, deps, fake_slack, clock, pacer
) -> None:
    oq.enqueue(session, [row(clock, ASKER_ID), row(clock, HELPER_1_ID, kind=PERSONAL_DIGEST)])
    session.commit()

    report = outbox.send_due(session, deps.slack, clock=clock, pacer=pacer)
    again = outbox.send_due(session, deps.slack, clock=clock, pacer=pacer)

    assert (report.sent, again.sent) == (2, 0)
    (nudge,) = posts_to(fake_slack, ASKER_ID)
    assert key_of(nudge) == outbox_key("start_small", ASKER_ID, "2026-W48")
    actions = [
        e["action_id"] for b in nudge["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert actions == [ids.SNOOZE_NUDGES, ids.STOP_NUDGES]
    (digest,) = posts_to(fake_slack, HELPER_1_ID)
    assert ids.DIGEST_OFF in str(digest["blocks"])
    stored = messages(session)
    assert {m.status for m in stored} == {OutboxStatus.SENT}
    assert all(m.posted_ts and m.attempts == 1 for m in stored)


def test_sending_is_paced(session, deps, fake_slack, clock) -> None:
    timer = NoSleep()
    pacer = outbox.Pacer(per_second=4, sleep=timer.sleep, monotonic=timer.monotonic)
    oq.enqueue(session, [row(clock, f"U0PACE{n:02d}") for n in range(9)])
    session.commit()

    assert outbox.send_due(session, deps.slack, clock=clock, pacer=pacer).sent == 9
    assert timer.slept == pytest.approx(8 / 4)


def test_a_permanent_error_is_recorded_and_never_retried(
    session, deps, fake_slack, clock, pacer
) -> None:
    oq.enqueue(session, [row(clock, ASKER_ID)])
    session.commit()
    fake_slack.fail("chat.postMessage", "account_inactive")

    report = outbox.send_due(session, deps.slack, clock=clock, pacer=pacer)
    clock.advance(days=1)
    outbox.send_due(session, deps.slack, clock=clock, pacer=pacer)

    assert report.failed == 1
    (message,) = messages(session)
    assert (message.status, message.error, message.attempts) == (
        OutboxStatus.FAILED,
        "account_inactive",
        1,
    )
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_a_transient_error_backs_off_then_sends(session, deps, fake_slack, clock, pacer) -> None:
    oq.enqueue(session, [row(clock, ASKER_ID)])
    session.commit()
    # Past slack_sdk's own two retries: the outbox's backoff takes over.
    fake_slack.server_error("chat.postMessage", status=503, times=3)

    assert outbox.send_due(session, deps.slack, clock=clock, pacer=pacer).retrying == 1
    (message,) = messages(session)
    assert message.status == OutboxStatus.PENDING
    assert message.error == "http_503"
    assert message.next_attempt_at == clock() + BACKOFF[0]

    assert outbox.send_due(session, deps.slack, clock=clock, pacer=pacer).sent == 0  # not yet
    clock.advance(minutes=1)
    assert outbox.send_due(session, deps.slack, clock=clock, pacer=pacer).sent == 1
    assert len(posts_to(fake_slack, ASKER_ID)) == 1


def test_retries_end_after_the_last_backoff(session, deps, fake_slack, clock, pacer) -> None:
    oq.enqueue(session, [row(clock, ASKER_ID)])
    session.commit()
    fake_slack.fail("chat.postMessage", "internal_error", times=len(BACKOFF) + 1)

    for _ in range(len(BACKOFF) + 1):
        outbox.send_due(session, deps.slack, clock=clock, pacer=pacer)
        clock.advance(hours=3)

    (message,) = messages(session)
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, len(BACKOFF) + 1)


def test_a_sender_that_died_after_posting_is_not_sent_twice(
    session, deps, fake_slack, clock, pacer
) -> None:
    oq.enqueue(session, [row(clock, ASKER_ID)])
    session.commit()
    (message,) = messages(session)
    # The dead sender claimed the message and Slack took it, but the result was never stored.
    assert oq.claim(session, message.id, clock())
    session.commit()
    deps.slack.post_scheduled(message.target, message.kind, from_json(message.payload), message.key)

    clock.advance(minutes=2)
    assert outbox.send_due(session, deps.slack, clock=clock, pacer=pacer).recovered == 0  # live
    clock.advance(minutes=5)
    report = outbox.send_due(session, deps.slack, clock=clock, pacer=pacer)

    assert (report.recovered, report.sent) == (1, 0)
    assert len(posts_to(fake_slack, ASKER_ID)) == 1
    (message,) = messages(session)
    assert message.status == OutboxStatus.SENT
    assert message.posted_ts is not None


def test_a_sender_that_died_before_posting_is_sent_by_the_next(
    session, deps, fake_slack, clock, pacer
) -> None:
    oq.enqueue(session, [row(clock, HELP_CHANNEL_ID, kind="channel_digest")])
    session.commit()
    (message,) = messages(session)
    assert oq.claim(session, message.id, clock())
    session.commit()

    clock.advance(minutes=6)
    report = outbox.send_due(session, deps.slack, clock=clock, pacer=pacer)

    assert (report.recovered, report.sent) == (1, 1)
    assert len(posts_to(fake_slack, HELP_CHANNEL_ID)) == 1
    assert messages(session)[0].status == OutboxStatus.SENT


def test_a_stale_claim_stays_stale_while_slack_cannot_say(
    session, deps, fake_slack, clock, pacer
) -> None:
    oq.enqueue(session, [row(clock, ASKER_ID)])
    session.commit()
    (message,) = messages(session)
    oq.claim(session, message.id, clock())
    session.commit()
    clock.advance(minutes=6)
    fake_slack.fail("conversations.history", "internal_error")

    outbox.send_due(session, deps.slack, clock=clock, pacer=pacer)

    assert messages(session)[0].status == OutboxStatus.SENDING
    assert posts_to(fake_slack, ASKER_ID) == []
    clock.advance(minutes=6)
    outbox.send_due(session, deps.slack, clock=clock, pacer=pacer)
    assert messages(session)[0].status == OutboxStatus.SENT
    assert len(posts_to(fake_slack, ASKER_ID)) == 1


def test_caps_count_what_each_person_was_planned(session, clock) -> None:
    oq.enqueue(session, [row(clock, ASKER_ID), row(clock, ASKER_ID, kind="reciprocity")])
    session.commit()
    clock.advance(hours=1)
    lately = oq.sent_lately(
        session, TEAM_ID, ["start_small", "reciprocity"], clock() - timedelta(days=7)
    )
    assert lately[ASKER_ID][0] == 2
    assert lately[ASKER_ID][1] == clock() - timedelta(hours=1)


def test_a_post_whose_answer_was_lost_is_recorded_not_resent(
    session, deps, fake_slack, clock, pacer
) -> None:
    oq.enqueue(session, [row(clock, ASKER_ID)])
    session.commit()
    fake_slack.drop_connection("chat.postMessage", performed=True)

    assert outbox.send_due(session, deps.slack, clock=clock, pacer=pacer).sent == 1
    clock.advance(days=1)
    outbox.send_due(session, deps.slack, clock=clock, pacer=pacer)

    (posted,) = posts_to(fake_slack, ASKER_ID)
    (message,) = messages(session)
    assert (message.status, message.posted_ts) == (OutboxStatus.SENT, posted["ts"])
