"""How SMART a draft request reads, criterion by criterion, with one kind tip for each.

SMART here is the help-seeking sense: Specific, Meaningful, Action-oriented, Realistic,
Time-bound. The analysis is a handful of word-boundary patterns and counts, so every verdict can
be explained by pointing at the asker's words, and the same draft always gets the same review.
It is a nudge, not a gate: `validate_draft` decides what may be posted.

Tips speak to the asker only (the review is shown privately, never posted) and quote the asker's
own words in curly double quotes, so a reader, or a test, can tell their words from ours.

Judgement calls, so a reviewer can disagree with them on purpose:

- A name alone is not specificity: "help with Kubernetes" is still weak. Strong signals (ticket
  and PR numbers, identifiers, paths, links, numbers, error text, quoted names) are enough on their
  own; plain words need a clear ask (a question or a request verb), two concrete words and a
  sentence of five words or more.
- Meaningful reads the "why" plus any reason the "what" gives ("so that...", "because...").
- Action-oriented wants the step in the asker's words; the kind of help alone does not say what a
  helper would do ("Pairing" + "help with the deploy" is weak).
- Realistic counts working hours (the workspace's working week, by default 09:00-17:00, Monday to
  Friday, in the asker's timezone), because "by Saturday morning" on a Friday evening leaves no
  one's working time. A past needed-by is left
  to Time-bound, so one problem is not flagged twice.
- A date in Needed by wins over "ASAP" or "urgent" in the text for Time-bound, but "whenever" or
  "no rush" next to a date is a mixed message and reads as weak. For Realistic, "urgent" on an ask
  of an hour or more is weak whatever the date, since urgency is what makes big asks hard to take.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from itertools import pairwise

from bot.domain.labelled import LabelledEnum
from bot.domain.requests import HelpKind, RequestDraft, RequestSize
from bot.domain.text import clip
from bot.domain.worktime import STANDARD_WEEK, WorkingWeek, require_aware


class Verdict(StrEnum):
    MET = "met"
    WEAK = "weak"
    MISSING = "missing"


class Criterion(LabelledEnum):
    SPECIFIC = "specific", "Specific"
    MEANINGFUL = "meaningful", "Meaningful"
    ACTION_ORIENTED = "action_oriented", "Action-oriented"
    REALISTIC = "realistic", "Realistic"
    TIME_BOUND = "time_bound", "Time-bound"


@dataclass(frozen=True)
class Finding:
    criterion: Criterion
    verdict: Verdict
    tip: str


@dataclass(frozen=True)
class SmartReport:
    findings: tuple[Finding, ...]
    sensitive: bool

    def finding(self, criterion: Criterion) -> Finding:
        for found in self.findings:
            if found.criterion is criterion:
                return found
        raise KeyError(criterion)

    @property
    def all_met(self) -> bool:
        return all(found.verdict is Verdict.MET for found in self.findings)

    @property
    def needs_review(self) -> bool:
        return not self.all_met or self.sensitive


# Quotes stay short enough to read at a glance in a Slack message.
QUOTE_MAX_CHARS = 40
# Working time a colleague needs before the needed-by for each size, in hours: about twice the
# work itself, since nobody drops everything the moment a request arrives. A half-day ask needs a
# full working day.
MIN_WORKING_HOURS = {
    RequestSize.QUICK: 0.0,
    RequestSize.HALF_HOUR: 1.0,
    RequestSize.HOURS: 3.0,
    RequestSize.HALF_DAY: 8.0,
}
# Further ahead than a quarter, a deadline no longer prompts anyone to act.
FAR_AHEAD = timedelta(days=90)

_I = re.IGNORECASE


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), _I)


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that carry no detail on their own: function words, and the generic vocabulary of vague
# asks. Kept as plain sets so the counts behind a verdict are easy to reproduce by hand.
_STOPWORDS = _wordset(
    """
    a about above after again all also am an and any anyone anything are aren't around as at be
    because been before being below between both but by can can't cannot could couldn't did didn't
    do does doesn't doing don't down during each either else even ever every few for from further
    had hadn't has hasn't have haven't having he her here hers him his how how's i i'd i'll i'm
    i've if in into is isn't it it's its itself just let's me mine more most much my myself no nor
    not now of off on once one only or other our ours out over own per quite rather re same she
    should shouldn't so some such than that that's the their theirs them then there there's these
    they they'd they're this those through to too under until up upon us very via was wasn't we
    we'd we'll we're we've were weren't what what's when where where's whether which while who
    who's whom whose why will with within without won't would wouldn't yet you you'd you'll you're
    you've your yours vs etc
    """
)
_GENERIC = _wordset(
    """
    help helps helping helped stuff thing things something everything question questions issue
    issues problem problems trouble work working project projects task tasks bit lot lots lately
    wondering wonder able appreciate appreciated thanks thank advance hi hello hey folks everyone
    someone somebody anybody need needs needed needing want wants wanted know knows get gets got
    getting make makes made go goes going gone come use like love time minute minutes today
    tomorrow tonight week weekend day days now later soon asap urgent urgently quick please pls plz
    free available happy sure maybe kind sort new old good great really actually info information
    idea ideas thought thoughts input support process important done people guys team general
    certain various little big small ok okay hope hoping looking look try trying tried see
    """
)

# Separators inside a word are required between runs of letters, so matching stays linear.
_WORD = re.compile(r"[a-z0-9]+(?:['\u2019_./-][a-z0-9]+)*", _I)

_REQUEST_VERB = _any(
    r"\breview(?:s|ed|ing)?\b",
    r"\blook(?:ing)? (?:at|over|into|through)\b",
    r"\btake (?:a look|over)\b",
    r"\bcheck(?:s|ed|ing)?\b",
    r"\bexplain(?:s|ed|ing)?\b",
    r"\bwalk (?:me |us )?through\b",
    r"\bwalk-?through\b",
    r"\bshow(?:s|ing)?\b",
    r"\bshar(?:e|es|ing)\b",
    r"\bpair(?:s|ed|ing)?\b(?! of)",
    r"\bintroduc(?:e|es|ed|ing|tion)\b",
    r"\bintros?\b",
    r"\bconnect me\b",
    r"\bdecid(?:e|es|ing)\b",
    r"\bchoos(?:e|ing)\b",
    r"\bpick\b",
    r"\bcompare\b",
    r"\brecommend\b",
    r"\badvise\b",
    r"\bdebug(?:ging)?\b",
    r"\bfix\b",
    r"\btest\b",
    r"\b(?:re)?write\b",
    r"\bread\b",
    r"\bproofread\b",
    r"\bcover\b",
    r"\bmentor\b",
    r"\bcoach\b",
    r"\bchat\b",
    r"\btalk\b",
    r"(?<!-)\bcall\b",
    r"\blisten\b",
    r"\bpractice run\b",
    r"\brehearse\b",
    r"\bprioriti[sz]e\b",
    r"\btell me\b",
    r"\bpoint me\b",
    r"\bteach\b",
    r"\bset up\b",
    r"\b(?:go|run) through\b",
    r"\banswer\b",
    r"\bconfirm\b",
    r"\bapprove\b",
    r"\bsign off\b",
    r"\bfeedback\b",
    r"\bcomments? on\b",
    r"\bopinion on\b",
)
# Words that sound like an ask but leave the helper to guess what to do.
_VAGUE_ASK = _any(
    r"\bthoughts\b",
    r"\bany (?:ideas|thoughts|suggestions|tips|advice)\b",
    r"\bideas\?",
    r"\blet me know\b",
    r"\banyone\?",
)
# "Can someone help me with X?" is a question, but not one a helper can answer as asked.
_HELP_QUESTION = re.compile(
    r"^\W*(?:(?:can|could|would|will)\s+)?(?:some|any)(?:one|body)\s+help\b"
    r"|^\W*(?:can|could|would|will)\s+(?:you|u)\s+help\b"
    r"|^\W*(?:need|needs|want)\s+help\b",
    _I,
)
_GENERIC_FRAME = re.compile(
    r"\b(?P<frame>help(?:\s+(?:me|us))?(?:\s+out)?(?:\s+a\s+bit)?\s+(?:with|on)"
    r"|questions?\s+(?:about|on|regarding|re)"
    r"|(?:any|some)\s+(?:help|advice|input|pointers|thoughts|ideas))"
    r"(?:\s+(?P<topic>[\w'-]+(?:\s+[\w'-]+){0,3}))?"
    r"|\b(?P<stuff>stuff|things)\b",
    _I,
)
_LINK = re.compile(
    r"https?://\S+|\bwww\.\S+|\b[a-z0-9-]+\.(?:com|org|net|io|dev|app|co)(?:/\S*)?", _I
)
_CODE = re.compile(r"`[^`\n]+`")
_QUOTED = re.compile(r'"[^"\n]{2,80}"|“[^”\n]{2,80}”')
_TICKET = re.compile(r"#\d+|[A-Z][A-Z0-9]{1,9}-\d+")
_FILE_EXT = re.compile(
    r"[\w-]+\.(?:py|js|ts|tsx|jsx|go|rb|java|kt|rs|c|h|cpp|cs|php|swift|sql|md|ya?ml|json|toml"
    r"|tf|sh|css|html|csv|txt|ini|cfg|lock|xml|proto)",
    _I,
)
_TRIM = ".,;:!?()[]{}<>\"'“”\u2018\u2019*"

_REASON_IN_WHAT = re.compile(
    r"\b(?:so that|so (?:we|i|they|you|the team) can|because|to unblock|in order to)\b[^.?!\n]*",
    _I,
)
_GENERIC_REASON_WORDS = _GENERIC | _wordset(
    "reviewed review asap soonest priority needs necessary required must matters matter"
)
_REASON_SIGNAL = _any(
    # What it unblocks, or what happens without it.
    r"\bunblock\w*|\bblock(?:s|ed|ing|er|ers)?\b|\bgates?\b|\bdepends? on\b|\bwaiting\b",
    r"\bso (?:that|we|i|they|you|the|our)\b|\botherwise\b|\bwithout (?:it|this|them|that)\b",
    r"\bcan(?:'|\u2019)?t\b|\bcannot\b|\bwon(?:'|\u2019)t\b|\bstuck\b|\bunable\b",
    r"\blos[est]\b|\blosing\b|\bcosts?\b|\bcostly\b|\brevenue\b|\bslow\b|\blate\b",
    r"\bdelay\w*|\bwrong\b|\bbroken\b|\bbreak(?:s|ing)?\b|\bfail\w*|\berrors?\b|\bduplicate\w*",
    r"\btim(?:es|ed) out\b|\bcomplain\w*|\brisk\w*|\bavoid\b|\bprevent\w*|\bundo\b",
    r"\bdecides?\b|\bplan(?:s|ning)?\b|\bconfidence\b",
    # Whom it serves.
    r"\bcustomers?\b|\busers?\b|\bclients?\b|\bpartners?\b|\bteams?\b|\bsquads?\b|\borg\b",
    r"\borgani[sz]ation\b|\bcompany\b|\bboard\b|\bmanagement\b|\bleadership\b|\bcandidates\b",
    r"\bnew (?:hires|joiners|starters)\b|\bcolleagues\b",
    # An event it is for.
    r"\breleas\w*|\blaunch\w*|\bship(?:s|ping)?\b|\bdemo\w*|\bdeadline\b|\bfreeze\b|\bsprint\b",
    r"\bmigration\b|\brollout\b|\broll out\b|\bgo(?:es)? live\b|\bkick-?off\b|\bsummit\b",
    r"\bconference\b|\bpresent\w*|\bslides\b|\bmeeting\b|\binterviews?\b|\bincident\b",
    r"\boutage\b|\bon[- ]call\b|\balert\w*|\bpag(?:e|ed|ing)\b|\breport\b|\baudit\b",
    r"\bmaintenance\b|\bpromo\w*|\bpilot\b|\bcontract\b|\bonboarding\b|\bhandover\b",
    r"\bcalibration\b|\btoday\b|\btonight\b|\btomorrow\b|\bnext (?:week|month|sprint)\b",
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b",
    r"\b(?:january|february|march|april|june|july|august|september|october|november|december)\b",
    r"\b(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b\.?\s*\d",
    r"\b\d{1,2}:\d\d\b|<@\w+>|(?<!\w)@\w+",
)
# Words that ask for speed without saying when.
_URGENCY = _any(
    r"\basap\b",
    r"\bas soon as possible\b",
    r"\burgent(?:ly)?\b",
    r"\bright (?:now|away)\b",
    r"\bimmediately\b",
    r"\bstraight away\b",
    r"\bemergency\b",
)
_RELAXED = _any(
    r"\bwhenever\b",
    r"\bno rush\b",
    r"\bno hurry\b",
    r"\bat some point\b",
    r"\beventually\b",
    r"\bsome ?time\b",
    r"\bwhen you can\b",
    r"\bat your (?:convenience|leisure)\b",
)
_SOON = re.compile(r"\bsoon\b(?!\s+as\b)", _I)

# Phrases that borrow wellbeing words for machines and code; removed before looking.
_NOT_PERSONAL = _any(
    r"\bstress[- ]?test\w*",
    r"\b(?:load|cpu|memory|disk|network|traffic|system|write|read) stress\b",
    r"\b(?:server|database|db|system|cluster|api|service|node|host)s? (?:is |are )?under stress\b",
    r"\bhealth[- ]?(?:checks?|checking|z|endpoints?|probes?|status|scores?|dashboards?|metrics?)\b",
    r"\b(?:service|system|cluster|pod|node|codebase|code|repo|pipeline|api|database|db|app"
    r"|application|server|account|disk|index|project|platform)s? health\b",
    r"\bsick of\b",
)
_PERSONAL = _any(
    r"\bstress(?:ed|es|ful)?\b",
    r"\bburn(?:ed|t)?[- ]?out\b",
    r"\boverwhelm\w*",
    r"\banxi(?:ety|ous)\b",
    r"\bdepress(?:ed|ion|ive)\b",
    r"\bgrie(?:f|ve|ves|ved|ving)\b",
    r"\bbereave\w*",
    r"\bfuneral\b",
    r"\bpassed away\b",
    r"\bdeath in (?:the|my) family\b",
    r"\billness\b",
    r"\b(?:i'm|i am|been|feeling|fell|got|was|am) (?:ill|unwell)\b",
    r"\bsick\b",
    r"\bdiagnos\w*",
    r"\b(?:mental|my|physical) health\b",
    r"\bhealth (?:issues?|problems?|conditions?|scares?|reasons|appointments?)\b",
    r"\btherap(?:y|ist)\b",
    r"\bcounsel+(?:ing|or)\b",
    r"\bpanic attacks?\b",
    r"\bharass\w*",
    r"\bbull(?:y|ied|ies|ying)\b",
    r"\bdiscriminat\w*",
    r"\bdivorc\w*",
    r"\bpregnan\w*",
    r"\bmiscarriage\b",
    r"\b(?:maternity|paternity|parental|compassionate|bereavement) leave\b",
    r"\bfertility\b",
    r"\bivf\b",
    r"\bcaring for (?:my|a|an) \w+",
    r"\bcarer\b",
    r"\bhospital\w*",
    r"\bsurgery\b",
    r"\bcancer\b",
    r"\bchemo\w*",
    r"\blonel(?:y|iness)\b",
    r"\bwell-?being\b",
)

# Our own suggested wording goes in straight quotes; curly quotes are kept for the asker's words.
_KIND_STEP_EXAMPLE = {
    HelpKind.INFORMATION: 'a direct question ("how do I…?", "which…?")',
    HelpKind.FEEDBACK: '"review…" or "read and comment on…"',
    HelpKind.PAIRING: '"pair with me on… for an hour"',
    HelpKind.INTRODUCTION: '"introduce me to whoever owns…"',
    HelpKind.DECISION: '"help me choose between… and…"',
    HelpKind.MORAL_SUPPORT: '"a 15-minute chat about…"',
    HelpKind.OTHER: '"cover my shift on…" or "take over…"',
}


def analyse(draft: RequestDraft, now: datetime, week: WorkingWeek = STANDARD_WEEK) -> SmartReport:
    """Review a draft against the five SMART criteria; `now` is aware, in the asker's timezone."""
    require_aware(now)
    needed_by = draft.needed_by
    if needed_by is not None:
        needed_by = require_aware(needed_by).astimezone(now.tzinfo)
    what = _clean(draft.what)
    why = _clean(draft.why)
    words = f"{what}\n{why}"
    sensitive = looks_sensitive(words)
    gentle = sensitive or draft.kind is HelpKind.MORAL_SUPPORT
    return SmartReport(
        findings=(
            _specific(what),
            _meaningful(what, why, gentle),
            _action_oriented(what, draft.kind),
            _realistic(what, words, draft.size, needed_by, now, week),
            _time_bound(what, words, needed_by, now),
        ),
        sensitive=sensitive,
    )


