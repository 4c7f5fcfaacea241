"""Helper profiles, App Home, the topics admins keep, and the Slack user cache kept by events:
all through signed requests and the fake Slack."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.domain.requests import Delivery, RequestStatus
from bot.domain.routing import TopicInfo, lookup_keys, skill_stem, terms
from bot.services.people import PROFILE_TTL
from bot.slack.blocks import ids
from bot.slack.blocks.profile import topic_delete_modal, topic_modal
from db.models import HelperProfile, HelperSkill, HelperTopic, HelpRequest, SlackUser, Topic
from tests import factories
from tests.slack_stand_in.pytest_plugin import (
    ADMIN_ID,
    ASKER_ID,
    GENERAL_CHANNEL_ID,
    HELP_CHANNEL_ID,
    HELPER_1_ID,
    HELPER_2_ID,
    TEAM_ID,
)
from tests.support import headers, home_of, open_home, opened, published, text_of

NOT_ADMIN = "Only workspace admins can change topics."
# HELPER_2 keeps topics by the app's settings alone; ADMIN_ID is a Slack workspace admin.
SETTINGS_ADMIN = HELPER_2_ID


@pytest.fixture
def settings_overrides():
    return {"ADMIN_USER_IDS": f"{SETTINGS_ADMIN},W0OTHER1"}


# --- helpers --------------------------------------------------------------------------------------


def add_topic(session, clock, name="Billing", keywords="invoice,refund", channel=HELP_CHANNEL_ID):
    topic = factories.topic(session, at=clock(), name=name, keywords=keywords, channel_id=channel)
    session.commit()
    return topic


def topics(session) -> list[Topic]:
    session.expire_all()
    return list(session.scalars(select(Topic).order_by(Topic.id)))


def profile_rows(session, user_id):
    session.expire_all()
    profile = session.get(HelperProfile, (TEAM_ID, user_id))
    chosen = set(
        session.scalars(select(HelperTopic.topic_id).where(HelperTopic.user_id == user_id))
    )
    skills = set(session.scalars(select(HelperSkill.skill).where(HelperSkill.user_id == user_id)))
    return profile, chosen, skills


def dms_to(fake_slack, user_id) -> list[str]:
    return [
        c.args["text"]
        for c in fake_slack.calls_to("chat.postMessage")
        if c.args["channel"] in (user_id, fake_slack.dm_channel_id(user_id))
    ]


def slack_user(session, user_id) -> SlackUser | None:
    session.expire_all()
    return session.get(SlackUser, (TEAM_ID, user_id))


def user_object(fake_slack, user_id, **changes) -> dict:
    """The user as Slack's user events carry it: the same object users.info returns."""
    user = fake_slack.users[user_id]
    user.update(changes)
    return user


# --- App Home -------------------------------------------------------------------------------------


def test_home_for_someone_new(driver, fake_slack) -> None:
    view = home_of(driver, fake_slack, ASKER_ID)

    assert view["type"] == "home"
    assert headers(view) == [
        "Your profile",
        "Your recent requests",
        "Your recent offers",
        "Nudges and your digest",
    ]  # no Topics, no workspace settings: not an admin
    text = text_of(view)
    assert "haven't said what you're glad to help with" in text
    assert ids.EDIT_PROFILE in text
    assert "Nothing yet" in text
    assert len(view["blocks"]) < 100


def test_the_messages_tab_publishes_nothing(driver, fake_slack) -> None:
    open_home(driver, ASKER_ID, tab="messages")
    assert fake_slack.calls_to("views.publish") == []


def test_a_retried_home_event_publishes_the_same_home(driver, fake_slack) -> None:
    open_home(driver, ASKER_ID, event_id="Ev0HOME01")
    open_home(driver, ASKER_ID, event_id="Ev0HOME01", retry_num=1)
    first, second = published(fake_slack, ASKER_ID)
    assert first == second


