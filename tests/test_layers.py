"""The layering the README describes, checked on the source: builders render plain data, the
domain knows nothing of Slack or the database, and what people read is worded in the builders."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            modules.add(node.module)
    return modules


def forbidden(path: Path, packages: tuple[str, ...]) -> list[str]:
    return sorted(
        module
        for module in imported_modules(path)
        if any(module == package or module.startswith(f"{package}.") for package in packages)
    )


@pytest.mark.parametrize(
    "path", sorted((ROOT / "bot/slack/blocks").glob("*.py")), ids=lambda path: path.name
)
def test_builders_import_no_services_or_database(path: Path) -> None:
    assert forbidden(path, ("bot.services", "db", "sqlalchemy")) == []


@pytest.mark.parametrize(
    "path", sorted((ROOT / "bot/domain").glob("*.py")), ids=lambda path: path.name
)
def test_domain_imports_no_slack_database_or_services(path: Path) -> None:
    assert forbidden(path, ("slack_sdk", "slack_bolt", "sqlalchemy", "db", "bot.services")) == []


# A string a person would read: a capital, at least two words, an end stop. Placeholders in an
# f-string count as words.
_SENTENCE = re.compile(r"[A-Z].* .*[.!?]", re.DOTALL)
_LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}


def _not_read_by_people(tree: ast.AST) -> set[int]:
    """Nodes whose strings no one in Slack reads: docstrings, log lines, exception messages,
    assertions, and the parts of an f-string (read whole instead)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = body[0] if body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skipped.add(id(first.value))
        logs = (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _LOG_METHODS
        )
        if logs or isinstance(node, ast.Raise | ast.Assert):
            skipped.update(id(inner) for inner in ast.walk(node))
        elif isinstance(node, ast.JoinedStr):
            skipped.update(id(inner) for inner in ast.walk(node) if inner is not node)
    return skipped


def sentences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    skipped = _not_read_by_people(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(
                part.value if isinstance(part, ast.Constant) else "{}" for part in node.values
            )
        else:
            continue
        if _SENTENCE.fullmatch(text.strip()):
            found.append(text)
    return found


@pytest.mark.parametrize(
    "path", sorted((ROOT / "bot/services").glob("*.py")), ids=lambda path: path.name
)
def test_services_word_nothing_people_read(path: Path) -> None:
    # Every sentence a person reads is in bot/slack/blocks/: one place to review tone and wording.
    assert sentences(path) == []
