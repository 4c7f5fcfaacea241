"""Every callback, block and action id the app uses, so listeners and builders agree."""

ASK_COMMAND = "/ask"

# The /ask modal
ASK_MODAL = "ask_modal"
WHAT_BLOCK, WHAT_INPUT = "ask_what", "what"
WHY_BLOCK, WHY_INPUT = "ask_why", "why"
KIND_BLOCK, KIND_INPUT = "ask_kind", "kind"
SIZE_BLOCK, SIZE_INPUT = "ask_size", "size"
NEEDED_BY_BLOCK, NEEDED_BY_INPUT = "ask_needed_by", "needed_by"
CHANNEL_BLOCK, CHANNEL_INPUT = "ask_channel", "channel"

# The modal's block for each field of a draft, for field-level errors.
FIELD_BLOCKS = {
    "what": WHAT_BLOCK,
    "why": WHY_BLOCK,
    "kind": KIND_BLOCK,
    "size": SIZE_BLOCK,
    "needed_by": NEEDED_BY_BLOCK,
    "channel": CHANNEL_BLOCK,
}

# Buttons on the "could not post" notice
RETRY_POST = "retry_post"
POST_TO_HELP_CHANNEL = "post_to_help_channel"

# Posting without one's name (only when the workspace allows it)
ANONYMOUS_BLOCK, ANONYMOUS_INPUT = "ask_anonymous", "anonymous"
ANONYMOUS_VALUE = "anonymous"

# The coaching review, shown before posting a request that could be clearer
ASK_REVIEW = "ask_review"
EDIT_DRAFT = "edit_draft"
PRIVATE_BLOCK, PRIVATE_INPUT = "review_private", "private_recipient"

# "Ask for help with this" on any message
ASK_FROM_MESSAGE = "ask_from_message"

# The asker's own menu on a posted request, and the edit modal it opens
REQUEST_MENU = "request_menu"
MENU_EDIT, MENU_WITHDRAW = "edit", "withdraw"
ASK_EDIT = "ask_edit"

# Routing: how the asker sends a request, and a helper's answer to a direct ask
ROUTE_BLOCK, ROUTE_INPUT = "review_route", "route"
OFFER_HELP = "offer_help"
DECLINE_HELP = "decline_help"

# `/ask profile` and `/ask topics`: the words after /ask that open those forms instead
PROFILE_SUBCOMMAND, TOPICS_SUBCOMMAND = "profile", "topics"

# App Home, and the helper profile modal it opens
EDIT_PROFILE = "edit_profile"
PROFILE_MODAL = "profile_modal"
PROFILE_TOPICS_BLOCK, PROFILE_TOPICS_INPUT = "profile_topics", "topics"
PROFILE_SKILLS_BLOCK, PROFILE_SKILLS_INPUT = "profile_skills", "skills"
PROFILE_CAPACITY_BLOCK, PROFILE_CAPACITY_INPUT = "profile_capacity", "capacity"
PROFILE_PAUSED_BLOCK, PROFILE_PAUSED_INPUT = "profile_paused", "paused"
PAUSED_VALUE = "paused"

# The profile modal's block for each field of the form, for field-level errors.
PROFILE_FIELD_BLOCKS = {
    "topics": PROFILE_TOPICS_BLOCK,
    "skills": PROFILE_SKILLS_BLOCK,
    "capacity": PROFILE_CAPACITY_BLOCK,
    "paused": PROFILE_PAUSED_BLOCK,
}

# The workspace's topics, kept by admins from App Home
ADD_TOPIC = "add_topic"
TOPIC_MENU = "topic_menu"
TOPIC_EDIT, TOPIC_DELETE = "edit", "delete"
TOPIC_MODAL = "topic_modal"
TOPIC_DELETE_MODAL = "topic_delete"
TOPIC_NAME_BLOCK, TOPIC_NAME_INPUT = "topic_name", "name"
TOPIC_KEYWORDS_BLOCK, TOPIC_KEYWORDS_INPUT = "topic_keywords", "keywords"
TOPIC_CHANNEL_BLOCK, TOPIC_CHANNEL_INPUT = "topic_channel", "channel"

