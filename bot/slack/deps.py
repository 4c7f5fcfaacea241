"""What the listeners share: settings, a session factory, the clock and the Slack port."""

from dataclasses import dataclass

from slack_bolt.context import BoltContext
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.services.routing import WidenPolicy
from bot.slack.gateway import SlackGateway


@dataclass(frozen=True)
class Deps:
    settings: Settings
    # Listeners open one session per use case; Bolt runs them after middleware has returned, so
    # a session cannot be opened around the request in a middleware.
    sessions: sessionmaker[Session]
    clock: Clock
    slack: SlackGateway

    @property
    def widen(self) -> WidenPolicy:
        return WidenPolicy(self.settings.widen_fraction, self.settings.widen_without_deadline)


def deps_of(context: BoltContext) -> Deps:
    """The Deps that app.py's middleware put in this request's context."""
    deps = context["deps"]
    assert isinstance(deps, Deps)
    return deps