def looks_sensitive(text: str) -> bool:
    """Whether a request reads as personal or about wellbeing, so a private route should be offered.

    It leans towards saying yes: offering a private route to someone who did not need one costs a
    click, while missing someone who did costs more. Technical phrases that borrow the words
    ("stress test", "health check", "sick of this bug") are set aside first. It only knows words,
    so a personal ask put without them ("nobody on my team listens to me") is not caught.
    """
    return _PERSONAL.search(_NOT_PERSONAL.sub(" ", text)) is not None


# Specific


def _specific(what: str) -> Finding:
    words = _words(what)
    if not words:
        return _finding(
            Criterion.SPECIFIC,
            Verdict.MISSING,
            "Say in a sentence what you need, naming the thing it is about.",
        )
    filler_only = all(w in _STOPWORDS or w in _GENERIC for w in words)
    # A long all-filler ramble still says there is something going on, so it reads as weak.
    if len(words) <= 2 or (filler_only and len(words) < 12):
        return _finding(
            Criterion.SPECIFIC,
            Verdict.MISSING,
            f"“{_quote(what)}” is a start: what exactly is it about, and what have you tried?",
        )
    signal = _strong_signal(what)
    if signal is not None:
        return _finding(
            Criterion.SPECIFIC,
            Verdict.MET,
            f"Concrete: “{_quote(signal)}” tells people exactly what this is about.",
        )
    frame = _GENERIC_FRAME.search(what)
    details = [w for w in words if len(w) > 2 and w not in _STOPWORDS and w not in _GENERIC] + [
        w for w in words if w.isdigit()
    ]
    details = [w for w in details if not _REQUEST_VERB.fullmatch(w)]
    asks = "?" in what or _REQUEST_VERB.search(what) is not None
    if frame is None and asks and len(details) >= 2 and len(words) >= 5:
        return _finding(
            Criterion.SPECIFIC,
            Verdict.MET,
            f"Clear: “{_quote(what)}” says what you would like to know.",
        )
    topic = frame.group("topic") if frame is not None else None
    if topic:
        topic = topic.rstrip(_TRIM)
        return _finding(
            Criterion.SPECIFIC,
            Verdict.WEAK,
            f"“{_quote(what)}”: which part of “{_quote(topic)}” exactly, "
            "and what have you tried so far?",
        )
    return _finding(
        Criterion.SPECIFIC,
        Verdict.WEAK,
        f"“{_quote(what)}”: add one concrete detail (a name, a link, an error message or a "
        "number) and the exact question you want answered.",
    )


