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
