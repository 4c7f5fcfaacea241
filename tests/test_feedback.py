"""summarise_declines: why helpers passed, told to the asker gathered, kindly and without names."""

import re
from itertools import combinations_with_replacement, product

import pytest

from bot.domain.feedback import DeclineFeedback, FeedbackAction, summarise_declines
from bot.domain.offers import DeclineReason

R = DeclineReason
EXTEND, EDIT, WIDEN = (
    FeedbackAction.EXTEND_DEADLINE,
    FeedbackAction.EDIT_REQUEST,
    FeedbackAction.WIDEN_TO_CHANNEL,
)
# Slack user and workspace-user ids ("U024BE7LH", "W0123ABCD") and mention markup.
USER_ID = re.compile(r"\b[UW][A-Z0-9]{8,}\b")
FLAGS = list(product([True, False], repeat=2))


def summarise(
    *reasons: DeclineReason, has_deadline: bool = True, in_channel: bool = False
) -> DeclineFeedback:
    feedback = summarise_declines(reasons, has_deadline=has_deadline, in_channel=in_channel)
    assert feedback is not None
    return feedback


def every_outcome() -> list[tuple[tuple[DeclineReason, ...], bool, bool, DeclineFeedback]]:
    """Every mix of up to four reasons, with every combination of the flags."""
    outcomes = []
    for size in range(1, 5):
        for reasons in combinations_with_replacement(list(R), size):
            for has_deadline, in_channel in FLAGS:
                feedback = summarise(*reasons, has_deadline=has_deadline, in_channel=in_channel)
                outcomes.append((reasons, has_deadline, in_channel, feedback))
    return outcomes


@pytest.mark.parametrize(("has_deadline", "in_channel"), FLAGS)
def test_no_reasons_means_nothing_to_say(has_deadline, in_channel):
    assert summarise_declines([], has_deadline=has_deadline, in_channel=in_channel) is None
    assert summarise_declines((), has_deadline=has_deadline, in_channel=in_channel) is None


def test_one_person_is_they_not_he_or_she():
    assert summarise(R.DEADLINE).summary == (
        "One person passed: the deadline was too tight for them."
    )
    assert summarise(R.NO_TIME).summary == "One person passed: they didn't have time right now."


def test_several_with_one_reason_are_gathered_into_one_sentence():
    assert summarise(R.DEADLINE, R.DEADLINE).summary == (
        "Two people passed: the deadline was too tight for them."
    )
    assert summarise(R.NOT_MY_AREA, R.NOT_MY_AREA, R.NOT_MY_AREA).summary == (
        "Three people passed: it was outside their area."
    )


def test_other_reads_as_another_reason_singular_and_plural():
    assert summarise(R.OTHER).summary == "One person passed: they had another reason."
    assert summarise(R.OTHER, R.OTHER).summary == (
        "Two people passed: they each had their own reasons."
    )
    assert summarise(R.OTHER, R.OTHER, R.UNCLEAR).summary == (
        "Three people passed: two had other reasons, and one found the ask unclear."
    )


@pytest.mark.parametrize(
    ("count", "opening"),
    [
        (1, "One person passed: "),
        (2, "Two people passed: "),
        (5, "Five people passed: "),
        (9, "Nine people passed: "),
        (10, "Ten people passed: "),
        (11, "11 people passed: "),
        (23, "23 people passed: "),
    ],
)
def test_counts_are_words_up_to_ten_then_digits(count, opening):
    assert summarise(*[R.UNCLEAR] * count).summary.startswith(opening)


def test_counts_within_a_mixed_summary_are_words_too():
    reasons = [R.NO_TIME] * 7 + [R.DEADLINE] * 4
    assert summarise(*reasons).summary == (
        "11 people passed: seven didn't have time right now, and four found the deadline too tight."
    )


def test_mixed_reasons_most_common_first():
    feedback = summarise(R.UNCLEAR, R.NO_TIME, R.NO_TIME)
    assert feedback.summary == (
        "Three people passed: two didn't have time right now, and one found the ask unclear."
    )


def test_mixed_reasons_order_does_not_depend_on_arrival_order():
    arrivals = [R.OTHER, R.NO_TIME, R.UNCLEAR, R.NOT_MY_AREA, R.DEADLINE, R.NO_TIME]
    expected = (
        "Six people passed: two didn't have time right now, one found the ask unclear, "
        "one found the deadline too tight, one felt it was outside their area, "
        "and one had another reason."
    )
    assert summarise(*arrivals).summary == expected
    assert summarise(*reversed(arrivals)).summary == expected


def test_equal_counts_are_listed_most_actionable_first():
    assert summarise(R.NO_TIME, R.UNCLEAR).summary == (
        "Two people passed: one found the ask unclear, and one didn't have time right now."
    )
    assert summarise(R.OTHER, R.OTHER, R.NOT_MY_AREA, R.NOT_MY_AREA).summary == (
        "Four people passed: two felt it was outside their area, and two had other reasons."
    )


def test_most_common_reason_chooses_the_tip_and_actions():
    feedback = summarise(R.UNCLEAR, R.NOT_MY_AREA, R.NOT_MY_AREA)
    assert feedback.tip == summarise(R.NOT_MY_AREA).tip
    assert feedback.actions == (WIDEN, EDIT)