def _strong_signal(text: str) -> str | None:
    """The first thing that pins the text down on its own: a link, code, a name or a number."""
    for pattern in (_LINK, _CODE, _QUOTED):
        found = pattern.search(text)
        if found is not None:
            return found.group(0)
    for raw in text.split():
        token = raw.strip(_TRIM)
        if len(token) < 2:
            continue
        if (
            _TICKET.fullmatch(token)
            or _FILE_EXT.fullmatch(token.rsplit("/", 1)[-1])
            or _is_path(token)
            or _is_identifier(token)
            or _is_number(token)
        ):
            return _with_neighbour(text, raw)
    return None


def _with_neighbour(text: str, token: str) -> str:
    """A bare number with the word that says what it counts ("PR #412", "15 minutes")."""
    signal = token.strip(_TRIM)
    if not (signal.startswith("#") or signal.isdigit()):
        return signal
    start = text.find(token)
    before = text[:start].split()
    after = text[start + len(token) :].split()
    candidates = []
    if before and before[-1].isalpha() and before[-1].lower() not in _STOPWORDS:
        candidates.append(f"{before[-1]} {signal}")
    if after:
        candidates.append(f"{signal} {after[0].strip(_TRIM)}")
    # Only words that stand together in the text: "pilot? 15" would pair words that do not belong.
    return next((c for c in candidates if c in text and not c.endswith(" ")), signal)


