"""Offering help on a posted request: by emoji (added, retried, removed, and the reactions that
are not offers), by *I can help* on the post, and the helper withdrawing their offer."""

import json

import pytest

from bot.domain.offers import EventKind, OfferSource, OfferStatus
from bot.slack.blocks import ids
from tests.slack_stand_in.pytest_plugin import (
    ASKER_ID,
    BOT_USER_ID,
    DEACTIVATED_ID,
    HELPER_1_ID,
    HELPER_2_ID,
    OTHER_BOT_USER_ID,
)
from tests.support import (
    NO_OFFERS,
    dms_to,
    ephemerals,
    holding,
    kinds,
    offer_by_button,
    offers,
    post_of,
    post_updates,
    press_in_dm,
    reaction,
    shown,
)

# Offers by emoji


@pytest.mark.parametrize("emoji", ["raising_hand", "hand::skin-tone-3"])
def test_an_offer_emoji_on_the_post_is_one_offer(
    emoji, posted, driver, fake_slack, session, clock
) -> None:
    event = reaction(HELPER_1_ID, posted, emoji)
    driver.event(event, event_id="Ev0001OFFER")
    driver.event(event, event_id="Ev0001OFFER", retry_num=1)  # Slack retrying the same event
    other = "hand" if emoji.startswith("raising_hand") else "raising_hand::skin-tone-2"
    driver.event(reaction(HELPER_1_ID, posted, other))  # the second offer emoji, same person

    (offer,) = offers(session)
    assert (offer.helper_id, offer.source, offer.status) == (
        HELPER_1_ID,
        OfferSource.REACTION,
        OfferStatus.OFFERED,
    )
    (notice,) = dms_to(fake_slack, ASKER_ID)[1:]  # after "I posted your request"
    assert f"<@{HELPER_1_ID}> offered to help" in notice.args["text"]
    assert holding(fake_slack, ASKER_ID, ids.ACCEPT_OFFER)
    assert holding(fake_slack, ASKER_ID, ids.NOT_NOW_OFFER)
    (mine,) = dms_to(fake_slack, HELPER_1_ID)
    assert "Withdraw my offer" in json.dumps(mine.args["blocks"])
    assert holding(fake_slack, HELPER_1_ID, ids.WITHDRAW_OFFER)
    assert len(post_updates(fake_slack, posted)) == 1
    assert "1 person has offered to help so far" in shown(post_of(fake_slack, posted))
    assert kinds(session, posted.id).count(EventKind.OFFERED) == 1


def test_two_people_reacting_are_two_offers(posted, driver, fake_slack, session) -> None:
    driver.event(reaction(HELPER_1_ID, posted))
    driver.event(reaction(HELPER_2_ID, posted, "hand::skin-tone-5"))
    assert sorted(o.helper_id for o in offers(session)) == [HELPER_1_ID, HELPER_2_ID]
    assert "2 people have offered to help so far" in shown(post_of(fake_slack, posted))
    assert len(holding(fake_slack, ASKER_ID, ids.ACCEPT_OFFER)) == 2


@pytest.mark.parametrize(
    "event",
    [
        pytest.param(lambda r: reaction(ASKER_ID, r), id="by-the-asker"),
        pytest.param(lambda r: reaction(OTHER_BOT_USER_ID, r), id="by-a-bot"),
        pytest.param(lambda r: reaction(BOT_USER_ID, r), id="by-this-app"),
        pytest.param(lambda r: reaction(DEACTIVATED_ID, r), id="by-a-deactivated-account"),
        pytest.param(lambda r: reaction(HELPER_1_ID, r, "thumbsup"), id="another-emoji"),
        pytest.param(lambda r: reaction(HELPER_1_ID, r, "raising_hand_man"), id="similar-name"),
        pytest.param(
            lambda r: reaction(HELPER_1_ID, r, ts="1700000000.999999"), id="another-message"
        ),
        pytest.param(lambda r: reaction(HELPER_1_ID, r, kind="file"), id="not-a-message"),
    ],
)
def test_a_reaction_that_is_not_an_offer_changes_nothing(
    event, posted, driver, fake_slack, session
) -> None:
    posts_before = len(fake_slack.calls_to("chat.postMessage"))
    response = driver.event(event(posted))
    assert response.status == 200
    assert offers(session) == []
    assert len(fake_slack.calls_to("chat.postMessage")) == posts_before
    assert fake_slack.calls_to("chat.update") == []
    assert EventKind.OFFERED not in kinds(session, posted.id)


def test_removing_the_emoji_withdraws_the_offer(posted, driver, fake_slack, session) -> None:
    driver.event(reaction(HELPER_1_ID, posted))
    driver.event(reaction(HELPER_1_ID, posted, removed=True))

    (offer,) = offers(session)
    assert offer.status == OfferStatus.WITHDRAWN
    assert NO_OFFERS in shown(post_of(fake_slack, posted))
    assert holding(fake_slack, ASKER_ID, ids.ACCEPT_OFFER) == []  # the notice says it's gone
    notice = fake_slack.messages[(offer.asker_channel, offer.asker_ts)]
    assert "withdrew their offer" in notice["text"]
    assert holding(fake_slack, HELPER_1_ID, ids.WITHDRAW_OFFER) == []
    assert kinds(session, posted.id)[-2:] == [EventKind.OFFERED, EventKind.OFFER_WITHDRAWN]

    driver.event(reaction(HELPER_1_ID, posted))  # reacting again offers again
    assert offers(session)[0].status == OfferStatus.OFFERED
    assert "1 person has offered" in shown(post_of(fake_slack, posted))