# The topic modal's block for each field, for field-level errors.
TOPIC_FIELD_BLOCKS = {
    "name": TOPIC_NAME_BLOCK,
    "keywords": TOPIC_KEYWORDS_BLOCK,
    "channel": TOPIC_CHANNEL_BLOCK,
}

# Offers: on the posted request, in the asker's DM about each offer, in the helper's message
OFFER_FROM_POST = "offer_from_post"
ACCEPT_OFFER = "accept_offer"
NOT_NOW_OFFER = "not_now_offer"
WITHDRAW_OFFER = "withdraw_offer"

# Resolving, from the request's ⋯ menu or a button in the asker's DMs
MENU_RESOLVE = "resolve"
RESOLVE_REQUEST = "resolve_request"
RESOLVE_MODAL = "resolve_modal"
THANKS_BLOCK_PREFIX, THANKS_INPUT = "thanks_", "note"  # one block per helper: thanks_<user id>
IMPACT_BLOCK, IMPACT_INPUT = "resolve_impact", "impact"
OTHERS_BLOCK, OTHERS_INPUT = "resolve_others", "others"

# After needed-by: did you get what you needed?
FOLLOW_UP_RESOLVED = "follow_up_resolved"
FOLLOW_UP_EXTEND = "follow_up_extend"
FOLLOW_UP_DONE = "follow_up_done"
EXTEND_MODAL = "extend_modal"
EXTEND_BLOCK, EXTEND_INPUT = "extend_needed_by", "needed_by"

# "Not this time", with a reason
DECLINE_MODAL = "decline_modal"
DECLINE_REASON_BLOCK, DECLINE_REASON_INPUT = "decline_reason", "reason"
DECLINE_NOTE_BLOCK, DECLINE_NOTE_INPUT = "decline_note", "note"

# The asker's gathered feedback from helpers who passed, and what they can do about it
FEEDBACK_EXTEND = "feedback_extend"
FEEDBACK_EDIT = "feedback_edit"
FEEDBACK_WIDEN = "feedback_widen"

# Buttons on nudges and personal digests
SNOOZE_NUDGES = "snooze_nudges"
STOP_NUDGES = "stop_nudges"
DIGEST_OFF = "digest_off"
# App Home: someone's own nudge and digest choices, and the admins' workspace settings
NUDGE_PREFS = "nudge_prefs"
PREFS_DIGEST_ON, PREFS_DIGEST_OFF, PREFS_RESUME = "digest_on", "digest_off", "resume"
EDIT_WORKSPACE_SETTINGS = "edit_workspace_settings"
PREVIEW_DIGEST = "preview_digest"
SETTINGS_MODAL = "workspace_settings_modal"
SETTINGS_KINDS_BLOCK, SETTINGS_KINDS_INPUT = "settings_kinds", "kinds"
SETTINGS_CAP_BLOCK, SETTINGS_CAP_INPUT = "settings_cap", "weekly_cap"
SETTINGS_QUIET_BLOCK, SETTINGS_QUIET_INPUT = "settings_quiet", "inactive_weeks"
SETTINGS_DAY_BLOCK, SETTINGS_DAY_INPUT = "settings_day", "digest_weekday"
SETTINGS_HOUR_BLOCK, SETTINGS_HOUR_INPUT = "settings_hour", "digest_hour"
SETTINGS_TZ_BLOCK, SETTINGS_TZ_INPUT = "settings_tz", "digest_tz"
SETTINGS_WORKDAYS_BLOCK, SETTINGS_WORKDAYS_INPUT = "settings_workdays", "workdays"
SETTINGS_STARTS_BLOCK, SETTINGS_STARTS_INPUT = "settings_day_starts", "day_starts"
SETTINGS_ENDS_BLOCK, SETTINGS_ENDS_INPUT = "settings_day_ends", "day_ends"
SETTINGS_FIELD_BLOCKS = {
    "weekly_cap": SETTINGS_CAP_BLOCK,
    "inactive_weeks": SETTINGS_QUIET_BLOCK,
    "digest_weekday": SETTINGS_DAY_BLOCK,
    "digest_hour": SETTINGS_HOUR_BLOCK,
    "digest_tz": SETTINGS_TZ_BLOCK,
    "workdays": SETTINGS_WORKDAYS_BLOCK,
    "day_starts": SETTINGS_STARTS_BLOCK,
    "day_ends": SETTINGS_ENDS_BLOCK,
}