def test_home_lists_the_last_five_requests_with_their_status(
    driver, fake_slack, session, clock
) -> None:
    def request(what, minutes, status=RequestStatus.OPEN, delivery=Delivery.POSTED):
        at = clock() - timedelta(minutes=minutes)
        factories.help_request(session, at=at, what=what, status=status, delivery=delivery)

    request("oldest ask", 60)
    for n in range(1, 4):
        request(f"ask number {n}", 50 - n)
    request("a withdrawn ask", 20, status=RequestStatus.WITHDRAWN)
    request("an ask Slack refused", 10, delivery=Delivery.FAILED)
    request("a draft under review", 5, status=RequestStatus.DRAFT, delivery=Delivery.PENDING)
    request("<!channel> ping " + "long " * 100, 1)
    session.commit()

    view = home_of(driver, fake_slack, ASKER_ID)

    shown = [b for b in view["blocks"] if b["type"] == "context"]
    lines = [b["elements"][0]["text"] for b in shown]
    assert len(lines) == 5
    assert "&lt;!channel&gt; ping" in lines[0]  # newest first, and a typed mention stays text
    assert "<!channel>" not in text_of(view)
    assert len(lines[0]) < 400  # long asks are cut short
    assert lines[1].startswith("*Not posted: see my message*")
    assert lines[2].startswith("*Withdrawn*")
    assert lines[3].startswith("*Open*")
    assert "oldest ask" not in text_of(view)
    assert "draft under review" not in text_of(view)
    assert fake_slack.calls_to("chat.getPermalink") == []  # no API call per request


# --- The helper profile ---------------------------------------------------------------------------


def test_edit_profile_from_home_saves_and_republishes(driver, fake_slack, session, clock) -> None:
    billing = add_topic(session, clock)
    add_topic(session, clock, name="Data", keywords="sql", channel=GENERAL_CHANNEL_ID)
    home = home_of(driver, fake_slack, HELPER_1_ID)

    driver.block_action(ids.EDIT_PROFILE, user_id=HELPER_1_ID, view=home)

    form = opened(fake_slack, ids.PROFILE_MODAL)
    inputs = {b["block_id"]: b["element"] for b in form["blocks"] if b["type"] == "input"}
    assert inputs[ids.PROFILE_CAPACITY_BLOCK]["initial_value"] == "3"  # the default
    assert [o["text"]["text"] for o in inputs[ids.PROFILE_TOPICS_BLOCK]["options"]] == [
        "Billing",
        "Data",
    ]
    response = driver.view_submission(
        form,
        {
            ids.PROFILE_TOPICS_INPUT: [str(billing.id)],
            ids.PROFILE_SKILLS_INPUT: "Kubernetes, incident   Reviews,\nSQL, kubernetes",
            ids.PROFILE_CAPACITY_INPUT: 5,
            ids.PROFILE_PAUSED_INPUT: [ids.PAUSED_VALUE],
        },
        user_id=HELPER_1_ID,
    )
    assert response.body == ""

    profile, chosen, skills = profile_rows(session, HELPER_1_ID)
    assert (profile.weekly_capacity, profile.paused) == (5, True)
    assert chosen == {billing.id}
    # Kept as typed (first spelling of each), each with the stem requests are matched by.
    assert skills == {"Kubernetes", "incident Reviews", "SQL"}
    stems = set(session.scalars(select(HelperSkill.stem).where(HelperSkill.user_id == HELPER_1_ID)))
    assert stems == {skill_stem("Kubernetes"), "incident review", "sql"}
    assert skill_stem("Kubernetes") in lookup_keys(terms("our kubernetes cluster"))
    assert "incident review" in lookup_keys(terms("can someone run our incident reviews?"))

    home = published(fake_slack, HELPER_1_ID)[-1]
    text = text_of(home)
    assert "*Topics:* Billing" in text
    assert "incident Reviews" in text
    assert "*Paused*" in text


