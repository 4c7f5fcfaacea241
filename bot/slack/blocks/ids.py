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
