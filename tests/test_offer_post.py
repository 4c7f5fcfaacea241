"""The posted request keeps its offer count current when the asker edits or withdraws it, and a
withdrawn request takes no new offers."""

from bot.domain.offers import EventKind
from bot.domain.requests import RequestStatus
from bot.slack.blocks import ids
from tests.slack_stand_in.pytest_plugin import ASKER_ID, HELPER_1_ID, HELPER_2_ID, HELPER_3_ID
from tests.support import (
    ephemerals,
    events,
    kinds,
    last_view,
    offer_by_button,
    offers,
    post_of,
    reaction,
    shown,
    the_request,
    use_menu,
)


def test_editing_keeps_the_offer_count(posted, driver, fake_slack, session, clock) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    driver.event(reaction(HELPER_2_ID, posted))
    use_menu(driver, fake_slack, ASKER_ID, ids.MENU_EDIT, posted)
    form = last_view(fake_slack)
    assert form["callback_id"] == ids.ASK_EDIT
    new_what = "Could someone review my postgres migration that adds two indexes to orders?"
    driver.view_submission(form, {ids.WHAT_INPUT: new_what}, user_id=ASKER_ID)

    post = shown(post_of(fake_slack, posted))
    assert "adds two indexes to orders" in post
    assert "2 people have offered to help so far" in post
    assert EventKind.EDITED in kinds(session, posted.id)


def test_withdrawing_keeps_the_offer_count(posted, driver, fake_slack, session, clock) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    driver.event(reaction(HELPER_2_ID, posted))
    before = post_of(fake_slack, posted)
    clock.advance(hours=1)
    use_menu(driver, fake_slack, ASKER_ID, ids.MENU_WITHDRAW, posted)

    assert the_request(session).status == RequestStatus.WITHDRAWN
    post = shown(post_of(fake_slack, posted))
    assert "withdrew this request" in post
    assert "2 people offered to help." in post
    assert ids.OFFER_FROM_POST not in post
    (withdrawn,) = [e for e in events(session, posted.id) if e.kind == EventKind.WITHDRAWN]
    assert (withdrawn.actor_id, withdrawn.created_at) == (ASKER_ID, clock())

    driver.block_action(  # *I can help* on a copy of the post from before it was withdrawn
        ids.OFFER_FROM_POST,
        user_id=HELPER_3_ID,
        message=before,
        channel_id=posted.posted_channel,
    )
    assert ephemerals(fake_slack, HELPER_3_ID) == [
        "This request is closed: the asker no longer needs help with it."
    ]
    driver.event(reaction(HELPER_3_ID, posted))
    assert len(offers(session)) == 2