def _is_path(token: str) -> bool:
    if "/" not in token or token.lower() in {"and/or", "n/a", "w/o"}:
        return False
    if token.startswith("/") and any(c.isalpha() for c in token):
        return True
    return token.count("/") >= 2


def _is_identifier(token: str) -> bool:
    core = token.strip("-_")
    if "_" in core and any(c.isalnum() for c in core):
        return True
    # CamelCase and mixed case (LaunchDarkly, iOS, gRPC) name products and code.
    if any(a.islower() and b.isupper() for a, b in pairwise(core)):
        return True
    parts = core.split(".")
    return len(parts) >= 2 and all(len(p) >= 2 and p[0].isalpha() for p in parts)


def _is_number(token: str) -> bool:
    digits = sum(c.isdigit() for c in token)
    if digits == 0:
        return False
    # "2 things" is not a detail; "30s", "p95", "Q4", "9am", "3.11" and "12%" are.
    return digits >= 2 or any(c.isalpha() or c in ".%:" for c in token)


# Meaningful


def _meaningful(what: str, why: str, gentle: bool) -> Finding:
    in_what = _REASON_IN_WHAT.search(what)
    reason = " ".join(part for part in (why, in_what.group(0) if in_what else "") if part)
    if not reason:
        if gentle:
            # Asking someone who is struggling what their request "unblocks" would be tone-deaf.
            tip = (
                "If you like, add a line on what would help most; personal details can stay "
                "out of it."
            )
        elif what:
            tip = (
                f"Add a line on why “{_quote(what)}” matters: what will it unblock, or who is "
                "it for?"
            )
        else:
            tip = "Add a line on why this matters: what will it unblock, or who is it for?"
        return _finding(Criterion.MEANINGFUL, Verdict.MISSING, tip)
    content = [w for w in _words(reason) if w not in _STOPWORDS and w not in _GENERIC_REASON_WORDS]
    if (
        _REASON_SIGNAL.search(reason) is not None
        or _proper_nouns(reason)
        or len(content) >= 4  # a sentence of real explanation, even in words we do not list
    ):
        return _finding(
            Criterion.MEANINGFUL, Verdict.MET, f"Says why it matters: “{_quote(reason)}”."
        )
    return _finding(
        Criterion.MEANINGFUL,
        Verdict.WEAK,
        f'“{_quote(reason)}”: say what it unblocks or who it helps, for example "so the team '
        'can ship on Friday".',
    )


