"""Exact maximum-weight b-matching kernels: arrays in, a mask over the candidate edges out.

Bipartite (manufacturers × providers), ``min_cost_flow_b_matching``: OR-tools min-cost flow.

General graph (anyone ↔ anyone), ``max_weight_b_matching``: the plain MILP, a binary ``x_e`` per candidate
edge, ``Σ_{e∋v} x_e ≤ b_v``, maximise ``Σ w_e x_e``, given to ``scipy.optimize.milp`` (HiGHS). Its LP
relaxation is half-integral with a few odd cycles (~130 fractional edges of 77k at 5,000 members), which
HiGHS closes at the root node. Tightening the LP ourselves with odd-set (blossom) cuts first was tried and
made HiGHS slower, so the model stays plain.

Required units (minimum loads, "everyone gets at least one") are met lexicographically: in the flow, each
required unit earns a bonus larger than all scores together; in the MILP, two solves (first the most required
units, then the most weight at that level), since a big-M weight would let HiGHS's relative gap hide
differences in the score part.
"""

from __future__ import annotations

import logging

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

logger = logging.getLogger(__name__)


def max_weight_b_matching(
    a: np.ndarray, b: np.ndarray, w: np.ndarray, capacity: np.ndarray, *, required: np.ndarray | None = None,
    mip_rel_gap: float = 1e-4, time_limit: float | None = None,
) -> tuple[np.ndarray, str, float]:
    """Edges ``(a[e], b[e])`` to choose so each vertex ``v`` has at most ``capacity[v]`` and the weight is largest.

    With ``required`` (units per vertex), first the most required units are met (a vertex's unit counts when it
    has that many chosen edges), then the weight is maximised at that level. Returns (mask over edges, status,
    gap): status is ``"optimal"`` (proven within ``mip_rel_gap``, HiGHS's default 1e-4) unless HiGHS stopped
    early (time limit); gap is the relative gap HiGHS proved for the weight.
    """
    n, e = capacity.size, w.size
    if e == 0:
        return np.zeros(0, dtype=bool), "optimal", 0.0
    incidence = sparse.csr_array((np.ones(2 * e), (np.concatenate([a, b]), np.tile(np.arange(e), 2))), shape=(n, e))
    options: dict[str, float] = {"mip_rel_gap": mip_rel_gap}
    if time_limit is not None:
        options["time_limit"] = time_limit
    req = np.zeros(0, np.int64) if required is None else np.flatnonzero(required > 0)
    u = req.size
    constraints = [LinearConstraint(sparse.hstack([incidence, sparse.csr_array((n, u))]), -np.inf, capacity)]
    upper = np.concatenate([np.ones(e), required[req] if required is not None else []])
    bounds = Bounds(np.zeros(e + u), upper)
    status = "optimal"
    integrality = np.ones(e + u)
    if u:
        # u_v <= (chosen edges at v): the required units of v that are met. The count is an integer, so the
        # gap must stay below one unit or HiGHS could stop one covered member short.
        constraints.append(LinearConstraint(sparse.hstack([-incidence[req], sparse.eye_array(u)]), -np.inf, 0))
        exact = {**options, "mip_rel_gap": min(mip_rel_gap, 0.5 / float(upper[e:].sum()))}
        first = milp(np.concatenate([np.zeros(e), -np.ones(u)]), integrality=integrality, bounds=bounds,
                     constraints=constraints, options=exact)
        if first.x is None:
            return np.zeros(e, dtype=bool), f"milp: {first.message}", float("nan")
        if first.status != 0:
            status = f"milp: {first.message}"
        met = round(-first.fun)
        constraints.append(LinearConstraint(np.concatenate([np.zeros(e), np.ones(u)])[None, :], met - 0.5, np.inf))
    res = milp(np.concatenate([-w, np.zeros(u)]), integrality=integrality, bounds=bounds, constraints=constraints,
               options=options)
    if res.x is None:
        return np.zeros(e, dtype=bool), f"milp: {res.message}", float("nan")
    if res.status != 0:
        status = f"milp: {res.message}"
    gap = float(getattr(res, "mip_gap", 0.0) or 0.0)
    return res.x[:e] > 0.5, status, gap


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
