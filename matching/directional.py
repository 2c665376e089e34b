"""One-way and two-way scores between members: ``s(a→b)``, the best cosine between one of a's need snippets and
one of b's offer snippets, and the harmonic mean of both directions.

Dense numpy in blocks: one ``(need snippets × offer snippets)`` product per block of members, reduced per owner
over rank-major slabs; never a Python loop over pairs. ``matching.reciprocal`` builds the candidate graph on it.
"""

from __future__ import annotations

import numpy as np

#: Upper bound on the elements of one block product (float32): ~128 MB.
BLOCK_ELEMENTS = 1 << 25


def check_snippets(vectors: np.ndarray, owner: np.ndarray, n_members: int, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Snippet vectors as unit float32 rows and their owners as member indices; a clear error otherwise."""
    vectors = np.asarray(vectors, dtype=np.float32)
    owner = np.asarray(owner)
    if vectors.ndim != 2:
        raise ValueError(f"{name}_vectors must be 2-D (snippets, dim), got shape {vectors.shape}")
    if owner.shape != (vectors.shape[0],):
        raise ValueError(f"{name}_owner must have shape ({vectors.shape[0]},) like {name}_vectors, got {owner.shape}")
    if owner.size and not np.issubdtype(owner.dtype, np.integer):
        raise ValueError(f"{name}_owner must hold integer member indices, got dtype {owner.dtype}")
    owner = owner.astype(np.int64)
    if owner.size and (owner.min() < 0 or owner.max() >= n_members):
        bad = int(np.flatnonzero((owner < 0) | (owner >= n_members))[0])
        raise ValueError(f"{name}_owner[{bad}] = {owner[bad]} is not a member index in [0, {n_members})")
    norms = np.linalg.norm(vectors, axis=1)
    if vectors.shape[0] and not np.all(norms > 0):
        raise ValueError(f"{name}_vectors[{int(np.flatnonzero(~(norms > 0))[0])}] is a zero (or NaN) vector")
    return vectors / norms[:, None] if vectors.shape[0] else vectors, owner


def member_indices(index: np.ndarray | None, n_members: int, name: str) -> np.ndarray:
    """Member indices from indices or a boolean mask (every member for ``None``), checked."""
    if index is None:
        return np.arange(n_members, dtype=np.int64)
    index = np.asarray(index)
    if index.dtype == bool:
        if index.shape != (n_members,):
            raise ValueError(f"{name} mask must have shape ({n_members},), got {index.shape}")
        return np.flatnonzero(index).astype(np.int64)
    index = index.astype(np.int64)
    if index.ndim != 1 or (index.size and (index.min() < 0 or index.max() >= n_members)):
        raise ValueError(f"{name} must be a 1-D array of member indices in [0, {n_members}) or a boolean mask")
    return index


def _rank_major(owner: np.ndarray, members: np.ndarray, n_members: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lay out the snippets of ``members`` so that max-over-snippets is a few contiguous ``np.maximum`` calls.

    Members with snippets are sorted by snippet count (descending); ``ids[ptr[m] + r]`` is the r-th snippet of the
    m-th of them. So the members having more than ``r`` snippets always form a prefix, and "the r-th snippet of
    every member" is one contiguous slab. Returns (positions into ``members``, ptr, ids).
    """
    pos = np.full(n_members, -1, dtype=np.int64)
    pos[members] = np.arange(members.size)
    keep = np.flatnonzero(pos[owner] >= 0)
    counts = np.bincount(pos[owner[keep]], minlength=members.size)
    present = np.flatnonzero(counts > 0)
    present = present[np.argsort(-counts[present], kind="stable")]
    new_pos = np.empty(members.size, dtype=np.int64)
    new_pos[present] = np.arange(present.size)
    ids = keep[np.argsort(new_pos[pos[owner[keep]]], kind="stable")]
    ptr = np.concatenate(([0], np.cumsum(counts[present])))
    return present, ptr, ids


def _slabs(ptr: np.ndarray, lo: int, hi: int) -> tuple[np.ndarray, list[int]]:
    """Snippet slots of members ``lo:hi`` in rank-major order, and each rank's slab size."""
    counts = np.diff(ptr[lo : hi + 1])
    sizes = [int(np.count_nonzero(counts > r)) for r in range(int(counts[0]))] if hi > lo else []
    slots = np.concatenate([ptr[lo : lo + m] + r for r, m in enumerate(sizes)]) if sizes else np.zeros(0, np.int64)
    return slots, sizes


def _max_over_slabs(a: np.ndarray, sizes: list[int], axis: int) -> np.ndarray:
    """Max over the rank slabs of ``a`` along ``axis`` (rows or columns), each slab a prefix of the first."""
    first = sizes[0]
    out = (a[:first] if axis == 0 else a[:, :first]).copy()
    start = first
    for m in sizes[1:]:
        if axis == 0:
            np.maximum(out[:m], a[start : start + m], out=out[:m])
        else:
            np.maximum(out[:, :m], a[:, start : start + m], out=out[:, :m])
        start += m
    return out


def directional_scores(
    need_vectors: np.ndarray,
    need_owner: np.ndarray,
    offer_vectors: np.ndarray,
    offer_owner: np.ndarray,
    *,
    n_members: int,
    rows: np.ndarray | None = None,
    cols: np.ndarray | None = None,
) -> np.ndarray:
    """``S[r, c] = s(rows[r] → cols[c])``: max cosine between a need of the row member and an offer of the column one.

    Args:
        need_vectors: ``(n_needs, dim)``; need_owner: ``(n_needs,)`` member index of each need snippet.
        offer_vectors: ``(n_offers, dim)``; offer_owner: ``(n_offers,)``.
        rows, cols: member indices (or boolean masks) to score; all members by default.

    Returns:
        float32 array ``(len(rows), len(cols))``; NaN where the row member has no need or the column member no offer.
    """
    nv, no = check_snippets(need_vectors, need_owner, n_members, "need")
    ov, oo = check_snippets(offer_vectors, offer_owner, n_members, "offer")
    if nv.shape[0] and ov.shape[0] and nv.shape[1] != ov.shape[1]:
        raise ValueError(f"need_vectors have dim {nv.shape[1]} but offer_vectors have dim {ov.shape[1]}")
    rows_m, cols_m = member_indices(rows, n_members, "rows"), member_indices(cols, n_members, "cols")
    out = np.full((rows_m.size, cols_m.size), np.nan, dtype=np.float32)
    r_present, r_ptr, r_ids = _rank_major(no, rows_m, n_members)
    c_present, c_ptr, c_ids = _rank_major(oo, cols_m, n_members)
    if r_present.size == 0 or c_present.size == 0:
        return out
    c_slots, c_sizes = _slabs(c_ptr, 0, c_present.size)
    offers_t = np.ascontiguousarray(ov[c_ids[c_slots]].T)
    per_block = max(1, BLOCK_ELEMENTS // offers_t.shape[1])
    lo = 0
    while lo < r_present.size:  # blocks of whole members, about per_block need snippets each
        hi = max(lo + 1, int(np.searchsorted(r_ptr, r_ptr[lo] + per_block, side="right")) - 1)
        hi = min(hi, r_present.size)
        r_slots, r_sizes = _slabs(r_ptr, lo, hi)
        product = nv[r_ids[r_slots]] @ offers_t
        best = _max_over_slabs(_max_over_slabs(product, r_sizes, axis=0), c_sizes, axis=1)
        out[np.ix_(r_present[lo:hi], c_present)] = best
        lo = hi
    return out


def reciprocal_scores(forward: np.ndarray, backward: np.ndarray, *, one_way_weight: float | None = 1.0) -> np.ndarray:
    """Harmonic mean of the two directions (negative cosines count as 0); one-way or NaN where one side is NaN."""
    x = np.maximum(np.asarray(forward, dtype=np.float32), 0)  # NaN stays NaN
    y = np.maximum(np.asarray(backward, dtype=np.float32), 0)
    total = x + y  # NaN where either side is undefined
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.multiply(x, y, out=np.empty_like(x))
        out *= 2
        out /= total
    np.copyto(out, 0, where=total == 0)  # both sides exactly 0 (or negative)
    if one_way_weight is not None:
        x_missing = np.isnan(x)
        one_way = np.where(x_missing, y, x)
        one_way *= one_way_weight
        np.copyto(out, one_way, where=x_missing ^ np.isnan(y))
    return out