def test_saving_again_replaces_topics_and_skills(driver, fake_slack, session, clock) -> None:
    billing = add_topic(session, clock)
    data = add_topic(session, clock, name="Data", keywords="sql")
    driver.slash_command("/ask", "profile", user_id=HELPER_1_ID)
    driver.view_submission(
        opened(fake_slack, ids.PROFILE_MODAL),
        {
            ids.PROFILE_TOPICS_INPUT: [str(billing.id), str(data.id)],
            ids.PROFILE_SKILLS_INPUT: "caching, deploys, Figma",
            ids.PROFILE_CAPACITY_INPUT: 2,
        },
        user_id=HELPER_1_ID,
    )
    stored = profile_rows(session, HELPER_1_ID)[2]
    assert stored == {"caching", "deploys", "Figma"}

    # The form shows what is stored; submitting it untouched keeps every skill as it was.
    driver.slash_command("/ask", "profile", user_id=HELPER_1_ID)
    form = opened(fake_slack, ids.PROFILE_MODAL)
    inputs = {b["block_id"]: b["element"] for b in form["blocks"] if b["type"] == "input"}
    assert inputs[ids.PROFILE_CAPACITY_BLOCK]["initial_value"] == "2"
    assert len(inputs[ids.PROFILE_TOPICS_BLOCK]["initial_options"]) == 2
    driver.view_submission(form, {}, user_id=HELPER_1_ID)
    assert profile_rows(session, HELPER_1_ID)[2] == stored

    # A submitted form is closed: the next change comes from a form opened again.
    driver.slash_command("/ask", "profile", user_id=HELPER_1_ID)
    driver.view_submission(
        opened(fake_slack, ids.PROFILE_MODAL),
        {
            ids.PROFILE_TOPICS_INPUT: [str(data.id)],
            ids.PROFILE_SKILLS_INPUT: "figma",
            ids.PROFILE_PAUSED_INPUT: [],
        },
        user_id=HELPER_1_ID,
    )
    profile, chosen, skills = profile_rows(session, HELPER_1_ID)
    assert (chosen, skills, profile.paused) == ({data.id}, {"figma"}, False)


def test_a_crafted_topic_of_another_workspace_is_not_stored(
    driver, fake_slack, session, clock
) -> None:
    elsewhere = factories.topic(
        session, at=clock(), team_id="T0OTHER", name="Secret", keywords="", channel_id="C0OTHER"
    )
    session.commit()
    add_topic(session, clock)
    driver.slash_command("/ask", "profile", user_id=HELPER_1_ID)
    form = opened(fake_slack, ids.PROFILE_MODAL)
    option = {"text": {"type": "plain_text", "text": "Secret"}, "value": str(elsewhere.id)}
    form["blocks"][1]["element"]["options"].append(option)  # as a crafted payload would
    driver.view_submission(
        form, {ids.PROFILE_TOPICS_INPUT: [str(elsewhere.id)]}, user_id=HELPER_1_ID
    )
    profile, chosen, _ = profile_rows(session, HELPER_1_ID)
    assert profile is not None
    assert chosen == set()


@pytest.mark.parametrize(
    ("values", "block", "message"),
    [
        ({ids.PROFILE_CAPACITY_INPUT: 21}, ids.PROFILE_CAPACITY_BLOCK, "0 to 20"),
        ({ids.PROFILE_CAPACITY_INPUT: "-1"}, ids.PROFILE_CAPACITY_BLOCK, "whole number"),
        ({ids.PROFILE_CAPACITY_INPUT: "2.5"}, ids.PROFILE_CAPACITY_BLOCK, "whole number"),
        (
            {ids.PROFILE_SKILLS_INPUT: ", ".join(f"skill{n}" for n in range(21))},
            ids.PROFILE_SKILLS_BLOCK,
            "up to 20",
        ),
        ({ids.PROFILE_SKILLS_INPUT: "sql, " + "x" * 41}, ids.PROFILE_SKILLS_BLOCK, "40"),
    ],
)
def test_profile_errors_stay_on_the_form(driver, fake_slack, session, values, block, message):
    driver.slash_command("/ask", "profile", user_id=HELPER_1_ID)
    response = driver.view_submission(
        opened(fake_slack, ids.PROFILE_MODAL), values, user_id=HELPER_1_ID
    )
    body = response.json()
    assert body["response_action"] == "errors"
    assert list(body["errors"]) == [block]
    assert message in body["errors"][block]
    assert profile_rows(session, HELPER_1_ID) == (None, set(), set())
    assert published(fake_slack, HELPER_1_ID) == []


