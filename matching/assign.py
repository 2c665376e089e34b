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

from matching.assign_problem import Mode, Problem, prepare
from matching.bmatching import max_weight_b_matching, min_cost_flow_b_matching

logger = logging.getLogger(__name__)

__all__ = ["AssignmentResult", "BipartiteAssignment", "MemberMatching", "Mode", "assign_bipartite",
           "greedy_assignment", "match_members"]

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


def _greedy(prob: Problem, symmetric: bool) -> np.ndarray:
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


def _summarise(prob: Problem, chosen: np.ndarray, symmetric: bool, status: str, solver: str,
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
    prob = prepare(i, j, score, n=(n_left, n_right), symmetric=False, capacity=(capacity_left, capacity_right),
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
    prob = prepare(i, j, score, n=(n_members, n_members), symmetric=True, capacity=(capacity, capacity),
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
    prob = prepare(i, j, score, n=n, symmetric=symmetric, capacity=capacity, minimum=(None, None), pins=pins,
                    exclusions=exclusions, threshold=threshold, top_k=top_k, mode="total", cover=(True, True),
                    sides=("left", "left") if symmetric else ("left", "right"))
    return _summarise(prob, _greedy(prob, symmetric), symmetric, "feasible", "greedy", started)
