"""The introduction solvers' input checks and reduction: candidate arcs, capacities, minimum loads, staff pins
and exclusions validated (errors name the caller's argument) and reduced to the free arcs and residual
capacities both solvers and the greedy baseline work on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

Mode = Literal["total", "coverage"]


@dataclass
class Problem:
    n: tuple[int, int]
    arcs: tuple[np.ndarray, np.ndarray, np.ndarray]  # free arcs (after pins, exclusions, threshold, top-k)
    pins: tuple[np.ndarray, np.ndarray, np.ndarray]
    cap: tuple[np.ndarray, np.ndarray]  # capacity left after pins
    need: tuple[np.ndarray, np.ndarray]  # units with a lexicographic priority (minimum loads, coverage)
    minimum: tuple[np.ndarray, np.ndarray]
    eligible: tuple[np.ndarray, np.ndarray]  # members counted in the coverage figures


def _vector(a: object, name: str, n: int, default: int | None = None) -> np.ndarray:
    """Per-member non-negative integers from a scalar or an array of shape ``(n,)``."""
    if a is None:
        a = default
    arr = np.asarray(a)
    if arr.ndim == 0:
        arr = np.full(n, arr.item())
    if arr.shape != (n,):
        raise ValueError(f"{name} must be a scalar or have shape ({n},), got {arr.shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
        raise ValueError(f"{name} must hold whole numbers")
    if np.any(arr < 0):
        raise ValueError(f"{name}[{int(np.flatnonzero(arr < 0)[0])}] is negative ({arr[arr < 0][0]})")
    return arr.astype(np.int64)


def _pairs(p: object, name: str, n: tuple[int, int], symmetric: bool) -> tuple[np.ndarray, np.ndarray]:
    arr = np.zeros((0, 2), np.int64) if p is None else np.asarray(p)
    if arr.size == 0:
        arr = arr.reshape(0, 2)
    if arr.ndim != 2 or arr.shape[1] != 2 or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} must be an integer array of shape (m, 2), got shape {arr.shape} ({arr.dtype})")
    a, b = arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int64)
    for side, x, m in (("first", a, n[0]), ("second", b, n[1])):
        bad = np.flatnonzero((x < 0) | (x >= m))
        if bad.size:
            raise ValueError(f"{name} row {bad[0]}: {side} index {x[bad[0]]} is outside [0, {m})")
    if symmetric:
        if np.any(a == b):
            k = int(np.flatnonzero(a == b)[0])
            raise ValueError(f"{name} row {k} pairs member {a[k]} with itself")
        a, b = np.minimum(a, b), np.maximum(a, b)
    return a, b


def _check_unique(key: np.ndarray, a: np.ndarray, b: np.ndarray, name: str) -> None:
    uniq, first, counts = np.unique(key, return_index=True, return_counts=True)
    if uniq.size != key.size:
        k = first[np.flatnonzero(counts > 1)[0]]
        raise ValueError(f"{name} lists the pair ({a[k]}, {b[k]}) more than once")


def _top_k(a: np.ndarray, b: np.ndarray, w: np.ndarray, k: int) -> np.ndarray:
    """Mask of arcs among the ``k`` best of either endpoint (ties by input order)."""
    keep = np.zeros(a.size, dtype=bool)
    for end in (a, b):
        order = np.lexsort((np.arange(a.size), -w, end))
        sorted_end = end[order]
        rank = np.arange(a.size) - np.searchsorted(sorted_end, sorted_end, side="left")
        keep[order[rank < k]] = True
    return keep


def _pin_scores(key: np.ndarray, w: np.ndarray, pin_key: np.ndarray) -> np.ndarray:
    """Score of each pinned pair from the arcs (0 for a pin that is not among the candidates)."""
    out = np.zeros(pin_key.size)
    if key.size and pin_key.size:
        order = np.argsort(key)
        pos = np.minimum(np.searchsorted(key[order], pin_key), key.size - 1)
        hit = key[order][pos] == pin_key
        out[hit] = w[order[pos[hit]]]
    return out


def prepare(
    i: np.ndarray, j: np.ndarray, score: np.ndarray, *, n: tuple[int, int], symmetric: bool,
    capacity: tuple[object, object], minimum: tuple[object, object], pins: object, exclusions: object,
    threshold: float, top_k: int | None, mode: Mode, cover: tuple[bool, bool], sides: tuple[str, str],
) -> Problem:
    """Validate the inputs and reduce them to free arcs plus residual capacities (pins placed first).

    ``sides`` names the two sides in messages (``"left"``/``"right"``; ``""`` for member ↔ member), so errors
    name the caller's own argument (``capacity_left[3]``, ``minimum[0]``).
    """
    cap_names = [f"capacity_{x}" if x else "capacity" for x in sides]
    min_names = [f"min_{x}" if x else "minimum" for x in sides]
    if mode not in ("total", "coverage"):
        raise ValueError(f"mode must be 'total' or 'coverage', got {mode!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k}")
    w = np.asarray(score, dtype=np.float64)
    if w.ndim != 1 or np.shape(i) != w.shape or np.shape(j) != w.shape:
        raise ValueError(f"i, j and score must be 1-D arrays of one length: {np.shape(i)}, {np.shape(j)}, {w.shape}")
    if not np.all(np.isfinite(w)):
        raise ValueError(f"score[{int(np.flatnonzero(~np.isfinite(w))[0])}] is not a finite number")
    a, b = _pairs(np.column_stack([i, j]).astype(np.int64) if w.size else None, "arcs (i, j)", n, symmetric)
    width = n[1]
    _check_unique(a * width + b, a, b, "arcs (i, j)")
    pa, pb = _pairs(pins, "pins", n, symmetric)
    _check_unique(pa * width + pb, pa, pb, "pins")
    xa, xb = _pairs(exclusions, "exclusions", n, symmetric)
    clash = np.flatnonzero(np.isin(pa * width + pb, xa * width + xb))
    if clash.size:
        raise ValueError(f"pin ({pa[clash[0]]}, {pb[clash[0]]}) is also excluded (conflict or veto): drop one of them")
    caps = [_vector(capacity[s], cap_names[s], n[s]) for s in (0, 1)]
    mins = [_vector(minimum[s], min_names[s], n[s], default=0) for s in (0, 1)]
    for s in (0, 1):
        over = np.flatnonzero(mins[s] > caps[s])
        if over.size:
            m = over[0]
            raise ValueError(f"{min_names[s]}[{m}] = {mins[s][m]} exceeds {cap_names[s]}[{m}] = {caps[s][m]}")
    pin_load = [np.bincount(pa, minlength=n[0]), np.bincount(pb, minlength=n[1])]
    if symmetric:
        pin_load = [pin_load[0] + pin_load[1]] * 2
    for s in (0, 1):
        over = np.flatnonzero(pin_load[s] > caps[s])
        if over.size:
            m = over[0]
            who = f"{sides[s]} member" if sides[s] else "member"
            raise ValueError(f"{who} {m} has {pin_load[s][m]} pins but {cap_names[s]}[{m}] = {caps[s][m]}")
    key, pin_key = a * width + b, pa * width + pb
    cap_left = [caps[s] - pin_load[s] for s in (0, 1)]
    free = (w >= threshold) & ~np.isin(key, xa * width + xb) & ~np.isin(key, pin_key)
    free &= (cap_left[0][a] > 0) & (cap_left[1][b] > 0)
    free_idx = np.flatnonzero(free)
    if top_k is not None:
        free_idx = free_idx[_top_k(a[free_idx], b[free_idx], w[free_idx], top_k)]
    fa, fb, fw = a[free_idx], b[free_idx], w[free_idx]
    if symmetric:
        touched = np.bincount(np.concatenate([fa, fb, pa, pb]), minlength=n[0]) > 0
        eligible = [touched & (caps[0] > 0)] * 2
    else:
        eligible = [(np.bincount(np.concatenate([fa, pa]), minlength=n[0]) > 0) & (caps[0] > 0),
                    (np.bincount(np.concatenate([fb, pb]), minlength=n[1]) > 0) & (caps[1] > 0)]
    need = []
    for s in (0, 1):
        units = np.maximum(mins[s] - pin_load[s], 0)
        if mode == "coverage" and cover[s]:
            units = np.maximum(units, (eligible[s] & (pin_load[s] == 0)).astype(np.int64))
        need.append(np.minimum(units, cap_left[s]))
    eligible = [eligible[s] & cover[s] for s in (0, 1)]
    return Problem(n, (fa, fb, fw), (pa, pb, _pin_scores(key, w, pin_key)), (cap_left[0], cap_left[1]),
                    (need[0], need[1]), (mins[0], mins[1]), (eligible[0], eligible[1]))
