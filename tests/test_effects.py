"""Every message an offer's change owes is delivered once, whatever fails after the commit:
Slack failing past its retries, the process dying before it sent anything, Slack's answer never
arriving, or the same click twice. The send job (the scheduler's, here run by hand) delivers
whatever was left, and never doubles what was sent."""

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import select

from bot.domain.offers import DeclineReason, OfferStatus, OfferView, Route, SuggestionStatus
from bot.domain.outbox import Effect, OutboxStatus
from bot.services import deliveries, effects, outbox, status
from bot.services.cards import card_of
from bot.services.ports import PostedMessage, SlackError
from bot.slack.blocks import ids
from db import queries
from db.models import InboxEvent, Offer, OutboxMessage, Suggestion
from tests.slack_stand_in.pytest_plugin import ASKER_ID, HELPER_1_ID, HELPER_2_ID
from tests.support import (
    NO_OFFERS,
    answer_direct_ask,
    database_down,
    direct_ask,
    last_view,
    note_for,
    offer_by_button,
    offers,
    post_of,
    press_in_dm,
    reaction,
    resolve_form,
    send,
    shown,
    the_request,
)

# slack_sdk's server-error handler tries a call three times in all.
TRIES = 3


def send_job(session, deps, clock) -> outbox.SendReport:
    pacer = outbox.Pacer(per_second=1000, sleep=lambda _: None)
    return outbox.send_due(session, deps.slack, clock=clock, pacer=pacer)


def stored(fake_slack, channel: str, contains: str) -> list[dict]:
    """The messages in `channel` whose text has `contains`, as Slack holds them now."""
    return [
        m for (c, _), m in fake_slack.messages.items() if c == channel and contains in m["text"]
    ]


def in_dm(fake_slack, user_id: str, contains: str) -> list[dict]:
    return stored(fake_slack, fake_slack.dm_channel_id(user_id), contains)


def notices(fake_slack) -> list[dict]:
    return in_dm(fake_slack, ASKER_ID, f"<@{HELPER_1_ID}>")


def confirmations(fake_slack) -> list[dict]:
    return in_dm(fake_slack, HELPER_1_ID, "")


