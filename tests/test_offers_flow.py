"""Responses end to end: offers by emoji, button and direct ask; accept into a group DM, not now,
withdraw; resolve with thanks; the follow-up after needed-by; passing with a reason; and the
posted message kept current, through signed requests and the fake Slack."""

import copy
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.domain.offers import (
    DeclineReason,
    EventKind,
    OfferSource,
    OfferStatus,
    Route,
    SuggestionStatus,
)
from bot.domain.requests import HelpKind, RequestSize, RequestStatus
from bot.services import closing
from bot.slack.blocks import ids
from bot.slack.blocks.text import slack_date
from db.models import (
    HelpRequest,
    Offer,
    RequestEvent,
    Suggestion,
    Thanks,
)
from tests.slack_stand_in.pytest_plugin import (
    ASKER_ID,
    BOT_USER_ID,
    DEACTIVATED_ID,
    HELP_CHANNEL_ID,
    HELPER_1_ID,
    HELPER_2_ID,
    HELPER_3_ID,
    OTHER_BOT_USER_ID,
    TEAM_ID,
)
from tests.test_routing_flow import DATA_CHANNEL, databases, person  # noqa: F401 - a fixture

WHAT = "Could someone review my postgres migration that adds an index to the orders table?"
WHY = "It blocks Thursday's release to customers"
NO_OFFERS = "No offers yet"


def answers(clock, **changes):
    return {
        "what": WHAT,
        "why": WHY,
        "kind": HelpKind.FEEDBACK.value,
        "size": RequestSize.HALF_HOUR.value,
        "needed_by": int((clock() + timedelta(days=2)).timestamp()),
        **changes,
    }


# -- reading the database ----------------------------------------------------------------------


def the_request(session) -> HelpRequest:
    session.expire_all()
    (request,) = session.scalars(select(HelpRequest)).all()
    return request


def offers(session) -> list[Offer]:
    session.expire_all()
    return list(session.scalars(select(Offer).order_by(Offer.id)))


def offer_of(session, helper) -> Offer:
    return next(o for o in offers(session) if o.helper_id == helper)


def events(session, request_id) -> list[RequestEvent]:
    session.expire_all()
    return list(
        session.scalars(
            select(RequestEvent)
            .where(RequestEvent.request_id == request_id)
            .order_by(RequestEvent.created_at, RequestEvent.id)
        )
    )


def kinds(session, request_id) -> list[EventKind]:
    return [e.kind for e in events(session, request_id)]


# -- reading the fake Slack --------------------------------------------------------------------


def shown(message) -> str:
    """Everything a reader sees in a message: its fallback text and its blocks."""
    return message.get("text", "") + json.dumps(message.get("blocks") or [])


def post_of(fake_slack, request) -> dict:
    return fake_slack.messages[(request.posted_channel, request.posted_ts)]


def post_updates(fake_slack, request):
    return [
        c
        for c in fake_slack.calls_to("chat.update")
        if (c.args["channel"], c.args["ts"]) == (request.posted_channel, request.posted_ts)
    ]


def dms_to(fake_slack, user_id):
    return [c for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == user_id]


def holding(fake_slack, user_id, action_id) -> list[tuple[str, dict]]:
    """(ts, message) of each message in `user_id`'s DM with the app that has this button now."""
    dm = fake_slack.dm_channel_id(user_id)
    return [
        (ts, message)
        for (channel, ts), message in fake_slack.messages.items()
        if channel == dm and f'"action_id": "{action_id}"' in json.dumps(message.get("blocks"))
    ]


def ephemerals(fake_slack, user_id=None) -> list[str]:
    return [
        c.args["text"]
        for c in fake_slack.calls_to("chat.postEphemeral")
        if user_id is None or c.args["user"] == user_id
    ]


def last_view(fake_slack) -> dict:
    return list(fake_slack.views.values())[-1]


def press(driver, fake_slack, user_id, action_id, channel, ts):
    """`user_id` presses the button `action_id` in the stored message at (channel, ts)."""
    message = fake_slack.messages[(channel, ts)]
    return driver.block_action(
        action_id, user_id=user_id, message={**message, "ts": ts}, channel_id=channel
    )


