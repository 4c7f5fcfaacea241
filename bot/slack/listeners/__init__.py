"""Thin Bolt listeners: ack first, parse, call a service, render."""

from slack_bolt import App

from bot.slack.deps import Deps
from bot.slack.listeners.actions import (
    ask_from_message,
    closing,
    edit_draft,
    home,
    nudges,
    offers,
    request_menu,
    retry_post,
)
from bot.slack.listeners.commands import ask
from bot.slack.listeners.events import app_home, reactions, users
from bot.slack.listeners.views import ask_edit, ask_review, ask_submission, decline, profile, topics
from bot.slack.listeners.views import closing as closing_views
from bot.slack.listeners.views import settings as settings_views


def register_listeners(app: App, deps: Deps) -> None:
    for module in (
        ask,
        ask_submission,
        ask_review,
        ask_edit,
        edit_draft,
        request_menu,
        retry_post,
        ask_from_message,
        offers,
        decline,
        closing,
        closing_views,
        reactions,
        nudges,
        settings_views,
        app_home,
        users,
        home,
        profile,
        topics,
    ):
        module.register(app, deps)
