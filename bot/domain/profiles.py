"""Helper profiles, the workspace's topics, and what someone's App Home shows, as plain data:
services build these from the database, the Slack builders render and read them."""

from dataclasses import dataclass
from datetime import datetime

from bot.domain.offers import OfferStatus
from bot.domain.prefs import Prefs, WorkspacePolicy
from bot.domain.requests import Delivery, RequestStatus
from bot.domain.routing import TopicInfo

DEFAULT_CAPACITY = 3
MAX_CAPACITY = 20
MAX_SKILLS = 20
SKILL_MAX_CHARS = 40
TOPIC_NAME_MAX_CHARS = 80
KEYWORD_MAX_CHARS = 60
MAX_KEYWORDS = 50


@dataclass(frozen=True)
class ProfileForm:
    """The profile modal as submitted, before any checking."""

    topic_ids: tuple[int, ...]
    skills_text: str
    capacity_text: str
    paused: bool


@dataclass(frozen=True)
class TopicForm:
    name: str
    keywords_text: str
    channel_id: str | None


@dataclass(frozen=True)
class ProfileSummary:
    exists: bool
    weekly_capacity: int
    paused: bool
    topics: tuple[TopicInfo, ...]
    skills: tuple[str, ...]


@dataclass(frozen=True)
class RecentRequest:
    id: int
    what: str
    status: RequestStatus
    delivery: Delivery
    created_at: datetime


@dataclass(frozen=True)
class RecentOffer:
    request_id: int
    what: str
    offer: OfferStatus
    request: RequestStatus
    created_at: datetime


@dataclass(frozen=True)
class Balance:
    asked: int
    helped: int
    thanks: int


@dataclass(frozen=True)
class Home:
    profile: ProfileSummary
    recent: tuple[RecentRequest, ...]
    offers: tuple[RecentOffer, ...]
    balance: Balance
    prefs: Prefs
    now: datetime
    # None for people who may not change them, as with topics.
    policy: WorkspacePolicy | None
    # None for people who may not keep topics, so their Home has no Topics section at all.
    topics: tuple[TopicInfo, ...] | None
