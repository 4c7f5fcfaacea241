"""Planning nudges and weekly digests into the outbox, and sending them, against the fake Slack.
Time is injected: the suite's clock is Monday 2026-11-23 09:30 UTC (10:30 in Berlin, 01:30 in
Los Angeles)."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.domain.message import Command, Part, from_json
from bot.domain.offers import OfferSource, OfferStatus
from bot.domain.outbox import CHANNEL_DIGEST, PERSONAL_DIGEST, OutboxStatus
from bot.domain.requests import Delivery, HelpKind, RequestSize, RequestStatus
from bot.domain.routing import skill_stem
from bot.services import outbox, prefs, scheduled
from bot.slack.blocks import ids
from bot.slack.blocks import scheduled as scheduled_blocks
from db.models import HelperSkill, HelpRequest, Offer, OutboxMessage, SlackUser, Thanks
from tests.slack_stand_in.pytest_plugin import ADMIN_ID, HELP_CHANNEL_ID, TEAM_ID

BERLIN, LA = "Europe/Berlin", "America/Los_Angeles"


def person(session, clock, user_id, tz=BERLIN, *, skills=(), **flags) -> None:
    session.add(
        SlackUser(
            team_id=TEAM_ID,
            user_id=user_id,
            real_name=user_id.title(),
            tz=tz,
            tz_offset=None if tz is None else 0,  # Slack gives no offset without a zone
            is_bot=flags.get("is_bot", False),
            is_deleted=flags.get("is_deleted", False),
            is_admin=flags.get("is_admin", False),
            is_owner=False,
            fetched_at=clock(),
        )
    )
    for skill in skills:
        session.add(
            HelperSkill(team_id=TEAM_ID, user_id=user_id, skill=skill, stem=skill_stem(skill))
        )


def request(session, clock, asker, what, *, ago, status=RequestStatus.OPEN, **extra) -> HelpRequest:
    at = clock() - ago
    row = HelpRequest(
        team_id=TEAM_ID,
        asker_id=asker,
        what=what,
        why="",
        help_kind=HelpKind.FEEDBACK,
        size=RequestSize.QUICK,
        destination_channel=HELP_CHANNEL_ID,
        status=status,
        delivery=Delivery.POSTED,
        posted_channel=HELP_CHANNEL_ID,
        posted_ts=f"{1_700_000_000 + len(what)}.{abs(hash(what)) % 10**6:06d}",
        posted_at=at,
        created_at=at,
        updated_at=at,
        **extra,
    )
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def week(session, clock):
    """Ana asked and was helped by Ben this week; Cleo asked about postgres and is still waiting;
    Dev (Los Angeles, asleep) and a bot and a deactivated account are around too."""
    person(session, clock, "UANA0001")
    person(session, clock, "UBEN0001", skills=["postgres"])
    person(session, clock, "UCLEO001")
    person(session, clock, "UDEV0001", LA, skills=["postgres"])
    person(session, clock, "UBOT9999", is_bot=True)
    person(session, clock, "UGONE001", is_deleted=True)
    person(session, clock, ADMIN_ID, "UTC", is_admin=True)
    solved = request(
        session,
        clock,
        "UANA0001",
        "Review my quarterly planning doc",
        ago=timedelta(days=3),
        status=RequestStatus.RESOLVED,
        resolved_at=clock() - timedelta(days=1),
    )
    session.add(
        Offer(
            request_id=solved.id,
            team_id=TEAM_ID,
            helper_id="UBEN0001",
            source=OfferSource.BUTTON,
            status=OfferStatus.ACCEPTED,
            accepted_at=clock() - timedelta(days=2),
            created_at=clock() - timedelta(days=2, hours=1),
            updated_at=clock() - timedelta(days=2),
        )
    )
    session.add(
        Thanks(
            request_id=solved.id,
            team_id=TEAM_ID,
            from_id="UANA0001",
            to_id="UBEN0001",
            note="You saved my week <3",
            impact="The plan went out on time",
            created_at=clock() - timedelta(days=1),
        )
    )
    request(
        session,
        clock,
        "UCLEO001",
        "Could someone check my postgres index migration?",
        ago=timedelta(hours=3),
    )
    session.commit()


def planned(session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def of_kind(rows, *kinds) -> dict[str, OutboxMessage]:
    return {r.target: r for r in rows if r.kind in kinds}


def rendered(row: OutboxMessage) -> str:
    return scheduled_blocks.mrkdwn(from_json(row.payload))


def test_weekly_digests_are_planned_once_at_the_hour_in_each_time_zone(
    week, session, clock
) -> None:
    first = scheduled.plan_team(session, team_id=TEAM_ID, now=clock())
    again = scheduled.plan_team(session, team_id=TEAM_ID, now=clock() + timedelta(minutes=5))

    assert first.digests >= 3
    assert again.digests == 0
    rows = planned(session)
    channel = of_kind(rows, CHANNEL_DIGEST)
    assert list(channel) == [HELP_CHANNEL_ID]
    assert channel[HELP_CHANNEL_ID].period == "2026-W48"
    text = rendered(channel[HELP_CHANNEL_ID])
    assert "<@UBEN0001>" in text  # the shout-out, from the stored thanks
    assert "postgres index migration" in text  # still needs help
    personal = of_kind(rows, PERSONAL_DIGEST)
    assert {"UANA0001", "UBEN0001", "UCLEO001"} <= set(personal)
    assert "UDEV0001" not in personal  # 01:30 in Los Angeles: not their Monday 9:00 yet
    assert "UBOT9999" not in personal
    assert "UGONE001" not in personal
    assert "&lt;3" in rendered(personal["UBEN0001"])  # the note, escaped
    assert "postgres index migration" in rendered(personal["UBEN0001"])  # matches their skill


def test_los_angeles_gets_its_digest_at_its_own_nine(week, session, clock) -> None:
    scheduled.plan_team(session, team_id=TEAM_ID, now=clock())
    assert "UDEV0001" not in of_kind(planned(session), PERSONAL_DIGEST)
    clock.advance(hours=8)  # 09:30 in Los Angeles
    scheduled.plan_team(session, team_id=TEAM_ID, now=clock())
    digest = of_kind(planned(session), PERSONAL_DIGEST)["UDEV0001"]
    assert digest.period == "2026-W48"


def test_nobody_gets_a_digest_they_turned_off(week, session, clock) -> None:
    prefs.set_digest(session, team_id=TEAM_ID, user_id="UBEN0001", on=False, clock=clock)
    scheduled.plan_team(session, team_id=TEAM_ID, now=clock())
    assert "UBEN0001" not in of_kind(planned(session), PERSONAL_DIGEST)


def test_no_digest_on_another_day(week, session, clock) -> None:
    scheduled.plan_team(session, team_id=TEAM_ID, now=clock() + timedelta(days=1))
    assert of_kind(planned(session), CHANNEL_DIGEST, PERSONAL_DIGEST) == {}


def test_nudges_respect_hours_bots_and_the_daily_cap(week, session, clock) -> None:
    scheduled.plan_team(session, team_id=TEAM_ID, now=clock())
    nudges = {
        r.target: r for r in planned(session) if r.kind not in (CHANNEL_DIGEST, PERSONAL_DIGEST)
    }

    # Ben knows postgres, and Cleo's postgres request has waited three hours without an offer.
    assert nudges["UBEN0001"].kind == "matching_requests"
    assert "postgres index migration" in rendered(nudges["UBEN0001"])
    assert "UCLEO001" not in nudges or nudges["UCLEO001"].kind != "matching_requests"
    for nobody in ("UDEV0001", "UBOT9999", "UGONE001"):
        assert nobody not in nudges

    clock.advance(hours=2)
    scheduled.plan_team(session, team_id=TEAM_ID, now=clock())
    again = [
        r for r in planned(session) if r.target == "UBEN0001" and r.kind == "matching_requests"
    ]
    assert len(again) == 1  # at most one nudge a day


def test_snoozed_and_stopped_people_are_left_alone(week, session, clock) -> None:
    prefs.snooze(session, team_id=TEAM_ID, user_id="UBEN0001", clock=clock)
    prefs.stop_kind(session, team_id=TEAM_ID, user_id="UANA0001", kind="reciprocity", clock=clock)
    scheduled.plan_team(session, team_id=TEAM_ID, now=clock())
    rows = planned(session)
    nudged = {(r.target, r.kind) for r in rows if r.kind not in (CHANNEL_DIGEST, PERSONAL_DIGEST)}
    assert not any(target == "UBEN0001" for target, _ in nudged)
    assert ("UANA0001", "reciprocity") not in nudged


def test_kinds_the_admins_switched_off_are_not_sent(week, session, clock) -> None:
    policy = prefs.WorkspacePolicy(enabled=frozenset({"start_small"}))
    prefs.save_policy(
        session, team_id=TEAM_ID, user_id=ADMIN_ID, policy=policy, form_errors={}, clock=clock
    )
    scheduled.plan_team(session, team_id=TEAM_ID, now=clock())
    kinds = {r.kind for r in planned(session)} - {CHANNEL_DIGEST, PERSONAL_DIGEST}
    assert kinds <= {"start_small"}


def test_planned_messages_reach_slack_once(week, session, deps, fake_slack, clock) -> None:
    scheduled.plan_team(session, team_id=TEAM_ID, now=clock())
    pacer = outbox.Pacer(per_second=1000)
    outbox.send_due(session, deps.slack, clock=clock, pacer=pacer)
    outbox.send_due(session, deps.slack, clock=clock, pacer=pacer)

    rows = planned(session)
    assert {r.status for r in rows} == {OutboxStatus.SENT}
    in_help = [m for (c, _), m in fake_slack.messages.items() if c == HELP_CHANNEL_ID]
    assert len(in_help) == 1
    assert "This week" in in_help[0]["text"]
    ben = [
        m for (c, _), m in fake_slack.messages.items() if c == fake_slack.dm_channel_id("UBEN0001")
    ]
    assert len(ben) == 2  # a nudge and a digest, each once
    digest = next(m for m in ben if ids.DIGEST_OFF in str(m["blocks"]))
    assert "UANA0001" in digest["text"]


def test_an_admin_previews_this_weeks_digest(week, session, deps, driver, fake_slack) -> None:
    driver.block_action(ids.PREVIEW_DIGEST, user_id=ADMIN_ID)
    (dm,) = [
        m for (c, _), m in fake_slack.messages.items() if c == fake_slack.dm_channel_id(ADMIN_ID)
    ]
    assert f"Digest for <#{HELP_CHANNEL_ID}>" in dm["text"]
    assert "Preview" in str(dm["blocks"])
    assert planned(session) == []  # a preview plans nothing

    driver.block_action(ids.PREVIEW_DIGEST, user_id="UANA0001")
    told = [c.args["text"] for c in fake_slack.calls_to("chat.postMessage")]
    assert "Only workspace admins can change these settings." in told


def test_the_outbox_stores_structure_and_sending_renders_it(
    week, session, deps, fake_slack, clock, monkeypatch
) -> None:
    scheduled.plan_team(session, team_id=TEAM_ID, now=clock())
    rows = planned(session)
    assert rows
    for row in rows:
        stored = json.dumps(row.payload)
        for markup in ("<@", "<#", "<!date", "<http", "&amp;", "&lt;", "`", "*"):
            assert markup not in stored, stored

    # A wording change after planning reaches the messages already planned.
    plain = scheduled_blocks._part

    def reworded(part: Part) -> str:
        return "`/ask` (any time)" if isinstance(part, Command) else plain(part)

    monkeypatch.setattr(scheduled_blocks, "_part", reworded)
    outbox.send_due(session, deps.slack, clock=clock, pacer=outbox.Pacer(per_second=1000))

    rows = planned(session)
    assert {r.status for r in rows} == {OutboxStatus.SENT}
    for row in rows:
        text, layout = scheduled_blocks.scheduled_message(row.kind, from_json(row.payload))
        sent = fake_slack.messages[(row.posted_channel, row.posted_ts)]
        assert (sent["text"], sent["blocks"]) == (text, layout)
    assert any("(any time)" in m["text"] for m in fake_slack.messages.values())