@pytest.mark.parametrize("text", ["profile", "  PROFILE ", "Profile"])
def test_ask_profile_opens_the_profile_form(driver, fake_slack, text) -> None:
    assert driver.slash_command("/ask", text, user_id=ASKER_ID).status == 200
    (call,) = fake_slack.calls_to("views.open")
    assert call.args["view"]["callback_id"] == ids.PROFILE_MODAL


def test_ask_with_more_words_is_still_a_request(driver, fake_slack) -> None:
    driver.slash_command("/ask", "profile review for my promo packet", user_id=ASKER_ID)
    (call,) = fake_slack.calls_to("views.open")
    assert call.args["view"]["callback_id"] == ids.ASK_MODAL


# --- Topics, kept by admins -----------------------------------------------------------------------


def test_a_slack_admin_adds_edits_and_deletes_topics(driver, fake_slack, session, clock) -> None:
    # ADMIN_ID is not in ADMIN_USER_IDS: rights come from users.info's is_admin.
    assert driver.slash_command("/ask", "topics", user_id=ADMIN_ID).status == 200
    form = opened(fake_slack, ids.TOPIC_MODAL)
    assert fake_slack.calls_to("users.info")  # rights were looked up, not assumed
    response = driver.view_submission(
        form,
        {
            ids.TOPIC_NAME_INPUT: "  Billing  ",
            ids.TOPIC_KEYWORDS_INPUT: "Invoices, Refunds ,  tax   RATE,invoices",
            ids.TOPIC_CHANNEL_INPUT: HELP_CHANNEL_ID,
        },
        user_id=ADMIN_ID,
    )
    assert response.body == ""
    (topic,) = topics(session)
    assert (topic.name, topic.keywords, topic.channel_id) == (
        "Billing",
        "invoices,refunds,tax rate",
        HELP_CHANNEL_ID,
    )
    home = published(fake_slack, ADMIN_ID)[-1]
    assert headers(home) == [
        "Your profile",
        "Your recent requests",
        "Your recent offers",
        "Nudges and your digest",
        "Workspace settings",
        "Topics",
    ]
    assert f"*Billing* → <#{HELP_CHANNEL_ID}>" in text_of(home)
    assert "invoices, refunds, tax rate" in text_of(home)

    # A second topic of the same name, whatever its case, is an error on the name.
    driver.slash_command("/ask", "topics", user_id=ADMIN_ID)
    response = driver.view_submission(
        opened(fake_slack, ids.TOPIC_MODAL),
        {ids.TOPIC_NAME_INPUT: "BILLING", ids.TOPIC_CHANNEL_INPUT: GENERAL_CHANNEL_ID},
        user_id=ADMIN_ID,
    )
    assert response.json()["response_action"] == "errors"
    assert "already a topic" in response.json()["errors"][ids.TOPIC_NAME_BLOCK]
    assert len(topics(session)) == 1

    # Edit from the topic's menu on Home: the form comes filled in.
    driver.block_action(
        ids.TOPIC_MENU, user_id=ADMIN_ID, view=home, selected=f"{ids.TOPIC_EDIT}:{topic.id}"
    )
    form = opened(fake_slack, ids.TOPIC_MODAL)
    inputs = {b["block_id"]: b["element"] for b in form["blocks"] if b["type"] == "input"}
    assert inputs[ids.TOPIC_NAME_BLOCK]["initial_value"] == "Billing"
    assert inputs[ids.TOPIC_CHANNEL_BLOCK]["initial_conversation"] == HELP_CHANNEL_ID
    driver.view_submission(
        form,
        {ids.TOPIC_NAME_INPUT: "billing", ids.TOPIC_CHANNEL_INPUT: GENERAL_CHANNEL_ID},
        user_id=ADMIN_ID,
    )
    (topic,) = topics(session)
    assert (topic.name, topic.channel_id) == ("billing", GENERAL_CHANNEL_ID)  # its own name is fine

    # Delete, after a confirmation: helpers lose the topic, requests keep their place.
    factories.helper_profile(session, HELPER_1_ID, at=clock(), topics=[topic])
    factories.help_request(
        session,
        at=clock(),
        what="refund question",
        destination_channel=GENERAL_CHANNEL_ID,
        topic_id=topic.id,
    )
    session.commit()
    home = published(fake_slack, ADMIN_ID)[-1]
    driver.block_action(
        ids.TOPIC_MENU, user_id=ADMIN_ID, view=home, selected=f"{ids.TOPIC_DELETE}:{topic.id}"
    )
    confirm = opened(fake_slack, ids.TOPIC_DELETE_MODAL)
    assert "1 person chose it" in text_of(confirm)
    assert topics(session)  # nothing is deleted before the confirmation
    assert driver.view_submission(confirm, {}, user_id=ADMIN_ID).body == ""

    assert topics(session) == []
    assert profile_rows(session, HELPER_1_ID)[1] == set()
    request = session.scalars(select(HelpRequest)).one()
    assert (request.topic_id, request.destination_channel) == (None, GENERAL_CHANNEL_ID)
    home = published(fake_slack, ADMIN_ID)[-1]
    assert "No topics yet" in text_of(home)


