"""Exact maximum-weight b-matching on a general graph (anyone ↔ anyone introductions), solved with HiGHS.

The model is the plain MILP: a binary ``x_e`` per candidate edge, ``Σ_{e∋v} x_e ≤ b_v``, maximise ``Σ w_e x_e``,
given to ``scipy.optimize.milp``. Its LP relaxation is half-integral with a few odd cycles (~130 fractional
edges of 77k at 5,000 members), which HiGHS closes at the root node. Tightening the LP ourselves with
odd-set (blossom) cuts first was tried and made HiGHS slower, so the model stays plain.

Required units (minimum loads, "everyone gets at least one") are met lexicographically with two solves: first
the most required units, then the most weight at that level. A single weighted objective would need a big-M
weight, and HiGHS's relative gap would then hide differences in the score part.
"""

from __future__ import annotations

import logging

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

logger = logging.getLogger(__name__)


def max_weight_b_matching(
    a: np.ndarray, b: np.ndarray, w: np.ndarray, capacity: np.ndarray, *, required: np.ndarray | None = None,
    mip_rel_gap: float = 1e-6, time_limit: float | None = None,
) -> tuple[np.ndarray, str]:
    """Edges ``(a[e], b[e])`` to choose so each vertex ``v`` has at most ``capacity[v]`` and the weight is largest.

    With ``required`` (units per vertex), first the most required units are met (a vertex's unit counts when it
    has that many chosen edges), then the weight is maximised at that level. Returns (mask over edges, status);
    status is ``"optimal"`` unless HiGHS stopped early (time limit).
    """
    n, e = capacity.size, w.size
    if e == 0:
        return np.zeros(0, dtype=bool), "optimal"
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
        # u_v <= (chosen edges at v): the required units of v that are met
        constraints.append(LinearConstraint(sparse.hstack([-incidence[req], sparse.eye_array(u)]), -np.inf, 0))
        first = milp(np.concatenate([np.zeros(e), -np.ones(u)]), integrality=integrality, bounds=bounds,
                     constraints=constraints, options=options)
        if first.x is None:
            return np.zeros(e, dtype=bool), f"milp: {first.message}"
        if first.status != 0:
            status = f"milp: {first.message}"
        met = round(-first.fun)
        constraints.append(LinearConstraint(np.concatenate([np.zeros(e), np.ones(u)])[None, :], met - 0.5, np.inf))
    res = milp(np.concatenate([-w, np.zeros(u)]), integrality=integrality, bounds=bounds, constraints=constraints,
               options=options)
    if res.x is None:
        return np.zeros(e, dtype=bool), f"milp: {res.message}"
    if res.status != 0:
        status = f"milp: {res.message}"
    return res.x[:e] > 0.5, status