def _proper_nouns(text: str) -> list[str]:
    """Capitalised words that do not start a sentence: usually a person, team or product."""
    found: list[str] = []
    previous = ""
    for raw in text.split():
        token = raw.strip(_TRIM)
        sentence_start = not previous or previous[-1] in ".?!:;-\u2013\u2014"
        if (
            token[:1].isupper()
            and not sentence_start
            and token.lower() not in _STOPWORDS
            and _URGENCY.fullmatch(token) is None
        ):
            found.append(token)
        previous = raw
    return found


# Action-oriented


def _action_oriented(what: str, kind: HelpKind | None) -> Finding:
    if kind is None:
        subject = f" with “{_quote(what)}”" if what else ""
        return _finding(
            Criterion.ACTION_ORIENTED,
            Verdict.MISSING,
            f"Pick the kind of help you would like{subject} (an answer, a review, pairing, an "
            "introduction…), so people know what saying yes means.",
        )
    step = _doable_step(what)
    if step is not None:
        return _finding(
            Criterion.ACTION_ORIENTED, Verdict.MET, f"A clear next step: “{_quote(step)}”."
        )
    vague = _VAGUE_ASK.search(what)
    example = _KIND_STEP_EXAMPLE[kind]
    if vague is not None:
        return _finding(
            Criterion.ACTION_ORIENTED,
            Verdict.WEAK,
            f"“{vague.group(0)}” leaves people guessing what to do: ask for one step, "
            f"such as {example}.",
        )
    subject = f" on “{_quote(what)}”" if what else ""
    return _finding(
        Criterion.ACTION_ORIENTED,
        Verdict.WEAK,
        f"Name the step you would like someone to take{subject}, such as {example}.",
    )


