"""Vectorised per-item pooling of snippet scores, and the reciprocity formula."""

from __future__ import annotations

import numpy as np

__all__ = ["pool_max", "pool_argmax", "pool_top2", "reciprocal", "offsets_from_counts", "item_rows", "rocchio"]


def offsets_from_counts(counts: np.ndarray) -> np.ndarray:
    """Row offsets, shape ``(n + 1,)``: item ``i`` owns rows ``offsets[i]:offsets[i + 1]``."""
    out = np.zeros(counts.shape[0] + 1, dtype=np.int64)
    np.cumsum(counts, out=out[1:])
    return out


def pool_max(values: np.ndarray, offsets: np.ndarray, empty: float = -1.0) -> np.ndarray:
    """Per-item maximum of ``values`` (shape ``(n_rows,)``) over each item's rows; ``empty`` if it has none.

    Returns:
        Shape ``(n_items,)`` float32. One ``np.maximum.reduceat`` pass, no Python loop over items.
    """
    n_items = offsets.shape[0] - 1
    out = np.full(n_items, empty, dtype=np.float32)
    counts = np.diff(offsets)
    nonempty = counts > 0
    if values.shape[0] and nonempty.any():
        out[nonempty] = np.maximum.reduceat(values, offsets[:-1][nonempty])
    return out


def pool_argmax(values: np.ndarray, offsets: np.ndarray, items: np.ndarray) -> np.ndarray:
    """For each of ``items`` (a few hits), the position of its best row within the item (0 if none)."""
    out = np.zeros(items.shape[0], dtype=np.int64)
    for j, i in enumerate(items):
        s, e = offsets[i], offsets[i + 1]
        if e > s:
            out[j] = int(np.argmax(values[s:e]))
    return out


def pool_top2(values: np.ndarray, offsets: np.ndarray, empty: float = -1.0) -> tuple[np.ndarray, np.ndarray]:
    """Per-item best and second-best row values (second = best for single-row items).

    Returns:
        ``(best, second)``, each shape ``(n_items,)`` float32.
    """
    best = pool_max(values, offsets, empty)
    n_items = offsets.shape[0] - 1
    counts = np.diff(offsets)
    owner = np.repeat(np.arange(n_items), counts)
    # Knock out one occurrence of each item's maximum, then take the max again.
    is_best = values >= best[owner]
    first_best = np.zeros_like(is_best)
    if values.shape[0]:
        pos = np.flatnonzero(is_best)
        _, first = np.unique(owner[pos], return_index=True)
        first_best[pos[first]] = True
    rest = np.where(first_best, -np.inf, values).astype(np.float32)
    second = pool_max(rest, offsets, empty)
    second = np.where(np.isfinite(second), second, best).astype(np.float32)
    return best, second


def reciprocal(forward: np.ndarray, reverse: np.ndarray) -> np.ndarray:
    """Harmonic mean ``2ab / (a + b)`` of the two directions (RECON, Pizzato et al. 2010), 0 when both are 0.

    Scores are clipped to [0, 1] first: a pair is only as good as its weaker direction.
    """
    a = np.clip(forward, 0.0, 1.0).astype(np.float64)
    b = np.clip(reverse, 0.0, 1.0).astype(np.float64)
    denom = a + b
    return np.divide(2.0 * a * b, denom, out=np.zeros_like(denom), where=denom > 0)


def item_rows(offsets: np.ndarray, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows of ``items`` (in that order) and their offsets within that selection, without a Python loop.

    Returns:
        ``(rows, sub_offsets)``: shapes ``(n_selected_rows,)`` and ``(len(items) + 1,)``.
    """
    starts, counts = offsets[items], np.diff(offsets)[items]
    sub_offsets = offsets_from_counts(counts)
    rows = np.repeat(starts - sub_offsets[:-1], counts) + np.arange(int(sub_offsets[-1]))
    return rows, sub_offsets


def rocchio(q: np.ndarray, feedback: np.ndarray, weight: float) -> np.ndarray:
    """``q + weight * mean(feedback rows)``, renormalised (vector pseudo-relevance feedback).

    Args:
        q: shape ``(dim,)``, unit norm.
        feedback: shape ``(m, dim)``, the evidence vectors of the top results.
    """
    moved = q + weight * feedback.mean(axis=0)
    return (moved / max(float(np.linalg.norm(moved)), 1e-12)).astype(np.float32)
