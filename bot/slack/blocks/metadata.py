"""Message metadata that tags each message the app posts with the key of what it delivers, so a
sender unsure whether Slack took a post can look for it in the conversation before posting
again."""

import json
from typing import Any

REQUEST_EVENT = "reciprocity_request"
# A message a state change owed, delivered through the outbox (bot.domain.outbox.Effect).
EFFECT_EVENT = "reciprocity_effect"


def tag(event_type: str, key: str, **payload: Any) -> dict[str, Any]:
    """chat.postMessage's `metadata` for a message delivering `key`."""
    return {"event_type": event_type, "event_payload": {"key": key, **payload}}


def key_of(message: Any, event_type: str) -> str | None:
    """The key a message (as conversations.history returns it) was tagged with under
    `event_type`, if it is one of ours."""
    metadata = message.get("metadata") if isinstance(message, dict) else None
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except ValueError:
            return None
    if not isinstance(metadata, dict) or metadata.get("event_type") != event_type:
        return None
    payload = metadata.get("event_payload")
    key = payload.get("key") if isinstance(payload, dict) else None
    return key if isinstance(key, str) else None


def request_key(request_id: int) -> str:
    return f"request:{request_id}"