def _doable_step(what: str) -> str | None:
    # A verb alone ("review") names no thing to take the step on.
    if len(_words(what)) <= 2:
        return None
    for sentence in _sentences(what):
        if (
            sentence.endswith("?")
            and len(_words(sentence)) >= 4
            and _VAGUE_ASK.search(sentence) is None
            and _HELP_QUESTION.search(sentence) is None
        ):
            return sentence
    verb = _REQUEST_VERB.search(what)
    return what[verb.start() :] if verb is not None else None


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.?!])\s+|\n+|\s+[-\u2013\u2014]\s+|:\s+", text)
    return [part.strip() for part in parts if part.strip()]


# Realistic


def _realistic(
    what: str,
    words: str,
    size: RequestSize | None,
    needed_by: datetime | None,
    now: datetime,
    week: WorkingWeek,
) -> Finding:
    if size is None:
        subject = f" “{_quote(what)}”" if what else " this"
        return _finding(
            Criterion.REALISTIC,
            Verdict.MISSING,
            f"Pick roughly how big{subject} is: a quick question or half an hour is the easiest "
            "to say yes to.",
        )
    urgency = _URGENCY.search(words)
    if urgency is not None and size in (RequestSize.HOURS, RequestSize.HALF_DAY):
        return _finding(
            Criterion.REALISTIC,
            Verdict.WEAK,
            f"{size.label} of work flagged “{urgency.group(0)}” is hard to say yes to: could part "
            "of it wait, or could it be smaller?",
        )
    needed = MIN_WORKING_HOURS[size]
    if needed_by is not None and needed_by > now:
        available = week.hours_between(now.tzinfo, now, needed_by, cap=needed)
        if available < needed:
            later = week.after_hours(now, needed)
            until = _day_phrase(later, now)
            if until == _day_phrase(needed_by, now):
                # "needed by tomorrow 02:50 ... wait until tomorrow" would read as no change.
                until = (
                    f"{later:%H:%M} today" if until == "later today" else f"{until} {later:%H:%M}"
                )
            return _finding(
                Criterion.REALISTIC,
                Verdict.WEAK,
                f"{size.label} of work needed {_when(needed_by, now)} is hard to say yes to: "
                f"could it wait until {until}, or be smaller?",
            )
        return _finding(
            Criterion.REALISTIC,
            Verdict.MET,
            f"{size.label}, needed {_when(needed_by, now)}, is a fair ask.",
        )
    # A past needed-by is Time-bound's to point out; here it simply leaves no deadline to weigh.
    pressing = ", with no deadline pressing," if needed_by is None else ""
    return _finding(Criterion.REALISTIC, Verdict.MET, f"{size.label}{pressing} is a fair ask.")


