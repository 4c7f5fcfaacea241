import ast
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.requests import HelpKind, RequestDraft, RequestSize
from bot.domain.smart import (
    QUOTE_MAX_CHARS,
    Criterion,
    Finding,
    SmartReport,
    Verdict,
    analyse,
    looks_sensitive,
)
from tests.smart_examples import EXAMPLES, FRIDAY_EVENING, MONDAY_MORNING, Example

MARKS = {"+": Verdict.MET, "~": Verdict.WEAK, "-": Verdict.MISSING}
NOW = MONDAY_MORNING
GOOD = RequestDraft(
    what="Could you review the retry logic in billing-sync PR #412?",
    why="It's the last blocker before Thursday's release.",
    kind=HelpKind.FEEDBACK,
    size=RequestSize.HALF_HOUR,
    needed_by=NOW + timedelta(days=2),
)
# Words that grade the asker; the review suggests, it never marks.
GRADING = re.compile(r"\b(?:fail\w*|bad|poor\w*|scor\w*|wrong|grade\w*|mark(?:s|ed)?)\b", re.I)
QUOTE = re.compile(r"“([^”]*)”")


def draft(**changes: object) -> RequestDraft:
    return replace(GOOD, **changes)


def verdict(criterion: Criterion, **changes: object) -> Verdict:
    return analyse(draft(**changes), NOW).finding(criterion).verdict


def example_draft(example: Example) -> RequestDraft:
    return RequestDraft(
        what=example.what,
        why=example.why,
        kind=example.kind,
        size=example.size,
        needed_by=example.needed_by,
    )


def expected(example: Example) -> tuple[Verdict, ...]:
    return tuple(MARKS[mark] for mark in example.expect)


def their_words(tip: str) -> str:
    """The tip with the asker's quoted words taken out, leaving only what we wrote."""
    return QUOTE.sub("", tip)


# The table


def test_the_table_holds_enough_varied_examples() -> None:
    assert len(EXAMPLES) >= 60
    assert len({(e.what, e.why) for e in EXAMPLES}) == len(EXAMPLES)
    for position in range(len(Criterion)):
        assert {e.expect[position] for e in EXAMPLES} == set(MARKS), list(Criterion)[position]
    assert any(e.sensitive for e in EXAMPLES)
    assert any(e.now != MONDAY_MORNING for e in EXAMPLES)
    assert any(len(e.what) > 200 for e in EXAMPLES)


def test_accuracy_over_the_example_table() -> None:
    tallies: dict[str, list[int]] = {}
    misses: list[str] = []
    for example in EXAMPLES:
        report = analyse(example_draft(example), example.now)
        got = tuple(found.verdict for found in report.findings)
        right = sum(g == e for g, e in zip(got, expected(example), strict=True))
        for group in ("all", "held out" if example.held_out else "developed on"):
            tally = tallies.setdefault(group, [0, 0, 0, 0, 0])
            tally[0] += right
            tally[1] += len(Criterion)
            tally[2] += right == len(Criterion)
            tally[3] += 1
            tally[4] += report.sensitive == example.sensitive
        if right != len(Criterion) or report.sensitive != example.sensitive:
            marks = "".join(next(k for k, v in MARKS.items() if v is g) for g in got)
            sensitivity = f", sensitive {report.sensitive}" * (
                report.sensitive != example.sensitive
            )
            misses.append(
                f"  expected {example.expect} got {marks}{sensitivity}: {example.what[:60]!r}"
            )
    for group in ("developed on", "held out", "all"):
        verdicts, total, whole, examples, sensitive = tallies[group]
        print(
            f"\nSMART analysis, {group}: {verdicts}/{total} verdicts "
            f"({verdicts / total:.1%}), {whole}/{examples} examples fully right, "
            f"sensitivity right on {sensitive}/{examples}"
        )
    print("\n".join(misses))
    verdicts, total, whole, examples, sensitive = tallies["all"]
    assert verdicts / total >= 0.90
    assert whole / examples >= 0.75
    assert sensitive / examples >= 0.95


# The report


def test_a_report_has_five_findings_in_criterion_order() -> None:
    report = analyse(GOOD, NOW)
    assert [found.criterion for found in report.findings] == list(Criterion)
    assert all(isinstance(found, Finding) and found.tip for found in report.findings)
    assert report.finding(Criterion.REALISTIC) is report.findings[3]


def test_an_empty_draft_still_gets_five_findings() -> None:
    report = analyse(RequestDraft(what=""), NOW)
    assert [found.criterion for found in report.findings] == list(Criterion)
    assert all(found.verdict is Verdict.MISSING for found in report.findings)
    assert report.needs_review


