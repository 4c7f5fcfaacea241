"""Thin Bolt listeners: ack first, parse, call a service, render. Each is a plain function;
the table below says which Slack id it handles, so the handler of an id is one search away."""

from slack_bolt import App

from bot.slack.blocks import ids
from bot.slack.listeners.acted import once_per_view
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


def register_listeners(app: App) -> None:
    """Each listener under the Slack id it handles: a command, a shortcut's or a form's
    callback id, an action id, or an event type."""
    for register, slack_id, listener in (
        (app.command, ids.ASK_COMMAND, ask.open_ask_modal),
        (app.shortcut, ids.ASK_FROM_MESSAGE, ask_from_message.ask_from_message),
        (app.action, ids.EDIT_DRAFT, edit_draft.back_to_form),
        (app.action, ids.REQUEST_MENU, request_menu.use_menu),
        (app.action, ids.RETRY_POST, retry_post.try_again),
        (app.action, ids.POST_TO_HELP_CHANNEL, retry_post.try_again),
        (app.action, ids.OFFER_HELP, offers.offer),
        (app.action, ids.OFFER_FROM_POST, offers.offer),
        (app.action, ids.DECLINE_HELP, offers.open_decline_form),
        (app.action, ids.ACCEPT_OFFER, offers.answer_offer),
        (app.action, ids.NOT_NOW_OFFER, offers.answer_offer),
        (app.action, ids.WITHDRAW_OFFER, offers.answer_offer),
        (app.action, ids.RESOLVE_REQUEST, closing.open_closing_form),
        (app.action, ids.FOLLOW_UP_RESOLVED, closing.open_closing_form),
        (app.action, ids.FOLLOW_UP_EXTEND, closing.open_closing_form),
        (app.action, ids.FEEDBACK_EXTEND, closing.open_closing_form),
        (app.action, ids.FEEDBACK_EDIT, closing.open_closing_form),
        (app.action, ids.FOLLOW_UP_DONE, closing.let_go),
        (app.action, ids.FEEDBACK_WIDEN, closing.widen),
        (app.action, ids.SNOOZE_NUDGES, nudges.choose),
        (app.action, ids.STOP_NUDGES, nudges.choose),
        (app.action, ids.DIGEST_OFF, nudges.choose),
        (app.action, ids.NUDGE_PREFS, nudges.change_from_home),
        (app.action, ids.EDIT_WORKSPACE_SETTINGS, settings_views.open_settings),
        (app.action, ids.PREVIEW_DIGEST, settings_views.preview),
        (app.action, ids.EDIT_PROFILE, home.open_home_form),
        (app.action, ids.ADD_TOPIC, home.open_home_form),
        (app.action, ids.TOPIC_MENU, home.use_topic_menu),
        (app.view, ids.ASK_MODAL, ask_submission.submit_ask),
        (app.view, ids.ASK_REVIEW, ask_review.post_reviewed),
        (app.view, ids.ASK_EDIT, ask_edit.save_edit),
        (app.view, ids.DECLINE_MODAL, decline.pass_on),
        (app.view, ids.RESOLVE_MODAL, closing_views.resolve),
        (app.view, ids.EXTEND_MODAL, closing_views.extend),
        (app.view, ids.SETTINGS_MODAL, settings_views.save_settings),
        (app.view, ids.PROFILE_MODAL, profile.submit_profile),
        (app.view, ids.TOPIC_MODAL, topics.submit_topic),
        (app.view, ids.TOPIC_DELETE_MODAL, topics.confirm_delete),
        # Closing the review, or the form reopened from it with Edit, forgets the draft.
        (app.view_closed, ids.ASK_REVIEW, ask_review.discard_on_close),
        (app.view_closed, ids.ASK_MODAL, ask_review.discard_on_close),
        (app.event, "reaction_added", reactions.reacted),
        (app.event, "reaction_removed", reactions.reacted),
        (app.event, "app_home_opened", app_home.show_home),
        (app.event, "user_change", users.refresh_person),
        (app.event, "team_join", users.refresh_person),
    ):
        # Every form's submission goes through the replay check; nothing else has a view hash.
        register(slack_id)(once_per_view(listener) if register == app.view else listener)
