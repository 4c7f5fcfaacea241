"""Reading a submitted view's state, tolerating anything missing or malformed: a field Slack did
not send (or sent garbage for) reads as empty, and validation then says what is missing."""

import json
from typing import Any


def state_values(view: Any) -> dict[str, Any]:
    state = view.get("state") if isinstance(view, dict) else None
    values = state.get("values") if isinstance(state, dict) else None
    return values if isinstance(values, dict) else {}


def element(values: dict[str, Any], block_id: str, action_id: str) -> dict[str, Any]:
    block = values.get(block_id)
    found = block.get(action_id) if isinstance(block, dict) else None
    return found if isinstance(found, dict) else {}


def text(values: dict[str, Any], block_id: str, action_id: str) -> str:
    value = element(values, block_id, action_id).get("value")
    return value if isinstance(value, str) else ""


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
    raw = view.get("private_metadata") if isinstance(view, dict) else None
    try:
        metadata = json.loads(raw) if isinstance(raw, str) and raw else {}
    except ValueError:
        return {}
    return metadata if isinstance(metadata, dict) else {}


def metadata_int(metadata: dict[str, Any], key: str) -> int | None:
    value = metadata.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None
