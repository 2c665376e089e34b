"""Property tests: both introduction solvers against brute force (tiny) and an independent MILP (bigger)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from matching.assign import AssignmentResult, BipartiteAssignment, MemberMatching, assign_bipartite, match_members

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass
class Instance:
    n: tuple[int, int]
    a: np.ndarray
    b: np.ndarray
    w: np.ndarray
    cap: tuple[np.ndarray, np.ndarray]
    pins: np.ndarray
    excl: np.ndarray
    threshold: float
    symmetric: bool

    def key(self, x: int, y: int) -> tuple[int, int]:
        return (min(x, y), max(x, y)) if self.symmetric else (x, y)

    def canon(self, pairs: np.ndarray) -> set[tuple[int, int]]:
        return {self.key(x, y) for x, y in pairs.tolist()}

    def solve(self, mode: str = "total") -> AssignmentResult:
        common: dict[str, Any] = dict(pins=self.pins, exclusions=self.excl, threshold=self.threshold, mode=mode)
        if self.symmetric:
            return match_members(self.a, self.b, self.w, n_members=self.n[0], capacity=self.cap[0], **common)
        return assign_bipartite(self.a, self.b, self.w, n_left=self.n[0], n_right=self.n[1],
                                capacity_left=self.cap[0], capacity_right=self.cap[1], **common)


@st.composite
def instances(draw: st.DrawFn, symmetric: bool, max_arcs: int = 10, max_side: int = 5) -> Instance:
    """Small dense instances with tight capacities (mostly 1), so greedy and coverage choices really conflict."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_l = draw(st.integers(3, max_side + 1) if symmetric else st.integers(2, max_side))
    n_r = n_l if symmetric else draw(st.integers(2, max_side))
    pairs = np.array([(x, y) for x in range(n_l) for y in range(n_r) if not symmetric or x < y])
    size = min(max_arcs, round(draw(st.sampled_from([0.5, 0.8, 1.0])) * len(pairs)))
    arcs = pairs[rng.permutation(len(pairs))[:size]]
    if symmetric:  # either orientation may be given
        flip = rng.random(size) < 0.5
        arcs[flip] = arcs[flip][:, ::-1]
    w = rng.integers(0, 101, size) / 100
    cap_l = rng.choice([0, 1, 1, 1, 1, 2, 2, 3], n_l)
    cap_r = cap_l if symmetric else rng.choice([0, 1, 1, 1, 1, 2, 2, 3], n_r)
    excl = pairs[rng.permutation(len(pairs))[: rng.integers(0, 3)]]
    excluded = {tuple(p) for p in excl.tolist()}
    pins, load = [], [np.zeros(n_l, int), np.zeros(n_r, int)]
    for x, y in pairs[rng.permutation(len(pairs))[: rng.integers(0, 3)]].tolist():
        ly = load[0] if symmetric else load[1]
        if (x, y) in excluded or load[0][x] + 1 > cap_l[x] or ly[y] + 1 + (symmetric and x == y) > cap_r[y]:
            continue
        load[0][x] += 1
        ly[y] += 1
        pins.append((x, y) if rng.random() < 0.5 or not symmetric else (y, x))
    threshold = draw(st.sampled_from([0.0, 0.0, 0.25]))
    return Instance((n_l, n_r), arcs[:, 0].astype(np.int64), arcs[:, 1].astype(np.int64), w, (cap_l, cap_r),
                    np.array(pins, np.int64).reshape(-1, 2), excl.astype(np.int64).reshape(-1, 2), threshold, symmetric)


def brute_force(inst: Instance) -> tuple[float, int, float, int]:
    """(best total, most covered members, best total at that coverage, coverable members) by enumeration."""
    pins = inst.canon(inst.pins)
    arcs = [(inst.key(x, y), s) for x, y, s in zip(inst.a.tolist(), inst.b.tolist(), inst.w.tolist(), strict=True)]
    score = dict(arcs)
    free = [(p, s) for p, s in arcs if p not in pins and p not in inst.canon(inst.excl) and s >= inst.threshold]
    best_total, best_cov, coverable = -1.0, (-1, -1.0), set()
    for mask in itertools.product([0, 1], repeat=len(free)):
        chosen = [p for (p, _), m in zip(free, mask, strict=True) if m] + sorted(pins)
        loads = [np.zeros(inst.n[0], int), np.zeros(inst.n[1], int)]
        for x, y in chosen:
            loads[0][x] += 1
            loads[0 if inst.symmetric else 1][y] += 1
        if any(np.any(loads[s] > inst.cap[s]) for s in (0, 1)):
            continue
        total = sum(score.get(p, 0.0) for p in chosen)
        covered = {(0, x) for x, _ in chosen} | {(0 if inst.symmetric else 1, y) for _, y in chosen}
        coverable |= covered
        best_total = max(best_total, total)
        best_cov = max(best_cov, (len(covered), total))
    return best_total, best_cov[0], best_cov[1], len(coverable)