def test_a_smart_draft_needs_no_review() -> None:
    report = analyse(GOOD, NOW)
    assert report.all_met
    assert not report.sensitive
    assert not report.needs_review


def test_a_sensitive_draft_needs_review_even_when_smart() -> None:
    report = analyse(
        draft(
            what="Could someone cover my code reviews on Thursday? I have a hospital appointment."
        ),
        NOW,
    )
    assert report.all_met
    assert report.sensitive
    assert report.needs_review


def test_labels() -> None:
    assert [c.label for c in Criterion] == [
        "Specific",
        "Meaningful",
        "Action-oriented",
        "Realistic",
        "Time-bound",
    ]
    assert [v.value for v in Verdict] == ["met", "weak", "missing"]


def test_the_analysis_is_deterministic() -> None:
    for example in EXAMPLES:
        first = analyse(example_draft(example), example.now)
        assert analyse(example_draft(example), example.now) == first


def test_now_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        analyse(GOOD, datetime(2026, 11, 23, 10, 0))  # naive on purpose


def test_needed_by_in_another_zone_is_read_in_the_askers_zone() -> None:
    in_berlin = analyse(draft(needed_by=NOW + timedelta(hours=2)), NOW)
    in_utc = analyse(draft(needed_by=(NOW + timedelta(hours=2)).astimezone(UTC)), NOW)
    assert in_utc == in_berlin


# Specific


@pytest.mark.parametrize(
    "what",
    [
        "",
        "help",
        "any help",
        "some stuff",
        "a question",
        "need help",
        "I need some help with something",
        "Postgres",
        "deploy pipeline",
    ],
)
def test_specific_is_missing_for_filler_and_one_or_two_words(what: str) -> None:
    assert verdict(Criterion.SPECIFIC, what=what) is Verdict.MISSING


@pytest.mark.parametrize(
    "what",
    [
        "help with the deploy",
        "questions about the billing service",
        "Can someone help me with Kubernetes?",
        "Could anyone help me out with the new dashboards?",
        "Looking for some advice on career things",
        "I'm a bit stuck with the reporting dashboard and the data model for finance",
        # Length alone is not specificity.
        "So basically I have been looking into a few things around the project and there is a "
        "lot going on and I would love it if somebody could help me out with some of it at some "
        "point because it is all a bit much and I am not sure where to start with any of it",
    ],
)
def test_specific_is_weak_for_generic_asks(what: str) -> None:
    assert verdict(Criterion.SPECIFIC, what=what) is Verdict.WEAK


@pytest.mark.parametrize(
    "what",
    [
        "Review PR #412",
        "Why does JIRA-981 reopen itself?",
        "What does ConnectionResetError mean in our worker logs?",
        "The order_totals view returns NULL for refunds",
        "Look at src/billing/retry.py, the backoff never stops",
        "Is https://status.example.com/incidents/77 still accurate?",
        "Our p99 went from 120ms to 900ms after Tuesday's deploy",
        'What does "settlement lag" mean on the finance dashboard?',
        "Which load balancer timeout should the search API use behind Cloudflare?",
        "Is Redis or Memcached better for caching session tokens in the admin app?",
    ],
)
def test_specific_is_met_by_concrete_signals_and_clear_questions(what: str) -> None:
    assert verdict(Criterion.SPECIFIC, what=what) is Verdict.MET


def test_specific_weak_tip_quotes_the_topic_and_asks_what_was_tried() -> None:
    tip = analyse(draft(what="help with the deploy"), NOW).finding(Criterion.SPECIFIC).tip
    assert tip == (
        "“help with the deploy”: which part of “the deploy” exactly, "
        "and what have you tried so far?"
    )


def test_specific_met_tip_names_what_works() -> None:
    tip = analyse(GOOD, NOW).finding(Criterion.SPECIFIC).tip
    assert "“PR #412”" in tip


# Meaningful


def test_meaningful_is_missing_without_a_reason() -> None:
    assert verdict(Criterion.MEANINGFUL, why="") is Verdict.MISSING
    assert verdict(Criterion.MEANINGFUL, why="   ") is Verdict.MISSING


@pytest.mark.parametrize(
    "why", ["it's important", "need it", "for work", "asap", "please", "because I need it done"]
)
def test_meaningful_is_weak_for_reasons_in_form_only(why: str) -> None:
    assert verdict(Criterion.MEANINGFUL, why=why) is Verdict.WEAK


