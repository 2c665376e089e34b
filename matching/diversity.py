"""Maximal marginal relevance (Carbonell & Goldstein 1998), kind-aware, for answers that mix kinds."""

from __future__ import annotations

import numpy as np

from matching.vecstore import Vectors

__all__ = ["mmr", "item_centroids"]


def mmr(
    relevance: np.ndarray,
    vectors: np.ndarray,
    k: int,
    *,
    lam: float = 0.3,
    kinds: np.ndarray | None = None,
    kind_weight: float = 0.5,
) -> np.ndarray:
    """Greedy MMR order: pick ``argmax (1 - lam) * rel(d) - lam * max_s sim(d, s)`` over picked ``s``.

    ``sim`` is the cosine of the items' vectors, blended with "same kind" so that, at equal relevance,
    a course follows an organisation rather than a third organisation.

    Args:
        relevance: shape ``(m,)``, the pool's relevance, >= 0 (divided by its maximum here, so the scale
            does not matter but the ratios do).
        vectors: shape ``(m, dim)``, L2-normalised item vectors.
        k: how many to pick (at most ``m``).
        lam: diversity weight in [0, 1]; 0 keeps the relevance order.
        kinds: optional shape ``(m,)`` item kinds.
        kind_weight: share of "same kind" in the similarity, in [0, 1].

    Returns:
        Positions into the pool, in pick order, shape ``(min(k, m),)``.
    """
    m = relevance.shape[0]
    k = min(k, m)
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    rel = np.clip(relevance.astype(np.float64), 0.0, None)
    top = rel.max()
    rel = rel / top if top > 1e-12 else np.ones(m)
    sim = np.clip(vectors.astype(np.float64) @ vectors.T.astype(np.float64), -1.0, 1.0)
    if kinds is not None and kind_weight > 0:
        same = (kinds[:, None] == kinds[None, :]).astype(np.float64)
        sim = (1.0 - kind_weight) * sim + kind_weight * same
    picked = [int(np.argmax(rel))]
    max_sim = sim[picked[0]].copy()
    available = np.ones(m, dtype=bool)
    available[picked[0]] = False
    while len(picked) < k:
        gain = (1.0 - lam) * rel - lam * max_sim
        gain[~available] = -np.inf
        j = int(np.argmax(gain))
        picked.append(j)
        available[j] = False
        np.maximum(max_sim, sim[j], out=max_sim)
    return np.asarray(picked, dtype=np.int64)


def item_centroids(vectors: Vectors, offsets: np.ndarray, items: np.ndarray) -> np.ndarray:
    """Unit mean vector of each of ``items``' snippet rows (zeros for an item without snippets).

    Returns:
        Shape ``(len(items), dim)`` float32.
    """
    out = np.zeros((items.shape[0], vectors.shape[1]), dtype=np.float32)
    for j, i in enumerate(items):
        s, e = offsets[i], offsets[i + 1]
        if e > s:
            v = np.asarray(vectors[s:e], dtype=np.float32).mean(axis=0)  # float16 storage: sum in float32
            out[j] = v / max(float(np.linalg.norm(v)), 1e-12)
    return out
