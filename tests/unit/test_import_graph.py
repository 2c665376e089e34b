"""The house rules, read from the import graph (grimp): adapters never reach the database layer, and no
module of ``bot`` imports itself back through others (a cycle makes import order matter and hides coupling).

Every import counts, including ones inside functions and under ``TYPE_CHECKING``: moving an import into a
function does not remove the dependency.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import grimp
import pytest

ADAPTERS = ("bot.slack", "bot.teams")
DATABASE = ("sqlalchemy", "models")


def build(*packages: str) -> grimp.ImportGraph:
    return grimp.build_graph(*packages, include_external_packages=True, cache_dir=None)


def database_imports(graph: grimp.ImportGraph, adapters: Iterable[str] = ADAPTERS,
                     database: Iterable[str] = DATABASE) -> list[str]:
    """``"adapter module -> imported module"`` for every direct import of the database layer by an adapter."""
    adapters, database = tuple(adapters), tuple(database)
    found = []
    for module in sorted(graph.modules):
        if not any(module == a or module.startswith(a + ".") for a in adapters):
            continue
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported.split(".")[0] in database:
                found.append(f"{module} -> {imported}")
    return found


def cycles(edges: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, iterative), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    out.append(sorted(group))
    return out


def package_edges(graph: grimp.ImportGraph, package: str) -> dict[str, set[str]]:
    inside = [m for m in graph.modules if m == package or m.startswith(package + ".")]
    return {m: {i for i in graph.find_modules_directly_imported_by(m) if i.split(".")[0] == package} for m in inside}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return build("bot", "models", "matching")


def test_adapters_never_import_sqlalchemy_or_models(graph: grimp.ImportGraph) -> None:
    assert [m for m in graph.modules if m.startswith("bot.slack.")], "the graph holds the adapters"
    assert database_imports(graph) == []


def test_the_core_reads_narrow_configs_never_the_whole_settings(graph: grimp.ImportGraph) -> None:
    core = [m for m in graph.modules if m.startswith("bot.core.")]
    assert core
    assert [m for m in core if "bot.config" in graph.find_modules_directly_imported_by(m)] == []


def test_bot_has_no_import_cycle(graph: grimp.ImportGraph) -> None:
    edges = package_edges(graph, "bot")
    assert len(edges) > 100
    assert cycles(edges) == []


def test_core_feature_packages_depend_on_each_other_without_a_cycle(graph: grimp.ImportGraph) -> None:
    """``bot.core.ask``, ``bot.core.intros``... taken whole: the directory at the bottom, nothing imports back."""
    def feature(module: str) -> str:
        return ".".join(module.split(".")[:3])

    edges: dict[str, set[str]] = {}
    for module in package_edges(graph, "bot"):
        if module.startswith("bot.core."):
            edges.setdefault(feature(module), set()).update(
                feature(i) for i in graph.find_modules_directly_imported_by(module)
                if i.startswith("bot.core.") and feature(i) != feature(module))
    assert {"bot.core.ask", "bot.core.directory", "bot.core.intros", "bot.core.digest"} <= set(edges)
    assert cycles(edges) == []


@pytest.fixture
def toy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[grimp.ImportGraph]:
    """A package with an adapter that imports sqlalchemy lazily and a cycle hidden under TYPE_CHECKING."""
    files = {
        "toy/__init__.py": "",
        "toy/slack/__init__.py": "",
        "toy/slack/listen.py": "def f():\n    from sqlalchemy import select\n    return select\n",
        "toy/slack/ok.py": "import json\nfrom toy.core import a\n",
        "toy/core/__init__.py": "",
        "toy/core/a.py": "from toy.core import b\n",
        "toy/core/b.py": ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from toy.core import c\n"),
        "toy/core/c.py": "import toy.core.a\n",
    }
    for name, body in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(body), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield build("toy")
    for name in [m for m in sys.modules if m == "toy" or m.startswith("toy.")]:
        del sys.modules[name]


def test_checkers_catch_a_lazy_database_import_and_a_hidden_cycle(toy: grimp.ImportGraph) -> None:
    assert database_imports(toy, adapters=("toy.slack",)) == ["toy.slack.listen -> sqlalchemy"]
    assert cycles(package_edges(toy, "toy")) == [["toy.core.a", "toy.core.b", "toy.core.c"]]


def test_cycles_of_a_plain_mapping() -> None:
    assert cycles({"a": ["b"], "b": ["a", "c"], "c": [], "d": ["d2"], "d2": []}) == [["a", "b"]]
    assert cycles({"a": ["b"], "b": ["c"], "c": []}) == []