def press_in_dm(driver, fake_slack, owner, action_id, user_id=None):
    """Press `action_id` in the one message of `owner`'s DM that has it (as `user_id`)."""
    (ts, _message), *rest = holding(fake_slack, owner, action_id)
    assert not rest, f"several messages in {owner}'s DM have {action_id}"
    press(driver, fake_slack, user_id or owner, action_id, fake_slack.dm_channel_id(owner), ts)
    return ts


def notice_ref(fake_slack, ts):
    """Where the asker's DM with the app holds the message `ts`."""
    return fake_slack.dm_channel_id(ASKER_ID), ts


def reaction(user_id, request, name="raising_hand", *, removed=False, ts=None, kind="message"):
    """A reaction_added / reaction_removed event, shaped as Slack sends it."""
    return {
        "type": "reaction_removed" if removed else "reaction_added",
        "user": user_id,
        "reaction": name,
        "item_user": BOT_USER_ID,
        "item": {"type": kind, "channel": request.posted_channel, "ts": ts or request.posted_ts},
    }


def use_menu(driver, fake_slack, user_id, choice, request):
    return driver.block_action(
        ids.REQUEST_MENU,
        user_id=user_id,
        selected=f"{choice}:{request.id}",
        message={**post_of(fake_slack, request), "ts": request.posted_ts},
        channel_id=request.posted_channel,
    )


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def posted(open_ask_modal, driver, fake_slack, session, clock) -> HelpRequest:
    """A SMART request with a needed-by, posted straight to the help channel."""
    response = driver.view_submission(open_ask_modal(), answers(clock), user_id=ASKER_ID)
    assert response.body == ""
    request = the_request(session)
    assert (request.status, request.posted_channel) == (RequestStatus.OPEN, HELP_CHANNEL_ID)
    assert NO_OFFERS in shown(post_of(fake_slack, request))
    return request


def offer_by_button(driver, fake_slack, request, helper):
    return press(
        driver, fake_slack, helper, ids.OFFER_FROM_POST, request.posted_channel, request.posted_ts
    )


@pytest.fixture
def helpers(session, clock, databases):  # noqa: F811 - the imported fixture
    """Six people glad to help with databases: five are asked directly, one is in reserve."""
    for n in range(1, 7):
        person(session, clock, f"UDB{n}", topics=[databases])
    session.commit()


def send(fake_slack, driver, view, clock, route, **changes):
    """Submit the form, then choose `route` on the review that suggests helpers."""
    response = driver.view_submission(view, answers(clock, **changes), user_id=ASKER_ID)
    body = response.json()
    assert body["response_action"] == "update", body
    review = fake_slack.apply_view_response(view["id"], body)
    driver.view_submission(review, {"route": route.value}, user_id=ASKER_ID)


# 1. Offers by emoji


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


# 2. *I can help* on the post


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


# 3. Accept


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


# 4. Not now


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


# 5. Withdraw my offer


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


# 6. Resolve, with thanks


def resolve_form(driver, fake_slack, request, user_id=ASKER_ID) -> dict:
    before = len(fake_slack.calls_to("views.open"))
    use_menu(driver, fake_slack, user_id, ids.MENU_RESOLVE, request)
    assert len(fake_slack.calls_to("views.open")) == before + 1
    form = last_view(fake_slack)
    assert form["callback_id"] == ids.RESOLVE_MODAL
    return form


def note_for(helper) -> str:
    return f"{ids.THANKS_BLOCK_PREFIX}{helper}.{ids.THANKS_INPUT}"


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


# 7. Follow-up after needed-by


def past_needed_by(clock, request):
    clock.now = request.needed_by + timedelta(minutes=1)


def follow_up(deps):
    with deps.sessions() as session:
        return closing.follow_up_due(session, deps.slack, clock=deps.clock)


