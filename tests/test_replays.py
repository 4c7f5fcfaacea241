"""Replays and strangers: a signed view submission is processed once per view (its id and hash)
however often it arrives, and a signed payload for another workspace is acknowledged and
goes no further."""

import logging

import pytest
from sqlalchemy import func, select

from bot.domain.offers import Route
from bot.domain.requests import RequestStatus
from bot.services.people import PROFILE_TTL
from bot.slack.blocks import ids
from bot.slack.blocks.replies import SUBMIT_AGAIN_SOON
from bot.slack.listeners.views import closing as closing_views
from db.models import HelpRequest, Offer, ProcessedView, Thanks, Topic
from tests.slack_stand_in.driver import SlackDriver
from tests.slack_stand_in.pytest_plugin import (
    ADMIN_ID,
    ASKER_ID,
    GENERAL_CHANNEL_ID,
    HELP_CHANNEL_ID,
    HELPER_1_ID,
    HELPER_2_ID,
)
from tests.support import (
    SIGNING_SECRET,
    ask_form,
    database_down,
    dms_to,
    holding,
    note_for,
    notice_ref,
    offer_by_button,
    opened,
    press,
    reaction,
    requests,
    resolve_form,
    review_of,
    the_request,
)

STRANGER_TEAM = "T0STRANGER"