def test_someone_named_in_admin_user_ids_keeps_topics_from_home(
    driver, fake_slack, session
) -> None:
    home = home_of(driver, fake_slack, SETTINGS_ADMIN)
    assert "Topics" in headers(home)
    driver.block_action(ids.ADD_TOPIC, user_id=SETTINGS_ADMIN, view=home)
    driver.view_submission(
        opened(fake_slack, ids.TOPIC_MODAL),
        {
            ids.TOPIC_NAME_INPUT: "On-call",
            ids.TOPIC_KEYWORDS_INPUT: "pager, on call",
            ids.TOPIC_CHANNEL_INPUT: GENERAL_CHANNEL_ID,
        },
        user_id=SETTINGS_ADMIN,
    )
    (topic,) = topics(session)
    assert (topic.name, topic.keywords, topic.channel_id) == (
        "On-call",
        "pager,on call",
        GENERAL_CHANNEL_ID,
    )
    assert "*On-call*" in text_of(published(fake_slack, SETTINGS_ADMIN)[-1])
    assert fake_slack.calls_to("users.info") == []  # the setting alone decides


def test_non_admins_are_refused_and_nothing_changes(driver, fake_slack, session, clock) -> None:
    topic = add_topic(session, clock)
    home = home_of(driver, fake_slack, ASKER_ID)
    assert "Topics" not in headers(home)
    assert "Billing" not in text_of(home)
    before = len(published(fake_slack, ASKER_ID))

    # The command: refused ephemerally, no form.
    driver.slash_command("/ask", "topics", user_id=ASKER_ID)
    assert fake_slack.calls_to("views.open") == []
    (reply,) = fake_slack.calls_to("response_url")
    assert reply.args["text"] == NOT_ADMIN
    assert reply.args.get("response_type", "ephemeral") == "ephemeral"

    # Crafted buttons: refused by DM, no form.
    driver.block_action(ids.ADD_TOPIC, user_id=ASKER_ID)
    driver.block_action(
        ids.TOPIC_MENU,
        user_id=ASKER_ID,
        view={
            "blocks": [
                {
                    "type": "section",
                    "block_id": "t",
                    "text": {"type": "mrkdwn", "text": "x"},
                    "accessory": {
                        "type": "overflow",
                        "action_id": ids.TOPIC_MENU,
                        "options": [
                            {
                                "text": {"type": "plain_text", "text": "Delete"},
                                "value": f"delete:{topic.id}",
                            }
                        ],
                    },
                }
            ]
        },
        selected=f"delete:{topic.id}",
    )
    assert fake_slack.calls_to("views.open") == []

    # Crafted submissions of the topic forms: nothing written, refused by DM.
    info = TopicInfo(topic.id, topic.name, ("invoice",), topic.channel_id)
    add_form, edit_form, delete_form = (
        fake_slack_view(topic_modal()),
        fake_slack_view(topic_modal(info)),
        fake_slack_view(topic_delete_modal(info, 0)),
    )
    driver.view_submission(
        add_form,
        {ids.TOPIC_NAME_INPUT: "Mine", ids.TOPIC_CHANNEL_INPUT: GENERAL_CHANNEL_ID},
        user_id=ASKER_ID,
    )
    driver.view_submission(
        edit_form,
        {ids.TOPIC_NAME_INPUT: "Hijacked", ids.TOPIC_CHANNEL_INPUT: GENERAL_CHANNEL_ID},
        user_id=ASKER_ID,
    )
    driver.view_submission(delete_form, {}, user_id=ASKER_ID)

    (left,) = topics(session)
    assert (left.name, left.channel_id) == ("Billing", HELP_CHANNEL_ID)
    refusals = dms_to(fake_slack, ASKER_ID)
    assert refusals == [NOT_ADMIN] * 5
    assert len(published(fake_slack, ASKER_ID)) == before


