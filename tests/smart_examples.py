"""Example requests with the verdicts a careful reader gives them, for the SMART analysis.

Every example was written for this table. The expected verdicts were set by reading each request
against the rubric below, and they are not adjusted to match what the code says: where the code
disagrees, the table is the reference and the miss is printed by the accuracy test.

`expect` holds one mark per criterion, in the order Specific, Meaningful, Action-oriented,
Realistic, Time-bound: `+` met, `~` weak, `-` missing.

The rubric the marks follow:

- Specific (the "what"): missing when it is one or two words or only filler; weak when it names a
  topic but not what exactly is wanted; met when a colleague could tell what exactly is asked.
- Meaningful (the "why", or a reason inside the "what"): missing when there is none; weak when it
  is a reason in form only ("it's important"); met when it says what it unblocks, what goes wrong
  without it, an event it is for, or whom it serves.
- Action-oriented: missing without a kind of help; met when the kind is set and the words name a
  step a helper can take (review, explain, pair, introduce, a direct question...); weak otherwise.
- Realistic: missing without a size; weak when the size does not fit the working hours left
  before the needed-by (09:00-18:00, Monday to Friday, in the asker's timezone), or when a big ask
  (an hour or more) is marked urgent / ASAP; met otherwise.
- Time-bound: missing without a needed-by (unless the words give a vague one, which is weak) or
  with one already past; weak when more than 90 days ahead, or when a date is set but the words
  say "whenever" / "no rush"; met otherwise.

All but the last ten were written before the heuristics in `bot/domain/smart.py` existed. The
heuristics were then developed against the examples not marked `held_out`, so their figure is
optimistic. The first fourteen `held_out` examples were written at the same time but not looked at
while developing; the last ten were written afterwards. The held-out figure is the fairer estimate
for new requests, and still one author's reading: real requests will do worse.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.requests import HelpKind, RequestSize

BERLIN = ZoneInfo("Europe/Berlin")
# A Monday morning; most examples are asked then.
MONDAY_MORNING = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)
MONDAY_LATE = datetime(2026, 11, 23, 22, 30, tzinfo=BERLIN)
FRIDAY_EVENING = datetime(2026, 11, 27, 17, 30, tzinfo=BERLIN)
SUNDAY_AFTERNOON = datetime(2026, 11, 22, 15, 0, tzinfo=BERLIN)

INFO = HelpKind.INFORMATION
REVIEW = HelpKind.FEEDBACK
PAIR = HelpKind.PAIRING
INTRO = HelpKind.INTRODUCTION
DECIDE = HelpKind.DECISION
SUPPORT = HelpKind.MORAL_SUPPORT
OTHER = HelpKind.OTHER

QUICK = RequestSize.QUICK
HALF_HOUR = RequestSize.HALF_HOUR
HOURS = RequestSize.HOURS
HALF_DAY = RequestSize.HALF_DAY


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def days(n: float) -> timedelta:
    return timedelta(days=n)


@dataclass(frozen=True)
class Example:
    what: str
    why: str
    kind: HelpKind | None
    size: RequestSize | None
    due_in: timedelta | None  # needed-by as an offset from `now`; None means not given
    expect: str  # five marks, see the module docstring
    sensitive: bool = False
    now: datetime = MONDAY_MORNING
    held_out: bool = False

    @property
    def needed_by(self) -> datetime | None:
        return None if self.due_in is None else self.now + self.due_in


E = Example

EXAMPLES: list[Example] = [
    # Vague one-liners.
    E("help", "", None, None, None, "-----"),
    E("any help?", "", OTHER, QUICK, days(1), "--~++"),
    E("Some stuff with the deploy", "need it", INFO, HOURS, None, "~~~+-"),
    E("help with the deploy", "", PAIR, HOURS, days(2), "~-~++"),
    E("Questions about Terraform", "", INFO, QUICK, days(1), "~-~++"),
    E("Can someone help me with Kubernetes?", "for work", INFO, HOURS, days(1), "~~~++"),
    E("thoughts?", "", DECIDE, QUICK, None, "--~+-"),
    E("need help", "asap", None, None, None, "-~--~"),
    E("a question", "", INFO, QUICK, hours(2), "--~++"),
    E("some stuff", "it's important", OTHER, HALF_HOUR, days(1), "-~~++"),
    E("Docker", "", INFO, QUICK, days(1), "--~++"),
    E("kafka consumers", "", INFO, None, None, "--~--"),
    E("Can anyone help?", "", None, QUICK, None, "---+-"),
    E("Anyone free to pair today?", "", PAIR, HOURS, hours(6), "~-+++"),
    E("Need help deciding something", "", DECIDE, HALF_HOUR, days(1), "~-+++"),
    E("Does anyone know someone in legal?", "", INTRO, QUICK, None, "~-++-"),
    E("Cover standup notes", "", OTHER, QUICK, days(-2), "~-++-"),
    E("Looking for some help with testing", "for the project", REVIEW, HALF_HOUR, days(1), "~~~++"),
    E(
        "I have some questions about the onboarding process",
        "I'm new",
        INFO,
        HALF_HOUR,
        days(1),
        "~~~++",
    ),
    # A long ramble of generic words.
    E(
        "Hi all, so I've been working on some things lately and I was wondering if anyone might "
        "be able to help me out a bit with some of the stuff that's been going on with the "
        "project, it's been a bit of a struggle and any help at all would be really appreciated, "
        "thanks so much in advance!",
        "",
        OTHER,
        HOURS,
        None,
        "~-~+-",
    ),
    # SMART requests of every kind.
    E(
        "Could you review the retry logic in billing-sync PR #412? I'm unsure whether the backoff "
        "caps at 30s.",
        "It's the last blocker before Thursday's release.",
        REVIEW,
        HALF_HOUR,
        days(2),
        "+++++",
    ),
    E(
        "How do I run the payments integration tests locally without hitting the real Stripe "
        "sandbox?",
        "I'm fixing the refund bug (PAY-231) and can't verify it otherwise.",
        INFO,
        QUICK,
        hours(4),
        "+++++",
    ),
    E(
        "Could someone introduce me to whoever owns the Payments API at Acme Bank? We need their "
        "sandbox credentials.",
        "Our integration demo for Acme is on 4 December and we can't test without them.",
        INTRO,
        QUICK,
        days(5),
        "+++++",
    ),
    E(
        "Should we use Postgres or DynamoDB for the new audit log? Writes are ~2k/s, reads are "
        "rare.",
        "We start building it next sprint and the choice is hard to undo.",
        DECIDE,
        HALF_HOUR,
        days(2),
        "+++++",
    ),
    E(
        "Can you explain how the invoice_number sequence is generated?",
        "Finance found duplicate invoice numbers and I'm writing the incident report.",
        INFO,
        HALF_HOUR,
        days(2) + hours(18.5),
        "+++++",
        now=FRIDAY_EVENING,
    ),
    E(
        "Nervous about my first on-call shift this weekend - could someone who's done it share "
        "how they prepared, over a 20-minute call?",
        "I'd feel a lot steadier going in, and the team is short on experienced on-callers.",
        SUPPORT,
        HALF_HOUR,
        days(3),
        "+++++",
    ),
    E(
        "Can someone explain how our feature flags are evaluated on the iOS app? LaunchDarkly "
        "shows the flag on but users don't see it.",
        "Blocks the rollout of the new checkout for 10% of users.",
        INFO,
        HALF_HOUR,
        days(1),
        "+++++",
    ),
    E(
        "Could someone cover my support rotation on Wednesday afternoon (1-5pm)?",
        "I'm presenting at the customer summit then.",
        OTHER,
        HALF_DAY,
        days(2),
        "+++++",
    ),
    E(
        "Pair on setting up OpenTelemetry tracing for the notification-service",
        "We can't see where the 2-second delays come from and users complain.",
        PAIR,
        HOURS,
        days(3),
        "+++++",
    ),
    E(
        "What's the Wi-Fi password for the Berlin office guest network?",
        "My visitor from Contoso arrives in ten minutes.",
        INFO,
        QUICK,
        timedelta(minutes=10),
        "+++++",
    ),
    E(
        'What does "reconciliation drift" mean on the ledger dashboard?',
        "I'm on call tonight and the alert fired twice.",
        INFO,
        QUICK,
        hours(8),
        "+++++",
    ),
    E(
        "Which of the two logo options in Figma (v3 vs v4) should go on the conference booth "
        "banner?",
        "The printer needs the file by Thursday noon.",
        DECIDE,
        QUICK,
        days(2),
        "+++++",
    ),
    E(
        "I'd like an intro to someone on the Data Platform team who knows how the Snowflake cost "
        "alerts are set up",
        "Our team's warehouse bill doubled in October and I'm leading the clean-up.",
        INTRO,
        QUICK,
        days(7),
        "+++++",
    ),
    E(
        "Explain the difference between the two rate limiters in gateway/limits.go",
        "To unblock the partner API launch on Dec 1.",
        INFO,
        QUICK,
        days(2),
        "+++++",
    ),
    E(
        "Could someone look over the Terraform plan for the vpc-peering change so that we can "
        "open the new region on Monday?",
        "",
        REVIEW,
        HALF_HOUR,
        days(3),
        "+++++",
    ),
    E(
        "Review my promotion packet draft (Google Doc linked in thread) before the calibration on "
        "20 January",
        "It decides whether I move to senior this cycle.",
        REVIEW,
        HOURS,
        days(58),
        "+++++",
    ),
    E(
        "Pair on the failing contract tests between orders-api and billing-api (see CI run 48213)",
        "It's blocking the release branch cut at 16:00.",
        PAIR,
        HOURS,
        hours(5),
        "+++++",
    ),
    E(
        "Quick one: is the staging deploy freeze still on tomorrow?",
        "I have a demo for the Northwind team on Tuesday.",
        INFO,
        QUICK,
        hours(18),
        "+++++",
        now=SUNDAY_AFTERNOON,
    ),
    E(
        "We're choosing between gRPC and REST for the new inventory-service API. I've written up "
        "latency numbers (gRPC p99 12ms vs REST 31ms) and the client constraints in "
        "https://wiki.example.com/inv-api. Could you read it and tell me which you'd pick and why?",
        "The decision gates the warehouse app rewrite, which three teams are waiting on.",
        DECIDE,
        HALF_HOUR,
        days(4),
        "+++++",
    ),
    E(
        "What's the process for requesting a new laptop?",
        "Mine is really slow.",
        INFO,
        QUICK,
        None,
        "++++-",
    ),
    # Code and error asks.
    E(
        "Why does the /healthz health check on the ingest service return 503 after a deploy?",
        "Pods get killed in a loop and ingestion stops for ten minutes each release.",
        INFO,
        QUICK,
        days(1),
        "+++++",
    ),
    E(
        "Getting `KeyError: 'tenant_id'` in reports/export.py line 88 when exporting CSVs for "
        "older accounts",
        "Support has three customers waiting on exports.",
        INFO,
        HALF_HOUR,
        hours(6),
        "++~++",
    ),
    E(
        "The nightly ETL job has been slow since Tuesday (from 40 min to 3 h). Any ideas?",
        "The morning dashboards are late for the sales team.",
        INFO,
        HALF_HOUR,
        days(1),
        "++~++",
    ),
    E(
        "Here's the design doc for the new search ranking: https://docs.example.com/d/ranking. "
        "Let me know.",
        "We want to ship it to 5% of traffic next week.",
        REVIEW,
        HOURS,
        days(3),
        "++~++",
    ),
    E(
        "Can someone pair on the panic in the Go worker? `panic: runtime error: index out of "
        "range` in cmd/worker/main.go",
        "Jobs for the EU region are stuck.",
        PAIR,
        HOURS,
        days(1),
        "+++++",
    ),
    E(
        "Can someone review PR #2231?",
        "Because it needs to be reviewed, it's important and I need it done.",
        REVIEW,
        HALF_HOUR,
        days(1),
        "+~+++",
    ),
    # Missing kind or size.
    E(
        "How do I get access to the prod read replica for the analytics DB?",
        "I need to answer a customer's data question for the Q3 review.",
        INFO,
        None,
        days(1),
        "+++-+",
    ),
    E(
        "Please review the copy for the pricing page change (PRICE-14)",
        "Goes live with the December promo.",
        None,
        HALF_HOUR,
        days(2),
        "++-++",
    ),
    # Big asks with little time left.
    E(
        "Pair with me on migrating the orders table to the new schema (ORD-88)",
        "The migration has to land before Wednesday's freeze or we slip a sprint.",
        PAIR,
        HALF_DAY,
        hours(3),
        "+++~+",
    ),
    E(
        "Help me debug the flaky CheckoutFlowTest in CI (fails ~1 in 5 runs)",
        "It blocks every merge to main for the mobile team.",
        PAIR,
        HOURS,
        hours(15.5),
        "+++~+",
        now=FRIDAY_EVENING,
    ),
    E(
        "URGENT prod is down, 502s from the gateway since 22:10, need someone who knows nginx to "
        "look at it right now",
        "Customers in the EU can't log in.",
        PAIR,
        HOURS,
        hours(1),
        "+++~+",
        now=MONDAY_LATE,
    ),
    E(
        "Write the first draft of the API reference for the webhooks endpoints",
        "Partners need it for the integration kick-off.",
        OTHER,
        HALF_DAY,
        hours(6),
        "+++~+",
    ),
    E(
        "Can you check why this query on the events table (12M rows) takes 8 seconds?",
        "The weekly report times out.",
        INFO,
        HALF_HOUR,
        timedelta(minutes=30),
        "+++~+",
    ),
    E(
        "Walk me through setting up the local dev environment for the mobile app (React Native, "
        "iOS simulator)",
        "I start on the push-notifications ticket tomorrow.",
        PAIR,
        HOURS,
        hours(2),
        "+++~+",
    ),
    E(
        "Can you double-check the rollback steps in runbooks/db-failover.md?",
        "We're failing over the primary at 09:30 tomorrow for maintenance.",
        REVIEW,
        HALF_HOUR,
        hours(11),
        "+++~+",
        now=MONDAY_LATE,
    ),
    E(
        "Stress test the checkout API at 500 rps before Black Friday",
        "We fell over last year at 300 rps and lost orders.",
        PAIR,
        HALF_DAY,
        days(3),
        "+++++",
    ),
    # ASAP, urgent, whenever, soon.
    E(
        "Review the new auth middleware in api/auth/middleware.py before we merge, ASAP please",
        "Security asked for a second pair of eyes before it goes to customers.",
        REVIEW,
        HOURS,
        None,
        "+++~~",
    ),
    E(
        "Whenever you have a minute: what's the difference between our staging and preview "
        "environments?",
        "I'm new and keep deploying to the wrong one.",
        INFO,
        QUICK,
        None,
        "++++~",
    ),
    E(
        "Whenever suits, could someone show me how to read our flame graphs in Pyroscope?",
        "I want to speed up the image resizer before it becomes a cost problem.",
        PAIR,
        HALF_HOUR,
        days(7),
        "++++~",
    ),
    E(
        "Need someone to sanity-check my estimate for the SSO project soon",
        "Management wants numbers.",
        REVIEW,
        HALF_HOUR,
        None,
        "++++~",
    ),
    E(
        "At some point I'd love a walkthrough of how billing-sync retries failed webhooks",
        "",
        INFO,
        HALF_HOUR,
        None,
        "+-++~",
    ),
    E(
        "Urgent: which AWS account does the prod-eu-1 bucket live in?",
        "Security incident review in an hour needs the answer.",
        INFO,
        QUICK,
        None,
        "++++~",
    ),
    E(
        "urgent - need someone to rewrite the onboarding emails",
        "marketing asked",
        OTHER,
        HALF_DAY,
        days(1),
        "+~+~+",
    ),
    E(
        "No rush - could someone explain how on-call compensation is calculated in Personio?",
        "I'm planning my holidays around the rota.",
        INFO,
        QUICK,
        None,
        "++++~",
    ),
    # Deadlines far ahead or already past.
    E(
        "Feedback on my draft talk for the Q2 all-hands: docs.example.com/talk-draft",
        "I'd like the engineering org to actually adopt the new on-call rotation.",
        REVIEW,
        HALF_HOUR,
        days(120),
        "++++~",
    ),
    E(
        "Mentor me on public speaking before next year's KubeCon talk",
        "I want to represent the team well.",
        OTHER,
        HALF_DAY,
        days(200),
        "++++~",
    ),
    E(
        "Which Grafana dashboard shows the p95 latency for the search API?",
        "Our SLO review is this afternoon and I need the number for the slides.",
        INFO,
        QUICK,
        hours(-1),
        "++++-",
    ),
    # Personal and wellbeing asks.
    E(
        "I've been feeling burned out since the launch and could use a chat with someone who's "
        "been through it",
        "",
        SUPPORT,
        HALF_HOUR,
        days(3),
        "+-+++",
        sensitive=True,
    ),
    E(
        "My dad passed away last week and I'm behind on the quarterly report - could someone take "
        "over the data pull for the Q4 numbers?",
        "The report goes to the board on Friday.",
        OTHER,
        HOURS,
        days(4),
        "+++++",
        sensitive=True,
    ),
    E(
        "I have a hospital appointment on Thursday for a new diagnosis - can someone cover my "
        "code reviews that afternoon?",
        "So the release PRs don't sit unreviewed.",
        OTHER,
        HOURS,
        days(3),
        "+++++",
        sensitive=True,
    ),
    E(
        "Is there anyone I could talk to privately about managing anxiety at work? Happy to keep "
        "it informal.",
        "",
        SUPPORT,
        HALF_HOUR,
        None,
        "+-++-",
        sensitive=True,
    ),
    E(
        "Going through a divorce and struggling to focus - could someone help me prioritise my "
        "backlog this week?",
        "",
        SUPPORT,
        HALF_HOUR,
        days(2),
        "+-+++",
        sensitive=True,
    ),
    E(
        "I'm really stressed about the reorg and don't know who to ask about what it means for "
        "my role",
        "",
        SUPPORT,
        QUICK,
        None,
        "~-~+-",
        sensitive=True,
    ),
    E("overwhelmed", "", SUPPORT, None, None, "--~--", sensitive=True),
    E(
        "I'm pregnant and planning leave from March - who has handed over a tech lead role before "
        "and could share a checklist?",
        "I want the payments squad to have a smooth handover.",
        INFO,
        HALF_HOUR,
        days(14),
        "+++++",
        sensitive=True,
    ),
    # Words that look personal but are not.
    E(
        "I'm sick of this flaky test, can anyone look at test_sync_retries in tests/sync?",
        "",
        REVIEW,
        HALF_HOUR,
        days(1),
        "+-+++",
    ),
    E(
        "Load stress on the queue workers spikes at 9am - which metric should I alert on?",
        "We want to page before the backlog hits customers.",
        INFO,
        QUICK,
        days(2),
        "+++++",
    ),
    E(
        "Our healthcheck endpoint flaps between 200 and 503 under load - what timeout should the "
        "load balancer use?",
        "Customers see intermittent errors during peaks.",
        INFO,
        QUICK,
        days(1),
        "+++++",
    ),
    # Held out: not looked at while the heuristics were developed.
    E(
        "Could someone sanity-check the SQL in reports/churn.sql? The monthly churn number jumped "
        "from 2% to 9%.",
        "The CFO presents it to the board on Thursday.",
        REVIEW,
        HALF_HOUR,
        days(2),
        "+++++",
        held_out=True,
    ),
    E("help pls", "", INFO, QUICK, None, "--~+-", held_out=True),
    E(
        "Can anyone give me some pointers on the search stuff?",
        "it would be nice",
        INFO,
        HALF_HOUR,
        days(1),
        "~~+++",
        held_out=True,
    ),
    E(
        "Pair with me on the Helm chart upgrade for ingress-nginx (v4.7 to v4.10)",
        "The old chart blocks the cluster upgrade our SRE team has scheduled.",
        PAIR,
        HALF_DAY,
        hours(5),
        "+++~+",
        held_out=True,
    ),
    E(
        "Which team owns the email templates in Braze?",
        "",
        INTRO,
        QUICK,
        days(3),
        "+-+++",
        held_out=True,
    ),
    E("urgent!!!", "", OTHER, HALF_DAY, None, "--~~~", held_out=True),
    E(
        "Would someone do a practice run of my demo for the Globex pilot? 15 minutes, screen "
        "share.",
        "If the pilot lands, it's our biggest contract this year.",
        REVIEW,
        HALF_HOUR,
        days(1),
        "+++++",
        held_out=True,
    ),
    E(
        "My mum is in hospital and I need to leave early most days this week - could someone "
        "take my 4pm interviews?",
        "The candidates are already booked and I don't want to cancel on them.",
        OTHER,
        HOURS,
        days(1),
        "+++++",
        sensitive=True,
        held_out=True,
    ),
    E(
        "Run a stress test on the search cluster with the new shard layout",
        "We need confidence before Black Friday traffic.",
        PAIR,
        HALF_DAY,
        days(10),
        "+++++",
        held_out=True,
    ),
    E(
        "What's the best way to learn Rust?",
        "Curious",
        INFO,
        QUICK,
        days(200),
        "+~++~",
        held_out=True,
    ),
    E(
        "I'm grieving and finding it hard to concentrate; is there someone I could talk to about "
        "how others handled workload after a loss?",
        "",
        SUPPORT,
        HALF_HOUR,
        None,
        "+-++-",
        sensitive=True,
        held_out=True,
    ),
    E(
        "any thoughts on the new roadmap?",
        "want to know",
        REVIEW,
        QUICK,
        days(1),
        "~~~++",
        held_out=True,
    ),
    E(
        "Decide with me whether we drop IE11 support in the customer portal",
        "Supporting it costs us about a week per quarter and 0.3% of customers use it.",
        DECIDE,
        HALF_HOUR,
        days(4),
        "+++++",
        held_out=True,
    ),
    E(
        "Need someone to review the whole onboarding guide rewrite (40 pages)",
        "New hires start Monday and will use it on day one.",
        REVIEW,
        HALF_DAY,
        days(2) + hours(15.5),
        "+++~+",
        now=FRIDAY_EVENING,
        held_out=True,
    ),
    # Held out, second batch: written after the heuristics, and kept whatever the code says.
    E(
        "Can someone take a look at my resume?",
        "I'm applying for the internal staff engineer role.",
        REVIEW,
        HALF_HOUR,
        days(3),
        "~++++",
        held_out=True,
    ),
    E(
        "Who knows the most about our SAML setup?",
        "",
        INTRO,
        QUICK,
        days(1),
        "+-+++",
        held_out=True,
    ),
    E(
        "I want to get better at writing design docs",
        "Growth",
        OTHER,
        HOURS,
        None,
        "~~~+-",
        held_out=True,
    ),
    E(
        "Our CI bill tripled last month; can someone pair with me for an hour to find which jobs "
        "are the worst offenders?",
        "Finance flagged it and we need a plan by the budget meeting on the 10th.",
        PAIR,
        HOURS,
        days(7),
        "+++++",
        held_out=True,
    ),
    E(
        "Is the office open on 24 December?",
        "Planning travel.",
        INFO,
        QUICK,
        days(2),
        "+++++",
        held_out=True,
    ),
    E(
        "I feel like nobody on my team listens to me in planning meetings, could we talk?",
        "",
        SUPPORT,
        HALF_HOUR,
        None,
        "+-++-",
        sensitive=True,
        held_out=True,
    ),
    E(
        "Need a second opinion on the incident timeline for INC-2207 before I publish the "
        "postmortem",
        "Customers will read it.",
        REVIEW,
        HALF_HOUR,
        hours(4),
        "+++++",
        held_out=True,
    ),
    E("review", "", REVIEW, QUICK, days(1), "--~++", held_out=True),
    E(
        "Urgently need someone to redo the load test results from last week, the numbers look off",
        "The capacity plan for Q1 depends on them.",
        PAIR,
        HALF_DAY,
        None,
        "+++~~",
        held_out=True,
    ),
    E(
        "My manager said I should ask someone about promotion criteria",
        "",
        INFO,
        QUICK,
        days(5),
        "~-~++",
        held_out=True,
    ),
]
