"""Inputs can't break delivery: whatever people type or a crafted payload carries (long words,
control characters, text that grows past Slack's limits when escaped, ids past 32 bits, garbage
metadata, a message it names that the form was not opened from), the request still reaches
people, or the person is told why not and nothing is half-written."""

import copy
import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.domain.offers import Route
from bot.domain.requests import RequestStatus
from bot.domain.routing import MAX_TERM
from bot.scheduler import widen_job
from bot.slack.blocks import ids
from bot.slack.blocks.closing import NOTE_MAX_CHARS
from bot.slack.blocks.text import CUT, INITIAL_VALUE, SECTION_TEXT, fit
from db.models import (
    HelperProfile,
    HelperSkill,
    RequestTerm,
    Suggestion,
    Thanks,
    Topic,
    WorkspaceSettings,
)
from tests import factories
from tests.factories import DATA_CHANNEL
from tests.slack_stand_in.pytest_plugin import (
    ADMIN_ID,
    ASKER_ID,
    HELP_CHANNEL_ID,
    HELPER_1_ID,
    HELPER_2_ID,
    TEAM_ID,
)
from tests.support import (
    WHAT,
    answer_direct_ask,
    ask_form,
    direct_ask,
    dms_to,
    ephemerals,
    find_message,
    holding,
    home_of,
    last_view,
    note_for,
    offer_by_button,
    opened,
    requests,
    resolve_form,
    send,
    submit_and_post,
    the_request,
)

GONE = "I can't find that request any more."
COMMIT = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08dead"  # 68 characters


