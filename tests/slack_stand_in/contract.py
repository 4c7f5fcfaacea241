"""Slack's Web API contract as pure checks, shared by the fake server and by tests.

Method names and required arguments come from Slack's own method docs when the reference
folder is present; Block Kit checks use slack_sdk's models, which are always installed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block, BlockElement
from slack_sdk.models.views import View

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_VIEW_TEXT = 24
MAX_VIEW_BYTES = 250 * 1024

MESSAGE_METHODS = frozenset(
    {"chat.postMessage", "chat.update", "chat.postEphemeral", "chat.scheduleMessage"}
)
VIEW_METHODS = frozenset({"views.open", "views.update", "views.push", "views.publish"})

# Used only when the reference folder is absent, so unknown names are accepted then: a short
# list cannot tell a typo from a method it merely omits.
BUILTIN_METHODS = frozenset(
    {
        "auth.test",
        "chat.delete",
        "chat.getPermalink",
        "chat.postEphemeral",
        "chat.postMessage",
        "chat.scheduleMessage",
        "chat.update",
        "conversations.info",
        "conversations.join",
        "conversations.members",
        "conversations.open",
        "reactions.add",
        "reactions.remove",
        "team.info",
        "users.info",
        "users.list",
        "views.open",
        "views.publish",
        "views.push",
        "views.update",
    }
)

# The docs cannot express "one of these"; Slack rejects a call that has none of them.
ONE_OF_ARGS: Mapping[str, tuple[str, ...]] = {
    "views.open": ("trigger_id", "interactivity_pointer"),
    "views.push": ("trigger_id", "interactivity_pointer"),
    "views.update": ("view_id", "external_id"),
}
# Slack's docs flag these as required although a one-of rule above replaces them.
_RELAXED_REQUIRED: Mapping[str, frozenset[str]] = {
    method: frozenset(names) for method, names in ONE_OF_ARGS.items()
}


@dataclass(frozen=True)
class Problem:
    """One contract violation; ``error`` is what Slack answers, or None if it answers ok."""

    message: str
    error: str | None


@dataclass(frozen=True)
class MethodDocs:
    """Known method names and each one's required arguments, from Slack's method docs."""

    required: Mapping[str, frozenset[str]]

    @property
    def methods(self) -> frozenset[str]:
        return frozenset(self.required)


def default_reference_dir() -> Path | None:
    """The shared reference folder beside the repository root, or None where it is absent."""
    path = (Path(__file__).resolve().parents[2] / ".." / "shared" / "slack-reference").resolve()
    return path if (path / "slack_kit_method_docs").is_dir() else None


@lru_cache(maxsize=4)
def load_method_docs(reference_dir: Path | None) -> MethodDocs | None:
    if reference_dir is None:
        return None
    docs_dir = reference_dir / "slack_kit_method_docs"
    if not docs_dir.is_dir():
        return None
    required: dict[str, frozenset[str]] = {}
    for path in sorted(docs_dir.glob("*.json")):
        if path.name.startswith("_"):
            continue
        doc = json.loads(path.read_text(encoding="utf-8"))
        args: Mapping[str, Any] = doc.get("args") or {}
        required[path.stem] = frozenset(
            name
            for name, spec in args.items()
            if isinstance(spec, Mapping) and spec.get("required") and name != "token"
        )
    return MethodDocs(required=required)


def is_known_method(method: str, docs: MethodDocs | None) -> bool:
    if docs is not None:
        return method in docs.required
    return True


def check_method(method: str, args: Mapping[str, Any], docs: MethodDocs | None) -> list[Problem]:
    """Unknown method and missing required arguments (skipped without docs)."""
    if docs is None:
        return []
    if method not in docs.required:
        return [Problem(f"{method}: not a Slack Web API method", "unknown_method")]
    problems: list[Problem] = []
    relaxed = _RELAXED_REQUIRED.get(method, frozenset())
    missing = sorted(name for name in docs.required[method] - relaxed if _is_absent(args.get(name)))
    if missing:
        problems.append(
            Problem(
                f"{method}: missing required argument(s) {', '.join(missing)}",
                "invalid_arguments",
            )
        )
    one_of = ONE_OF_ARGS.get(method)
    if one_of and all(_is_absent(args.get(name)) for name in one_of):
        problems.append(
            Problem(f"{method}: needs one of {' / '.join(one_of)}", "invalid_arguments")
        )
    return problems


def _is_absent(value: Any) -> bool:
    return value is None or value == ""


def check_message_content(method: str, args: Mapping[str, Any]) -> list[Problem]:
    """Blocks of a message (chat.* or a response_url body) and its text fallback."""
    problems: list[Problem] = []
    blocks = args.get("blocks")
    if method in MESSAGE_METHODS and not any(
        not _is_absent(args.get(key)) for key in ("text", "blocks", "attachments")
    ):
        problems.append(Problem(f"{method}: no text, blocks or attachments", "no_text"))
    if blocks is not None:
        problems.extend(check_blocks(method, blocks, limit=MAX_MESSAGE_BLOCKS))
        if not _has_text(args.get("text")):
            # Notifications and screen readers read `text`, never the blocks.
            problems.append(
                Problem(f"{method}: blocks sent without a non-empty `text` fallback", None)
            )
    return problems


def _has_text(text: Any) -> bool:
    return isinstance(text, str) and text.strip() != ""


def check_blocks(method: str, blocks: Any, *, limit: int) -> list[Problem]:
    if isinstance(blocks, str):
        return [Problem(f"{method}: `blocks` is not valid JSON", "invalid_blocks_format")]
    if not isinstance(blocks, list):
        return [Problem(f"{method}: `blocks` must be a JSON array", "invalid_blocks_format")]
    if len(blocks) > limit:
        return [
            Problem(
                f"{method}: {len(blocks)} blocks, Slack allows at most {limit}", "invalid_blocks"
            )
        ]
    problems: list[Problem] = []
    for index, block in enumerate(blocks):
        for detail in block_problems(block):
            problems.append(Problem(f"{method}: block {index}: {detail}", "invalid_blocks"))
    return problems


def block_problems(block: Any) -> list[str]:
    """Why Slack would reject one block; empty if slack_sdk's models accept it fully."""
    if not isinstance(block, Mapping):
        return [f"not an object: {block!r:.80}"]
    try:
        parsed = Block.parse(dict(block))
    except (SlackObjectFormationError, TypeError, ValueError, AttributeError, KeyError) as exc:
        return [f"cannot be parsed ({exc})"]
    if parsed is None:
        return [f"unknown block type {block.get('type')!r}"]
    try:
        rendered = parsed.to_dict()
    except (SlackObjectFormationError, TypeError, ValueError, AttributeError, KeyError) as exc:
        return [f"{block.get('type')}: {exc}"]
    return _dropped_elements(block, rendered)


