"""Staff-suggested introductions as an optimisation problem: most total fit, within everyone's capacity.

Two exact solvers over sparse candidate arcs (from ``matching.reciprocal``):

* ``assign_bipartite``: two sides (e.g. manufacturers × providers) as a min-cost flow (OR-tools
  ``SimpleMinCostFlow``, arcs added from numpy arrays), cost = -round(score·scale). Minimum loads and the
  coverage mode are exact lexicographic goals: each required unit earns a bonus larger than all scores together.
* ``match_members``: anyone ↔ anyone, a b-matching solved as a MILP (``scipy.optimize.milp``, HiGHS), guided
  by its LP relaxation (see ``matching.bmatching``); the coverage mode runs two stages (most covered members,
  then the most total score at that coverage).

Conflicts (already introduced, declined, same organisation, competitors, vetoes) are simply absent arcs; staff
pins are placed first and use up capacity. Greedy (``greedy_assignment``) is there as a baseline only.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from matching.bmatching import max_weight_b_matching, min_cost_flow_b_matching

logger = logging.getLogger(__name__)

Mode = Literal["total", "coverage"]
Cover = Literal["both", "left", "right"]


@dataclass(frozen=True)
class AssignmentResult:
    """Chosen pairs ``(i[p], j[p])`` with ``score[p]`` (``pinned[p]`` for staff pins) and how fair the outcome is.

    ``coverage`` = covered / eligible, where eligible members have a pin or at least one allowed candidate at
    or above the threshold with room left on both sides after the pins. ``worst_off_best_score`` is the lowest,
    over eligible members, of their best suggested score (0 if one got none; NaN when nobody is eligible).
    ``min_shortfall`` counts introductions missing to reach the requested minimum loads (0 when feasible).
    ``gap`` is the relative optimality gap the solver proved (0 for min-cost flow; HiGHS's MIP gap, at most
    ``mip_rel_gap``, for the MILP; NaN for greedy, which proves nothing).
    """

    i: np.ndarray
    j: np.ndarray
    score: np.ndarray
    pinned: np.ndarray
    objective: float
    coverage: float
    n_eligible: int
    n_covered: int
    worst_off_best_score: float
    min_shortfall: int
    status: str
    solver: str
    seconds: float
    gap: float

    @property
    def pairs(self) -> list[tuple[int, int, float]]:
        return [(int(a), int(b), float(s)) for a, b, s in zip(self.i, self.j, self.score, strict=True)]


@dataclass(frozen=True)
class BipartiteAssignment(AssignmentResult):
    uncovered_left: np.ndarray
    uncovered_right: np.ndarray


@dataclass(frozen=True)
class MemberMatching(AssignmentResult):
    uncovered: np.ndarray


@dataclass
class _Problem:
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


def _prepare(
    i: np.ndarray, j: np.ndarray, score: np.ndarray, *, n: tuple[int, int], symmetric: bool,
    capacity: tuple[object, object], minimum: tuple[object, object], pins: object, exclusions: object,
    threshold: float, top_k: int | None, mode: Mode, cover: tuple[bool, bool], sides: tuple[str, str],
) -> _Problem:
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
    return _Problem(n, (fa, fb, fw), (pa, pb, _pin_scores(key, w, pin_key)), (cap_left[0], cap_left[1]),
                    (need[0], need[1]), (mins[0], mins[1]), (eligible[0], eligible[1]))


def _greedy(prob: _Problem, symmetric: bool) -> np.ndarray:
    """Best score first while both ends have capacity: the baseline the exact solvers are measured against."""
    fa, fb, fw = prob.arcs
    cap_a = prob.cap[0].copy()
    cap_b = cap_a if symmetric else prob.cap[1].copy()
    chosen = np.zeros(fw.size, dtype=bool)
    for k in np.lexsort((np.arange(fw.size), -fw)).tolist():
        x, y = int(fa[k]), int(fb[k])
        if cap_a[x] > 0 and cap_b[y] > 0:
            chosen[k] = True
            cap_a[x] -= 1
            cap_b[y] -= 1
    return chosen


def _summarise(prob: _Problem, chosen: np.ndarray, symmetric: bool, status: str, solver: str,
               started: float, gap: float = float("nan")) -> BipartiteAssignment | MemberMatching:
    (pa, pb, pw), (fa, fb, fw) = prob.pins, prob.arcs
    i, j = np.concatenate([pa, fa[chosen]]), np.concatenate([pb, fb[chosen]])
    score = np.concatenate([pw, fw[chosen]])
    pinned = np.arange(i.size) < pa.size
    order = np.lexsort((j, i))
    i, j, score, pinned = i[order], j[order], score[order], pinned[order]
    sides = [(i, j)] if symmetric else [(i, None), (j, None)]
    loads, best = [], []
    for s, (ends, other) in enumerate(sides):
        ends_all = ends if other is None else np.concatenate([ends, other])
        sc = score if other is None else np.concatenate([score, score])
        loads.append(np.bincount(ends_all, minlength=prob.n[s]))
        b = np.full(prob.n[s], -np.inf)
        np.maximum.at(b, ends_all, sc)
        best.append(np.where(loads[s] > 0, b, 0.0))
    eligible = [prob.eligible[0]] if symmetric else list(prob.eligible)
    covered = [eligible[s] & (loads[s] > 0) for s in range(len(loads))]
    n_eligible, n_covered = sum(int(x.sum()) for x in eligible), sum(int(x.sum()) for x in covered)
    worst = min((float(best[s][eligible[s]].min()) for s in range(len(loads)) if eligible[s].any()), default=np.nan)
    shortfall = sum(int(np.maximum(prob.minimum[s] - loads[s], 0).sum()) for s in range(len(loads)))
    common = dict(
        i=i, j=j, score=score, pinned=pinned, objective=float(score.sum()),
        coverage=n_covered / n_eligible if n_eligible else float("nan"), n_eligible=n_eligible,
        n_covered=n_covered, worst_off_best_score=worst, min_shortfall=shortfall, status=status, solver=solver, gap=gap,
        seconds=time.perf_counter() - started,
    )
    uncovered = [np.flatnonzero(eligible[s] & ~covered[s]) for s in range(len(loads))]
    if symmetric:
        return MemberMatching(**common, uncovered=uncovered[0])  # type: ignore[arg-type]
    return BipartiteAssignment(**common, uncovered_left=uncovered[0], uncovered_right=uncovered[1])  # type: ignore[arg-type]


def assign_bipartite(
    i: np.ndarray, j: np.ndarray, score: np.ndarray, *, n_left: int, n_right: int,
    capacity_left: ArrayLike, capacity_right: ArrayLike,
    min_left: ArrayLike | None = None, min_right: ArrayLike | None = None,
    pins: ArrayLike | None = None, exclusions: ArrayLike | None = None, threshold: float = 0.0,
    top_k: int | None = None, mode: Mode = "total", cover: Cover = "both", scale: float = 10_000,
) -> BipartiteAssignment:
    """Optimal introductions between two sides (left ``i`` × right ``j``), e.g. manufacturers × providers.

    Args:
        i, j, score: candidate arcs, shape ``(E,)``; ``i`` in ``[0, n_left)``, ``j`` in ``[0, n_right)``.
        capacity_left, capacity_right: most introductions per member this period (scalar or per member).
        min_left, min_right: fewest wanted per member; met whenever feasible (else ``min_shortfall`` > 0).
        pins: ``(m, 2)`` staff-forced pairs, always included, counted against capacity.
        exclusions: ``(m, 2)`` pairs that must not be suggested (conflicts, declines, vetoes).
        threshold: arcs scoring below it are ignored. top_k: keep only each member's ``top_k`` best arcs.
        mode: ``"total"`` (most total score) or ``"coverage"`` (first the most eligible members on the
            ``cover`` side(s) with ≥ 1 suggestion, then the most total score).
        scale: score → integer cost factor (costs are ``-round(score·scale)``).

    Example:
        >>> r = assign_bipartite(e.i, e.j, e.score, n_left=2, n_right=3, capacity_left=2, capacity_right=2)
        >>> r.pairs, r.coverage, r.worst_off_best_score
    """
    if cover not in ("both", "left", "right"):
        raise ValueError(f"cover must be 'both', 'left' or 'right', got {cover!r}")
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale}")
    started = time.perf_counter()
    prob = _prepare(i, j, score, n=(n_left, n_right), symmetric=False, capacity=(capacity_left, capacity_right),
                    minimum=(min_left, min_right), pins=pins, exclusions=exclusions, threshold=threshold,
                    top_k=top_k, mode=mode, cover=(cover != "right", cover != "left"), sides=("left", "right"))
    chosen, status, gap = min_cost_flow_b_matching(*prob.arcs, *prob.cap, required=prob.need, scale=scale)
    result = _summarise(prob, chosen, False, status, "ortools-min-cost-flow", started, gap)
    logger.info("bipartite assignment: %d pairs, coverage %.3f, %.3fs", result.i.size, result.coverage, result.seconds)
    return result  # type: ignore[return-value]


def match_members(
    i: np.ndarray, j: np.ndarray, score: np.ndarray, *, n_members: int, capacity: ArrayLike,
    minimum: ArrayLike | None = None, pins: ArrayLike | None = None, exclusions: ArrayLike | None = None,
    threshold: float = 0.0, top_k: int | None = None, mode: Mode = "total", mip_rel_gap: float = 1e-4,
    time_limit: float | None = None,
) -> MemberMatching:
    """Optimal introductions among all members (any ↔ any): a b-matching MILP solved by HiGHS.

    Edges are undirected (``(i, j)`` and ``(j, i)`` are the same pair and may appear only once). Arguments as in
    ``assign_bipartite``, with one ``capacity``/``minimum`` per member. ``status`` is ``"optimal"`` (proven within
    ``mip_rel_gap``: 1e-4 is HiGHS's default, far below the noise in similarity scores; ``gap`` holds the
    proven value) unless ``time_limit`` stopped HiGHS first (then the best solution found is returned).
    """
    started = time.perf_counter()
    prob = _prepare(i, j, score, n=(n_members, n_members), symmetric=True, capacity=(capacity, capacity),
                    minimum=(minimum, minimum), pins=pins, exclusions=exclusions, threshold=threshold,
                    top_k=top_k, mode=mode, cover=(True, True), sides=("", ""))
    chosen, status, gap = max_weight_b_matching(*prob.arcs, prob.cap[0], required=prob.need[0], mip_rel_gap=mip_rel_gap,
                                           time_limit=time_limit)
    result = _summarise(prob, chosen, True, status, "scipy-milp-highs", started, gap)
    logger.info("member matching: %d pairs, coverage %.3f, %.3fs", result.i.size, result.coverage, result.seconds)
    return result  # type: ignore[return-value]


def greedy_assignment(
    i: np.ndarray, j: np.ndarray, score: np.ndarray, *, n_left: int, capacity_left: ArrayLike,
    n_right: int | None = None, capacity_right: ArrayLike | None = None, pins: ArrayLike | None = None,
    exclusions: ArrayLike | None = None, threshold: float = 0.0, top_k: int | None = None,
) -> AssignmentResult:
    """Greedy baseline (best score first): bipartite when ``n_right`` is given, otherwise member ↔ member."""
    started = time.perf_counter()
    symmetric = n_right is None
    n = (n_left, n_left if n_right is None else n_right)
    capacity = (capacity_left, capacity_left if symmetric else capacity_right)
    prob = _prepare(i, j, score, n=n, symmetric=symmetric, capacity=capacity, minimum=(None, None), pins=pins,
                    exclusions=exclusions, threshold=threshold, top_k=top_k, mode="total", cover=(True, True),
                    sides=("left", "left") if symmetric else ("left", "right"))
    return _summarise(prob, _greedy(prob, symmetric), symmetric, "feasible", "greedy", started)
