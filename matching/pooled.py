"""The dense channel over a candidate pool (an approximate index's answer), scored exactly, ties included.

An approximate nearest-neighbour index (pgvector's HNSW graph) returns *some* items near the question; the
matcher scores those exactly from its own vectors. Two things keep that answer equal to a full scan:

- The pool is asked again for the feedback-moved question (``PoolSource`` may be a function of the vector),
  so the second pass looks where the moved question points, not only around the first one.
- Identical evidence ties. When many items share a sentence word for word (a boilerplate line, a course
  description reused by several providers), a full scan keeps the tied items with the lowest positions;
  an index returns whichever of them its graph reaches. The pool is therefore closed under "shares its
  best snippet's stored row": every item holding the same stored vector is scored too, and the usual
  position tie-break picks the same items as the full scan. Row identity comes from a ``RowView`` (vectors
  stored once per distinct text); plain arrays carry none, and their pool is used as given.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from matching.scoring import item_rows, pool_max
from matching.vecstore import RowView, Vectors, take

__all__ = ["PoolSource", "SharedRows", "ask", "segment_argmax", "score_pool"]

#: Items an index found: a fixed array, or a function of the query vector (``None``: cannot answer, scan).
PoolSource = np.ndarray | Callable[[np.ndarray], "np.ndarray | None"]
#: Items added for ties, at most (a sentence shared by most of the directory must not turn a pool into a scan).
MAX_TIED = 20_000


def ask(source: PoolSource | None, q: np.ndarray) -> np.ndarray | None:
    """The pool for ``q``, as int64 positions; ``None`` when there is no index or it cannot answer."""
    if source is None:
        return None
    found = source(q) if callable(source) else source
    return None if found is None else np.asarray(found, dtype=np.int64)


def segment_argmax(values: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Position (in ``values``) of the first maximum of every non-empty segment ``offsets[i]:offsets[i+1]``."""
    counts = np.diff(offsets)
    nonempty = counts > 0
    if not nonempty.any():
        return np.zeros(0, dtype=np.int64)
    best = pool_max(values, offsets, empty=-np.inf)[nonempty]
    segment = np.repeat(np.arange(counts.shape[0])[nonempty], counts[nonempty])
    hit = np.flatnonzero(values >= np.repeat(best, counts[nonempty]))
    _, first = np.unique(segment[hit], return_index=True)
    return hit[first].astype(np.int64)


class SharedRows:
    """Which items hold each stored row: an inverted index over a ``RowView``'s row numbers."""

    def __init__(self, stored_rows: np.ndarray, offsets: np.ndarray) -> None:
        owner = np.repeat(np.arange(offsets.shape[0] - 1), np.diff(offsets))
        order = np.argsort(stored_rows, kind="stable")
        self._rows = stored_rows[order]
        self._items = owner[order]

    @classmethod
    def of(cls, vectors: Vectors, offsets: np.ndarray) -> SharedRows | None:
        return cls(vectors.rows, offsets) if isinstance(vectors, RowView) else None

    def items_holding(self, stored_rows: np.ndarray, limit: int = MAX_TIED) -> np.ndarray:
        """Every item with a snippet stored in one of ``stored_rows`` (at most ``limit`` of them)."""
        lo = np.searchsorted(self._rows, stored_rows, side="left")
        hi = np.searchsorted(self._rows, stored_rows, side="right")
        spans = hi - lo
        if not spans.sum():
            return np.zeros(0, dtype=np.int64)
        picks = np.repeat(lo - np.cumsum(spans) + spans, spans) + np.arange(int(spans.sum()))
        return np.unique(self._items[picks])[:limit]


def _score_into(
    dense: np.ndarray, sims: np.ndarray, vectors: Vectors, offsets: np.ndarray, q: np.ndarray, items: np.ndarray
) -> np.ndarray | None:
    """Write the cosines of ``items``' snippets into ``sims`` and their best into ``dense``; returns the stored
    rows of each item's best snippet (``None`` for plain arrays, which carry no row identity).

    Each distinct stored row is multiplied once, so identical snippets get bit-identical scores (a BLAS kernel
    may sum two copies of a row in different orders)."""
    rows, sub_offsets = item_rows(offsets, items)
    if not isinstance(vectors, RowView):
        sub = take(vectors, rows) @ q
    else:
        distinct, back = np.unique(vectors.rows[rows], return_inverse=True)
        sub = (take(vectors.base, distinct) @ q)[back]
    sims[rows] = sub
    dense[items] = pool_max(sub, sub_offsets, empty=-np.inf)
    if not isinstance(vectors, RowView):
        return None
    return vectors.rows[rows[segment_argmax(sub, sub_offsets)]]


def score_pool(
    vectors: Vectors, offsets: np.ndarray, q: np.ndarray, items: np.ndarray, shared: SharedRows | None
) -> tuple[np.ndarray, np.ndarray]:
    """Best-snippet cosine of ``items`` and of the items tied with them (``-inf`` elsewhere), and the
    per-snippet cosines (``-inf`` outside): shapes ``(n_items,)`` and ``(n_snippets,)``."""
    items = np.unique(items)
    dense = np.full(offsets.shape[0] - 1, -np.inf, dtype=np.float32)
    sims = np.full(offsets[-1], -np.inf, dtype=np.float32)
    best = _score_into(dense, sims, vectors, offsets, q, items)
    if shared is not None and best is not None and best.size:
        tied = np.setdiff1d(shared.items_holding(best), items, assume_unique=True)
        _score_into(dense, sims, vectors, offsets, q, tied)
    return dense, sims