def into_working_hours(clock, tz="Europe/Berlin"):
    """The follow-up waits for the asker's working hours, like a nudge: move the clock there."""
    from zoneinfo import ZoneInfo

    while True:
        local = clock().astimezone(ZoneInfo(tz))
        if local.weekday() < 5 and 9 <= local.hour < 17:
            return
        clock.advance(hours=1)


def expire(deps):
    with deps.sessions() as session:
        return closing.expire_unanswered(session, deps.slack, clock=deps.clock)


def follow_ups(fake_slack):
    return [
        c for c in dms_to(fake_slack, ASKER_ID) if "Did you get what you needed?" in c.args["text"]
    ]


def test_the_asker_is_asked_once_how_it_went(posted, deps, fake_slack, session, clock) -> None:
    clock.now = posted.needed_by - timedelta(minutes=1)
    assert follow_up(deps) == []  # not yet
    past_needed_by(clock, posted)
    assert follow_up(deps) == [posted.id]
    assert follow_up(deps) == []  # once only

    (asked,) = follow_ups(fake_slack)
    buttons = [
        e["action_id"]
        for b in asked.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert buttons == [ids.FOLLOW_UP_RESOLVED, ids.FOLLOW_UP_EXTEND, ids.FOLLOW_UP_DONE]
    request = the_request(session)
    assert (request.status, request.followed_up_at) == (RequestStatus.OPEN, clock())
    assert kinds(session, posted.id)[-1] == EventKind.FOLLOWED_UP


def test_no_longer_needed_closes_it(posted, deps, driver, fake_slack, session, clock) -> None:
    past_needed_by(clock, posted)
    follow_up(deps)
    ts = press_in_dm(driver, fake_slack, ASKER_ID, ids.FOLLOW_UP_DONE)

    assert the_request(session).status == RequestStatus.EXPIRED
    assert "closed your request" in fake_slack.messages[notice_ref(fake_slack, ts)]["text"]
    assert "has closed: its needed-by date passed" in shown(post_of(fake_slack, posted))
    (expired,) = [e for e in events(session, posted.id) if e.kind == EventKind.EXPIRED]
    assert (expired.actor_id, expired.created_at) == (ASKER_ID, clock())
    assert expire(deps) == []


def test_still_need_help_extends_it_and_asks_more_people(
    helpers, deps, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    send(fake_slack, driver, open_ask_modal(), clock, Route.CHANNEL)
    request = the_request(session)
    assert request.posted_channel == DATA_CHANNEL
    past_needed_by(clock, request)
    follow_up(deps)
    ts = press_in_dm(driver, fake_slack, ASKER_ID, ids.FOLLOW_UP_EXTEND)
    form = last_view(fake_slack)
    assert form["callback_id"] == ids.EXTEND_MODAL

    past = driver.view_submission(
        form, {ids.EXTEND_INPUT: clock() - timedelta(hours=1)}, user_id=ASKER_ID
    )
    body = past.json()
    assert body["response_action"] == "errors"
    assert ids.EXTEND_BLOCK in body["errors"]
    assert the_request(session).followed_up_at is not None

    new_needed_by = (clock() + timedelta(days=3)).replace(second=0, microsecond=0)
    response = driver.view_submission(form, {ids.EXTEND_INPUT: new_needed_by}, user_id=ASKER_ID)
    assert response.body == ""

    request = the_request(session)
    assert (request.status, request.needed_by, request.followed_up_at) == (
        RequestStatus.OPEN,
        new_needed_by,
        None,
    )
    assert request.widen_at is not None
    assert request.widened_at is None
    asked = sorted(
        c.args["channel"]
        for c in fake_slack.calls_to("chat.postMessage")
        if c.args["channel"].startswith("UDB")
    )
    assert asked == ["UDB1", "UDB2", "UDB3"]
    assert slack_date(new_needed_by) in shown(post_of(fake_slack, request))
    answered = fake_slack.messages[notice_ref(fake_slack, ts)]["text"]
    assert "New needed-by" in answered
    assert "<@UDB1>" in answered
    assert holding(fake_slack, ASKER_ID, ids.FOLLOW_UP_EXTEND) == []
    (extended,) = [e for e in events(session, request.id) if e.kind == EventKind.EXTENDED]
    assert extended.created_at == clock()

    past_needed_by(clock, request)  # the new needed-by passes too: asked again
    into_working_hours(clock)
    assert follow_up(deps) == [request.id]


def test_yes_resolved_answers_the_follow_up_in_place(
    posted, deps, driver, fake_slack, session, clock
) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    past_needed_by(clock, posted)
    follow_up(deps)
    ts = press_in_dm(driver, fake_slack, ASKER_ID, ids.FOLLOW_UP_RESOLVED)
    form = last_view(fake_slack)
    assert form["callback_id"] == ids.RESOLVE_MODAL
    posts = len(fake_slack.calls_to("chat.postMessage"))
    driver.view_submission(form, {note_for(HELPER_1_ID): "Thanks a lot"}, user_id=ASKER_ID)

    assert the_request(session).status == RequestStatus.RESOLVED
    answered = fake_slack.messages[notice_ref(fake_slack, ts)]
    assert "Marked resolved" in answered["text"]
    assert ids.FOLLOW_UP_DONE not in json.dumps(answered["blocks"])
    # The only new message is the helper's thanks; the asker's answer replaced the follow-up.
    new = fake_slack.calls_to("chat.postMessage")[posts:]
    assert [c.args["channel"] for c in new] == [HELPER_1_ID]


def test_an_unanswered_follow_up_expires_after_a_week(
    posted, deps, fake_slack, session, clock
) -> None:
    past_needed_by(clock, posted)
    follow_up(deps)
    clock.advance(days=7, minutes=-2)
    assert expire(deps) == []
    clock.advance(minutes=3)
    assert expire(deps) == [posted.id]
    assert expire(deps) == []

    assert the_request(session).status == RequestStatus.EXPIRED
    assert "has closed: its needed-by date passed" in shown(post_of(fake_slack, posted))
    (expired,) = [e for e in events(session, posted.id) if e.kind == EventKind.EXPIRED]
    assert (expired.actor_id, expired.created_at) == (None, clock())


def test_an_expired_request_can_still_be_resolved(
    posted, deps, driver, fake_slack, session, clock
) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    past_needed_by(clock, posted)
    follow_up(deps)
    clock.advance(days=8)
    expire(deps)
    press_in_dm(driver, fake_slack, ASKER_ID, ids.FOLLOW_UP_RESOLVED)
    driver.view_submission(
        last_view(fake_slack), {note_for(HELPER_1_ID): "Thanks"}, user_id=ASKER_ID
    )
    assert the_request(session).status == RequestStatus.RESOLVED


def test_still_need_help_reopens_an_expired_request(
    posted, deps, driver, fake_slack, session, clock
) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    past_needed_by(clock, posted)
    follow_up(deps)
    clock.advance(days=8)
    assert expire(deps) == [posted.id]
    press_in_dm(driver, fake_slack, ASKER_ID, ids.FOLLOW_UP_EXTEND)
    new_needed_by = (clock() + timedelta(days=2)).replace(second=0, microsecond=0)
    driver.view_submission(
        last_view(fake_slack), {ids.EXTEND_INPUT: new_needed_by}, user_id=ASKER_ID
    )

    request = the_request(session)
    assert (request.status, request.needed_by) == (RequestStatus.OPEN, new_needed_by)
    post = shown(post_of(fake_slack, request))
    assert "1 person has offered" in post
    assert ids.OFFER_FROM_POST in post
    assert kinds(session, request.id)[-2:] == [EventKind.EXPIRED, EventKind.EXTENDED]


def test_the_follow_up_waits_for_the_askers_working_hours(posted, deps, session, clock) -> None:
    from zoneinfo import ZoneInfo

    request = the_request(session)
    # Saturday 03:00 in Berlin: the asker hears nothing until Monday 9:00, their time.
    clock.now = datetime(2026, 11, 28, 3, 0, tzinfo=ZoneInfo("Europe/Berlin")).astimezone(UTC)
    request.needed_by = clock() - timedelta(hours=1)
    session.commit()
    assert follow_up(deps) == []
    clock.now = datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")).astimezone(UTC)
    assert follow_up(deps) == [request.id]


def test_a_new_needed_by_from_the_edit_form_restarts_the_follow_up(
    posted, deps, driver, fake_slack, session, clock
) -> None:
    past_needed_by(clock, posted)
    follow_up(deps)
    use_menu(driver, fake_slack, ASKER_ID, ids.MENU_EDIT, posted)  # instead of the buttons
    later = clock() + timedelta(days=10)
    response = driver.view_submission(
        last_view(fake_slack), {ids.NEEDED_BY_INPUT: later}, user_id=ASKER_ID
    )
    assert response.body == ""
    assert the_request(session).needed_by == later.replace(microsecond=0)

    clock.advance(days=7, minutes=1)
    assert expire(deps) == []  # its needed-by is three days ahead still
    assert the_request(session).status == RequestStatus.OPEN
    clock.advance(days=3)
    into_working_hours(clock)
    assert follow_up(deps) == [posted.id]  # asked again once the new needed-by passes


# 8. Passing on a direct ask, with a reason


def direct_ask(fake_slack, helper):
    dm = fake_slack.dm_channel_id(helper)
    return next((ts, m) for (c, ts), m in fake_slack.messages.items() if c == dm)


def decline_form(driver, fake_slack, helper) -> dict:
    ts, _ = direct_ask(fake_slack, helper)
    press(driver, fake_slack, helper, ids.DECLINE_HELP, fake_slack.dm_channel_id(helper), ts)
    form = last_view(fake_slack)
    assert form["callback_id"] == ids.DECLINE_MODAL
    return form


def pass_on(driver, fake_slack, helper, reason, note=None):
    values = {ids.DECLINE_REASON_INPUT: reason.value}
    if note:
        values[ids.DECLINE_NOTE_INPUT] = note
    return driver.view_submission(decline_form(driver, fake_slack, helper), values, user_id=helper)


def feedback_dms(fake_slack):
    return [c for c in dms_to(fake_slack, ASKER_ID) if "passed" in c.args["text"]]


def suggestion(session, user_id) -> Suggestion:
    session.expire_all()
    return session.scalars(select(Suggestion).where(Suggestion.user_id == user_id)).one()


def test_passing_needs_a_reason(helpers, open_ask_modal, driver, fake_slack, session, clock):
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
    form = decline_form(driver, fake_slack, "UDB3")
    crafted = copy.deepcopy(form)  # Slack's client won't submit it without one; a crafted payload
    for block in crafted["blocks"]:
        if block.get("block_id") == ids.DECLINE_REASON_BLOCK:
            block["optional"] = True
    response = driver.view_submission(crafted, {}, user_id="UDB3")

    body = response.json()
    assert body == {
        "response_action": "errors",
        "errors": {ids.DECLINE_REASON_BLOCK: "Pick the reason that fits best."},
    }
    assert suggestion(session, "UDB3").status == SuggestionStatus.ASKED
    assert feedback_dms(fake_slack) == []


def test_passing_with_a_reason_tells_the_asker_kindly_and_without_names(
    helpers, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
    ts, _ = direct_ask(fake_slack, "UDB3")
    clock.advance(minutes=5)
    pass_on(driver, fake_slack, "UDB3", DeclineReason.DEADLINE, "private: I'm on leave")

    row = suggestion(session, "UDB3")
    assert (row.status, row.decline_reason, row.decline_note, row.responded_at) == (
        SuggestionStatus.DECLINED,
        DeclineReason.DEADLINE,
        "private: I'm on leave",
        clock(),
    )
    request = the_request(session)
    (passed,) = [e for e in events(session, request.id) if e.kind == EventKind.PASSED]
    assert (passed.actor_id, passed.detail, passed.created_at) == ("UDB3", "deadline", clock())
    assert len(dms_to(fake_slack, "UDB6")) == 1  # the reserve is asked instead
    assert suggestion(session, "UDB6").status == SuggestionStatus.ASKED
    assert "No problem" in fake_slack.messages[(fake_slack.dm_channel_id("UDB3"), ts)]["text"]

    (feedback,) = feedback_dms(fake_slack)
    said = feedback.args["text"] + json.dumps(feedback.args["blocks"])
    assert "One person passed: the deadline was too tight for them." in said
    buttons = [ids.FEEDBACK_EXTEND, ids.FEEDBACK_EDIT, ids.FEEDBACK_WIDEN]
    assert all(b in said for b in buttons)
    assert "UDB3" not in said
    assert "on leave" not in said
    assert request.feedback_ts is not None

    clock.advance(minutes=5)
    pass_on(driver, fake_slack, "UDB4", DeclineReason.DEADLINE)
    assert len(feedback_dms(fake_slack)) == 1  # still one message
    channel, feedback_ts = request.feedback_channel, request.feedback_ts
    updates = [
        c
        for c in fake_slack.calls_to("chat.update")
        if (c.args["channel"], c.args["ts"]) == (channel, feedback_ts)
    ]
    assert len(updates) == 1
    now_said = shown(fake_slack.messages[(channel, feedback_ts)])
    assert "Two people passed: the deadline was too tight for them." in now_said
    for private in ("UDB3", "UDB4", "on leave"):
        assert private not in now_said


def test_the_same_helper_passing_twice_counts_once(
    helpers, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
    form = decline_form(driver, fake_slack, "UDB3")
    values = {ids.DECLINE_REASON_INPUT: DeclineReason.NO_TIME.value}
    driver.view_submission(form, values, user_id="UDB3")
    driver.view_submission(form, values, user_id="UDB3")
    assert len(feedback_dms(fake_slack)) == 1
    assert "One person passed" in feedback_dms(fake_slack)[0].args["text"]
    assert fake_slack.calls_to("chat.update")[-1].args["ts"] != the_request(session).feedback_ts
    assert kinds(session, the_request(session).id).count(EventKind.PASSED) == 1


def test_widen_to_the_channel_from_the_feedback(
    helpers, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
    pass_on(driver, fake_slack, "UDB3", DeclineReason.NOT_MY_AREA)
    assert not [m for (c, _), m in fake_slack.messages.items() if c == DATA_CHANNEL]
    press_in_dm(driver, fake_slack, ASKER_ID, ids.FEEDBACK_WIDEN)

    request = the_request(session)
    assert (request.posted_channel, request.route) == (DATA_CHANNEL, Route.BOTH)
    assert "is asking for help" in post_of(fake_slack, request)["text"]
    assert any(
        f"posted it in <#{DATA_CHANNEL}>" in c.args["text"] for c in dms_to(fake_slack, ASKER_ID)
    )
    assert EventKind.WIDENED in kinds(session, request.id)

    press_in_dm(driver, fake_slack, ASKER_ID, ids.FEEDBACK_WIDEN)  # again
    assert ephemerals(fake_slack, ASKER_ID) == [
        "It's already in a channel, where everyone there can see it."
    ]
    assert len([m for (c, _), m in fake_slack.messages.items() if c == DATA_CHANNEL]) == 1


def test_an_over_long_note_when_passing_is_a_field_error(
    helpers, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
    crafted = copy.deepcopy(decline_form(driver, fake_slack, "UDB3"))
    for block in crafted["blocks"]:
        if block.get("block_id") == ids.DECLINE_NOTE_BLOCK:
            block["element"].pop("max_length", None)
    response = driver.view_submission(
        crafted,
        {ids.DECLINE_REASON_INPUT: DeclineReason.OTHER.value, ids.DECLINE_NOTE_INPUT: "x" * 501},
        user_id="UDB3",
    )
    body = response.json()
    assert body["response_action"] == "errors"
    assert list(body["errors"]) == [ids.DECLINE_NOTE_BLOCK]
    assert suggestion(session, "UDB3").status == SuggestionStatus.ASKED


def test_widening_after_an_offer_posts_with_the_offer_counted(
    helpers, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
    ts, _ = direct_ask(fake_slack, "UDB1")
    press(driver, fake_slack, "UDB1", ids.OFFER_HELP, fake_slack.dm_channel_id("UDB1"), ts)
    pass_on(driver, fake_slack, "UDB3", DeclineReason.NOT_MY_AREA)
    press_in_dm(driver, fake_slack, ASKER_ID, ids.FEEDBACK_WIDEN)

    post = shown(post_of(fake_slack, the_request(session)))
    assert "1 person has offered to help so far" in post
    assert NO_OFFERS not in post


# 9. The event log


def test_every_change_is_stored_with_its_time(posted, driver, fake_slack, session, clock) -> None:
    posted_at = clock()
    clock.advance(minutes=42)
    driver.event(reaction(HELPER_1_ID, posted))
    clock.advance(minutes=1)
    offer_by_button(driver, fake_slack, posted, HELPER_2_ID)
    clock.advance(minutes=1)
    press_in_dm(driver, fake_slack, HELPER_2_ID, ids.WITHDRAW_OFFER)
    clock.advance(minutes=5)
    press_in_dm(driver, fake_slack, ASKER_ID, ids.ACCEPT_OFFER)
    clock.advance(hours=2)
    driver.view_submission(
        resolve_form(driver, fake_slack, posted), {ids.IMPACT_INPUT: "Shipped"}, user_id=ASKER_ID
    )

    log = [(e.kind, e.actor_id, e.subject_id, e.created_at) for e in events(session, posted.id)]
    start = posted_at
    assert log == [
        (EventKind.POSTED, ASKER_ID, None, start),
        (EventKind.OFFERED, HELPER_1_ID, None, start + timedelta(minutes=42)),
        (EventKind.OFFERED, HELPER_2_ID, None, start + timedelta(minutes=43)),
        (EventKind.OFFER_WITHDRAWN, HELPER_2_ID, None, start + timedelta(minutes=44)),
        (EventKind.ACCEPTED, ASKER_ID, HELPER_1_ID, start + timedelta(minutes=49)),
        (EventKind.RESOLVED, ASKER_ID, None, start + timedelta(hours=2, minutes=49)),
        (EventKind.THANKED, ASKER_ID, HELPER_1_ID, start + timedelta(hours=2, minutes=49)),
    ]
    offered = [e for e in events(session, posted.id) if e.kind == EventKind.OFFERED]
    assert {e.detail for e in offered} == {"reaction", "button"}
    assert all(e.team_id == TEAM_ID for e in events(session, posted.id))
    first = min(e.created_at for e in offered)
    (post,) = [e for e in events(session, posted.id) if e.kind == EventKind.POSTED]
    assert first - post.created_at == timedelta(minutes=42)  # time to first offer


def test_an_offer_on_a_direct_ask_is_stored_as_direct(
    helpers, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
    ts, _message = direct_ask(fake_slack, "UDB2")
    press(driver, fake_slack, "UDB2", ids.OFFER_HELP, fake_slack.dm_channel_id("UDB2"), ts)
    request = the_request(session)
    offered = [e for e in events(session, request.id) if e.kind == EventKind.OFFERED]
    assert [(e.actor_id, e.detail) for e in offered] == [("UDB2", "direct")]
    assert offer_of(session, "UDB2").source == OfferSource.DIRECT


def test_each_helper_asked_directly_is_an_event(
    helpers, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
    clock.advance(minutes=20)
    ts, _ = direct_ask(fake_slack, "UDB2")
    press(driver, fake_slack, "UDB2", ids.OFFER_HELP, fake_slack.dm_channel_id("UDB2"), ts)

    request = the_request(session)
    asked = [e for e in events(session, request.id) if e.kind == EventKind.ASKED]
    assert sorted(e.subject_id for e in asked) == ["UDB1", "UDB2", "UDB3", "UDB4", "UDB5"]
    (offered,) = [e for e in events(session, request.id) if e.kind == EventKind.OFFERED]
    first_asked = min(e.created_at for e in asked)
    assert offered.created_at - first_asked == timedelta(minutes=20)


# 10. Edit and withdraw keep the post's count


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
