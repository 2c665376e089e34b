"""The core never imports a chat SDK: adapters translate, the core decides."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "bot" / "core"
FORBIDDEN = ("slack_bolt", "slack_sdk", "microsoft_agents")


def _imported_modules(tree: ast.AST) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in {
            "import_module",
            "__import__",
        }:
            names.extend(a.value for a in node.args[:1] if isinstance(a, ast.Constant) and isinstance(a.value, str))
    return names


def _violations(source: str) -> list[str]:
    return [m for m in _imported_modules(ast.parse(source)) if m.split(".")[0] in FORBIDDEN]


def test_core_modules_exist() -> None:
    assert len(list(CORE.rglob("*.py"))) >= 5


@pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=lambda p: str(p.relative_to(CORE)))
def test_core_module_imports_no_chat_sdk(path: Path) -> None:
    assert _violations(path.read_text(encoding="utf-8")) == [], f"{path.name} imports a chat SDK"


@pytest.mark.parametrize(
    "source",
    [
        "import slack_bolt",
        "from slack_sdk.models.blocks import SectionBlock",
        "import microsoft_agents.hosting.core as h",
        "def f():\n    import slack_sdk\n",
        "import importlib\nimportlib.import_module('slack_bolt.app')",
    ],
)
def test_checker_catches_chat_sdk_imports(source: str) -> None:
    assert _violations(source)