def fake_slack_view(spec: dict) -> dict:
    """A view as a crafted payload would carry it: never opened by the app."""
    return {**spec, "id": "V0CRAFTED", "team_id": TEAM_ID, "state": {"values": {}}}


def test_a_deactivated_admin_keeps_no_rights(driver, fake_slack, session, clock) -> None:
    user = user_object(fake_slack, ADMIN_ID, deleted=True)
    driver.event({"type": "user_change", "user": user})
    driver.slash_command("/ask", "topics", user_id=ADMIN_ID)
    assert fake_slack.calls_to("views.open") == []
    assert fake_slack.calls_to("response_url")[0].args["text"] == NOT_ADMIN


# --- The Slack user cache, kept by events ---------------------------------------------------------


def test_user_change_refreshes_the_cache_without_calling_slack(
    driver, fake_slack, session, clock
) -> None:
    open_home(driver, ASKER_ID)  # caches the asker from users.info
    assert slack_user(session, ASKER_ID).tz == "Europe/Berlin"
    calls = len(fake_slack.calls_to("users.info"))
    clock.advance(hours=1)

    user = user_object(fake_slack, ASKER_ID, tz="Asia/Kolkata", tz_offset=19800)
    user["real_name"] = "Ada Lovelace"
    driver.event({"type": "user_change", "user": user, "cache_ts": 1_700_000_100})

    cached = slack_user(session, ASKER_ID)
    assert (cached.tz, cached.tz_offset, cached.real_name) == (
        "Asia/Kolkata",
        19800,
        "Ada Lovelace",
    )
    assert cached.fetched_at == clock()
    assert len(fake_slack.calls_to("users.info")) == calls
    assert fake_slack.calls_to("users.list") == []


def test_a_retried_user_event_is_harmless(driver, fake_slack, session) -> None:
    user = user_object(fake_slack, HELPER_1_ID, tz="Europe/Paris", tz_offset=3600)
    event = {"type": "user_change", "user": user}
    assert driver.event(event, event_id="Ev0USER01").status == 200
    assert driver.event(event, event_id="Ev0USER01", retry_num=1).status == 200
    assert (
        driver.event(event, event_id="Ev0USER01", retry_num=2, retry_reason="http_error").status
        == 200
    )
    session.expire_all()
    rows = list(session.scalars(select(SlackUser).where(SlackUser.user_id == HELPER_1_ID)))
    assert [(r.tz, r.tz_offset) for r in rows] == [("Europe/Paris", 3600)]


