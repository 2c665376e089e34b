"""Half-precision vector storage: products in float32, no full-size copy, the same ranking."""

from __future__ import annotations

import numpy as np
import pytest

from matching.embeddings import HashingEmbedder
from matching.matcher import HybridMatcher
from matching.vecstore import _BLOCK, RowView, as_stored, dot, take


def unit_rows(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.mark.parametrize("n", [0, 1, _BLOCK - 1, _BLOCK, 2 * _BLOCK + 7])
def test_dot_over_float16_matches_float32_within_rounding(n: int) -> None:
    vectors = unit_rows(n)
    stored = as_stored(vectors, "float16")
    assert stored.dtype == np.float16 and stored.flags.c_contiguous and stored.shape == vectors.shape
    q = unit_rows(1, seed=1)[0]
    got = dot(stored, q)
    assert got.dtype == np.float32 and got.shape == (n,)
    np.testing.assert_allclose(got, vectors @ q, atol=2e-3)
    many = unit_rows(3, seed=2).T  # (dim, 3): several questions at once
    np.testing.assert_allclose(dot(stored, many), vectors @ many, atol=2e-3)


def test_float32_storage_is_exact_and_not_copied() -> None:
    vectors = unit_rows(50)
    stored = as_stored(vectors, "float32")
    assert stored is vectors or np.shares_memory(stored, vectors)
    q = unit_rows(1, seed=3)[0]
    np.testing.assert_array_equal(dot(stored, q), vectors @ q)


def test_take_widens_rows_and_slices() -> None:
    vectors = unit_rows(20)
    stored = as_stored(vectors)
    rows = np.array([3, 0, 19, 3])
    got = take(stored, rows)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, vectors[rows], atol=1e-3)
    np.testing.assert_allclose(take(stored, slice(5, 8)), vectors[5:8], atol=1e-3)


def test_unknown_dtype_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="float64"):
        as_stored(unit_rows(2), "float64")
    with pytest.raises(ValueError, match="vector_dtype"):
        HybridMatcher(HashingEmbedder(32), vector_dtype="int8").fit([["a b c"]])


def test_half_precision_matcher_ranks_like_full_precision() -> None:
    rng = np.random.default_rng(4)
    words = [f"w{i}" for i in range(300)]
    items = [[" ".join(rng.choice(words, 12)) for _ in range(rng.integers(1, 4))] for _ in range(400)]
    embedder = HashingEmbedder(64)
    half = HybridMatcher(embedder).fit(items)
    full = HybridMatcher(embedder, vector_dtype="float32").fit(items)
    assert half.snippet_vectors_.dtype == np.float16 and full.snippet_vectors_.dtype == np.float32
    assert isinstance(half.snippet_vectors_, np.ndarray) and isinstance(full.snippet_vectors_, np.ndarray)
    assert half.snippet_vectors_.nbytes * 2 == full.snippet_vectors_.nbytes
    agree = 0
    for q in range(40):
        question = " ".join(rng.choice(words, 5))
        a = [h.index for h in half.rank(question, k=10)]
        b = [h.index for h in full.rank(question, k=10)]
        agree += len(set(a) & set(b))
    assert agree / (40 * 10) >= 0.98  # float16 rounding may swap a near-tie at the cut, nothing more


def test_dense_pool_from_an_index_scores_its_items_exactly() -> None:
    """An approximate index that returned every item gives the exact answer; one that returned nothing still
    leaves the lexical candidates scored on both channels (no NaN from a missing dense score)."""
    rng = np.random.default_rng(5)
    words = [f"w{i}" for i in range(200)]
    items = [[" ".join(rng.choice(words, 10)) for _ in range(2)] for _ in range(300)]
    matcher = HybridMatcher(HashingEmbedder(64)).fit(items)
    everyone = np.arange(300)
    for _ in range(10):
        question = " ".join(rng.choice(words, 4))
        exact = matcher.rank(question, k=10)
        pooled = matcher.rank(question, k=10, dense_pool=everyone)
        assert [h.index for h in pooled] == [h.index for h in exact]
        lexical_only = matcher.rank(question, k=10, dense_pool=np.zeros(0, dtype=np.int64))
        assert lexical_only and all(np.isfinite(h.score) for h in lexical_only)
        assert all(np.isfinite(h.channel_scores["dense"]) for h in lexical_only)


def test_row_view_reads_rows_of_a_shared_matrix_without_copying() -> None:
    base = as_stored(unit_rows(30))
    rows = np.array([7, 2, 2, 19, 0])
    view = RowView(base, rows)
    assert view.shape == (5, 32) and len(view) == 5 and view.extent == 20
    q = unit_rows(1, seed=9)[0]
    np.testing.assert_allclose(dot(view, q), take(base, rows) @ q, atol=1e-6)
    np.testing.assert_allclose(view[1:3], take(base, [2, 2]), atol=0)
    np.testing.assert_allclose(take(view.view(3, 5), [0]), take(base, [19]), atol=0)
    assert as_stored(view) is view
    with pytest.raises(ValueError, match="float32"):
        as_stored(view, "float32")
    shared = RowView(base, np.array([4, 4, 1]))
    matcher = HybridMatcher(HashingEmbedder(32)).fit([["a b"], ["c d"], ["e f"]], snippet_vectors=shared)
    assert matcher.rank("a b", k=1)