def test_a_word_longer_than_a_term_reaches_the_helpers_and_widens_later(
    helpers, deps, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    send(
        fake_slack,
        driver,
        open_ask_modal(),
        clock,
        Route.DIRECT,
        **{ids.WHAT_INPUT: f"{WHAT} It fails since commit {COMMIT} and {'x' * 60}."},
    )

    (request,) = requests(session)
    asked = {c.args["channel"] for c in fake_slack.calls_to("chat.postMessage")}
    assert {"UDB1", "UDB2", "UDB3", "UDB4", "UDB5"} <= asked
    indexed = set(session.scalars(select(RequestTerm.term)))
    assert COMMIT[:MAX_TERM] in indexed
    assert max(map(len, indexed)) <= MAX_TERM
    assert COMMIT in direct_ask(fake_slack, "UDB1")[1]["text"] + json.dumps(
        direct_ask(fake_slack, "UDB1")[1]["blocks"]
    )

    clock.now = request.widen_at + timedelta(minutes=1)
    widen_job(deps)
    find_message(fake_slack, DATA_CHANNEL, "is asking for help")
    assert requests(session)[0].route == Route.BOTH


# -- typed text: control characters, lone surrogates, invisible-only text ------------------------


def test_control_characters_and_lone_surrogates_are_cleaned_from_a_request(
    open_ask_modal, driver, fake_slack, session, clock
) -> None:
    what = "Could someone\x00 review my postgres\x07 migration\ud800 that adds an index?\r\nThanks"
    values = ask_form(clock, **{ids.WHAT_INPUT: what, ids.WHY_INPUT: "It blocks\x1b a\x00 release"})
    response = driver.view_submission(open_ask_modal(), values, user_id=ASKER_ID)

    assert response.body == ""
    request = the_request(session)
    assert request.what == "Could someone review my postgres migration that adds an index?\nThanks"
    assert request.why == "It blocks a release"
    assert request.status == RequestStatus.OPEN
    find_message(fake_slack, HELP_CHANNEL_ID, "is asking for help")


@pytest.mark.parametrize("what", ["\u200b\u200d\ufeff", " \x00 \u2060\n\t", "\ud800\udfff"])
def test_text_that_shows_nothing_is_a_field_error(
    what, open_ask_modal, driver, session, clock
) -> None:
    values = ask_form(clock, **{ids.WHAT_INPUT: what})
    response = driver.view_submission(open_ask_modal(), values, user_id=ASKER_ID)

    body = response.json()
    assert body["response_action"] == "errors"
    assert ids.WHAT_BLOCK in body["errors"]
    assert requests(session) == []


def test_an_ask_command_with_a_nul_opens_the_form_without_it(open_ask_modal) -> None:
    # A lone surrogate cannot reach a command: its form body is UTF-8.
    form = open_ask_modal("review my\x00 migration\x1b please")
    inputs = {b["block_id"]: b["element"] for b in form["blocks"] if b["type"] == "input"}
    assert inputs[ids.WHAT_BLOCK]["initial_value"] == "review my migration please"


def test_thanks_notes_and_impact_are_cleaned(posted, driver, fake_slack, session) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    form = resolve_form(driver, fake_slack, posted)
    values = {note_for(HELPER_1_ID): "Thank\x00 you\ud800!", ids.IMPACT_INPUT: "We\x00 shipped"}

    assert driver.view_submission(form, values, user_id=ASKER_ID).body == ""

    assert the_request(session).status == RequestStatus.RESOLVED
    (thanks,) = session.scalars(select(Thanks))
    assert (thanks.to_id, thanks.note, thanks.impact) == (HELPER_1_ID, "Thank you!", "We shipped")


def test_a_decline_note_is_cleaned(helpers, open_ask_modal, driver, fake_slack, session, clock):
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
    answer_direct_ask(driver, fake_slack, "UDB3", ids.DECLINE_HELP)
    values = {ids.DECLINE_REASON_INPUT: "other", ids.DECLINE_NOTE_INPUT: "Out\x00 this week"}

    assert driver.view_submission(last_view(fake_slack), values, user_id="UDB3").body == ""

    session.expire_all()
    passed = session.scalars(select(Suggestion).where(Suggestion.user_id == "UDB3")).one()
    assert passed.decline_note == "Out this week"


def test_profile_skills_are_cleaned(driver, fake_slack, session) -> None:
    driver.slash_command("/ask", "profile", user_id=HELPER_2_ID)
    values = {
        ids.PROFILE_SKILLS_INPUT: "sql\x00, \u200b, kube\ud800rnetes",
        ids.PROFILE_CAPACITY_INPUT: 2,
    }

    response = driver.view_submission(
        opened(fake_slack, ids.PROFILE_MODAL), values, user_id=HELPER_2_ID
    )

    assert response.body == ""
    skills = set(
        session.scalars(select(HelperSkill.skill).where(HelperSkill.user_id == HELPER_2_ID))
    )
    assert skills == {"sql", "kubernetes"}


def test_a_topic_name_and_keywords_are_cleaned(driver, fake_slack, session) -> None:
    driver.slash_command("/ask", "topics", user_id=ADMIN_ID)
    values = {
        ids.TOPIC_NAME_INPUT: "Bill\x00ing",
        ids.TOPIC_KEYWORDS_INPUT: "invoices\x00, refunds\ud800",
        ids.TOPIC_CHANNEL_INPUT: HELP_CHANNEL_ID,
    }

    response = driver.view_submission(opened(fake_slack, ids.TOPIC_MODAL), values, user_id=ADMIN_ID)

    assert response.body == ""
    (topic,) = session.scalars(select(Topic))
    assert topic.name == "Billing"
    assert topic.keywords == "invoices,refunds"


def test_an_invisible_topic_name_is_a_field_error(driver, fake_slack, session) -> None:
    driver.slash_command("/ask", "topics", user_id=ADMIN_ID)
    values = {ids.TOPIC_NAME_INPUT: "\u200b\x00", ids.TOPIC_CHANNEL_INPUT: HELP_CHANNEL_ID}

    response = driver.view_submission(opened(fake_slack, ids.TOPIC_MODAL), values, user_id=ADMIN_ID)

    assert ids.TOPIC_NAME_BLOCK in response.json()["errors"]
    assert list(session.scalars(select(Topic))) == []


def test_the_settings_time_zone_is_cleaned(driver, fake_slack, session) -> None:
    home = home_of(driver, fake_slack, ADMIN_ID)
    driver.block_action(ids.EDIT_WORKSPACE_SETTINGS, user_id=ADMIN_ID, view=home)
    values = {
        ids.SETTINGS_KINDS_INPUT: ["start_small"],
        ids.SETTINGS_CAP_INPUT: "3",
        ids.SETTINGS_QUIET_INPUT: "6",
        ids.SETTINGS_DAY_INPUT: "4",
        ids.SETTINGS_HOUR_INPUT: "10",
        ids.SETTINGS_TZ_INPUT: "Europe/\x00Berlin",
    }

    response = driver.view_submission(
        opened(fake_slack, ids.SETTINGS_MODAL), values, user_id=ADMIN_ID
    )

    assert response.body == ""
    session.expire_all()
    stored = session.scalars(select(WorkspaceSettings).where(WorkspaceSettings.team_id == TEAM_ID))
    assert stored.one().digest_tz == "Europe/Berlin"


# -- text that grows past Slack's limits when escaped ------------------------------------------


def test_fit_counts_escapes_and_says_it_cut() -> None:
    assert fit("a < b & c", 100) == "a &lt; b &amp; c"
    cut = fit("&" * 1000, SECTION_TEXT)
    assert len(cut) <= SECTION_TEXT
    assert cut == "&amp;" * ((SECTION_TEXT - len(CUT)) // 5) + CUT  # never half an escape
    assert fit("one\ntwo", 50, newline="\n> ") == "one\n> two"


@pytest.mark.parametrize("char", ["&", "<"])
def test_a_note_past_the_section_limit_once_escaped_still_thanks_everyone(
    char, posted, driver, fake_slack, session
) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    offer_by_button(driver, fake_slack, posted, HELPER_2_ID)
    form = resolve_form(driver, fake_slack, posted)
    values = {
        note_for(HELPER_1_ID): char * NOTE_MAX_CHARS,
        note_for(HELPER_2_ID): "Thanks!",
        ids.IMPACT_INPUT: char * NOTE_MAX_CHARS,
    }

    assert driver.view_submission(form, values, user_id=ASKER_ID).body == ""

    assert the_request(session).status == RequestStatus.RESOLVED
    assert {t.to_id for t in session.scalars(select(Thanks))} == {HELPER_1_ID, HELPER_2_ID}
    (to_first,) = [c for c in dms_to(fake_slack, HELPER_1_ID) if "says thank you" in c.args["text"]]
    texts = [b["text"]["text"] for b in to_first.args["blocks"] if b["type"] == "section"]
    assert all(len(text) <= SECTION_TEXT for text in texts)
    assert sum(text.endswith(CUT) for text in texts) == 2  # the note and the impact, each cut
    assert [c for c in dms_to(fake_slack, HELPER_2_ID) if "says thank you" in c.args["text"]]
    assert "Marked resolved" in dms_to(fake_slack, ASKER_ID)[-1].args["text"]


def test_a_why_past_a_fields_limit_once_escaped_is_still_posted(
    open_ask_modal, driver, fake_slack, session, clock
) -> None:
    values = ask_form(clock, **{ids.WHY_INPUT: "<" * 1000})
    submit_and_post(driver, fake_slack, open_ask_modal(), values, ASKER_ID)
    assert the_request(session).status == RequestStatus.OPEN
    _ts, post = find_message(fake_slack, HELP_CHANNEL_ID, "is asking for help")
    assert CUT in json.dumps(post["blocks"], ensure_ascii=False)


def test_a_topic_with_more_keywords_than_a_field_shows_opens_its_form_cut(
    driver, fake_slack, session, clock
) -> None:
    keywords = ",".join(f"{n:02d}{'k' * 58}" for n in range(50))  # as many and as long as allowed
    topic = factories.topic(session, at=clock(), name="Big", keywords=keywords)
    session.commit()
    home = home_of(driver, fake_slack, ADMIN_ID)
    driver.block_action(
        ids.TOPIC_MENU, user_id=ADMIN_ID, view=home, selected=f"{ids.TOPIC_EDIT}:{topic.id}"
    )
    form = opened(fake_slack, ids.TOPIC_MODAL)
    inputs = {b["block_id"]: b["element"] for b in form["blocks"] if b["type"] == "input"}
    shown = inputs[ids.TOPIC_KEYWORDS_BLOCK]["initial_value"]
    assert len(shown) <= inputs[ids.TOPIC_KEYWORDS_BLOCK].get("max_length", INITIAL_VALUE)
    assert shown.endswith(CUT)


# -- ids past 32 bits and garbage private_metadata -----------------------------------------------


@pytest.mark.parametrize("value", ["99999999999999999999", str(2**31), "0", "²", "-1"])
def test_a_button_naming_an_impossible_id_says_the_request_is_gone(
    value, posted, driver, fake_slack, session
) -> None:
    message = fake_slack.messages[(posted.posted_channel, posted.posted_ts)]
    response = driver.block_action(
        ids.OFFER_FROM_POST,
        user_id=HELPER_1_ID,
        value=value,
        message={**message, "ts": posted.posted_ts},
        channel_id=posted.posted_channel,
    )
    assert response.status == 200
    assert GONE in ephemerals(fake_slack, HELPER_1_ID)
    assert the_request(session).status == RequestStatus.OPEN


@pytest.mark.parametrize("action", [ids.REQUEST_MENU, ids.ACCEPT_OFFER])
def test_a_menu_or_offer_button_naming_an_id_past_32_bits_says_it_is_gone(
    action, posted, driver, fake_slack, session
) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    message = fake_slack.messages[(posted.posted_channel, posted.posted_ts)]
    huge = str(2**31)
    if action == ids.REQUEST_MENU:
        args = {"selected": _option(f"{ids.MENU_RESOLVE}:{huge}")}
        args |= {"message": {**message, "ts": posted.posted_ts}}
    else:
        ts, notice = holding(fake_slack, ASKER_ID, ids.ACCEPT_OFFER)[0]
        args = {"value": huge, "message": {**notice, "ts": ts}}
    channel = (
        posted.posted_channel if action == ids.REQUEST_MENU else fake_slack.dm_channel_id(ASKER_ID)
    )

    response = driver.block_action(action, user_id=ASKER_ID, channel_id=channel, **args)

    assert response.status == 200
    assert any("no longer" in t or "can't find" in t for t in ephemerals(fake_slack, ASKER_ID))
    assert the_request(session).status == RequestStatus.OPEN


@pytest.mark.parametrize(
    "metadata",
    [
        json.dumps({"request_id": 2**31}),
        json.dumps({"request_id": 99999999999999999999}),
        "not json",
        "[1, 2]",
        json.dumps({"request_id": {"nested": [[[1]]]}}),
        json.dumps({"request_id": 1, "pad": "x" * 3000}),
        "[" * 2990,
    ],
    ids=["2^31", "20 digits", "not json", "an array", "nested", "3001+ chars", "deep"],
)
def test_a_form_with_garbage_metadata_says_the_request_is_gone(
    metadata, posted, driver, fake_slack, session, caplog
) -> None:
    form = copy.deepcopy(resolve_form(driver, fake_slack, posted))
    form["private_metadata"] = metadata
    caplog.set_level(logging.WARNING)

    response = driver.view_submission(form, {ids.IMPACT_INPUT: "Done"}, user_id=ASKER_ID)

    assert response.status == 200
    assert GONE in dms_to(fake_slack, ASKER_ID)[-1].args["text"]
    assert the_request(session).status == RequestStatus.OPEN
    assert list(session.scalars(select(Thanks))) == []
    assert any("resolve" in r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)


def _option(value: str) -> dict:
    """An option the form never offered, as a crafted payload would send it."""
    return {"text": {"type": "plain_text", "text": value}, "value": value}


@pytest.mark.parametrize("capacity", ["²", "9" * 5000, "-1", "21"])
def test_a_capacity_that_is_no_small_number_is_a_field_error(capacity, driver, fake_slack, session):
    driver.slash_command("/ask", "profile", user_id=HELPER_2_ID)
    form = opened(fake_slack, ids.PROFILE_MODAL)
    values = {ids.PROFILE_CAPACITY_INPUT: capacity}

    response = driver.view_submission(form, values, user_id=HELPER_2_ID)

    assert ids.PROFILE_CAPACITY_BLOCK in response.json()["errors"]


def test_topics_with_impossible_ids_are_ignored(driver, fake_slack, session, clock) -> None:
    factories.topic(session, at=clock())
    session.commit()
    driver.slash_command("/ask", "profile", user_id=HELPER_2_ID)
    form = opened(fake_slack, ids.PROFILE_MODAL)
    chosen = [_option("99999999999999999"), _option(str(2**31)), _option("²")]
    values = {ids.PROFILE_TOPICS_INPUT: chosen, ids.PROFILE_CAPACITY_INPUT: 2}

    assert driver.view_submission(form, values, user_id=HELPER_2_ID).body == ""

    session.expire_all()
    profile = session.get(HelperProfile, (TEAM_ID, HELPER_2_ID))
    assert profile is not None
    assert profile.weekly_capacity == 2


@pytest.mark.parametrize("cap", ["²", "9" * 5000])
def test_a_setting_that_is_no_number_is_a_field_error(cap, driver, fake_slack, session) -> None:
    home = home_of(driver, fake_slack, ADMIN_ID)
    driver.block_action(ids.EDIT_WORKSPACE_SETTINGS, user_id=ADMIN_ID, view=home)
    values = {ids.SETTINGS_CAP_INPUT: _option(cap), ids.SETTINGS_TZ_INPUT: "UTC"}

    response = driver.view_submission(
        opened(fake_slack, ids.SETTINGS_MODAL), values, user_id=ADMIN_ID
    )

    assert ids.SETTINGS_CAP_BLOCK in response.json()["errors"]
    assert session.get(WorkspaceSettings, TEAM_ID) is None


# -- where a form's answer goes is never the payload's say ---------------------------------------


def test_a_decline_form_aimed_at_another_conversation_updates_nothing_there(
    helpers, open_ask_modal, driver, fake_slack, session, clock, caplog
) -> None:
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
    victim_ts, victim = direct_ask(fake_slack, "UDB1")
    victim_channel = fake_slack.dm_channel_id("UDB1")
    answer_direct_ask(driver, fake_slack, "UDB3", ids.DECLINE_HELP)
    form = copy.deepcopy(last_view(fake_slack))
    metadata = json.loads(form["private_metadata"])
    assert metadata["channel"] == fake_slack.dm_channel_id("UDB3")
    form["private_metadata"] = json.dumps({**metadata, "channel": victim_channel, "ts": victim_ts})
    caplog.set_level(logging.WARNING)

    values = {ids.DECLINE_REASON_INPUT: "other", ids.DECLINE_NOTE_INPUT: "busy"}
    assert driver.view_submission(form, values, user_id="UDB3").status == 200

    assert not [
        c for c in fake_slack.calls_to("chat.update") if c.args["channel"] == victim_channel
    ]
    assert fake_slack.messages[(victim_channel, victim_ts)] == victim
    assert any("not opened from" in r.getMessage() for r in caplog.records)


def test_a_resolve_form_aimed_at_another_conversation_answers_by_dm(
    posted, driver, fake_slack, session, clock, caplog
) -> None:
    clock.now = posted.needed_by + timedelta(hours=1)
    form = resolve_form(driver, fake_slack, posted)
    form = copy.deepcopy(form)
    post = (posted.posted_channel, posted.posted_ts)
    before = copy.deepcopy(fake_slack.messages[post])
    # A crafted form: the request is the asker's own, the message to answer is the channel post.
    form["private_metadata"] = json.dumps(
        {"request_id": posted.id, "channel": post[0], "ts": post[1], "seal": "0" * 64}
    )
    caplog.set_level(logging.WARNING)

    assert driver.view_submission(form, {}, user_id=ASKER_ID).status == 200

    assert the_request(session).status == RequestStatus.RESOLVED
    updates = [c for c in fake_slack.calls_to("chat.update") if c.args["ts"] == post[1]]
    assert all("Marked resolved" not in c.args["text"] for c in updates)
    assert fake_slack.messages[post] != before  # the post itself says resolved, as always
    assert "Marked resolved" in dms_to(fake_slack, ASKER_ID)[-1].args["text"]
    assert any("not opened from" in r.getMessage() for r in caplog.records)


def test_a_thanks_note_for_someone_who_never_offered_sends_nothing(
    posted, driver, fake_slack, session
) -> None:
    offer_by_button(driver, fake_slack, posted, HELPER_1_ID)
    form = copy.deepcopy(resolve_form(driver, fake_slack, posted))
    stray = f"{ids.THANKS_BLOCK_PREFIX}{HELP_CHANNEL_ID}"
    form["blocks"].append(
        {
            "type": "input",
            "block_id": stray,
            "optional": True,
            "label": {"type": "plain_text", "text": "x"},
            "element": {"type": "plain_text_input", "action_id": ids.THANKS_INPUT},
        }
    )
    values = {note_for(HELPER_1_ID): "Thanks!", f"{stray}.{ids.THANKS_INPUT}": "<!channel> hi"}

    assert driver.view_submission(form, values, user_id=ASKER_ID).body == ""

    assert {t.to_id for t in session.scalars(select(Thanks))} == {HELPER_1_ID}
    posts = fake_slack.calls_to("chat.postMessage")
    assert not [c for c in posts if c.args["channel"] == HELP_CHANNEL_ID and "hi" in c.args["text"]]
