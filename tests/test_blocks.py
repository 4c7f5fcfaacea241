"""The pure Block Kit builders: valid by slack_sdk's models, and within Slack's limits."""

from datetime import UTC, datetime

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.domain.requests import WHAT_MAX_CHARS, HelpKind, RequestCard, RequestDraft, RequestSize
from bot.slack.blocks import ids
from bot.slack.blocks.ask_modal import ask_modal, read_ask_form
from bot.slack.blocks.messages import post_failed_notice, request_message
from bot.slack.blocks.text import chunks, escape, slack_date

CARD = RequestCard(
    id=7,
    team_id="T0001",
    asker_id="UASKER01",
    what="How do I get read access to the billing replica?",
    why="",
    kind=HelpKind.INFORMATION,
    size=RequestSize.QUICK,
    needed_by=datetime(2026, 11, 24, 15, 0, tzinfo=UTC),
    channel="C0GENERAL",
)


def assert_valid_blocks(blocks: list[dict]) -> None:
    assert len(blocks) <= 50
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None
        assert parsed.to_dict() == block


def test_modal_is_a_valid_view_within_limits() -> None:
    view = ask_modal(draft=RequestDraft(what="x" * (WHAT_MAX_CHARS + 50)))
    View(**view).to_dict()
    assert len(view["title"]["text"]) <= 24
    what = next(b for b in view["blocks"] if b.get("block_id") == ids.WHAT_BLOCK)
    assert len(what["element"]["initial_value"]) == WHAT_MAX_CHARS


def test_the_modal_reads_back_what_it_offers() -> None:
    view = ask_modal()
    kinds = next(b for b in view["blocks"] if b.get("block_id") == ids.KIND_BLOCK)
    assert [o["value"] for o in kinds["element"]["options"]] == [k.value for k in HelpKind]
    state = {
        ids.KIND_BLOCK: {ids.KIND_INPUT: {"selected_option": {"value": "not-a-kind"}}},
        ids.SIZE_BLOCK: {ids.SIZE_INPUT: {"selected_option": {"value": "quick"}}},
        ids.NEEDED_BY_BLOCK: {ids.NEEDED_BY_INPUT: {"selected_date_time": "tomorrow"}},
        ids.WHAT_BLOCK: {ids.WHAT_INPUT: {"value": None}},
    }
    draft = read_ask_form({"state": {"values": state}})
    assert (draft.kind, draft.size, draft.needed_by, draft.what) == (
        None,
        RequestSize.QUICK,
        None,
        "",
    )


@pytest.mark.parametrize("view", [None, [], {"state": None}, {"state": {"values": []}}])
def test_garbage_state_reads_as_an_empty_draft(view) -> None:
    draft = read_ask_form(view)
    assert (draft.what, draft.kind, draft.channel) == ("", None, None)


def test_request_message_blocks_are_valid() -> None:
    text, blocks = request_message(CARD)
    assert_valid_blocks(blocks)
    assert text.startswith("<@UASKER01> is asking for help: How do I get read access")


def test_failure_notice_offers_the_help_channel_only_when_elsewhere() -> None:
    _, elsewhere = post_failed_notice(CARD, "not_in_channel", help_channel="C0HELP")
    _, already = post_failed_notice(CARD, "not_in_channel", help_channel="C0GENERAL")
    assert_valid_blocks(elsewhere)
    assert len(elsewhere[-1]["elements"]) == 2
    assert len(already[-1]["elements"]) == 1


def test_escape_keeps_markup_literal() -> None:
    assert escape("<@U1> & <!here>") == "&lt;@U1&gt; &amp; &lt;!here&gt;"


def test_slack_date_has_a_utc_fallback() -> None:
    assert slack_date(CARD.needed_by) == (
        "<!date^1795532400^{date_short_pretty} at {time}|Tue 24 Nov 2026, 15:00 UTC>"
    )


@pytest.mark.parametrize(
    "text",
    ["", "short", "word " * 1000, "x" * 7001, ("line\n" * 900) + "end", "a " * 3000],
)
def test_chunks_cover_the_text_within_the_limit(text: str) -> None:
    pieces = chunks(text, 3000)
    assert all(len(piece) <= 3000 for piece in pieces)
    assert "".join(pieces).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace(
        "\n", ""
    )