def channel_posts(fake_slack) -> list:
    return [c for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"].startswith("C")]


def processed(session) -> list[ProcessedView]:
    session.expire_all()
    return list(session.scalars(select(ProcessedView)))


def test_a_replayed_ask_makes_one_request_and_one_post(
    open_ask_modal, driver, fake_slack, session, clock
) -> None:
    form = open_ask_modal()
    first = driver.view_submission(form, ask_form(clock), user_id=ASKER_ID)
    replay = driver.view_submission(form, ask_form(clock), user_id=ASKER_ID)

    assert (first.status, first.body) == (200, "")
    assert (replay.status, replay.body) == (200, "")  # acknowledged: the modal closes
    (request,) = requests(session)
    assert request.posted_channel == HELP_CHANNEL_ID
    assert len(channel_posts(fake_slack)) == 1
    assert len(dms_to(fake_slack, ASKER_ID)) == 1  # the one "posted" confirmation
    (record,) = processed(session)
    assert (record.view_id, record.hash, record.callback_id) == (
        form["id"],
        form["hash"],
        ids.ASK_MODAL,
    )


def test_the_review_is_a_new_submission_and_replays_of_either_change_nothing(
    helpers, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    form = open_ask_modal()
    response = driver.view_submission(form, ask_form(clock), user_id=ASKER_ID)
    review = review_of(fake_slack, form, response)
    # Slack keeps the view's id on `response_action: update` and gives it a new hash.
    assert review["id"] == form["id"]
    assert review["hash"] != form["hash"]
    posted = driver.view_submission(review, {"route": Route.CHANNEL.value}, user_id=ASKER_ID)
    assert posted.body == ""
    assert len(channel_posts(fake_slack)) == 1

    calls = len(fake_slack.calls)
    assert driver.view_submission(form, ask_form(clock), user_id=ASKER_ID).body == ""
    again = driver.view_submission(review, {"route": Route.CHANNEL.value}, user_id=ASKER_ID)
    assert again.body == ""

    assert len(fake_slack.calls) == calls
    (request,) = requests(session)
    assert request.status == RequestStatus.OPEN
    assert len(processed(session)) == 2


def test_a_replayed_resolve_thanks_each_helper_once(
    posted, driver, fake_slack, session, clock
) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    ((ts, _message),) = holding(fake_slack, ASKER_ID, ids.ACCEPT_OFFER)
    press(driver, fake_slack, ASKER_ID, ids.ACCEPT_OFFER, *notice_ref(fake_slack, ts))
    form = resolve_form(driver, fake_slack, posted)
    values = {note_for(HELPER_1_ID): "Thank you!", ids.OTHERS_INPUT: [HELPER_2_ID]}

    for _ in range(3):
        assert driver.view_submission(form, values, user_id=ASKER_ID).body == ""

    assert the_request(session).status == RequestStatus.RESOLVED
    assert sorted(t.to_id for t in session.scalars(select(Thanks))) == [HELPER_1_ID, HELPER_2_ID]
    for helper in (HELPER_1_ID, HELPER_2_ID):
        thanked = [c for c in dms_to(fake_slack, helper) if "says thank you" in c.args["text"]]
        assert len(thanked) == 1, helper
    told = [c.args["text"] for c in dms_to(fake_slack, ASKER_ID)]
    assert len([text for text in told if "Marked resolved" in text]) == 1
    assert not [text for text in told if "closed" in text]  # a replay is told nothing


def test_a_submission_whose_transaction_fails_can_be_submitted_again(
    posted, driver, fake_slack, session, monkeypatch
) -> None:
    form = resolve_form(driver, fake_slack, posted)
    real = closing_views.resolve_request

    def failing(session, *args, **kwargs):
        session.execute(select(1))  # the transaction, and with it the record, has begun
        raise RuntimeError("the database went away")

    monkeypatch.setattr(closing_views, "resolve_request", failing)
    driver.view_submission(form, {}, user_id=ASKER_ID)
    assert [p.callback_id for p in processed(session)] == [ids.ASK_MODAL]  # the post's only
    assert the_request(session).status == RequestStatus.OPEN

    monkeypatch.setattr(closing_views, "resolve_request", real)
    assert driver.view_submission(form, {}, user_id=ASKER_ID).body == ""
    assert the_request(session).status == RequestStatus.RESOLVED
    assert [p.callback_id for p in processed(session)] == [ids.ASK_MODAL, ids.RESOLVE_MODAL]


def test_a_form_sent_back_with_errors_is_processed_when_corrected(
    driver, fake_slack, session, clock
) -> None:
    # The topic's name is checked against the database, after the admin check, which refreshes
    # a day-old cache of the person and commits: the error comes after a committed record.
    for name in ("Billing", "BILLING", "Invoices"):
        driver.slash_command("/ask", "topics", user_id=ADMIN_ID)
        form = opened(fake_slack, ids.TOPIC_MODAL)
        values = {ids.TOPIC_NAME_INPUT: name, ids.TOPIC_CHANNEL_INPUT: GENERAL_CHANNEL_ID}
        if name == "BILLING":
            clock.advance(seconds=PROFILE_TTL.total_seconds() + 60)
        response = driver.view_submission(form, values, user_id=ADMIN_ID)
        if name == "BILLING":
            assert response.json()["response_action"] == "errors"
            # The same view, under the same hash, with the name corrected.
            values[ids.TOPIC_NAME_INPUT] = "Refunds"
            assert driver.view_submission(form, values, user_id=ADMIN_ID).body == ""
    session.expire_all()
    assert sorted(session.scalars(select(Topic.name))) == ["Billing", "Invoices", "Refunds"]


def test_a_form_submitted_while_the_database_is_down_stays_open_and_can_be_sent_again(
    posted, driver, fake_slack, session, engine
) -> None:
    form = resolve_form(driver, fake_slack, posted)
    since = len(fake_slack.calls)
    with database_down(engine):
        response = driver.view_submission(form, {}, user_id=ASKER_ID)

    # Not closed: the form says to submit again, and nothing was done.
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert list(answer["errors"].values()) == [SUBMIT_AGAIN_SOON]
    assert len(fake_slack.calls) == since
    assert the_request(session).status == RequestStatus.OPEN

    # The same form, under the same hash, once the database is back.
    assert driver.view_submission(form, {}, user_id=ASKER_ID).body == ""
    assert the_request(session).status == RequestStatus.RESOLVED


# --- strangers ------------------------------------------------------------------------------------


@pytest.fixture
def stranger(app, fake_slack) -> SlackDriver:
    """Signed with the app's own secret, for a workspace the bot token does not belong to."""
    return SlackDriver(
        SIGNING_SECRET,
        app=app,
        team_id=STRANGER_TEAM,
        response_url_base=fake_slack.response_url_base,
    )


def counts(session) -> tuple[int, ...]:
    session.expire_all()
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (HelpRequest, Offer, Thanks, ProcessedView)
    )


@pytest.mark.parametrize("kind", ["command", "action", "view submission", "event"])
def test_a_payload_for_another_workspace_is_acknowledged_and_refused(
    kind, posted, open_ask_modal, stranger, fake_slack, session, clock, caplog
) -> None:
    form = open_ask_modal()
    stored, calls = counts(session), len(fake_slack.calls)
    caplog.set_level(logging.INFO)
    caplog.clear()

    if kind == "command":
        response = stranger.slash_command("/ask", "", user_id=HELPER_1_ID)
    elif kind == "action":
        message = {**fake_slack.messages[(posted.posted_channel, posted.posted_ts)]}
        response = stranger.block_action(
            ids.OFFER_FROM_POST,
            user_id=HELPER_1_ID,
            message={**message, "ts": posted.posted_ts},
            channel_id=posted.posted_channel,
        )
    elif kind == "view submission":
        response = stranger.view_submission(form, ask_form(clock), user_id=ASKER_ID)
    else:
        response = stranger.event(reaction(HELPER_1_ID, posted))

    assert (response.status, response.body) == (200, "")
    assert counts(session) == stored
    assert len(fake_slack.calls) == calls
    (line,) = [r.getMessage() for r in caplog.records]
    assert "another workspace" in line
    assert STRANGER_TEAM in line
