"""Exact maximum-weight b-matching kernels: arrays in, a mask over the candidate edges out.

Bipartite (manufacturers × providers), ``min_cost_flow_b_matching``: OR-tools min-cost flow.

General graph (anyone ↔ anyone), ``max_weight_b_matching``: the MILP with a binary ``x_e`` per candidate edge,
``Σ_{e∋v} x_e ≤ b_v``, maximise ``Σ w_e x_e``, solved with ``scipy.optimize.milp`` (HiGHS). Handed over whole
it is slow (10–50 s at 5,000 members): the bound is tight at once, but HiGHS's heuristics need most of that
time to find a matching good enough to prove it. We help it where it struggles:

1. Solve the LP relaxation. It is half-integral with a few odd cycles (~130 fractional edges of 77k).
2. Keep every edge whose endpoints are both near a fractional edge (within one hop) free, fix all other edges
   at their LP value (0 or 1), and solve that much smaller MILP (~13k edges): a full matching.
3. The LP optimum bounds every matching, so if this one is within ``mip_rel_gap`` of it (or the objective is
   an integer count and the gap is below 1), it is optimal in exactly the sense HiGHS's own answer would be.
   Otherwise the full MILP is solved. (Odd-set cuts to tighten the LP were tried too: no faster.)

Required units (minimum loads, "everyone gets at least one") are met lexicographically: in the flow, each
required unit earns a bonus larger than all scores together; in the MILP, two solves (first the most required
units, then the most weight at that level), since a big-M weight would let HiGHS's relative gap hide
differences in the score part.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

logger = logging.getLogger(__name__)

_TOL = 1e-6


@dataclass
class _Model:
    """maximise ``c @ z`` s.t. ``lower <= rows @ z <= upper``, ``0 <= z <= ub``, z integer; ``owner`` maps each
    variable to its vertices (sparse, variables × vertices) and ``adjacency`` is the graph (vertices × vertices)."""

    c: np.ndarray
    rows: sparse.csr_array
    lower: np.ndarray
    upper: np.ndarray
    ub: np.ndarray
    owner: sparse.csr_array
    adjacency: sparse.csr_array


def _milp(
    m: _Model, free: np.ndarray, fixed: np.ndarray, options: dict[str, float]
) -> tuple[np.ndarray | None, str, float]:
    """Solve with the variables outside ``free`` fixed at ``fixed``: (solution or None, message, HiGHS's gap)."""
    shift = m.rows[:, ~free] @ fixed[~free]
    res = milp(-m.c[free], integrality=np.ones(int(free.sum())), bounds=Bounds(0, m.ub[free]),
               constraints=[LinearConstraint(m.rows[:, free], m.lower - shift, m.upper - shift)], options=options)
    if res.x is None:
        return None, str(res.message), float("nan")
    z = fixed.copy()
    z[free] = np.round(res.x)
    return z, "optimal" if res.status == 0 else f"milp: {res.message}", float(getattr(res, "mip_gap", 0.0) or 0.0)


def _solve(m: _Model, options: dict[str, float], integral_objective: bool) -> tuple[np.ndarray | None, str, float]:
    """LP bound, then the LP-guided neighbourhood MILP, then (only if that is not provably optimal) the full MILP."""
    everything = np.ones(m.c.size, dtype=bool)
    lp = milp(-m.c, integrality=np.zeros(m.c.size), bounds=Bounds(0, m.ub),
              constraints=[LinearConstraint(m.rows, m.lower, m.upper)], options=options)
    if lp.x is None:
        return _milp(m, everything, np.zeros(m.c.size), options)
    bound = float(m.c @ lp.x)
    if integral_objective:  # a count: the proof must be below one unit, whatever the relative gap
        options = {**options, "mip_rel_gap": min(options["mip_rel_gap"], 0.5 / max(abs(bound), 1.0))}
    tolerance = 1 - _TOL if integral_objective else options["mip_rel_gap"] * abs(bound)
    fractional = np.abs(lp.x - np.round(lp.x)) > _TOL
    if not fractional.any():
        return np.round(lp.x), "optimal", 0.0
    seeds = (m.owner[fractional].sum(axis=0) > 0).astype(float)
    near = (seeds + m.adjacency @ seeds) > 0
    free = (m.owner @ (~near).astype(float) == 0) | fractional
    z, message, _ = _milp(m, free, np.round(lp.x), options)
    if z is not None and message == "optimal" and bound - float(m.c @ z) <= tolerance:
        logger.debug("b-matching: proven on a neighbourhood of %d of %d variables", int(free.sum()), m.c.size)
        return z, message, max(bound - float(m.c @ z), 0.0) / max(abs(bound), 1e-12)
    logger.debug("b-matching: neighbourhood (%d of %d variables) not proven optimal: full MILP",
                 int(free.sum()), m.c.size)
    return _milp(m, everything, np.zeros(m.c.size), options)


def max_weight_b_matching(
    a: np.ndarray, b: np.ndarray, w: np.ndarray, capacity: np.ndarray, *, required: np.ndarray | None = None,
    mip_rel_gap: float = 1e-4, time_limit: float | None = None,
) -> tuple[np.ndarray, str, float]:
    """Edges ``(a[e], b[e])`` to choose so each vertex ``v`` has at most ``capacity[v]`` and the weight is largest.

    With ``required`` (units per vertex), first the most required units are met (a vertex's unit counts when it
    has that many chosen edges), then the weight is maximised at that level. Returns (mask over edges, status,
    gap): status is ``"optimal"`` (proven within ``mip_rel_gap`` of the LP bound; 1e-4 is HiGHS's default)
    unless HiGHS stopped early (time limit); gap is the proven relative gap of the weight.
    """
    n, e = capacity.size, w.size
    if e == 0:
        return np.zeros(0, dtype=bool), "optimal", 0.0
    ends = np.concatenate([a, b])
    incidence = sparse.csr_array((np.ones(2 * e), (ends, np.tile(np.arange(e), 2))), shape=(n, e))
    adjacency = sparse.csr_array((np.ones(2 * e), (ends, np.concatenate([b, a]))), shape=(n, n))
    options: dict[str, float] = {"mip_rel_gap": mip_rel_gap}
    if time_limit is not None:
        options["time_limit"] = time_limit
    req = np.zeros(0, np.int64) if required is None else np.flatnonzero(required > 0)
    u = req.size
    rows = sparse.hstack([incidence, sparse.csr_array((n, u))])
    lower, upper = np.full(n, -np.inf), capacity.astype(float)
    ub = np.concatenate([np.ones(e), required[req] if required is not None else []])
    owner = sparse.vstack([incidence.T, sparse.csr_array((np.ones(u), (np.arange(u), req)), shape=(u, n))]).tocsr()
    status = "optimal"
    if u:
        # u_v <= (chosen edges at v): the required units of v that are met
        rows = sparse.vstack([rows, sparse.hstack([-incidence[req], sparse.eye_array(u)])])
        lower, upper = np.r_[lower, np.full(u, -np.inf)], np.r_[upper, np.zeros(u)]
        first = _Model(np.r_[np.zeros(e), np.ones(u)], rows.tocsr(), lower, upper, ub, owner, adjacency)
        z, status, _ = _solve(first, options, integral_objective=True)
        if z is None:
            return np.zeros(e, dtype=bool), f"milp: {status}", float("nan")
        rows = sparse.vstack([rows, sparse.csr_array(np.r_[np.zeros(e), np.ones(u)][None, :])])
        lower, upper = np.r_[lower, z[e:].sum() - 0.5], np.r_[upper, np.inf]
    second = _Model(np.r_[w, np.zeros(u)], sparse.csr_array(rows), lower, upper, ub, owner, adjacency)
    z, message, gap = _solve(second, options, integral_objective=False)
    if z is None:
        return np.zeros(e, dtype=bool), f"milp: {message}", float("nan")
    return z[:e] > 0.5, status if message == "optimal" else message, gap


def min_cost_flow_b_matching(
    fa: np.ndarray, fb: np.ndarray, fw: np.ndarray, cap_l: np.ndarray, cap_r: np.ndarray, *,
    required: tuple[np.ndarray, np.ndarray], scale: float = 10_000,
) -> tuple[np.ndarray, str, float]:
    """Bipartite max-weight b-matching: arcs ``fa[e]`` (left) → ``fb[e]`` (right), at most ``cap`` per node.

    Min-cost flow (OR-tools ``SimpleMinCostFlow``, arcs added from numpy arrays), cost = -round(w·scale).
    Source → left and right → sink arcs are split into the ``required`` units, which earn a bonus larger
    than all scores together (so the most required units are met first, exactly), and the rest; a
    zero-cost source → sink bypass lets flow skip unprofitable arcs. Returns (mask over arcs, status, gap): the
    flow is exactly optimal for the rounded costs, so the gap is 0.
    """
    n_l, n_r = cap_l.size, cap_r.size
    cost = -np.round(fw * scale).astype(np.int64)
    bonus = int(np.abs(cost).sum()) + 1  # one required unit outweighs all scores together: lexicographic goals
    source, sink = 0, n_l + n_r + 1
    left, right = np.arange(1, n_l + 1), np.arange(n_l + 1, n_l + n_r + 1)
    need_l, need_r = required
    supply = int(cap_l.sum())
    flow = min_cost_flow.SimpleMinCostFlow()
    pair_ids = flow.add_arcs_with_capacity_and_unit_cost(
        (fa + 1).astype(np.int32), (fb + n_l + 1).astype(np.int32), np.ones(fa.size, np.int64), cost
    )
    # source → left and right → sink, split into required units (bonus) and the rest; plus a bypass arc
    tails = np.concatenate([[source] * 2 * n_l, right, right, [source]]).astype(np.int32)
    heads = np.concatenate([left, left, [sink] * 2 * n_r, [sink]]).astype(np.int32)
    caps = np.concatenate([need_l, cap_l - need_l, need_r, cap_r - need_r, [supply]]).astype(np.int64)
    costs = np.concatenate([[-bonus] * n_l, [0] * n_l, [-bonus] * n_r, [0] * n_r, [0]]).astype(np.int64)
    used = caps > 0
    flow.add_arcs_with_capacity_and_unit_cost(tails[used], heads[used], caps[used], costs[used])
    flow.set_nodes_supplies(np.array([source, sink], np.int32), np.array([supply, -supply], np.int64))
    status = flow.solve()
    if status == flow.BAD_COST_RANGE:
        raise ValueError(f"scores too large for integer costs at scale={scale}: use a smaller scale")
    if status != flow.OPTIMAL:
        return np.zeros(fa.size, dtype=bool), f"flow status {status}", float("nan")
    return np.asarray(flow.flows(np.asarray(pair_ids))) > 0, "optimal", 0.0