@pytest.mark.parametrize(
    "why",
    [
        "It unblocks the mobile release.",
        "Customers can't export invoices until it's fixed.",
        "For Priya's onboarding on Monday.",
        "Without it the nightly import keeps timing out and the sales dashboards are late.",
        "We demo it to the steering group next week.",
    ],
)
def test_meaningful_is_met_by_what_it_unblocks_or_whom_it_serves(why: str) -> None:
    assert verdict(Criterion.MEANINGFUL, why=why) is Verdict.MET


def test_a_reason_inside_the_what_counts() -> None:
    assert (
        verdict(
            Criterion.MEANINGFUL,
            what="Review the Helm values so that we can open the EU region on Monday",
            why="",
        )
        is Verdict.MET
    )


def test_a_missing_reason_on_a_personal_ask_is_asked_for_gently() -> None:
    report = analyse(
        draft(what="I'm overwhelmed since the reorg and would like a chat", why=""), NOW
    )
    finding = report.finding(Criterion.MEANINGFUL)
    assert finding.verdict is Verdict.MISSING
    assert "unblock" not in finding.tip


# Action-oriented


def test_action_is_missing_without_a_kind() -> None:
    assert verdict(Criterion.ACTION_ORIENTED, kind=None) is Verdict.MISSING


@pytest.mark.parametrize(
    ("what", "kind"),
    [
        ("thoughts?", HelpKind.FEEDBACK),
        ("Here is my design for the cache layer, any ideas?", HelpKind.FEEDBACK),
        ("The staging cluster has been flaky all week. Let me know.", HelpKind.INFORMATION),
        ("Something about the quarterly planning", HelpKind.OTHER),
        ("Can someone help me with the invoices?", HelpKind.PAIRING),
    ],
)
def test_action_is_weak_when_nothing_doable_is_asked(what: str, kind: HelpKind) -> None:
    assert verdict(Criterion.ACTION_ORIENTED, what=what, kind=kind) is Verdict.WEAK


@pytest.mark.parametrize(
    ("what", "kind"),
    [
        ("Review the retry logic in PR #412", HelpKind.FEEDBACK),
        ("Explain how the invoice numbers are generated", HelpKind.INFORMATION),
        ("Pair with me on the flaky login test", HelpKind.PAIRING),
        ("Introduce me to whoever runs the data warehouse", HelpKind.INTRODUCTION),
        ("Which queue should the billing jobs use?", HelpKind.DECISION),
        ("Could someone cover my on-call shift on Saturday?", HelpKind.OTHER),
        ("Would anyone have a 15-minute chat about interview nerves?", HelpKind.MORAL_SUPPORT),
    ],
)
def test_action_is_met_by_a_kind_and_a_doable_step(what: str, kind: HelpKind) -> None:
    assert verdict(Criterion.ACTION_ORIENTED, what=what, kind=kind) is Verdict.MET


def test_action_weak_tip_quotes_the_vague_ask() -> None:
    finding = analyse(draft(what="thoughts?", kind=HelpKind.DECISION), NOW).finding(
        Criterion.ACTION_ORIENTED
    )
    assert finding.tip.startswith("“thoughts”")


# Realistic


@pytest.mark.parametrize(
    ("size", "due_in", "expected_verdict"),
    [
        (RequestSize.QUICK, timedelta(minutes=5), Verdict.MET),
        (RequestSize.HALF_HOUR, timedelta(hours=1), Verdict.MET),
        (RequestSize.HALF_HOUR, timedelta(minutes=59), Verdict.WEAK),
        (RequestSize.HOURS, timedelta(hours=3), Verdict.MET),
        (RequestSize.HOURS, timedelta(hours=2, minutes=59), Verdict.WEAK),
        # Monday 10:00 to Tuesday 10:00 is 7 + 1 working hours: one working day.
        (RequestSize.HALF_DAY, timedelta(days=1), Verdict.MET),
        (RequestSize.HALF_DAY, timedelta(hours=23), Verdict.WEAK),
        (RequestSize.HALF_DAY, timedelta(hours=8), Verdict.WEAK),
        (RequestSize.HALF_DAY, None, Verdict.MET),
    ],
)
def test_realistic_compares_size_with_working_time_left(
    size: RequestSize, due_in: timedelta | None, expected_verdict: Verdict
) -> None:
    needed_by = None if due_in is None else NOW + due_in
    assert verdict(Criterion.REALISTIC, size=size, needed_by=needed_by) is expected_verdict


