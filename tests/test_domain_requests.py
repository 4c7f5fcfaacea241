from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.requests import (
    WHAT_MAX_CHARS,
    WHY_MAX_CHARS,
    HelpKind,
    RequestDraft,
    RequestSize,
    validate_draft,
)

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
GOOD = RequestDraft(
    what="Review the retry logic in billing-sync PR #412 before Thursday's release",
    why="It's the last blocker for the release",
    kind=HelpKind.FEEDBACK,
    size=RequestSize.HALF_HOUR,
    needed_by=NOW + timedelta(days=2),
)


def draft(**changes: object) -> RequestDraft:
    return RequestDraft(**{**GOOD.__dict__, **changes})


def test_a_complete_draft_has_no_errors() -> None:
    assert validate_draft(GOOD, NOW) == {}


def test_optional_fields_may_be_left_out() -> None:
    assert validate_draft(draft(why="", needed_by=None, channel=None), NOW) == {}


@pytest.mark.parametrize(
    ("what", "fragment"),
    [
        ("", "what you need"),
        ("   \n ", "what you need"),
        ("help pls", "at least 15 characters"),
        ("x" * (WHAT_MAX_CHARS + 1), "under 2,000"),
    ],
)
def test_what_must_say_enough_and_not_too_much(what: str, fragment: str) -> None:
    assert fragment in validate_draft(draft(what=what), NOW)["what"]


def test_what_at_the_limit_is_accepted() -> None:
    assert validate_draft(draft(what="y" * WHAT_MAX_CHARS), NOW) == {}


def test_why_over_its_limit() -> None:
    assert "1,000" in validate_draft(draft(why="z" * (WHY_MAX_CHARS + 1)), NOW)["why"]


def test_kind_and_size_are_needed() -> None:
    errors = validate_draft(draft(kind=None, size=None), NOW)
    assert set(errors) == {"kind", "size"}


@pytest.mark.parametrize("delta", [timedelta(0), timedelta(minutes=-1), timedelta(days=-30)])
def test_needed_by_in_the_past_is_refused(delta: timedelta) -> None:
    assert "already passed" in validate_draft(draft(needed_by=NOW + delta), NOW)["needed_by"]


def test_needed_by_more_than_a_year_ahead_is_refused() -> None:
    errors = validate_draft(draft(needed_by=NOW + timedelta(days=400)), NOW)
    assert "within the next year" in errors["needed_by"]


def test_labels_are_plain_words() -> None:
    assert HelpKind.MORAL_SUPPORT.label == "Moral support"
    assert RequestSize.HALF_DAY.label == "Half a day or more"
