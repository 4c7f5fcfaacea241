"""The asker answering an offer: accepting it into a group DM (once, by the asker only, even when
the group DM can't open) or *not now*; a closed request takes no acceptance."""

import json

from bot.domain.offers import EventKind, OfferStatus
from bot.slack.blocks import ids
from bot.slack.blocks.text import slack_date
from tests.slack_stand_in.pytest_plugin import ASKER_ID, HELPER_1_ID, HELPER_2_ID, HELPER_3_ID
from tests.support import (
    dms_to,
    ephemerals,
    events,
    holding,
    kinds,
    notice_ref,
    offer_by_button,
    offers,
    post_of,
    press,
    press_in_dm,
    reaction,
    shown,
    use_menu,
)

# Accept


def test_accepting_opens_a_group_dm_with_an_introduction(
    posted, driver, fake_slack, session, clock
) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    clock.advance(minutes=10)
    ts = press_in_dm(driver, fake_slack, ASKER_ID, ids.ACCEPT_OFFER)

    (opened,) = fake_slack.calls_to("conversations.open")
    assert opened.args["users"] == f"{ASKER_ID},{HELPER_1_ID}"
    offer = offers(session)[0]
    assert (offer.status, offer.accepted_at) == (OfferStatus.ACCEPTED, clock())
    group = offer.group_channel
    assert group
    assert group.startswith("G")
    (intro,) = [c for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == group]
    said = intro.args["text"] + json.dumps(intro.args["blocks"])
    assert f"<@{ASKER_ID}>" in said
    assert f"<@{HELPER_1_ID}>" in said
    assert "Needed by" in said
    assert slack_date(posted.needed_by) in said

    assert f"In progress with <@{HELPER_1_ID}>" in shown(post_of(fake_slack, posted))
    notice = fake_slack.messages[(fake_slack.dm_channel_id(ASKER_ID), ts)]
    assert "You accepted" in notice["text"]
    assert f"<#{group}>" in notice["text"]
    assert ids.ACCEPT_OFFER not in json.dumps(notice["blocks"])
    mine = fake_slack.messages[(offer.helper_channel, offer.helper_ts)]
    assert "was accepted" in mine["text"]
    assert f"<#{group}>" in mine["text"]
    assert ids.WITHDRAW_OFFER not in json.dumps(mine["blocks"])
    accepted = [e for e in events(session, posted.id) if e.kind == EventKind.ACCEPTED]
    assert [(e.actor_id, e.subject_id, e.created_at) for e in accepted] == [
        (ASKER_ID, HELPER_1_ID, clock())
    ]


def test_accepting_an_old_notice_twice_is_refused_kindly(
    posted, driver, fake_slack, session
) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    ((ts, message),) = holding(fake_slack, ASKER_ID, ids.ACCEPT_OFFER)
    channel = fake_slack.dm_channel_id(ASKER_ID)
    for _ in range(2):  # both clicks carry the notice as it was, with its buttons
        driver.block_action(
            ids.ACCEPT_OFFER, user_id=ASKER_ID, message={**message, "ts": ts}, channel_id=channel
        )
    assert len(fake_slack.calls_to("conversations.open")) == 1
    assert ephemerals(fake_slack, ASKER_ID) == ["You've already answered this offer."]
    assert kinds(session, posted.id).count(EventKind.ACCEPTED) == 1


def test_accepting_two_helpers_shows_both(posted, driver, fake_slack, session) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    driver.event(reaction(HELPER_2_ID, posted))
    offer_by_button(driver, fake_slack, posted, HELPER_3_ID)
    for ts, message in holding(fake_slack, ASKER_ID, ids.ACCEPT_OFFER):
        if HELPER_3_ID not in message["text"]:
            press(driver, fake_slack, ASKER_ID, ids.ACCEPT_OFFER, *notice_ref(fake_slack, ts))

    statuses = {o.helper_id: o.status for o in offers(session)}
    assert statuses == {
        HELPER_1_ID: OfferStatus.ACCEPTED,
        HELPER_2_ID: OfferStatus.ACCEPTED,
        HELPER_3_ID: OfferStatus.OFFERED,
    }
    opened = sorted(c.args["users"] for c in fake_slack.calls_to("conversations.open"))
    assert opened == [f"{ASKER_ID},{HELPER_1_ID}", f"{ASKER_ID},{HELPER_2_ID}"]
    standing = shown(post_of(fake_slack, posted))
    assert f"In progress with <@{HELPER_1_ID}> and <@{HELPER_2_ID}>" in standing
    assert "1 person more offered" in standing


