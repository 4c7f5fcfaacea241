"""Routing end to end: topic channels, suggested helpers with reasons, direct asks, offers,
"not this time", and widening, through signed requests and the fake Slack."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from bot.domain.offers import OfferSource, OfferStatus, Route, SuggestionStatus
from bot.domain.requests import HelpKind, RequestDraft, RequestSize, RequestStatus
from bot.domain.routing import lookup_keys, terms
from bot.domain.worktime import STANDARD_WEEK, zone_from
from bot.scheduler import widen_job
from bot.services.people import zone_of
from bot.services.routing import plan_routing
from db import routing_queries as rq
from db.models import (
    Offer,
    SlackUser,
    Suggestion,
)
from tests import factories
from tests.factories import DATA_CHANNEL, person
from tests.slack_stand_in.pytest_plugin import ASKER_ID, HELP_CHANNEL_ID, TEAM_ID
from tests.support import (
    WHAT,
    WHY,
    ask_form,
    direct_ask,
    dms_to,
    find_message,
    requests,
    review_of,
    send,
    submit_and_post,
)


@pytest.fixture
def helpers(helpers, databases, session, clock):
    """The six glad to help with databases, UDB1 also knowing postgres, and five who must never
    be suggested: paused, full, gone, a bot, and the asker."""
    factories.add_skills(session, "UDB1", "postgres")
    person(session, "UPAUSED", at=clock(), topics=[databases], paused=True)
    person(session, "UFULL", at=clock(), topics=[databases], capacity=0)
    person(session, "UGONE", at=clock(), topics=[databases], is_deleted=True)
    person(session, "UROBOT", at=clock(), topics=[databases], is_bot=True)
    person(session, ASKER_ID, at=clock(), topics=[databases])
    session.commit()


def test_with_no_one_to_suggest_a_request_goes_to_its_topic_channel(
    databases, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    session.commit()
    response = driver.view_submission(open_ask_modal(), ask_form(clock), user_id=ASKER_ID)
    assert response.body == ""
    find_message(fake_slack, DATA_CHANNEL, "is asking for help")
    (request,) = requests(session)
    assert (request.destination_channel, request.topic_id) == (DATA_CHANNEL, databases.id)


def test_the_askers_own_choice_of_channel_wins(
    databases, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    session.commit()
    driver.view_submission(
        open_ask_modal(), ask_form(clock, channel=HELP_CHANNEL_ID), user_id=ASKER_ID
    )
    find_message(fake_slack, HELP_CHANNEL_ID, "is asking for help")


def test_nothing_matches_so_the_help_channel(open_ask_modal, driver, fake_slack, clock) -> None:
    driver.view_submission(open_ask_modal(), ask_form(clock), user_id=ASKER_ID)
    find_message(fake_slack, HELP_CHANNEL_ID, "is asking for help")


def test_the_review_suggests_helpers_with_reasons_and_never_the_wrong_people(
    helpers, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    view = open_ask_modal()
    shown = review_of(
        fake_slack, view, driver.view_submission(view, ask_form(clock), user_id=ASKER_ID)
    )

    text = json.dumps(shown["blocks"])
    assert "Who could help" in text
    assert "knows: postgres" in text
    for never in ("UPAUSED", "UFULL", "UGONE", "UROBOT", ASKER_ID):
        assert f"<@{never}>" not in text
    assert f"<@{ASKER_ID}>" not in text
    (draft,) = requests(session)
    rows = list(session.scalars(select(Suggestion).order_by(Suggestion.rank)))
    assert [r.user_id for r in rows][:1] == ["UDB1"]  # topic and skill: the best match
    assert len(rows) == 6  # five shown, one in reserve
    assert {r.status for r in rows} == {SuggestionStatus.SUGGESTED}
    assert all(r.request_id == draft.id for r in rows)
    assert fake_slack.calls_to("chat.postMessage") == []  # nothing sent while reviewing


def test_asking_directly_dms_each_suggested_helper_and_not_the_channel(
    helpers, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)

    asked = sorted(
        c.args["channel"]
        for c in fake_slack.calls_to("chat.postMessage")
        if c.args["channel"].startswith("UDB")
    )
    assert asked == ["UDB1", "UDB2", "UDB3", "UDB4", "UDB5"]
    dm = dms_to(fake_slack, "UDB1")[0]
    assert "asking you directly for help" in dm.args["text"]
    buttons = json.dumps(dm.args["blocks"])
    assert "I can help" in buttons
    assert "Not this time" in buttons
    assert "Why you: " in buttons
    assert not [
        c for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"].startswith("C")
    ]
    (told,) = dms_to(fake_slack, ASKER_ID)
    assert "I asked <@UDB1>" in told.args["text"]
    request = requests(session)[0]
    assert (request.status, request.route) == (RequestStatus.OPEN, Route.DIRECT)
    statuses = {r.user_id: r.status for r in session.scalars(select(Suggestion))}
    assert statuses["UDB6"] == SuggestionStatus.SUGGESTED  # the reserve, not asked yet
    assert statuses["UDB1"] == SuggestionStatus.ASKED


def test_both_posts_and_asks(helpers, open_ask_modal, driver, fake_slack, session, clock) -> None:
    send(fake_slack, driver, open_ask_modal(), clock, Route.BOTH)
    find_message(fake_slack, DATA_CHANNEL, "is asking for help")
    assert len(dms_to(fake_slack, "UDB1")) == 1


def click(driver, fake_slack, helper, action, asked=None):
    ts, message = asked or direct_ask(fake_slack, helper)
    value = next(
        e["value"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
    )
    driver.block_action(
        action,
        user_id=helper,
        value=value,
        message={**message, "ts": ts},
        channel_id=fake_slack.dm_channel_id(helper),
    )
    return ts


def test_i_can_help_records_one_offer_and_tells_the_asker(
    helpers, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
    asked = direct_ask(fake_slack, "UDB2")
    ts = click(driver, fake_slack, "UDB2", "offer_help", asked)
    click(driver, fake_slack, "UDB2", "offer_help", asked)  # a double click

    (offer,) = session.scalars(select(Offer)).all()
    assert (offer.helper_id, offer.status, offer.source) == (
        "UDB2",
        OfferStatus.OFFERED,
        OfferSource.DIRECT,
    )
    told = [c for c in dms_to(fake_slack, ASKER_ID) if "offered to help" in c.args["text"]]
    assert len(told) == 1
    assert "<@UDB2>" in told[0].args["text"]
    updated = fake_slack.messages[(fake_slack.dm_channel_id("UDB2"), ts)]
    assert "You offered to help" in updated["text"]
    (ephemeral,) = fake_slack.calls_to("chat.postEphemeral")
    assert ephemeral.args["text"] == "You've already answered this one, thank you."
    statuses = {r.user_id: r.status for r in session.scalars(select(Suggestion))}
    assert statuses["UDB2"] == SuggestionStatus.OFFERED


def test_not_this_time_thanks_them_and_asks_the_next_helper(
    helpers, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
    assert dms_to(fake_slack, "UDB6") == []
    ts = click(driver, fake_slack, "UDB3", "decline_help")
    form = list(fake_slack.views.values())[-1]  # *Not this time* asks for a reason first
    driver.view_submission(form, {"reason": "no_time"}, user_id="UDB3")

    updated = fake_slack.messages[(fake_slack.dm_channel_id("UDB3"), ts)]
    assert "No problem" in updated["text"]
    assert len(dms_to(fake_slack, "UDB6")) == 1  # the reserve is asked instead
    session.expire_all()
    statuses = {r.user_id: r.status for r in session.scalars(select(Suggestion))}
    assert statuses["UDB3"] == SuggestionStatus.DECLINED
    assert statuses["UDB6"] == SuggestionStatus.ASKED
    assert session.scalars(select(Offer)).all() == []


def test_a_channel_post_nobody_answers_widens_once_to_the_next_helpers(
    helpers, deps, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    send(fake_slack, driver, open_ask_modal(), clock, Route.CHANNEL)
    request = requests(session)[0]
    assert request.widen_at is not None

    widen_job(deps)  # too early: nothing happens
    assert [
        c for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"].startswith("UDB")
    ] == []

    clock.now = request.widen_at + timedelta(minutes=1)
    widen_job(deps)
    widen_job(deps)  # once only

    asked = sorted(
        c.args["channel"]
        for c in fake_slack.calls_to("chat.postMessage")
        if c.args["channel"].startswith("UDB")
    )
    assert asked == ["UDB1", "UDB2", "UDB3"]
    kind = [
        c for c in dms_to(fake_slack, ASKER_ID) if "No offers on your request yet" in c.args["text"]
    ]
    assert len(kind) == 1
    assert "people are busy, not unwilling" in kind[0].args["text"]
    assert requests(session)[0].widened_at == clock.now - timedelta(0)


def test_a_direct_ask_nobody_answers_widens_to_the_channel(
    helpers, deps, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
    clock.now = requests(session)[0].widen_at + timedelta(minutes=1)
    widen_job(deps)
    find_message(fake_slack, DATA_CHANNEL, "is asking for help")
    told = [
        c
        for c in dms_to(fake_slack, ASKER_ID)
        if f"posted it in <#{DATA_CHANNEL}>" in c.args["text"]
    ]
    assert len(told) == 1
    assert requests(session)[0].route == Route.BOTH


def test_an_offer_stops_the_widening(
    helpers, deps, open_ask_modal, driver, fake_slack, session, clock
) -> None:
    send(fake_slack, driver, open_ask_modal(), clock, Route.DIRECT)
    click(driver, fake_slack, "UDB1", "offer_help")
    clock.now = requests(session)[0].widen_at + timedelta(minutes=1)
    widen_job(deps)
    assert requests(session)[0].widened_at is None
    assert not [
        c for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"].startswith("C")
    ]


def past_request(session, clock, what, helper):
    request = factories.help_request(session, at=clock(), what=what, asker_id="USOMEONE")
    rq.record_terms(session, TEAM_ID, request.id, terms(what))
    factories.offer(session, request, helper, at=clock(), status=OfferStatus.ACCEPTED)


def plan_for(session, clock, draft=None):
    """The routing plan for `draft`, by default a quick review of the postgres migration."""
    return plan_routing(
        session,
        team_id=TEAM_ID,
        asker_id=ASKER_ID,
        draft=draft
        or RequestDraft(what=WHAT, why=WHY, kind=HelpKind.FEEDBACK, size=RequestSize.QUICK),
        help_channel=HELP_CHANNEL_ID,
        now=clock(),
        week=STANDARD_WEEK,
    )


def test_people_who_helped_with_similar_requests_are_suggested(session, clock) -> None:
    for n in range(3):
        past_request(session, clock, f"postgres migration locks the orders table #{n}", "UVETERAN")
    past_request(session, clock, "how do I expense a train ticket", "UOTHER")
    session.commit()
    plan = plan_for(session, clock)
    assert [s.user_id for s in plan.suggestions] == ["UVETERAN"]
    assert "helped with 3 similar requests" in plan.suggestions[0].reasons


def count_queries(session, run):
    seen = []
    engine = session.get_bind()

    def record(*_args, **_kwargs):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(seen)


def test_ranking_costs_the_same_queries_for_few_or_many_candidates(
    databases, session, clock
) -> None:
    def plan():
        return plan_for(session, clock)

    person(session, "UONE", at=clock(), topics=[databases])
    session.commit()
    few = count_queries(session, plan)
    for n in range(120):
        person(session, f"UMANY{n:03}", at=clock(), topics=[databases], skills=["postgres"])
        past_request(session, clock, f"postgres index migration number {n}", f"UMANY{n:03}")
    session.commit()
    many = count_queries(session, plan)
    assert few == many
    assert len(plan().suggestions) == 10


def test_a_phrase_skill_brings_its_owner_into_the_pool(session, clock) -> None:
    person(session, "UREVIEWER", at=clock(), skills=["Incident reviews"])
    person(session, "UUNRELATED", at=clock(), skills=["Figma"])
    session.commit()
    plan = plan_for(
        session,
        clock,
        RequestDraft(
            what="Could someone facilitate our incident review of Tuesday's outage?",
            kind=HelpKind.PAIRING,
            size=RequestSize.HOURS,
        ),
    )
    (suggestion,) = plan.suggestions
    assert suggestion.user_id == "UREVIEWER"
    assert any("incident reviews" in reason.lower() for reason in suggestion.reasons)


class TestWideningIsConfigurable:
    @pytest.fixture
    def settings_overrides(self):
        return {"WIDEN_FRACTION": "0.5", "WIDEN_NO_DEADLINE_HOURS": "1"}

    def test_the_window_follows_the_settings(
        self, open_ask_modal, driver, fake_slack, session, clock
    ) -> None:
        driver.view_submission(open_ask_modal(), ask_form(clock), user_id=ASKER_ID)
        (with_deadline,) = requests(session)
        left = with_deadline.needed_by - clock()
        assert with_deadline.widen_at == clock() + min(left * 0.5, timedelta(hours=24))

        submit_and_post(
            driver, fake_slack, open_ask_modal(), ask_form(clock, needed_by=None), ASKER_ID
        )
        without = requests(session)[1]
        assert without.widen_at == clock() + timedelta(hours=1)


def test_only_recent_offers_count_as_load(databases, session, clock) -> None:
    person(session, "UBUSY", at=clock(), topics=[databases])
    person(session, "UEARLIER", at=clock(), topics=[databases])
    for helper, age in (("UBUSY", timedelta(days=2)), ("UEARLIER", timedelta(days=30))):
        for n in range(2):
            request = factories.help_request(
                session, at=clock() - age, what=f"an older ask {helper} {n}", asker_id="USOMEONE"
            )
            factories.offer(session, request, helper, at=clock() - age, status=OfferStatus.ACCEPTED)
    session.commit()
    plan = plan_for(session, clock)
    # Equal in every other way: two offers from a month ago are not work in hand any more.
    assert [s.user_id for s in plan.suggestions] == ["UEARLIER", "UBUSY"]


def test_people_reads_slack_and_helper_profiles_in_one_query(session, clock) -> None:
    person(session, "UBOTH", at=clock(), capacity=5, tz="Asia/Tokyo")
    factories.slack_user(
        session,
        "USLACKONLY",
        at=clock(),
        real_name="Slack Only",
        tz=None,
        tz_offset=3600,
        is_bot=True,
    )
    factories.helper_profile(session, "UPROFILEONLY", at=clock(), capacity=1, paused=True)
    session.commit()
    found = count_and_read(
        session,
        lambda: rq.people(session, TEAM_ID, ["UBOTH", "USLACKONLY", "UPROFILEONLY", "UNONE"]),
    )
    assert found == {
        "UBOTH": rq.Person("Asia/Tokyo", 0, False, False, 5, False),
        "USLACKONLY": rq.Person(None, 3600, True, False, None, False),
        "UPROFILEONLY": rq.Person(None, None, False, False, 1, True),
    }


def count_and_read(session, read):
    """What `read` returns, checking it took one statement (once a transaction is open)."""
    read()
    found = []
    assert count_queries(session, lambda: found.append(read())) == 1
    return found[0]


@pytest.mark.parametrize(
    ("tz", "offset"),
    [("Europe/London", 0), ("", 19800), (None, -18000), ("Mars/Olympus_Mons", 3600)],
)
def test_a_persons_zone_follows_the_rule_of_zone_from(tz, offset) -> None:
    user = SlackUser(team_id=TEAM_ID, user_id="U1", tz=tz, tz_offset=offset)
    assert zone_from(tz, offset) == zone_of(user)


def test_history_reads_only_the_latest_requests_using_each_term(session, clock) -> None:
    past_request(session, clock, "flux capacitor calibration drifts", "UEARLIER")
    for n in range(2):
        past_request(session, clock, f"flux capacitor calibration again {n}", "ULATER")
    session.commit()
    telling = terms("flux capacitor")

    def history(per_term):
        return rq.helper_history(
            session, TEAM_ID, telling, min_shared=2, limit=10, per_term=per_term
        )

    assert history(2) == {"ULATER": rq.History(2, 2)}
    assert history(3) == {"ULATER": rq.History(2, 2), "UEARLIER": rq.History(1, 2)}


def test_interests_say_who_is_glad_to_help_with_the_requests_topic_only(
    databases, session, clock
) -> None:
    other = factories.topic(
        session, at=clock(), name="Frontend", keywords="react,css", channel_id="C0FRONT"
    )
    person(session, "UDATA", at=clock(), topics=[databases], skills=["Postgres", "SQL"])
    person(session, "UFRONT", at=clock(), topics=[other])
    session.commit()
    glad, skills = rq.interests(session, TEAM_ID, ["UDATA", "UFRONT"], databases.id)
    assert glad == {"UDATA"}
    assert skills == {"UDATA": {"Postgres", "SQL"}}
    glad, _ = rq.interests(session, TEAM_ID, ["UDATA", "UFRONT"], None)
    assert glad == set()


def test_skill_holders_are_found_however_many_keys_a_request_has(session, clock) -> None:
    person(session, "UONE", at=clock(), skills=["kafka"])
    person(session, "UTWO", at=clock(), skills=["kafka", "schema registry"])
    person(session, "UNONE", at=clock(), skills=["figma"])
    session.commit()
    request_terms = terms(
        "our kafka consumers lag behind the schema registry after every deploy of billing "
        "sync, orders export, invoices and the nightly reports"
    )
    keys = lookup_keys(request_terms)
    assert len(keys) > 20  # enough for SQLite's planner to prefer a whole-table scan unhelped
    assert rq.skill_helpers(session, TEAM_ID, keys, limit=10) == ["UTWO", "UONE"]