def test_team_join_caches_the_newcomer_and_admin_rights_follow_user_change(
    driver, fake_slack, session, clock
) -> None:
    newcomer = user_object(fake_slack, ASKER_ID)
    newcomer.update(id="UNEW0001", name="newbie", real_name="Nia Newcomer", tz="Africa/Lagos")
    newcomer["profile"]["real_name"] = "Nia Newcomer"
    driver.event({"type": "team_join", "user": newcomer})
    cached = slack_user(session, "UNEW0001")
    assert (cached.real_name, cached.tz, cached.is_admin) == ("Nia Newcomer", "Africa/Lagos", False)

    # Made an admin in Slack: the event says so, and the next /ask topics needs no users.info.
    promoted = {**newcomer, "is_admin": True}
    driver.event({"type": "user_change", "user": promoted})
    driver.slash_command("/ask", "topics", user_id="UNEW0001")
    assert opened(fake_slack, ids.TOPIC_MODAL)
    assert fake_slack.calls_to("users.info") == []


def test_a_stale_cache_is_refreshed_on_demand(driver, fake_slack, session, clock) -> None:
    stale = user_object(fake_slack, ADMIN_ID, is_admin=False)
    driver.event({"type": "user_change", "user": stale})
    clock.advance(seconds=PROFILE_TTL.total_seconds() + 1)
    # Slack (the fake) still says ADMIN_ID is an admin; the day-old cache does not.
    driver.slash_command("/ask", "topics", user_id=ADMIN_ID)
    assert len(fake_slack.calls_to("users.info")) == 1
    assert opened(fake_slack, ids.TOPIC_MODAL)
    assert slack_user(session, ADMIN_ID).is_admin


def test_many_topics_keep_home_and_the_form_within_slacks_limits(
    driver, fake_slack, session, clock
) -> None:
    for n in range(120):
        add_topic(session, clock, name=f"Topic {n:03d} " + "x" * 70, keywords="k" * 700)
    home = home_of(driver, fake_slack, ADMIN_ID)
    assert len(home["blocks"]) < 100
    assert "…and 70 more" in text_of(home)

    driver.block_action(ids.EDIT_PROFILE, user_id=ADMIN_ID, view=home)
    form = opened(fake_slack, ids.PROFILE_MODAL)
    (select_,) = [b["element"] for b in form["blocks"] if b["block_id"] == ids.PROFILE_TOPICS_BLOCK]
    assert len(select_["options"]) == 100


def test_home_shows_offers_and_the_give_and_ask_balance(driver, fake_slack, session, clock) -> None:
    from bot.domain.offers import OfferStatus

    resolved = factories.help_request(
        session, at=clock(), what="review my slides", status=RequestStatus.RESOLVED
    )
    waiting = factories.help_request(session, at=clock(), what="pair on the flaky test")
    for req, status in ((resolved, OfferStatus.ACCEPTED), (waiting, OfferStatus.OFFERED)):
        factories.offer(session, req, HELPER_1_ID, at=clock(), status=status)
    factories.thanks(session, resolved, HELPER_1_ID, at=clock(), note="thank you")
    session.commit()

    helper = text_of(home_of(driver, fake_slack, HELPER_1_ID))
    assert "asked 0 times and helped with 1 request (1 thank-you)" in helper
    assert "Asking is part of the exchange" in helper
    assert "*Helped: resolved*" in helper
    assert "review my slides" in helper
    assert "*Offered, waiting to hear*" in helper

    asker = home_of(driver, fake_slack, ASKER_ID)
    assert "asked 2 times and helped with 0 requests" in text_of(asker)
    assert "*Resolved*" in text_of(asker)
