"""Resolving a request: the form lists who helped, the asker thanks them (notes shown, never
pinging), the post says who helped, and a second or over-long resolve changes nothing."""

import copy
import json

import pytest
from sqlalchemy import select

from bot.domain.offers import EventKind
from bot.domain.requests import RequestStatus
from bot.slack.blocks import ids
from db.models import Thanks
from tests.slack_stand_in.pytest_plugin import ASKER_ID, HELPER_1_ID, HELPER_2_ID, HELPER_3_ID
from tests.support import (
    dms_to,
    ephemerals,
    events,
    holding,
    kinds,
    note_for,
    notice_ref,
    offer_by_button,
    post_of,
    press,
    resolve_form,
    shown,
    the_request,
    use_menu,
)


def test_resolving_thanks_each_helper_and_says_so_on_the_post(
    posted, driver, fake_slack, session, clock
) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    offer_by_button(driver, fake_slack, posted, HELPER_2_ID)
    for ts, message in holding(fake_slack, ASKER_ID, ids.ACCEPT_OFFER):
        if HELPER_1_ID in message["text"]:
            press(driver, fake_slack, ASKER_ID, ids.ACCEPT_OFFER, *notice_ref(fake_slack, ts))
    clock.advance(hours=3)
    form = resolve_form(driver, fake_slack, posted)
    text = json.dumps(form["blocks"])
    assert f"<@{HELPER_1_ID}>*, you accepted their offer" in text
    assert f"<@{HELPER_2_ID}>*, offered to help" in text

    response = driver.view_submission(
        form,
        {
            note_for(HELPER_1_ID): "Thank you for spotting the lock <!channel> on orders!",
            ids.IMPACT_INPUT: "We shipped on Thursday with no downtime.",
            ids.OTHERS_INPUT: [HELPER_3_ID, ASKER_ID],
        },
        user_id=ASKER_ID,
    )
    assert response.body == ""

    request = the_request(session)
    assert (request.status, request.resolved_at) == (RequestStatus.RESOLVED, clock())
    thanks = {t.to_id: t for t in session.scalars(select(Thanks))}
    assert sorted(thanks) == [HELPER_1_ID, HELPER_3_ID]  # not the one who only offered
    assert thanks[HELPER_1_ID].note == "Thank you for spotting the lock <!channel> on orders!"
    assert thanks[HELPER_3_ID].note is None
    assert {t.impact for t in thanks.values()} == {"We shipped on Thursday with no downtime."}
    assert {t.from_id for t in thanks.values()} == {ASKER_ID}

    (to_first,) = [c for c in dms_to(fake_slack, HELPER_1_ID) if "says thank you" in c.args["text"]]
    said = json.dumps(to_first.args["blocks"])
    assert "spotting the lock &lt;!channel&gt; on orders" in said  # shown, never pinging
    assert "We shipped on Thursday with no downtime." in said
    (to_third,) = dms_to(fake_slack, HELPER_3_ID)
    assert "We shipped on Thursday" in json.dumps(to_third.args["blocks"])
    assert not [c for c in dms_to(fake_slack, HELPER_2_ID) if "says thank you" in c.args["text"]]

    post = shown(post_of(fake_slack, posted))
    assert f"Resolved, with help from <@{HELPER_1_ID}> and <@{HELPER_3_ID}>" in post
    assert ids.OFFER_FROM_POST not in post
    assert ids.REQUEST_MENU not in post
    told = dms_to(fake_slack, ASKER_ID)[-1].args["text"]
    assert "Marked resolved" in told
    assert f"<@{HELPER_3_ID}>" in told
    resolved = [e for e in events(session, posted.id) if e.kind == EventKind.RESOLVED]
    assert [(e.actor_id, e.created_at) for e in resolved] == [(ASKER_ID, clock())]
    thanked = [e for e in events(session, posted.id) if e.kind == EventKind.THANKED]
    assert sorted(e.subject_id for e in thanked) == [HELPER_1_ID, HELPER_3_ID]


def test_a_note_to_someone_who_only_offered_thanks_them_too(
    posted, driver, fake_slack, session
) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_2_ID)
    form = resolve_form(driver, fake_slack, posted)
    driver.view_submission(
        form, {note_for(HELPER_2_ID): "Your pointer was enough"}, user_id=ASKER_ID
    )
    (thanks,) = session.scalars(select(Thanks)).all()
    assert (thanks.to_id, thanks.note, thanks.impact) == (
        HELPER_2_ID,
        "Your pointer was enough",
        None,
    )
    assert f"with help from <@{HELPER_2_ID}>" in shown(post_of(fake_slack, posted))


def test_only_the_asker_can_open_the_resolve_form(posted, driver, fake_slack, session) -> None:
    use_menu(driver, fake_slack, HELPER_1_ID, ids.MENU_RESOLVE, posted)
    assert ephemerals(fake_slack, HELPER_1_ID) == [
        "Only the person who asked can change this request."
    ]
    assert len(fake_slack.calls_to("views.open")) == 1  # only the asker's /ask form
    assert the_request(session).status == RequestStatus.OPEN


def test_resolving_twice_is_refused(posted, driver, fake_slack, session) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    first = resolve_form(driver, fake_slack, posted)
    second = resolve_form(driver, fake_slack, posted)  # two windows, say
    driver.view_submission(first, {note_for(HELPER_1_ID): "Thanks!"}, user_id=ASKER_ID)
    driver.view_submission(second, {note_for(HELPER_1_ID): "Thanks again!"}, user_id=ASKER_ID)

    (thanks,) = session.scalars(select(Thanks)).all()
    assert thanks.note == "Thanks!"
    assert "closed" in dms_to(fake_slack, ASKER_ID)[-1].args["text"]
    assert kinds(session, posted.id).count(EventKind.RESOLVED) == 1
    assert (
        len([c for c in dms_to(fake_slack, HELPER_1_ID) if "says thank you" in c.args["text"]]) == 1
    )


@pytest.mark.parametrize("field", ["note", "impact"])
def test_an_over_long_thanks_is_a_field_error_and_nothing_is_stored(
    field, posted, driver, fake_slack, session
) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    form = resolve_form(driver, fake_slack, posted)
    crafted = copy.deepcopy(form)  # Slack's client enforces max_length; a crafted payload won't
    for block in crafted["blocks"]:
        if block["type"] == "input":
            block["element"].pop("max_length", None)
    key = note_for(HELPER_1_ID) if field == "note" else ids.IMPACT_INPUT
    response = driver.view_submission(crafted, {key: "x" * 1001}, user_id=ASKER_ID)

    body = response.json()
    assert body["response_action"] == "errors"
    block = f"{ids.THANKS_BLOCK_PREFIX}{HELPER_1_ID}" if field == "note" else ids.IMPACT_BLOCK
    assert list(body["errors"]) == [block]
    assert session.scalars(select(Thanks)).all() == []
    assert the_request(session).status == RequestStatus.OPEN
    assert EventKind.RESOLVED not in kinds(session, posted.id)
