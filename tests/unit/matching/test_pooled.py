"""An index's pool scored exactly: ties with identical evidence and the feedback pass give the full scan's answer."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from matching.embeddings import HashingEmbedder
from matching.matcher import HybridMatcher
from matching.pooled import SharedRows, ask, score_pool, segment_argmax
from matching.scoring import pool_max
from matching.vecstore import RowView, as_stored

WORDS = ["weld", "robot", "laser", "cnc", "titanium", "battery", "vision", "sensor", "casting", "coating",
         "aluminium", "tray", "cobot", "inspection", "powder", "additive", "press", "mould", "resin", "fibre"]


def duplicated_directory(seed: int = 0) -> tuple[list[list[str]], RowView]:
    """400 items drawing their two snippets from 40 sentences: most best-snippet scores are shared. The
    sentences' vectors are random (a bag-of-words embedder would tie distinct sentences too)."""
    rng = np.random.default_rng(seed)
    sentences = [" ".join(rng.choice(WORDS, 4)) for _ in range(40)]
    picks = rng.integers(0, len(sentences), size=(400, 2))
    items = [[sentences[a], sentences[b]] for a, b in picks]
    vectors = rng.standard_normal((len(sentences), 64)).astype(np.float32)
    base = as_stored(vectors / np.linalg.norm(vectors, axis=1, keepdims=True))
    return items, RowView(base, picks.reshape(-1))


def nearest(
    matcher: HybridMatcher, size: int, calls: list[np.ndarray] | None = None
) -> Callable[[np.ndarray], np.ndarray]:
    """An 'index' that finds the true nearest items but, among tied ones, the last positions (a graph reaches
    whichever copies it reaches; a full scan keeps the first)."""

    def search(q: np.ndarray) -> np.ndarray:
        if calls is not None:
            calls.append(q.copy())
        best = pool_max(np.asarray(matcher.snippet_vectors_.base, np.float32)[matcher.snippet_vectors_.rows] @ q,
                        matcher.offsets_, empty=-np.inf)
        order = np.lexsort((-np.arange(best.shape[0]), -best))
        return order[:size]

    return search


def test_segment_argmax_takes_the_first_maximum_and_skips_empty_segments() -> None:
    values = np.array([0.1, 0.9, 0.9, 0.5, 0.7, 0.2], dtype=np.float32)
    offsets = np.array([0, 3, 3, 4, 6])
    assert segment_argmax(values, offsets).tolist() == [1, 3, 4]
    assert segment_argmax(np.zeros(0, np.float32), np.array([0, 0])).tolist() == []


def test_shared_rows_finds_every_item_holding_a_stored_row() -> None:
    shared = SharedRows(np.array([5, 2, 5, 7, 2, 2]), np.array([0, 2, 3, 6]))  # items: [5, 2] [5] [7, 2, 2]
    assert shared.items_holding(np.array([2])).tolist() == [0, 2]
    assert shared.items_holding(np.array([5, 7])).tolist() == [0, 1, 2]
    assert shared.items_holding(np.array([3])).tolist() == []
    assert shared.items_holding(np.array([5, 7]), limit=2).tolist() == [0, 1]


def test_ask_accepts_arrays_functions_and_no_answer() -> None:
    q = np.ones(4, np.float32)
    assert ask(None, q) is None
    assert ask(np.array([3, 1]), q).tolist() == [3, 1]
    assert ask(lambda v: None, q) is None
    assert ask(lambda v: [int(v.sum())], q).dtype == np.int64


def test_a_pool_takes_in_every_item_tied_on_its_best_snippet() -> None:
    items, view = duplicated_directory()
    matcher = HybridMatcher(HashingEmbedder(64)).fit(items, snippet_vectors=view)
    q = matcher.encode_query("laser weld aluminium tray")
    one = nearest(matcher, 1)(q)
    dense, sims = score_pool(matcher.snippet_vectors_, matcher.offsets_, q, one, matcher.shared_rows_)
    full = pool_max(np.asarray(view.base, np.float32)[view.rows] @ q, matcher.offsets_, empty=-np.inf)
    tied = np.flatnonzero(np.isclose(full, full.max(), atol=1e-6))
    assert tied.size > 1  # the data has ties at the top
    assert set(np.flatnonzero(np.isfinite(dense))) >= set(tied)
    np.testing.assert_allclose(dense[tied], full[tied], atol=1e-6)
    assert np.isfinite(sims).sum() > 2
    alone, _ = score_pool(matcher.snippet_vectors_, matcher.offsets_, q, one, None)
    assert np.isfinite(alone).sum() == 1


@pytest.mark.parametrize("seed", [0, 1])
def test_an_index_pool_with_tie_closure_gives_the_full_scans_answer(seed: int) -> None:
    items, view = duplicated_directory(seed)
    matcher = HybridMatcher(HashingEmbedder(64), candidates=10).fit(items, snippet_vectors=view)
    rng = np.random.default_rng(seed + 10)
    questions = [" ".join(rng.choice(WORDS, 3)) for _ in range(30)]
    index = nearest(matcher, 15)
    exact = [[h.index for h in matcher.rank(text, k=10)] for text in questions]
    pooled = [[h.index for h in matcher.rank(text, k=10, dense_pool=index)] for text in questions]
    assert pooled == exact
    shared, matcher.shared_rows_ = matcher.shared_rows_, None  # the same pools without closing them over ties
    unclosed = [[h.index for h in matcher.rank(text, k=10, dense_pool=index)] for text in questions]
    matcher.shared_rows_ = shared
    assert unclosed != exact


def test_the_feedback_pass_asks_the_index_again_with_the_moved_question() -> None:
    items, view = duplicated_directory()
    matcher = HybridMatcher(HashingEmbedder(64)).fit(items, snippet_vectors=view)
    calls: list[np.ndarray] = []
    matcher.rank("cobot inspection vision", k=10, dense_pool=nearest(matcher, 30, calls))
    assert len(calls) == 2 and not np.allclose(calls[0], calls[1])
    calls.clear()
    matcher.set_params(prf_docs=0).rank("cobot inspection vision", k=10, dense_pool=nearest(matcher, 30, calls))
    assert len(calls) == 1


def test_an_index_that_cannot_answer_means_a_full_scan() -> None:
    items, view = duplicated_directory()
    matcher = HybridMatcher(HashingEmbedder(64)).fit(items, snippet_vectors=view)
    exact = [h.index for h in matcher.rank("powder additive resin", k=10)]
    assert [h.index for h in matcher.rank("powder additive resin", k=10, dense_pool=lambda v: None)] == exact
    assert HybridMatcher(HashingEmbedder(64)).fit(items).shared_rows_ is None  # plain arrays: no row identity