def test_removing_one_of_two_offer_emojis_keeps_the_offer(
    posted, driver, fake_slack, session
) -> None:
    driver.event(reaction(HELPER_1_ID, posted, "raising_hand"))
    driver.event(reaction(HELPER_1_ID, posted, "hand"))
    driver.event(reaction(HELPER_1_ID, posted, "hand", removed=True))  # :raising_hand: stays
    assert offers(session)[0].status == OfferStatus.OFFERED
    assert "1 person has offered" in shown(post_of(fake_slack, posted))


def test_removing_another_emoji_or_a_button_offer_keeps_the_offer(
    posted, driver, fake_slack, session
) -> None:
    driver.event(reaction(HELPER_1_ID, posted))
    driver.event(reaction(HELPER_1_ID, posted, "thumbsup", removed=True))
    offer_by_button(driver, fake_slack, posted, HELPER_2_ID)
    driver.event(reaction(HELPER_2_ID, posted, removed=True))  # their offer was the button
    assert {o.helper_id: o.status for o in offers(session)} == {
        HELPER_1_ID: OfferStatus.OFFERED,
        HELPER_2_ID: OfferStatus.OFFERED,
    }


def test_removing_the_emoji_after_it_was_accepted_keeps_it_accepted(
    posted, driver, fake_slack, session
) -> None:
    driver.event(reaction(HELPER_1_ID, posted))
    press_in_dm(driver, fake_slack, ASKER_ID, ids.ACCEPT_OFFER)
    driver.event(reaction(HELPER_1_ID, posted, removed=True))

    assert offers(session)[0].status == OfferStatus.ACCEPTED
    assert f"In progress with <@{HELPER_1_ID}>" in shown(post_of(fake_slack, posted))
    assert EventKind.OFFER_WITHDRAWN not in kinds(session, posted.id)


# *I can help* on the post


def test_i_can_help_on_the_post_is_one_offer_however_often_pressed(
    posted, driver, fake_slack, session
) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)  # a double click

    (offer,) = offers(session)
    assert (offer.helper_id, offer.source, offer.status) == (
        HELPER_1_ID,
        OfferSource.BUTTON,
        OfferStatus.OFFERED,
    )
    assert len(holding(fake_slack, ASKER_ID, ids.ACCEPT_OFFER)) == 1
    assert len(dms_to(fake_slack, HELPER_1_ID)) == 1
    assert ephemerals(fake_slack, HELPER_1_ID) == ["You've already answered this one, thank you."]
    assert "1 person has offered" in shown(post_of(fake_slack, posted))


def test_the_asker_cannot_offer_on_their_own_request(posted, driver, fake_slack, session) -> None:
    offer_by_button(driver, fake_slack, posted, ASKER_ID)
    assert offers(session) == []
    assert ephemerals(fake_slack, ASKER_ID) == [
        "This is your own request, so you can't offer on it."
    ]


# Withdraw my offer


def test_the_helper_withdraws_their_offer(posted, driver, fake_slack, session) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    press_in_dm(driver, fake_slack, HELPER_1_ID, ids.WITHDRAW_OFFER)

    offer = offers(session)[0]
    assert offer.status == OfferStatus.WITHDRAWN
    mine = fake_slack.messages[(offer.helper_channel, offer.helper_ts)]
    assert "You withdrew your offer" in mine["text"]
    notice = fake_slack.messages[(offer.asker_channel, offer.asker_ts)]
    assert "withdrew their offer" in notice["text"]
    assert NO_OFFERS in shown(post_of(fake_slack, posted))
    assert EventKind.OFFER_WITHDRAWN in kinds(session, posted.id)

    # The asker answering the notice as it was before it changed
    driver.block_action(
        ids.ACCEPT_OFFER,
        user_id=ASKER_ID,
        value=str(offer.id),
        channel_id=offer.asker_channel,
        message={"ts": offer.asker_ts, "text": "old", "type": "message"},
    )
    assert offers(session)[0].status == OfferStatus.WITHDRAWN
    assert ephemerals(fake_slack, ASKER_ID) == [
        "They withdrew their offer in the meantime, so there's nothing to answer."
    ]


def test_only_the_helper_can_withdraw_their_offer(posted, driver, fake_slack, session) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    for someone in (HELPER_2_ID, ASKER_ID):
        press_in_dm(driver, fake_slack, HELPER_1_ID, ids.WITHDRAW_OFFER, user_id=someone)
        assert ephemerals(fake_slack, someone) == [
            "Only the person this is for can use that button."
        ]
    assert offers(session)[0].status == OfferStatus.OFFERED
    assert "1 person has offered" in shown(post_of(fake_slack, posted))


def test_an_accepted_offer_cannot_be_withdrawn(posted, driver, fake_slack, session) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    ((ts, message),) = holding(fake_slack, HELPER_1_ID, ids.WITHDRAW_OFFER)
    press_in_dm(driver, fake_slack, ASKER_ID, ids.ACCEPT_OFFER)
    channel = fake_slack.dm_channel_id(HELPER_1_ID)
    driver.block_action(
        ids.WITHDRAW_OFFER, user_id=HELPER_1_ID, message={**message, "ts": ts}, channel_id=channel
    )
    assert offers(session)[0].status == OfferStatus.ACCEPTED
    (text,) = ephemerals(fake_slack, HELPER_1_ID)
    assert text.startswith("Their offer was accepted already")
