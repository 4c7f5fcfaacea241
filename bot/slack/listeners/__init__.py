"""Thin Bolt listeners: ack first, parse, call a service, render."""

from slack_bolt import App

from bot.slack.deps import Deps
from bot.slack.listeners.actions import retry_post
from bot.slack.listeners.commands import ask
from bot.slack.listeners.views import ask_submission


def register_listeners(app: App, deps: Deps) -> None:
    ask.register(app, deps)
    ask_submission.register(app, deps)
    retry_post.register(app, deps)