@contextmanager
def crash_after_commit(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process dies right after each change commits: nothing it owes is sent then."""
    with monkeypatch.context() as patched:
        patched.setattr(effects, "deliver", lambda *args, **kwargs: None)
        yield


def owed(session) -> list[OutboxMessage]:
    return list(session.query(OutboxMessage).filter(OutboxMessage.kind != "nudge").all())


# An offer


def test_an_offer_whose_delivery_lost_the_database_is_left_to_the_send_job(
    posted, driver, fake_slack, session, clock, deps, engine, monkeypatch
) -> None:
    """A reaction's offer and what it owes are committed, then the database drops before any of
    it is sent: the event is done with (not taken up again as failed), and nothing owed is
    dropped."""
    deliver = effects.deliver

    def deliver_without_database(*args, **kwargs) -> None:
        with database_down(engine):
            deliver(*args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(effects, "deliver", deliver_without_database)
        response = driver.event(reaction(HELPER_1_ID, posted), event_id="Ev0OFFERDROP")
    assert response.status == 200
    assert len(offers(session)) == 1
    session.expire_all()
    (event,) = session.scalars(select(InboxEvent)).all()
    assert event.processed_at is not None
    assert notices(fake_slack) == []
    assert {m.status for m in owed(session)} == {OutboxStatus.PENDING}

    send_job(session, deps, clock)

    assert len(notices(fake_slack)) == 1
    assert len(confirmations(fake_slack)) == 1
    assert "1 person has offered" in shown(post_of(fake_slack, posted))
    assert {m.status for m in owed(session)} == {OutboxStatus.SENT}


def test_an_offer_when_slack_fails_is_told_later_once(
    posted, driver, fake_slack, session, clock, deps
) -> None:
    fake_slack.server_error("chat.postMessage", times=2 * TRIES)  # notice and confirmation
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    assert notices(fake_slack) == []
    assert confirmations(fake_slack) == []
    assert "1 person has offered" in shown(post_of(fake_slack, posted))

    assert send_job(session, deps, clock).sent == 0  # backing off
    clock.advance(minutes=2)
    send_job(session, deps, clock)
    clock.advance(minutes=10)
    send_job(session, deps, clock)

    (notice,) = notices(fake_slack)
    assert ids.ACCEPT_OFFER in json.dumps(notice["blocks"])
    (mine,) = confirmations(fake_slack)
    assert ids.WITHDRAW_OFFER in json.dumps(mine["blocks"])
    offer = offers(session)[0]
    assert fake_slack.messages[(offer.asker_channel, offer.asker_ts)] == notice


def test_an_offer_whose_process_died_after_the_commit_is_told_by_the_send_job(
    posted, driver, fake_slack, session, clock, deps, monkeypatch
) -> None:
    with crash_after_commit(monkeypatch):
        offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    assert notices(fake_slack) == []
    assert NO_OFFERS in shown(post_of(fake_slack, posted))

    send_job(session, deps, clock)
    send_job(session, deps, clock)

    assert len(notices(fake_slack)) == 1
    assert len(confirmations(fake_slack)) == 1
    assert "1 person has offered" in shown(post_of(fake_slack, posted))
    assert {m.status for m in owed(session)} == {OutboxStatus.SENT}


def test_a_notice_whose_answer_never_came_is_looked_for_not_posted_again(
    posted, driver, fake_slack, session, clock, deps
) -> None:
    # Slack takes the notice and the connection drops; it can't be looked for at once either.
    fake_slack.drop_connection("chat.postMessage", performed=True)
    fake_slack.server_error("conversations.history", times=TRIES)
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    assert len(notices(fake_slack)) == 1

    clock.advance(minutes=2)
    send_job(session, deps, clock)
    clock.advance(minutes=10)
    send_job(session, deps, clock)

    (notice,) = notices(fake_slack)
    offer = offers(session)[0]
    assert fake_slack.messages[(offer.asker_channel, offer.asker_ts)] == notice
    assert {m.status for m in owed(session)} == {OutboxStatus.SENT}


def test_a_send_that_died_mid_way_is_recovered_without_doubling(
    posted, driver, fake_slack, session, clock, deps, monkeypatch
) -> None:
    """The sender claims the notice, Slack takes it, and the process dies before recording
    anything: the claim goes stale, and the next send finds the message instead of posting it
    again."""
    real = deliveries.deliver

    def dies_after_slack_took_it(session, slack, message, clock):
        if message.kind != Effect.OFFER_NOTICE:
            return real(session, slack, message, clock)
        offer = session.get(Offer, message.payload["offer_id"])
        card = card_of(queries.get_request(session, offer.request_id))
        slack.tell_offer(card, OfferView(offer.id, offer.helper_id, offer.status), message.key)
        raise SystemExit

    monkeypatch.setattr(deliveries, "deliver", dies_after_slack_took_it)
    with pytest.raises(SystemExit):
        offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    monkeypatch.undo()
    assert len(notices(fake_slack)) == 1
    assert offers(session)[0].asker_ts is None

    send_job(session, deps, clock)  # the claim is not stale yet: left alone
    assert len(notices(fake_slack)) == 1
    clock.advance(minutes=10)
    send_job(session, deps, clock)
    send_job(session, deps, clock)

    (notice,) = notices(fake_slack)
    offer = offers(session)[0]
    assert fake_slack.messages[(offer.asker_channel, offer.asker_ts)] == notice
    assert {m.status for m in owed(session)} == {OutboxStatus.SENT}


@pytest.mark.parametrize("clicks", [1, 2])
def test_a_double_click_offers_once_and_tells_once(
    posted, driver, fake_slack, session, clock, deps, clicks
) -> None:
    for _ in range(clicks):
        offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    send_job(session, deps, clock)
    assert len(notices(fake_slack)) == 1
    assert len(confirmations(fake_slack)) == 1


# Accepting


def test_an_accept_whose_process_died_opens_the_group_dm_from_the_send_job(
    posted, driver, fake_slack, session, clock, deps, monkeypatch
) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    with crash_after_commit(monkeypatch):
        press_in_dm(driver, fake_slack, ASKER_ID, ids.ACCEPT_OFFER)
        press_in_dm(driver, fake_slack, ASKER_ID, ids.ACCEPT_OFFER)  # the old notice, again
        assert fake_slack.calls_to("conversations.open") == []

    send_job(session, deps, clock)
    send_job(session, deps, clock)

    offer = offers(session)[0]
    assert offer.status == OfferStatus.ACCEPTED
    assert offer.group_channel
    assert len(stored(fake_slack, offer.group_channel, "")) == 1  # the introduction
    assert f"In progress with <@{HELPER_1_ID}>" in shown(post_of(fake_slack, posted))
    mine = fake_slack.messages[(offer.helper_channel, offer.helper_ts)]
    assert "was accepted" in mine["text"]
    assert f"<#{offer.group_channel}>" in mine["text"]
    notice = fake_slack.messages[(offer.asker_channel, offer.asker_ts)]
    assert f"<#{offer.group_channel}>" in notice["text"]


def test_an_introduction_slack_failed_is_posted_later_once(
    posted, driver, fake_slack, session, clock, deps
) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    fake_slack.server_error("chat.postMessage", times=TRIES)
    press_in_dm(driver, fake_slack, ASKER_ID, ids.ACCEPT_OFFER)
    offer = offers(session)[0]
    assert offer.group_channel
    assert stored(fake_slack, offer.group_channel, "") == []
    assert "was accepted" in fake_slack.messages[(offer.helper_channel, offer.helper_ts)]["text"]

    clock.advance(minutes=2)
    send_job(session, deps, clock)
    send_job(session, deps, clock)
    assert len(stored(fake_slack, offer.group_channel, "")) == 1
    assert len(fake_slack.calls_to("conversations.open")) == 1  # its channel was kept


def test_a_refused_group_dm_tells_both_even_when_slack_fails_at_first(
    posted, driver, fake_slack, session, clock, deps
) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    fake_slack.fail("conversations.open", "user_disabled")
    fake_slack.server_error("chat.postMessage", times=TRIES)  # the asker's note
    press_in_dm(driver, fake_slack, ASKER_ID, ids.ACCEPT_OFFER)
    assert in_dm(fake_slack, ASKER_ID, "couldn't start a conversation") == []
    assert len(in_dm(fake_slack, HELPER_1_ID, "They'll message you directly")) == 1

    clock.advance(minutes=2)
    send_job(session, deps, clock)
    send_job(session, deps, clock)
    assert len(in_dm(fake_slack, ASKER_ID, "couldn't start a conversation")) == 1
    assert len(in_dm(fake_slack, HELPER_1_ID, "They'll message you directly")) == 1
    assert offers(session)[0].group_channel is None


# Not now, withdrawing


@pytest.mark.parametrize(
    ("owner", "action", "helper_sees", "asker_sees"),
    [
        (ASKER_ID, ids.NOT_NOW_OFFER, "covered for now", "not now"),
        (HELPER_1_ID, ids.WITHDRAW_OFFER, "You withdrew your offer", "withdrew their offer"),
    ],
)
def test_an_answer_whose_process_died_is_shown_by_the_send_job(
    posted,
    driver,
    fake_slack,
    session,
    clock,
    deps,
    monkeypatch,
    owner,
    action,
    helper_sees,
    asker_sees,
) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    with crash_after_commit(monkeypatch):
        press_in_dm(driver, fake_slack, owner, action)
        offer = offers(session)[0]
        assert (
            helper_sees not in fake_slack.messages[(offer.helper_channel, offer.helper_ts)]["text"]
        )

    send_job(session, deps, clock)
    send_job(session, deps, clock)

    assert helper_sees in fake_slack.messages[(offer.helper_channel, offer.helper_ts)]["text"]
    assert asker_sees in fake_slack.messages[(offer.asker_channel, offer.asker_ts)]["text"]
    assert len(confirmations(fake_slack)) == 1
    assert len(notices(fake_slack)) == 1


def test_an_update_slack_failed_is_shown_later(
    posted, driver, fake_slack, session, clock, deps
) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    fake_slack.server_error("chat.update", times=3 * TRIES)  # helper, asker, post
    press_in_dm(driver, fake_slack, HELPER_1_ID, ids.WITHDRAW_OFFER)
    assert "1 person has offered" in shown(post_of(fake_slack, posted))

    clock.advance(minutes=2)
    send_job(session, deps, clock)
    offer = offers(session)[0]
    assert NO_OFFERS in shown(post_of(fake_slack, posted))
    assert "You withdrew" in fake_slack.messages[(offer.helper_channel, offer.helper_ts)]["text"]
    assert "withdrew their" in fake_slack.messages[(offer.asker_channel, offer.asker_ts)]["text"]


# Resolving


def resolve(driver, fake_slack, posted) -> None:
    form = resolve_form(driver, fake_slack, posted)
    values = {note_for(HELPER_1_ID): "Thank you for the index"}
    assert driver.view_submission(form, values, user_id=ASKER_ID).body == ""


def thanks_to(fake_slack, helper: str) -> list[dict]:
    return in_dm(fake_slack, helper, "says thank you")


def told_resolved(fake_slack) -> list[dict]:
    return in_dm(fake_slack, ASKER_ID, "Marked resolved")


def test_a_resolution_when_slack_fails_thanks_later_once(
    posted, driver, fake_slack, session, clock, deps
) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    fake_slack.server_error("chat.postMessage", times=TRIES)  # the thanks
    fake_slack.server_error("chat.update", times=TRIES)  # the post
    resolve(driver, fake_slack, posted)
    assert thanks_to(fake_slack, HELPER_1_ID) == []
    assert "Resolved" not in shown(post_of(fake_slack, posted))
    assert len(told_resolved(fake_slack)) == 1

    clock.advance(minutes=2)
    send_job(session, deps, clock)
    send_job(session, deps, clock)
    (thanks,) = thanks_to(fake_slack, HELPER_1_ID)
    assert "Thank you for the index" in shown(thanks)
    assert f"Resolved, with help from <@{HELPER_1_ID}>" in shown(post_of(fake_slack, posted))
    assert len(told_resolved(fake_slack)) == 1


def test_a_resolution_whose_process_died_is_told_by_the_send_job(
    posted, driver, fake_slack, session, clock, deps, monkeypatch
) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    with crash_after_commit(monkeypatch):
        resolve(driver, fake_slack, posted)
        assert thanks_to(fake_slack, HELPER_1_ID) == []
        assert told_resolved(fake_slack) == []

    send_job(session, deps, clock)
    send_job(session, deps, clock)
    assert len(thanks_to(fake_slack, HELPER_1_ID)) == 1
    assert len(told_resolved(fake_slack)) == 1
    assert f"Resolved, with help from <@{HELPER_1_ID}>" in shown(post_of(fake_slack, posted))


def test_a_resolution_submitted_twice_thanks_once(
    posted, driver, fake_slack, session, clock, deps
) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    form = resolve_form(driver, fake_slack, posted)
    values = {note_for(HELPER_1_ID): "Thank you for the index"}
    driver.view_submission(form, values, user_id=ASKER_ID)
    driver.view_submission(form, values, user_id=ASKER_ID)
    send_job(session, deps, clock)
    assert len(thanks_to(fake_slack, HELPER_1_ID)) == 1
    assert len(told_resolved(fake_slack)) == 1


def test_a_post_update_racing_a_newer_change_ends_current(
    posted, driver, fake_slack, session, clock, deps, monkeypatch
) -> None:
    """A change commits while an older render of the post is on its way, and the older one
    lands last: the change re-armed the post's row, so the older render's sender sends again."""
    real = deliveries.deliver
    raced = []

    def landing_late(session_, slack, message, clock_):
        if message.kind != Effect.POST_UPDATE or raced:
            return real(session_, slack, message, clock_)
        raced.append(True)
        request = queries.get_request(session_, posted.id, fresh=True)
        older = status.live_card(session_, request)
        session_.commit()
        offer_by_button(driver, fake_slack, posted, HELPER_2_ID)  # updates the post itself
        assert "2 people have offered" in shown(post_of(fake_slack, posted))
        slack.update_request(older, PostedMessage(posted.posted_channel, posted.posted_ts))
        return deliveries.Delivered()

    monkeypatch.setattr(deliveries, "deliver", landing_late)
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    assert raced
    assert "2 people have offered" in shown(post_of(fake_slack, posted))


# Passing on a direct ask


def pass_on(driver, fake_slack, helper: str) -> None:
    answer_direct_ask(driver, fake_slack, helper, ids.DECLINE_HELP)
    values = {ids.DECLINE_REASON_INPUT: DeclineReason.DEADLINE.value}
    driver.view_submission(last_view(fake_slack), values, user_id=helper)


def feedback(fake_slack) -> list[dict]:
    return in_dm(fake_slack, ASKER_ID, "passed")


def test_feedback_whose_process_died_is_sent_by_the_send_job(
    helpers, open_ask_modal, driver, fake_slack, session, clock, deps, monkeypatch
) -> None:
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
    ts, _ = direct_ask(fake_slack, "UDB3")
    with crash_after_commit(monkeypatch):
        pass_on(driver, fake_slack, "UDB3")
        assert feedback(fake_slack) == []

    send_job(session, deps, clock)
    send_job(session, deps, clock)
    (said,) = feedback(fake_slack)
    assert "One person passed" in said["text"]
    assert "No problem" in fake_slack.messages[(fake_slack.dm_channel_id("UDB3"), ts)]["text"]
    request = the_request(session)
    assert fake_slack.messages[(request.feedback_channel, request.feedback_ts)] == said


def test_feedback_slack_failed_is_posted_once_showing_every_pass(
    helpers, open_ask_modal, driver, fake_slack, session, clock, deps
) -> None:
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
    fake_slack.server_error("chat.postMessage", times=TRIES)  # the feedback
    pass_on(driver, fake_slack, "UDB3")
    assert feedback(fake_slack) == []
    pass_on(driver, fake_slack, "UDB4")  # re-arms the same message: posted now, with both

    clock.advance(minutes=2)
    send_job(session, deps, clock)
    send_job(session, deps, clock)
    (said,) = feedback(fake_slack)
    assert "Two people passed" in said["text"]


# Direct asks


def asks_to(fake_slack, helper: str) -> list[dict]:
    return in_dm(fake_slack, helper, "asking you directly for help")


def suggested(session) -> dict[str, SuggestionStatus]:
    session.expire_all()
    return {r.user_id: r.status for r in session.scalars(select(Suggestion))}


def test_direct_asks_whose_process_died_are_sent_by_the_send_job(
    helpers, open_ask_modal, driver, fake_slack, session, clock, deps, monkeypatch
) -> None:
    with crash_after_commit(monkeypatch):
        send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
        assert asks_to(fake_slack, "UDB1") == []

    send_job(session, deps, clock)
    send_job(session, deps, clock)
    for helper in ("UDB1", "UDB2", "UDB3", "UDB4", "UDB5"):
        assert len(asks_to(fake_slack, helper)) == 1, helper
    assert asks_to(fake_slack, "UDB6") == []


def test_a_direct_ask_slack_failed_is_sent_later_once(
    helpers, open_ask_modal, driver, fake_slack, session, clock, deps
) -> None:
    fake_slack.server_error("chat.postMessage", times=TRIES)  # the first direct ask
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
    failed = [h for h in ("UDB1", "UDB2", "UDB3", "UDB4", "UDB5") if not asks_to(fake_slack, h)]
    assert failed == ["UDB1"]
    assert suggested(session)["UDB1"] == SuggestionStatus.ASKED  # still theirs to answer

    clock.advance(minutes=2)
    send_job(session, deps, clock)
    send_job(session, deps, clock)
    for helper in ("UDB1", "UDB2", "UDB3", "UDB4", "UDB5"):
        assert len(asks_to(fake_slack, helper)) == 1, helper
    assert suggested(session)["UDB6"] == SuggestionStatus.SUGGESTED


def test_a_helper_slack_refuses_is_passed_over_for_the_next(
    helpers, open_ask_modal, driver, fake_slack, session, clock, deps, monkeypatch
) -> None:
    real = deps.slack.ask_directly

    def refusing(card, helper_id, reasons, key):
        if helper_id == "UDB2":
            raise SlackError("user_not_found")
        return real(card, helper_id, reasons, key)

    monkeypatch.setattr(deps.slack, "ask_directly", refusing)
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
    statuses = suggested(session)
    assert statuses["UDB2"] == SuggestionStatus.DECLINED
    assert statuses["UDB6"] == SuggestionStatus.ASKED
    assert asks_to(fake_slack, "UDB2") == []
    assert len(asks_to(fake_slack, "UDB6")) == 1
    send_job(session, deps, clock)
    assert asks_to(fake_slack, "UDB2") == []
