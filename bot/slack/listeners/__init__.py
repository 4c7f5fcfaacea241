"""Thin Bolt listeners: ack first, parse, call a service, render. Each is a plain function;
these tables say which Slack id it handles, so the handler of an id is one search away."""

from collections.abc import Callable

from slack_bolt import App

from bot.slack.blocks import ids
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

Listener = Callable[..., None]

COMMANDS: tuple[tuple[str, Listener], ...] = ((ids.ASK_COMMAND, ask.open_ask_modal),)

SHORTCUTS: tuple[tuple[str, Listener], ...] = (
    (ids.ASK_FROM_MESSAGE, ask_from_message.ask_from_message),
)

ACTIONS: tuple[tuple[str, Listener], ...] = (
    (ids.EDIT_DRAFT, edit_draft.back_to_form),
    (ids.REQUEST_MENU, request_menu.use_menu),
    (ids.RETRY_POST, retry_post.try_again),
    (ids.POST_TO_HELP_CHANNEL, retry_post.try_again),
    (ids.OFFER_HELP, offers.offer),
    (ids.OFFER_FROM_POST, offers.offer),
    (ids.DECLINE_HELP, offers.open_decline_form),
    (ids.ACCEPT_OFFER, offers.answer_offer),
    (ids.NOT_NOW_OFFER, offers.answer_offer),
    (ids.WITHDRAW_OFFER, offers.answer_offer),
    (ids.RESOLVE_REQUEST, closing.use_closing_button),
    (ids.FOLLOW_UP_RESOLVED, closing.use_closing_button),
    (ids.FOLLOW_UP_EXTEND, closing.use_closing_button),
    (ids.FOLLOW_UP_DONE, closing.use_closing_button),
    (ids.FEEDBACK_EXTEND, closing.use_closing_button),
    (ids.FEEDBACK_EDIT, closing.use_closing_button),
    (ids.FEEDBACK_WIDEN, closing.use_closing_button),
    (ids.SNOOZE_NUDGES, nudges.choose),
    (ids.STOP_NUDGES, nudges.choose),
    (ids.DIGEST_OFF, nudges.choose),
    (ids.NUDGE_PREFS, nudges.change_from_home),
    (ids.EDIT_WORKSPACE_SETTINGS, settings_views.open_settings),
    (ids.PREVIEW_DIGEST, settings_views.preview),
    (ids.EDIT_PROFILE, home.open_home_form),
    (ids.ADD_TOPIC, home.open_home_form),
    (ids.TOPIC_MENU, home.use_topic_menu),
)

VIEWS: tuple[tuple[str, Listener], ...] = (
    (ids.ASK_MODAL, ask_submission.submit_ask),
    (ids.ASK_REVIEW, ask_review.post_reviewed),
    (ids.ASK_EDIT, ask_edit.save_edit),
    (ids.DECLINE_MODAL, decline.pass_on),
    (ids.RESOLVE_MODAL, closing_views.resolve),
    (ids.EXTEND_MODAL, closing_views.extend),
    (ids.SETTINGS_MODAL, settings_views.save_settings),
    (ids.PROFILE_MODAL, profile.submit_profile),
    (ids.TOPIC_MODAL, topics.submit_topic),
    (ids.TOPIC_DELETE_MODAL, topics.confirm_delete),
)

# Closing the review, or the form reopened from it with Edit, forgets the draft.
VIEWS_CLOSED: tuple[tuple[str, Listener], ...] = (
    (ids.ASK_REVIEW, ask_review.discard_on_close),
    (ids.ASK_MODAL, ask_review.discard_on_close),
)

EVENTS: tuple[tuple[str, Listener], ...] = (
    ("reaction_added", reactions.reaction_added),
    ("reaction_removed", reactions.reaction_removed),
    ("app_home_opened", app_home.show_home),
    ("user_change", users.refresh_person),
    ("team_join", users.refresh_person),
)


def register_listeners(app: App) -> None:
    for command, listener in COMMANDS:
        app.command(command)(listener)
    for callback_id, listener in SHORTCUTS:
        app.shortcut(callback_id)(listener)
    for action_id, listener in ACTIONS:
        app.action(action_id)(listener)
    for callback_id, listener in VIEWS:
        app.view(callback_id)(listener)
    for callback_id, listener in VIEWS_CLOSED:
        app.view_closed(callback_id)(listener)
    for event, listener in EVENTS:
        app.event(event)(listener)
