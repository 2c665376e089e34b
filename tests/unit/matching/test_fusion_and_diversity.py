from __future__ import annotations

import numpy as np
import pytest

from matching.diversity import mmr
from matching.fusion import convex, rrf, top_k
from matching.scoring import offsets_from_counts, pool_max, pool_top2, reciprocal


def test_top_k_orders_skips_excluded_and_breaks_ties_by_index() -> None:
    scores = np.array([0.1, 0.9, -np.inf, 0.9, 0.5])
    assert top_k(scores, 3).tolist() == [1, 3, 4]
    assert top_k(scores, 10).tolist() == [1, 3, 4, 0]


def test_top_k_keeps_the_lowest_positions_among_items_tied_at_the_cut() -> None:
    """argpartition alone keeps an arbitrary few of a tied group; a full scan and an index's pool must agree."""
    rng = np.random.default_rng(0)
    scores = rng.choice(np.array([0.2, 0.5, 0.7]), size=5000)
    for k in (1, 10, 100, 1700):
        want = np.lexsort((np.arange(5000), -scores))[:k]
        assert top_k(scores, k).tolist() == want.tolist()


def test_rrf_by_hand() -> None:
    fused = rrf([np.array([2, 0]), np.array([0, 1])], 4, k=60)
    assert fused[0] == pytest.approx(1 / 62 + 1 / 61)
    assert fused[1] == pytest.approx(1 / 62)
    assert fused[2] == pytest.approx(1 / 61)
    assert fused[3] == 0.0
    assert np.argmax(fused) == 0  # found by both channels beats first in one


def test_convex_normalises_each_channel() -> None:
    lex = np.array([10.0, 0.0, 5.0])
    dense = np.array([0.2, 0.6, 0.4])
    out = convex([lex, dense], np.array([0, 1, 2]), [0.25, 0.75])
    assert out.tolist() == pytest.approx([0.25, 0.75, 0.25 * 0.5 + 0.75 * 0.5])


def test_pooling_over_each_items_snippets() -> None:
    offsets = offsets_from_counts(np.array([2, 0, 3]))
    values = np.array([0.1, 0.7, 0.3, 0.9, 0.2], dtype=np.float32)
    assert pool_max(values, offsets, empty=-1).tolist() == pytest.approx([0.7, -1, 0.9])
    best, second = pool_top2(values, offsets, empty=-1)
    assert best.tolist() == pytest.approx([0.7, -1, 0.9])
    assert second.tolist() == pytest.approx([0.1, -1, 0.3])


def test_reciprocal_is_the_harmonic_mean() -> None:
    out = reciprocal(np.array([0.8, 0.5, 0.0, 1.5]), np.array([0.2, 0.5, 0.0, 1.0]))
    assert out.tolist() == pytest.approx([2 * 0.8 * 0.2 / 1.0, 0.5, 0.0, 1.0])


def test_mmr_without_diversity_keeps_relevance_order() -> None:
    rel = np.array([0.9, 0.8, 0.1])
    vecs = np.eye(3, dtype=np.float32)
    assert mmr(rel, vecs, 3, lam=0.0).tolist() == [0, 1, 2]


def test_mmr_demotes_a_near_duplicate_and_mixes_kinds() -> None:
    rel = np.array([1.0, 0.95, 0.8])
    v = np.array([[1, 0], [1, 0.01], [0, 1]], dtype=np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    assert mmr(rel, v, 3, lam=0.3).tolist() == [0, 2, 1]
    # Orthogonal vectors, but the first two are the same kind: the course comes second.
    kinds = np.array(["organization", "organization", "course"], dtype=object)
    assert mmr(rel, np.eye(3, dtype=np.float32), 3, lam=0.3, kinds=kinds).tolist() == [0, 2, 1]


def test_item_rows_selects_each_items_rows_in_order() -> None:
    from matching.scoring import item_rows

    offsets = offsets_from_counts(np.array([2, 0, 3, 1]))
    rows, sub = item_rows(offsets, np.array([2, 0, 1]))
    assert rows.tolist() == [2, 3, 4, 0, 1]
    assert sub.tolist() == [0, 3, 5, 5]


def test_rocchio_moves_towards_the_feedback_and_stays_unit() -> None:
    from matching.scoring import rocchio

    q = np.array([1.0, 0.0], dtype=np.float32)
    moved = rocchio(q, np.array([[0.0, 1.0], [0.0, 1.0]], dtype=np.float32), 1.0)
    assert moved.tolist() == pytest.approx([2**-0.5, 2**-0.5])