def test_only_the_asker_can_accept(posted, driver, fake_slack, session) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    updates = len(fake_slack.calls_to("chat.update"))
    for action_id in (ids.ACCEPT_OFFER, ids.NOT_NOW_OFFER):
        press_in_dm(driver, fake_slack, ASKER_ID, action_id, user_id=HELPER_2_ID)

    assert offers(session)[0].status == OfferStatus.OFFERED
    assert fake_slack.calls_to("conversations.open") == []
    assert (
        ephemerals(fake_slack, HELPER_2_ID)
        == ["Only the person this is for can use that button."] * 2
    )
    assert len(fake_slack.calls_to("chat.update")) == updates
    assert EventKind.ACCEPTED not in kinds(session, posted.id)


def test_if_the_group_dm_cannot_open_the_offer_is_still_accepted(
    posted, driver, fake_slack, session
) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    fake_slack.fail("conversations.open", "user_disabled")
    press_in_dm(driver, fake_slack, ASKER_ID, ids.ACCEPT_OFFER)

    offer = offers(session)[0]
    assert (offer.status, offer.group_channel) == (OfferStatus.ACCEPTED, None)
    told = [c.args["text"] for c in dms_to(fake_slack, ASKER_ID)]
    assert any(
        "couldn't start a conversation" in t and "Send them a message directly" in t for t in told
    )
    assert any(
        "They'll message you directly" in c.args["text"] for c in dms_to(fake_slack, HELPER_1_ID)
    )
    assert f"In progress with <@{HELPER_1_ID}>" in shown(post_of(fake_slack, posted))


# Not now


def test_not_now_thanks_the_helper_and_still_counts_the_offer(
    posted, driver, fake_slack, session
) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    ts = press_in_dm(driver, fake_slack, ASKER_ID, ids.NOT_NOW_OFFER)

    offer = offers(session)[0]
    assert offer.status == OfferStatus.DECLINED
    mine = fake_slack.messages[(offer.helper_channel, offer.helper_ts)]
    assert "Thanks for offering to help" in mine["text"]
    assert "covered for now" in mine["text"]
    assert ids.WITHDRAW_OFFER not in json.dumps(mine["blocks"])
    notice = fake_slack.messages[notice_ref(fake_slack, ts)]
    assert "not now" in notice["text"]
    assert ids.ACCEPT_OFFER not in json.dumps(notice["blocks"])
    assert "1 person has offered" in shown(post_of(fake_slack, posted))
    assert fake_slack.calls_to("conversations.open") == []
    not_now = [e for e in events(session, posted.id) if e.kind == EventKind.NOT_NOW]
    assert [(e.actor_id, e.subject_id) for e in not_now] == [(ASKER_ID, HELPER_1_ID)]


def test_a_closed_request_cannot_be_accepted(posted, driver, fake_slack, session) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    ((ts, message),) = holding(fake_slack, ASKER_ID, ids.ACCEPT_OFFER)
    use_menu(driver, fake_slack, ASKER_ID, ids.MENU_WITHDRAW, posted)
    driver.block_action(
        ids.ACCEPT_OFFER,
        user_id=ASKER_ID,
        message={**message, "ts": ts},
        channel_id=fake_slack.dm_channel_id(ASKER_ID),
    )
    assert offers(session)[0].status == OfferStatus.OFFERED
    assert fake_slack.calls_to("conversations.open") == []
    assert ephemerals(fake_slack, ASKER_ID) == [
        "This request is closed: the asker no longer needs help with it."
    ]
