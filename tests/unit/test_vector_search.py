"""Exact owner-level search (the in-memory backend and the recall reference) and backend selection."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from sqlalchemy import Engine

from bot.core.directory.vector_search import ExactVectorSearch, OwnerVectors, build_vector_search
from matching.ann import ExactOwnerIndex, best_per_owner, recall_at_k


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def test_best_per_owner_takes_each_owners_best_snippet() -> None:
    scores = np.array([0.1, 0.9, 0.5, 0.7, 0.2, 0.95], dtype=np.float32)
    starts = np.array([0, 2, 3, 5])  # owners: [0.1, 0.9] [0.5] [0.7, 0.2] [0.95]
    owners, best, rows = best_per_owner(scores, starts, 3)
    assert owners.tolist() == [3, 0, 2]
    assert best.tolist() == pytest.approx([0.95, 0.9, 0.7])
    assert rows.tolist() == [5, 1, 3]


def test_exact_index_matches_brute_force_over_snippets() -> None:
    rng = np.random.default_rng(0)
    index = ExactOwnerIndex()
    owners = {f"org:{i}": _unit(rng.normal(size=(int(rng.integers(1, 5)), 16))) for i in range(200)}
    kinds = {ref: ("org" if i % 2 else "course") for i, ref in enumerate(owners)}
    for ref, vectors in owners.items():
        index.replace(ref, kinds[ref], vectors)
    query = _unit(rng.normal(size=16))
    best = {ref: float((v @ query).max()) for ref, v in owners.items()}
    want = sorted(best, key=lambda r: -best[r])[:10]
    got = index.search(query, k=10)
    assert [h.owner for h in got] == want
    assert [h.snippet_index for h in got] == [int(np.argmax(owners[r] @ query)) for r in want]
    courses = index.search(query, k=5, kinds=["course"])
    assert [h.owner for h in courses] == [r for r in sorted(best, key=lambda r: -best[r]) if kinds[r] == "course"][:5]


def test_exact_index_replaces_and_removes_owners() -> None:
    index = ExactOwnerIndex()
    index.replace("org:a", "org", _unit(np.array([[1.0, 0.0]])))
    index.replace("org:b", "org", _unit(np.array([[0.0, 1.0]])))
    index.replace("org:a", "org", _unit(np.array([[-1.0, 0.0], [0.6, 0.8]])))
    hits = index.search(np.array([1.0, 0.0]), k=2)
    assert [(h.owner, h.snippet_index) for h in hits] == [("org:a", 1), ("org:b", 0)]
    assert index.remove(["org:a", "org:zzz"]) == 1
    assert [h.owner for h in index.search(np.array([1.0, 0.0]), k=5)] == ["org:b"]
    with pytest.raises(ValueError, match="2-D"):
        index.replace("org:c", "org", np.zeros(2))
    with pytest.raises(ValueError, match="dimensions"):
        index.search(np.zeros(3), k=1)


def test_recall_at_k() -> None:
    assert recall_at_k([["a", "b"], ["c", "x"]], [["a", "b"], ["c", "d"]], k=2) == pytest.approx(0.75)
    with pytest.raises(ValueError, match="approximate"):
        recall_at_k([["a"]], [["a"], ["b"]])


def test_exact_backend_sync_reports_changes() -> None:
    search = ExactVectorSearch()
    a = OwnerVectors("org:a", "org", ("h1",), _unit(np.array([[1.0, 0.0]])))
    b = OwnerVectors("org:b", "org", ("h2",), _unit(np.array([[0.0, 1.0]])))
    assert search.sync(None, [a, b]).written == 2  # type: ignore[arg-type]
    a2 = OwnerVectors("org:a", "org", ("h3",), _unit(np.array([[0.0, -1.0]])))
    report = search.sync(None, [a2])  # type: ignore[arg-type]
    assert (report.written, report.deleted, report.unchanged) == (1, 1, 0)
    assert [h.owner for h in search.search(None, np.array([0.0, 1.0]), k=5)] == ["org:a"]  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="org:x"):
        OwnerVectors("org:x", "org", ("h",), np.zeros((2, 2), dtype=np.float32))


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_pgvector_on_sqlite_falls_back_to_exact(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        search = build_vector_search("pgvector", engine)
    assert isinstance(search, ExactVectorSearch)
    assert "VECTOR_BACKEND=pgvector needs PostgreSQL" in caplog.text
    assert isinstance(build_vector_search("exact", engine), ExactVectorSearch)