def test_realistic_counts_the_weekend_out() -> None:
    friday = FRIDAY_EVENING  # 17:30
    saturday_noon = friday + timedelta(hours=18, minutes=30)
    monday_noon = friday + timedelta(days=2, hours=18, minutes=30)
    for needed_by, expected_verdict in ((saturday_noon, Verdict.WEAK), (monday_noon, Verdict.MET)):
        report = analyse(draft(size=RequestSize.HOURS, needed_by=needed_by), friday)
        assert report.finding(Criterion.REALISTIC).verdict is expected_verdict


def test_realistic_weak_tip_reads_like_the_issue() -> None:
    late_afternoon = NOW.replace(hour=16, minute=30)
    report = analyse(
        draft(size=RequestSize.HOURS, needed_by=late_afternoon + timedelta(minutes=45)),
        late_afternoon,
    )
    assert report.finding(Criterion.REALISTIC).tip == (
        "An hour or two of work needed within the hour is hard to say yes to: could it wait "
        "until tomorrow, or be smaller?"
    )


@pytest.mark.parametrize("word", ["ASAP", "urgent", "as soon as possible", "right now"])
def test_realistic_flags_urgency_on_big_asks_only(word: str) -> None:
    what = f"Pair with me on the billing-sync migration, {word}"
    big = verdict(Criterion.REALISTIC, what=what, size=RequestSize.HALF_DAY, needed_by=None)
    quick = verdict(Criterion.REALISTIC, what=what, size=RequestSize.QUICK, needed_by=None)
    assert (big, quick) == (Verdict.WEAK, Verdict.MET)


def test_realistic_is_missing_without_a_size_and_leaves_past_dates_to_time_bound() -> None:
    assert verdict(Criterion.REALISTIC, size=None) is Verdict.MISSING
    past = NOW - timedelta(hours=1)
    assert verdict(Criterion.REALISTIC, size=RequestSize.HALF_DAY, needed_by=past) is Verdict.MET


# Time-bound


@pytest.mark.parametrize(
    ("due_in", "expected_verdict"),
    [
        (None, Verdict.MISSING),
        (timedelta(0), Verdict.MISSING),
        (timedelta(minutes=-1), Verdict.MISSING),
        (timedelta(minutes=1), Verdict.MET),
        (timedelta(days=90), Verdict.MET),
        (timedelta(days=90, minutes=1), Verdict.WEAK),
        (timedelta(days=364), Verdict.WEAK),
    ],
)
def test_time_bound_needs_a_near_future_needed_by(
    due_in: timedelta | None, expected_verdict: Verdict
) -> None:
    needed_by = None if due_in is None else NOW + due_in
    assert verdict(Criterion.TIME_BOUND, needed_by=needed_by) is expected_verdict


@pytest.mark.parametrize(
    "word", ["ASAP", "urgent", "whenever", "soon", "at some point", "when you can", "no rush"]
)
def test_vague_deadline_words_without_a_date_are_weak_and_quoted(word: str) -> None:
    report = analyse(draft(what=f"Review PR #412 {word}", needed_by=None), NOW)
    finding = report.finding(Criterion.TIME_BOUND)
    assert finding.verdict is Verdict.WEAK
    assert finding.tip.startswith(f"“{word}”")


def test_whenever_next_to_a_date_is_a_mixed_message_but_asap_is_not() -> None:
    soon = NOW + timedelta(days=1)
    assert verdict(Criterion.TIME_BOUND, what="Whenever: review PR #412", needed_by=soon) is (
        Verdict.WEAK
    )
    assert verdict(Criterion.TIME_BOUND, what="ASAP: review PR #412", needed_by=soon) is (
        Verdict.MET
    )


def test_as_soon_as_possible_is_read_once_not_as_soon() -> None:
    report = analyse(draft(what="Review PR #412 as soon as possible", needed_by=None), NOW)
    assert report.finding(Criterion.TIME_BOUND).tip.startswith("“as soon as possible”")


# Tips


def all_reports() -> list[tuple[RequestDraft, SmartReport]]:
    drafts = [example_draft(e) for e in EXAMPLES]
    return [(d, analyse(d, e.now)) for d, e in zip(drafts, EXAMPLES, strict=True)]


def test_tips_never_grade_the_asker() -> None:
    for _, report in all_reports():
        for found in report.findings:
            assert not GRADING.search(their_words(found.tip)), found.tip


