"""Top-k selection and score fusion (RRF and convex combination), vectorised over all items."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["top_k", "rrf", "minmax", "convex"]


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` highest finite scores, best first (argpartition, then sort only those).

    Args:
        scores: shape ``(n,)``; ``-inf`` marks excluded items.
        k: how many to return (fewer if fewer are finite).

    Returns:
        int64 array of shape ``(min(k, n_finite),)``.
    """
    n = scores.shape[0]
    if n == 0 or k <= 0:
        return np.zeros(0, dtype=np.int64)
    k = min(k, n)
    if k < n:
        idx = np.argpartition(-scores, k - 1)[:k]
        # argpartition keeps an arbitrary few of the items tied at the cut: keep the lowest positions instead,
        # so the same items win whichever array (a full scan, an index's pool) holds them.
        cut = scores[idx].min()
        above = idx[scores[idx] > cut]
        idx = np.concatenate([above, np.flatnonzero(scores == cut)[: k - above.shape[0]]])
    else:
        idx = np.arange(n)
    idx = idx[np.isfinite(scores[idx])]
    order = np.lexsort((idx, -scores[idx]))
    return idx[order].astype(np.int64)


def rrf(
    rankings: Sequence[np.ndarray], n: int, *, k: float = 60.0, weights: Sequence[float] | None = None
) -> np.ndarray:
    """Reciprocal rank fusion (Cormack et al. 2009): ``sum_c w_c / (k + rank_c(d))``, rank from 1.

    Args:
        rankings: per channel, item indices best first (only the channel's top candidates).
        n: number of items.
        k: the RRF constant (60 in the paper).
        weights: optional per-channel weights (default 1).

    Returns:
        Fused scores, shape ``(n,)``; 0 for items no channel retrieved.
    """
    out = np.zeros(n, dtype=np.float64)
    for c, ranking in enumerate(rankings):
        w = 1.0 if weights is None else float(weights[c])
        out[ranking] += w / (k + np.arange(1, ranking.shape[0] + 1, dtype=np.float64))
    return out


def minmax(scores: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Min-max normalise ``scores[candidates]`` to [0, 1]; all equal -> 1 if positive (all tied best) else 0."""
    vals = scores[candidates].astype(np.float64)
    if vals.size == 0:
        return vals
    lo, hi = float(vals.min()), float(vals.max())
    if hi - lo <= 1e-12:
        return np.full_like(vals, 1.0 if hi > 0 else 0.0)
    return (vals - lo) / (hi - lo)


def convex(channels: Sequence[np.ndarray], candidates: np.ndarray, weights: Sequence[float]) -> np.ndarray:
    """Convex combination of min-max-normalised channel scores over ``candidates`` (Bruch et al. 2023).

    Returns:
        Shape ``(len(candidates),)``, in [0, 1] when the weights sum to 1.
    """
    out = np.zeros(candidates.shape[0], dtype=np.float64)
    for scores, w in zip(channels, weights, strict=True):
        out += float(w) * minmax(scores, candidates)
    return out