def check_rules(inst: Instance, r: AssignmentResult) -> None:
    """Capacity, exclusions, pins, threshold and arc membership, checked from the raw pairs."""
    pairs = np.column_stack([r.i, r.j])
    chosen = inst.canon(pairs)
    assert len(chosen) == len(pairs), "a pair was suggested twice"
    if inst.symmetric:
        load = np.bincount(np.concatenate([r.i, r.j]), minlength=inst.n[0])
        assert np.all(load <= inst.cap[0])
    else:
        assert np.all(np.bincount(r.i, minlength=inst.n[0]) <= inst.cap[0])
        assert np.all(np.bincount(r.j, minlength=inst.n[1]) <= inst.cap[1])
    assert not chosen & inst.canon(inst.excl)
    assert inst.canon(inst.pins) <= chosen
    assert set(inst.canon(pairs[r.pinned])) == inst.canon(inst.pins)
    arcs = {inst.key(x, y): s for x, y, s in zip(inst.a.tolist(), inst.b.tolist(), inst.w.tolist(), strict=True)}
    for (x, y), s, pinned in zip(pairs.tolist(), r.score.tolist(), r.pinned.tolist(), strict=True):
        key = inst.key(x, y)
        assert s == arcs.get(key, 0.0)
        if not pinned:
            assert key in arcs and s >= inst.threshold
    assert np.isclose(r.objective, r.score.sum())
    assert r.status == "optimal"


@SETTINGS
@given(inst=st.one_of(instances(symmetric=False), instances(symmetric=True)))
def test_total_mode_is_feasible_and_optimal(inst: Instance) -> None:
    r = inst.solve()
    check_rules(inst, r)
    best_total, _, _, coverable = brute_force(inst)
    assert np.isclose(r.objective, best_total)
    assert r.n_eligible == coverable


@SETTINGS
@given(inst=st.one_of(instances(symmetric=False), instances(symmetric=True)))
def test_coverage_mode_covers_everyone_it_can_then_maximises_score(inst: Instance) -> None:
    r = inst.solve("coverage")
    check_rules(inst, r)
    _, most_covered, best_at_coverage, coverable = brute_force(inst)
    assert r.n_covered == most_covered and r.n_eligible == coverable
    assert np.isclose(r.objective, best_at_coverage)
    if most_covered == coverable:  # everyone can get one: everyone does
        assert coverable == 0 or r.coverage == 1.0
        if isinstance(r, MemberMatching):
            assert r.uncovered.size == 0
        else:
            assert isinstance(r, BipartiteAssignment) and r.uncovered_left.size + r.uncovered_right.size == 0
    best: dict[tuple[int, int], float] = {}
    for x, y, s in zip(r.i.tolist(), r.j.tolist(), r.score.tolist(), strict=True):
        for m in ((0, x), (0 if inst.symmetric else 1, y)):
            best[m] = max(best.get(m, 0.0), s)
    if coverable:
        assert np.isclose(r.worst_off_best_score, min(best.values()) if r.coverage == 1.0 else 0.0)


@SETTINGS
@given(inst=st.one_of(instances(symmetric=False), instances(symmetric=True)))
def test_solutions_are_deterministic(inst: Instance) -> None:
    first, second = inst.solve(), inst.solve()
    for field in ("i", "j", "score", "pinned"):
        assert np.array_equal(getattr(first, field), getattr(second, field))


def reference_bipartite(inst: Instance) -> float:
    """Independent MILP for the bipartite problem: pins forced to 1, excluded and below-threshold arcs absent."""
    pins, excl = inst.canon(inst.pins), inst.canon(inst.excl)
    score = dict(zip(zip(inst.a.tolist(), inst.b.tolist(), strict=True), inst.w.tolist(), strict=True))
    free = [p for p, s in score.items() if p not in excl and p not in pins and s >= inst.threshold]
    pairs = free + sorted(pins)
    if not pairs:
        return 0.0
    a, b = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    w = np.array([score.get(p, 0.0) for p in pairs])
    lower = np.r_[np.zeros(len(free)), np.ones(len(pins))]
    rows = [sparse.csr_array((np.ones(a.size), (a, np.arange(a.size))), shape=(inst.n[0], a.size)),
            sparse.csr_array((np.ones(b.size), (b, np.arange(b.size))), shape=(inst.n[1], b.size))]
    cons = [LinearConstraint(rows[0], -np.inf, inst.cap[0]), LinearConstraint(rows[1], -np.inf, inst.cap[1])]
    res = milp(-w, integrality=np.ones(a.size), bounds=Bounds(lower, np.ones(a.size)), constraints=cons)
    assert res.status == 0
    return float(-res.fun)


@settings(max_examples=25, deadline=None)
@given(inst=instances(symmetric=False, max_arcs=60, max_side=9))
def test_min_cost_flow_matches_an_independent_milp(inst: Instance) -> None:
    r = inst.solve()
    check_rules(inst, r)
    assert np.isclose(r.objective, reference_bipartite(inst))
