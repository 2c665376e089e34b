"""Candidate graph for staff introductions: who could usefully meet whom, scored both ways.

Each member has several *need* snippets (what they look for) and *offer* snippets (what they can do), embedded
as unit vectors. ``s(a→b)`` is the best cosine between one of a's needs and one of b's offers (max over
evidence, as the OpenReview expertise scorer does per reviewer). A pair is scored with the RECON harmonic mean
``2·s(a→b)·s(b→a) / (s(a→b) + s(b→a))`` when both directions exist, so a pair only scores high when each side
helps the other; when only one side states needs the one-way score is used (scaled by ``one_way_weight``, or
dropped). Only the top ``k`` candidates per member are kept, which is what the assignment solvers consume.

Everything is dense numpy in blocks: one ``(need snippets × offer snippets)`` product per block of members,
reduced per owner with ``np.maximum.reduceat``; never a Python loop over pairs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from matching import directional
from matching.directional import check_snippets, directional_scores, member_indices, reciprocal_scores

logger = logging.getLogger(__name__)

__all__ = ["CandidateEdges", "candidate_edges", "directional_scores", "reciprocal_scores"]


@dataclass(frozen=True)
class CandidateEdges:
    """Sparse candidate pairs, shape ``(E,)`` for every field.

    ``i``/``j`` are member indices (``i < j`` for member↔member graphs; left/right indices for bipartite ones).
    ``forward`` is ``s(i→j)`` and ``backward`` is ``s(j→i)`` (NaN when undefined). Evidence fields index the
    caller's need/offer arrays (-1 when that direction is undefined): ``i_need``/``j_offer`` explain ``i→j``,
    ``j_need``/``i_offer`` explain ``j→i``.
    """

    i: np.ndarray
    j: np.ndarray
    score: np.ndarray
    forward: np.ndarray
    backward: np.ndarray
    i_need: np.ndarray
    j_offer: np.ndarray
    j_need: np.ndarray
    i_offer: np.ndarray

    def __len__(self) -> int:
        return int(self.i.shape[0])


def _top_k(
    fwd: np.ndarray, bwd: np.ndarray, k: int, rows: np.ndarray, cols: np.ndarray,
    groups: np.ndarray | None, one_way_weight: float | None, min_score: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the positions of the ``k`` best reciprocal scores ``hm(fwd[r, c], bwd[r, c])`` (same shapes)."""
    out_r, out_c = [], []
    step = max(1, directional.BLOCK_ELEMENTS // max(1, cols.size))
    kk = min(k, cols.size)
    for lo in range(0, rows.size, step):
        hi = min(rows.size, lo + step)
        score = reciprocal_scores(fwd[lo:hi], bwd[lo:hi], one_way_weight=one_way_weight)
        invalid = ~(score > min_score)  # also NaN
        invalid |= rows[lo:hi, None] == cols[None, :]
        if groups is not None:
            g_r, g_c = groups[rows[lo:hi]], groups[cols]
            invalid |= (g_r[:, None] == g_c[None, :]) & (g_r[:, None] >= 0)
        score[invalid] = -np.inf
        if kk == 0:
            continue
        top = np.argpartition(-score, kk - 1, axis=1)[:, :kk]
        r = np.repeat(np.arange(lo, hi), kk)
        c = top.ravel()
        ok = np.isfinite(score[r - lo, c])
        out_r.append(r[ok])
        out_c.append(c[ok])
    if not out_r:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(out_r), np.concatenate(out_c)


def _best_pairs(
    src: np.ndarray, dst: np.ndarray, nv: np.ndarray, no: np.ndarray, ov: np.ndarray, oo: np.ndarray, n_members: int
) -> tuple[np.ndarray, np.ndarray]:
    """For each edge ``src→dst``: (need snippet of src, offer snippet of dst) with the highest cosine, else -1."""
    need_idx = np.full(src.size, -1, dtype=np.int64)
    offer_idx = np.full(src.size, -1, dtype=np.int64)
    n_sorted, o_sorted = np.argsort(no, kind="stable"), np.argsort(oo, kind="stable")
    n_ptr = np.concatenate(([0], np.cumsum(np.bincount(no, minlength=n_members))))
    o_ptr = np.concatenate(([0], np.cumsum(np.bincount(oo, minlength=n_members))))
    o_cnt = np.diff(o_ptr)
    ok = (np.diff(n_ptr)[src] > 0) & (o_cnt[dst] > 0)
    edges = np.flatnonzero(ok)
    edges = edges[np.argsort(src[edges], kind="stable")]
    bounds = np.flatnonzero(np.diff(src[edges])) + 1
    for group in np.split(edges, bounds) if edges.size else []:
        needs = n_sorted[n_ptr[src[group[0]]]:n_ptr[src[group[0]] + 1]]
        targets = dst[group]
        width = int(o_cnt[targets].max())
        slot = o_ptr[targets][:, None] + np.arange(width)[None, :]
        valid = np.arange(width)[None, :] < o_cnt[targets][:, None]
        offers = o_sorted[np.where(valid, slot, 0)]
        sims = np.einsum("nd,tld->tnl", nv[needs], ov[offers])
        sims[~np.broadcast_to(valid[:, None, :], sims.shape)] = -np.inf
        flat = sims.reshape(targets.size, -1).argmax(axis=1)
        need_idx[group] = needs[flat // width]
        offer_idx[group] = offers[np.arange(targets.size), flat % width]
    return need_idx, offer_idx


def candidate_edges(
    need_vectors: np.ndarray,
    need_owner: np.ndarray,
    offer_vectors: np.ndarray,
    offer_owner: np.ndarray,
    *,
    n_members: int,
    k: int = 20,
    left: np.ndarray | None = None,
    right: np.ndarray | None = None,
    groups: np.ndarray | None = None,
    one_way_weight: float | None = 1.0,
    min_score: float = 0.0,
) -> CandidateEdges:
    """Top-``k`` reciprocal candidates per member, as a sparse edge list with the evidence for each direction.

    Member↔member (default): edges ``i < j``, kept when ``j`` is in ``i``'s top ``k`` or vice versa.
    Bipartite (``left`` and ``right`` given, indices or masks): edges ``(left position, right position)``, kept
    when in the top ``k`` of either end. ``groups[m]`` (organisation id, -1 for none) removes same-group pairs.
    ``one_way_weight=None`` drops pairs where only one side states a need. Scores ``<= min_score`` are dropped.

    Example:
        >>> e = candidate_edges(needs, need_owner, offers, offer_owner, n_members=len(profiles), k=20)
        >>> e.i[0], e.j[0], e.score[0], e.i_need[0], e.j_offer[0]
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    if (left is None) != (right is None):
        raise ValueError("give both left and right for a bipartite graph, or neither")
    nv, no = check_snippets(need_vectors, need_owner, n_members, "need")
    ov, oo = check_snippets(offer_vectors, offer_owner, n_members, "offer")
    if groups is not None:
        groups = np.asarray(groups, dtype=np.int64)
        if groups.shape != (n_members,):
            raise ValueError(f"groups must have shape ({n_members},), got {groups.shape}")
    if left is None:
        members = np.arange(n_members, dtype=np.int64)
        s = directional_scores(nv, no, ov, oo, n_members=n_members)
        r, c = _top_k(s, np.ascontiguousarray(s.T), k, members, members, groups, one_way_weight, min_score)
        key = np.unique(np.minimum(r, c) * n_members + np.maximum(r, c))
        i, j = key // n_members, key % n_members
        forward, backward = s[i, j], s[j, i]
        gi, gj = i, j
    else:
        lm, rm = member_indices(left, n_members, "left"), member_indices(right, n_members, "right")
        if np.intersect1d(lm, rm).size:
            raise ValueError("left and right share members; use the member↔member graph instead")
        f = directional_scores(nv, no, ov, oo, n_members=n_members, rows=lm, cols=rm)
        b = directional_scores(nv, no, ov, oo, n_members=n_members, rows=rm, cols=lm)
        r1, c1 = _top_k(f, np.ascontiguousarray(b.T), k, lm, rm, groups, one_way_weight, min_score)
        c2, r2 = _top_k(b, np.ascontiguousarray(f.T), k, rm, lm, groups, one_way_weight, min_score)
        key = np.unique(np.concatenate([r1, r2]) * rm.size + np.concatenate([c1, c2]))
        i, j = key // max(rm.size, 1), key % max(rm.size, 1)
        forward, backward = f[i, j], b[j, i]
        gi, gj = lm[i], rm[j]
    score = reciprocal_scores(forward, backward, one_way_weight=one_way_weight)
    i_need, j_offer = _best_pairs(gi, gj, nv, no, ov, oo, n_members)
    j_need, i_offer = _best_pairs(gj, gi, nv, no, ov, oo, n_members)
    logger.debug("candidate graph: %d members, %d edges (k=%d)", n_members, i.size, k)
    return CandidateEdges(
        i=i.astype(np.int64), j=j.astype(np.int64), score=score.astype(np.float64),
        forward=forward.astype(np.float64), backward=backward.astype(np.float64),
        i_need=i_need, j_offer=j_offer, j_need=j_need, i_offer=i_offer,
    )