@pytest.mark.parametrize(
    ("reasons", "dominant"),
    [
        ((R.NO_TIME, R.UNCLEAR), R.UNCLEAR),
        ((R.OTHER, R.DEADLINE), R.DEADLINE),
        ((R.DEADLINE, R.UNCLEAR), R.UNCLEAR),
        ((R.NO_TIME, R.NOT_MY_AREA), R.NOT_MY_AREA),
        ((R.OTHER, R.NO_TIME), R.NO_TIME),
        ((R.OTHER, R.NO_TIME, R.NOT_MY_AREA, R.DEADLINE, R.UNCLEAR), R.UNCLEAR),
    ],
)
def test_ties_go_to_the_most_actionable_reason(reasons, dominant):
    feedback = summarise(*reasons)
    assert feedback.tip == summarise(dominant).tip
    assert feedback.actions == summarise(dominant).actions


def test_frequency_beats_actionability():
    feedback = summarise(R.OTHER, R.OTHER, R.UNCLEAR)
    assert feedback.tip == summarise(R.OTHER).tip
    assert feedback.tip != summarise(R.UNCLEAR).tip


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        (R.DEADLINE, (EXTEND, EDIT, WIDEN)),
        (R.UNCLEAR, (EDIT, WIDEN)),
        (R.NOT_MY_AREA, (WIDEN, EDIT)),
        (R.NO_TIME, (EDIT, EXTEND, WIDEN)),
        (R.OTHER, (WIDEN, EDIT)),
    ],
)
def test_actions_best_first_when_everything_is_possible(reason, expected):
    assert summarise(reason, has_deadline=True, in_channel=False).actions == expected


@pytest.mark.parametrize(
    ("reason", "has_deadline", "in_channel", "expected"),
    [
        (R.DEADLINE, False, False, (EDIT, WIDEN)),
        (R.DEADLINE, True, True, (EXTEND, EDIT)),
        (R.DEADLINE, False, True, (EDIT,)),
        (R.NO_TIME, False, False, (EDIT, WIDEN)),
        (R.NO_TIME, True, True, (EDIT, EXTEND)),
        (R.NOT_MY_AREA, True, True, (EDIT,)),
        (R.OTHER, True, True, (EDIT,)),
        (R.UNCLEAR, False, True, (EDIT,)),
    ],
)
def test_actions_that_cannot_apply_are_left_out(reason, has_deadline, in_channel, expected):
    feedback = summarise(reason, has_deadline=has_deadline, in_channel=in_channel)
    assert feedback.actions == expected


def test_action_rules_hold_for_every_outcome():
    for reasons, has_deadline, in_channel, feedback in every_outcome():
        actions = feedback.actions
        assert 1 <= len(actions) <= 3, reasons
        assert len(set(actions)) == len(actions), reasons
        assert EDIT in actions, reasons  # there is always something the asker can do
        if not has_deadline:
            assert EXTEND not in actions, reasons
        if in_channel:
            assert WIDEN not in actions, reasons


@pytest.mark.parametrize(("has_deadline", "in_channel"), FLAGS)
def test_flags_filter_actions_for_mixed_reasons(has_deadline, in_channel):
    reasons = (R.DEADLINE, R.DEADLINE, R.NO_TIME, R.OTHER)
    actions = summarise(*reasons, has_deadline=has_deadline, in_channel=in_channel).actions
    assert (EXTEND in actions) == has_deadline
    assert (WIDEN in actions) == (not in_channel)


@pytest.mark.parametrize("reason", list(R))
def test_every_reason_has_its_own_tip(reason):
    tip = summarise(reason).tip
    assert tip.strip()
    assert tip.endswith(".")
    others = {summarise(other).tip for other in R if other is not reason}
    assert tip not in others


def test_tips_follow_from_the_reason():
    assert "later deadline" in summarise(R.DEADLINE).tip
    assert "good answer looks like" in summarise(R.UNCLEAR).tip
    assert "right person" in summarise(R.NOT_MY_AREA).tip
    assert "15 minutes" in summarise(R.NO_TIME).tip
    assert "not a verdict" in summarise(R.OTHER).tip


def test_tip_does_not_point_at_a_button_that_is_not_there():
    assert "channel" in summarise(R.NOT_MY_AREA, in_channel=False).tip
    assert "channel" not in summarise(R.NOT_MY_AREA, in_channel=True).tip
    assert "later deadline" not in summarise(R.DEADLINE, has_deadline=False).tip


def test_no_output_names_anyone_or_breaks_mrkdwn():
    for reasons, _, _, feedback in every_outcome():
        for text in (feedback.summary, feedback.tip):
            assert "<@" not in text, reasons
            assert not USER_ID.search(text), (reasons, text)
            assert not set(text) & {"<", ">", "&", "*", "_", "`", "~"}, (reasons, text)
            assert text == text.strip()
            assert "  " not in text
            assert text.endswith("."), (reasons, text)


def test_no_output_blames():
    for reasons, _, _, feedback in every_outcome():
        text = f"{feedback.summary} {feedback.tip}".lower()
        for word in ("refused", "rejected", "ignored", "won't", "fault", "bad ask", "declined"):
            assert word not in text, (reasons, word)


def test_stored_string_values_are_read_as_reasons():
    feedback = summarise_declines(["deadline", "no_time"], has_deadline=True, in_channel=False)
    assert feedback == summarise(R.DEADLINE, R.NO_TIME)


def test_an_unknown_reason_is_an_error_not_silence():
    with pytest.raises(ValueError, match="busy"):
        summarise_declines(["busy"], has_deadline=True, in_channel=False)


def test_feedback_is_immutable():
    feedback = summarise(R.UNCLEAR)
    with pytest.raises(AttributeError):
        feedback.summary = "changed"  # type: ignore[misc]
