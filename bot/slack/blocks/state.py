"""Reading a submitted view's state, tolerating anything missing or malformed: a field Slack did
not send (or sent garbage for) reads as empty, and validation then says what is missing."""

import json
from typing import Any

from bot.domain.text import typed, whole_number
from bot.slack.blocks.text import PRIVATE_METADATA

# The ids are PostgreSQL INTEGER columns: a larger number can name no row, and comparing one with
# them is an error there rather than no match.
MAX_ID = 2**31 - 1


def state_values(view: Any) -> dict[str, Any]:
    state = view.get("state") if isinstance(view, dict) else None
    values = state.get("values") if isinstance(state, dict) else None
    return values if isinstance(values, dict) else {}


def element(values: dict[str, Any], block_id: str, action_id: str) -> dict[str, Any]:
    block = values.get(block_id)
    found = block.get(action_id) if isinstance(block, dict) else None
    return found if isinstance(found, dict) else {}


def text(values: dict[str, Any], block_id: str, action_id: str) -> str:
    """A text input's value as the app keeps typed text (see bot.domain.text.typed)."""
    value = element(values, block_id, action_id).get("value")
    return typed(value) if isinstance(value, str) else ""


def selected(values: dict[str, Any], block_id: str, action_id: str) -> str | None:
    option = element(values, block_id, action_id).get("selected_option")
    value = option.get("value") if isinstance(option, dict) else None
    return value if isinstance(value, str) else None


def option_values(values: dict[str, Any], block_id: str, action_id: str) -> list[str]:
    options = element(values, block_id, action_id).get("selected_options")
    if not isinstance(options, list):
        return []
    found = (option.get("value") for option in options if isinstance(option, dict))
    return [value for value in found if isinstance(value, str)]


def timestamp(values: dict[str, Any], block_id: str, action_id: str) -> int | None:
    """A datetimepicker's `selected_date_time`, if it is a plausible Unix time."""
    stamp = element(values, block_id, action_id).get("selected_date_time")
    if isinstance(stamp, int) and not isinstance(stamp, bool) and 0 < stamp < 2**37:
        return stamp
    return None


def users(values: dict[str, Any], block_id: str, action_id: str) -> list[str]:
    found = element(values, block_id, action_id).get("selected_users")
    if not isinstance(found, list):
        return []
    return [u for u in found if isinstance(u, str) and u[:1] in ("U", "W") and len(u) < 32]


def read_metadata(view: Any) -> dict[str, Any]:
    """The view's private_metadata as a dict; anything malformed reads as empty."""
    return parsed_metadata(view) or {}


def parsed_metadata(view: Any) -> dict[str, Any] | None:
    """The view's private_metadata as a dict, empty when it has none, and None when it is not
    what the app writes: not JSON, not an object, or longer than Slack keeps."""
    raw = view.get("private_metadata") if isinstance(view, dict) else None
    if not isinstance(raw, str) or not raw:
        return {}
    if len(raw) > PRIVATE_METADATA:
        return None
    try:
        metadata = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return metadata if isinstance(metadata, dict) else None


def metadata_int(metadata: dict[str, Any], key: str) -> int | None:
    """A database id in the metadata; None for anything else, as for parse_id."""
    value = metadata.get(key)
    usable = isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID
    return value if usable else None


def parse_id(value: object) -> int | None:
    """A database id from a payload's string (a button's value); None for anything malformed or
    beyond what an id column holds, so it reads as a row that no longer exists."""
    return whole_number(value, MAX_ID) or None
