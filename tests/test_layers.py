"""The layering the README describes, checked on the source: builders render plain data, and the
domain knows nothing of Slack or the database."""

import ast
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