def _when(moment: datetime, now: datetime) -> str:
    if moment - now <= timedelta(hours=1):
        return "within the hour"
    day = _day_phrase(moment, now)
    if day == "later today":
        return f"by {moment:%H:%M} today"
    return f"by {day} {moment:%H:%M}"


def _day_phrase(moment: datetime, now: datetime) -> str:
    days_ahead = (moment.date() - now.date()).days
    if days_ahead <= 0:
        return "later today"
    if days_ahead == 1:
        return "tomorrow"
    if days_ahead < 7:
        return moment.strftime("%A")
    return _date(moment)


def _date(moment: datetime | date) -> str:
    return f"{moment:%A} {moment.day} {moment:%B}"


# Time-bound


def _time_bound(what: str, words: str, needed_by: datetime | None, now: datetime) -> Finding:
    relaxed = _RELAXED.search(words)
    if needed_by is None:
        vague = _URGENCY.search(words) or relaxed or _SOON.search(words)
        if vague is not None:
            return _finding(
                Criterion.TIME_BOUND,
                Verdict.WEAK,
                f"“{vague.group(0)}” means different things to different people: pick a time in "
                "Needed by, even a rough one.",
            )
        subject = f"“{_quote(what)}”" if what else "this"
        return _finding(
            Criterion.TIME_BOUND,
            Verdict.MISSING,
            'Add a needed-by time, even a rough one: "by Thursday" helps people fit '
            f"{subject} "
            "into their week.",
        )
    when = f"{_date(needed_by)}, {needed_by:%H:%M}"
    if needed_by <= now:
        return _finding(
            Criterion.TIME_BOUND,
            Verdict.MISSING,
            f"The needed-by you picked ({when}) has already passed: pick a time later than now.",
        )
    if needed_by - now > FAR_AHEAD:
        return _finding(
            Criterion.TIME_BOUND,
            Verdict.WEAK,
            f"A needed-by of {when} is so far off it won't prompt anyone: is there a nearer "
            "milestone to aim for?",
        )
    if relaxed is not None:
        return _finding(
            Criterion.TIME_BOUND,
            Verdict.WEAK,
            f"“{relaxed.group(0)}” and a needed-by of {when} pull different ways: if the date is "
            "real, say so and drop the other.",
        )
    return _finding(
        Criterion.TIME_BOUND, Verdict.MET, f"Needed by {when}: people can plan around that."
    )


# Shared


def _finding(criterion: Criterion, verdict: Verdict, tip: str) -> Finding:
    return Finding(criterion=criterion, verdict=verdict, tip=tip)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _words(text: str) -> list[str]:
    return [w.lower().replace("\u2019", "'") for w in _WORD.findall(text)]


def _quote(text: str) -> str:
    """At most QUOTE_MAX_CHARS of the asker's words, cut at a word, without our quote marks."""
    # Our sentences supply their own full stop; an inner curly quote would confuse the reader.
    text = _clean(text).replace("“", '"').replace("”", '"').rstrip(".")
    return clip(text, QUOTE_MAX_CHARS)