def _dropped_elements(block: Mapping[str, Any], rendered: Mapping[str, Any]) -> list[str]:
    # slack_sdk silently drops elements it does not recognise (an unknown `accessory` vanishes,
    # an unknown entry of `elements` becomes None); Slack itself rejects the whole message.
    problems: list[str] = []
    kind = block.get("type")
    for key in ("element", "accessory"):
        value = block.get(key)
        if value is not None and (rendered.get(key) is None or not _element_known(value)):
            problems.append(f"{kind}: unknown or invalid {key} {_type_of(value)!r}")
    if kind == "actions":
        for element in block.get("elements") or []:
            if not _element_known(element):
                problems.append(f"actions: unknown element {_type_of(element)!r}")
    if _contains_none(rendered):
        problems.append(f"{kind}: contains an element slack_sdk could not parse")
    return problems


def _element_known(element: Any) -> bool:
    if not isinstance(element, Mapping):
        return False
    try:
        return BlockElement.parse(dict(element)) is not None
    except (SlackObjectFormationError, TypeError, ValueError, AttributeError, KeyError):
        return False


def _type_of(value: Any) -> Any:
    return value.get("type") if isinstance(value, Mapping) else value


def _contains_none(value: Any) -> bool:
    if isinstance(value, list):
        return any(item is None or _contains_none(item) for item in value)
    if isinstance(value, Mapping):
        return any(_contains_none(item) for item in value.values())
    return False


def check_view(method: str, view: Any) -> list[Problem]:
    """A modal or Home view as views.open/update/push/publish receive it."""
    if isinstance(view, str):
        return [Problem(f"{method}: `view` is not valid JSON", "invalid_arguments")]
    if not isinstance(view, Mapping):
        return [Problem(f"{method}: `view` must be a JSON object", "invalid_arguments")]
    size = len(json.dumps(view, separators=(",", ":")).encode("utf-8"))
    if size > MAX_VIEW_BYTES:
        return [Problem(f"{method}: view is {size} bytes, over 250 KB", "view_too_large")]
    problems: list[Problem] = []
    kind = view.get("type")
    if method == "views.publish" and kind != "home":
        problems.append(
            Problem(f"{method}: view type must be 'home', got {kind!r}", "invalid_arguments")
        )
    elif method != "views.publish" and kind != "modal":
        problems.append(
            Problem(f"{method}: view type must be 'modal', got {kind!r}", "invalid_arguments")
        )
    blocks = view.get("blocks")
    if isinstance(blocks, list) and len(blocks) > MAX_VIEW_BLOCKS:
        problems.append(
            Problem(
                f"{method}: {len(blocks)} blocks, Slack allows at most {MAX_VIEW_BLOCKS}",
                "invalid_arguments",
            )
        )
    for key in ("title", "submit", "close"):
        text = _plain_text(view.get(key))
        if text is not None and len(text) > MAX_VIEW_TEXT:
            problems.append(
                Problem(
                    f"{method}: view {key} {text!r} is over {MAX_VIEW_TEXT} characters",
                    "invalid_arguments",
                )
            )
    if problems:
        return problems  # slack_sdk would only repeat them in its own words
    try:
        View(**dict(view)).to_dict()
    except (SlackObjectFormationError, TypeError, ValueError, AttributeError, KeyError) as exc:
        problems.append(Problem(f"{method}: invalid view: {exc}", "invalid_arguments"))
    if isinstance(blocks, list):
        for index, block in enumerate(blocks):
            for detail in block_problems(block):
                problems.append(
                    Problem(f"{method}: view block {index}: {detail}", "invalid_arguments")
                )
    return _dedupe(problems)


def _plain_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("text"), str):
        return value["text"]
    return None


def _dedupe(problems: Iterable[Problem]) -> list[Problem]:
    seen: set[str] = set()
    unique: list[Problem] = []
    for problem in problems:
        if problem.message not in seen:
            seen.add(problem.message)
            unique.append(problem)
    return unique


def check_call(method: str, args: Mapping[str, Any], docs: MethodDocs | None) -> list[Problem]:
    """Every contract check that applies to one Web API call."""
    problems = check_method(method, args, docs)
    if any(p.error == "unknown_method" for p in problems):
        return problems
    if method in MESSAGE_METHODS:
        problems.extend(check_message_content(method, args))
    if method in VIEW_METHODS and "view" in args:
        problems.extend(check_view(method, args["view"]))
    return problems