def test_tips_are_one_sentence() -> None:
    for _, report in all_reports():
        for found in report.findings:
            ours = their_words(found.tip)
            assert ours.rstrip().endswith((".", "?")), found.tip
            assert not re.search(r"[.?!]\s+[A-Z]", ours), found.tip


def test_quotes_are_the_askers_own_words_and_short() -> None:
    for submitted, report in all_reports():
        text = " ".join(f"{submitted.what} {submitted.why}".split())
        for found in report.findings:
            for quoted in QUOTE.findall(found.tip):
                assert len(quoted) <= QUOTE_MAX_CHARS
                if found.criterion in (Criterion.SPECIFIC, Criterion.MEANINGFUL):
                    assert quoted.rstrip("…").lower() in text.lower() + " ", found.tip


def test_weak_and_missing_tips_on_the_words_quote_them() -> None:
    for submitted, report in all_reports():
        for criterion in (Criterion.SPECIFIC, Criterion.ACTION_ORIENTED):
            found = report.finding(criterion)
            if found.verdict is not Verdict.MET and submitted.what.strip():
                assert QUOTE.search(found.tip), found.tip


def test_long_words_are_quoted_with_an_ellipsis() -> None:
    what = "help with " + "the quarterly infrastructure capacity planning spreadsheet " * 3
    tip = analyse(draft(what=what), NOW).finding(Criterion.SPECIFIC).tip
    first = QUOTE.findall(tip)[0]
    assert first.endswith("…")
    assert len(first) <= QUOTE_MAX_CHARS


# Sensitivity


@pytest.mark.parametrize(
    "text",
    [
        "I'm stressed about the reorg",
        "Feeling burned out after the launch",
        "Completely overwhelmed this week",
        "My anxiety is bad before presentations",
        "My grandmother passed away and I need cover on Friday",
        "I'm off for the funeral on Thursday",
        "I've been sick since Monday",
        "Waiting on a diagnosis, may need to step back",
        "Looking after my mental health this month",
        "I'm being harassed in a customer channel",
        "Going through a divorce",
        "I'm pregnant and planning my leave",
        "Caring for my dad after his surgery",
        "I had a panic attack in the all-hands",
        "Anyone been through burnout and want to talk?",
    ],
)
def test_personal_and_wellbeing_asks_read_as_sensitive(text: str) -> None:
    assert looks_sensitive(text)


@pytest.mark.parametrize(
    "text",
    [
        "Stress test the checkout API at 500 rps",
        "Can you review my stress-testing plan?",
        "Load stress on the queue workers spikes at 9am",
        "The health check on the ingest service returns 503",
        "Our healthcheck endpoint flaps under load",
        "Where is the cluster health dashboard?",
        "I'm sick of this flaky test",
        "Go worker hits a panic: index out of range",
        "Review PR #412 before the release",
    ],
)
def test_technical_uses_of_wellbeing_words_do_not(text: str) -> None:
    assert not looks_sensitive(text)


# Robustness


@pytest.mark.parametrize(
    "text",
    [
        "a" * 2000,
        "a-" * 1000,
        "a." * 1000,
        "a/" * 1000,
        "`a" * 1000,
        '"' * 2000,
        "#1" * 1000,
        "Ab " * 666,
        "help with the deploy " * 95,
        "so that " * 250,
    ],
)
def test_long_and_odd_inputs_are_analysed(text: str) -> None:
    # Every pattern has one way to match each character, so these run in milliseconds; a
    # backtracking pattern would hang here instead.
    report = analyse(draft(what=text[:2000], why=text[:1000]), NOW)
    assert len(report.findings) == len(Criterion)


def test_the_domain_module_stays_pure() -> None:
    source = Path(__file__).resolve().parents[1] / "bot" / "domain" / "smart.py"
    tree = ast.parse(source.read_text())
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported <= {"re", "dataclasses", "datetime", "enum", "itertools", "bot"}
    assert ".now(" not in source.read_text()


def test_a_later_time_on_the_same_day_is_named_with_its_hour() -> None:
    # Sunday night: the next working hours are Monday morning, the same day as the deadline.
    now = datetime(2026, 11, 22, 2, 50, tzinfo=UTC)
    draft = RequestDraft(
        what="Could someone review the retry logic in billing-sync PR #412?",
        why="It's the last blocker before Thursday's release to customers",
        kind=HelpKind.FEEDBACK,
        size=RequestSize.HALF_HOUR,
        needed_by=now + timedelta(days=1),
    )
    tip = analyse(draft, now).finding(Criterion.REALISTIC).tip
    assert "could it wait until tomorrow 10:00, or be smaller?" in tip
