"""Introduction solvers on hand-made cases: what staff see (pairs, coverage, worst-off) and the input errors."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pytest
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from benchmarks.assign import synthetic_snippets
from matching.assign import assign_bipartite, greedy_assignment, match_members
from matching.reciprocal import candidate_edges


def arr(*xs: float) -> np.ndarray:
    return np.array(xs)


def pairs(*ps: tuple[int, int]) -> np.ndarray:
    return np.array(ps, dtype=np.int64).reshape(-1, 2)


# Manufacturers A=0, B=1; providers X=0, Y=1. A-X is the single best pair, but taking it strands B and Y.
A_X, B_X, A_Y = (0, 0), (1, 0), (0, 1)
ARCS: dict[str, Any] = dict(i=np.array([0, 1, 0]), j=np.array([0, 0, 1]), score=arr(0.9, 0.5, 0.3))


def test_total_mode_takes_the_best_total_and_reports_who_is_left_out() -> None:
    r = assign_bipartite(**ARCS, n_left=2, n_right=2, capacity_left=1, capacity_right=1)
    assert r.pairs == [(0, 0, 0.9)]
    assert r.objective == pytest.approx(0.9) and r.status == "optimal" and r.solver == "ortools-min-cost-flow"
    assert r.gap == 0.0
    assert (r.n_eligible, r.n_covered, r.coverage) == (4, 2, 0.5)
    assert r.uncovered_left.tolist() == [1] and r.uncovered_right.tolist() == [1]
    assert r.worst_off_best_score == 0.0


def test_coverage_mode_gives_everyone_a_suggestion_before_maximising_score() -> None:
    r = assign_bipartite(**ARCS, n_left=2, n_right=2, capacity_left=1, capacity_right=1, mode="coverage")
    assert sorted(r.pairs) == [(0, 1, 0.3), (1, 0, 0.5)]
    assert r.coverage == 1.0 and r.worst_off_best_score == pytest.approx(0.3)
    # only the manufacturers need covering: A-X alone leaves B out, so B-X + A-Y is still required
    left_only = assign_bipartite(**ARCS, n_left=2, n_right=2, capacity_left=1, capacity_right=1, mode="coverage",
                                 cover="left")
    assert sorted(left_only.pairs) == [(0, 1, 0.3), (1, 0, 0.5)] and left_only.n_eligible == 2


def test_optimal_beats_greedy_where_greedy_blocks_two_good_pairs() -> None:
    greedy = greedy_assignment(**ARCS, n_left=2, n_right=2, capacity_left=1, capacity_right=1)
    assert greedy.objective == pytest.approx(0.9) and np.isnan(greedy.gap) and greedy.solver == "greedy"
    i, j, w = np.array([0, 1, 0]), np.array([0, 0, 1]), arr(0.6, 0.5, 0.5)
    assert assign_bipartite(i, j, w, n_left=2, n_right=2, capacity_left=1, capacity_right=1).objective == 1.0
    assert greedy_assignment(i, j, w, n_left=2, n_right=2, capacity_left=1, capacity_right=1).objective == 0.6


def test_pins_exclusions_threshold_and_capacity() -> None:
    i, j = np.repeat(np.arange(3), 3), np.tile(np.arange(3), 3)
    w = np.linspace(0.1, 0.9, 9)
    r = assign_bipartite(i, j, w, n_left=3, n_right=3, capacity_left=[1, 2, 1], capacity_right=1,
                         pins=pairs((0, 0)), exclusions=pairs((2, 2)), threshold=0.35)
    chosen = {(a, b) for a, b, _ in r.pairs}
    assert (0, 0) in chosen and (2, 2) not in chosen
    assert r.pinned[r.i == 0].all() and r.score[(r.i == 0) & (r.j == 0)][0] == pytest.approx(0.1)
    assert all(s >= 0.35 for a, b, s in r.pairs if (a, b) != (0, 0))
    assert np.bincount(r.i, minlength=3).tolist() <= [1, 2, 1] and np.bincount(r.j).max() <= 1
    assert sorted(chosen) == [(0, 0), (1, 2), (2, 1)]


def test_top_k_keeps_each_members_best_arcs_only() -> None:
    i, j = np.repeat(np.arange(3), 3), np.tile(np.arange(3), 3)
    w = arr(0.9, 0.8, 0.1, 0.85, 0.2, 0.3, 0.4, 0.35, 0.5)
    r = assign_bipartite(i, j, w, n_left=3, n_right=3, capacity_left=1, capacity_right=1, top_k=1)
    best = {(0, 0), (1, 0), (2, 2), (0, 1)}  # each member's single best arc, from either side
    assert {(a, b) for a, b, _ in r.pairs} <= best
    assert sorted((a, b) for a, b, _ in r.pairs) == [(0, 1), (1, 0), (2, 2)]


@pytest.mark.parametrize("k", [1, 2, 3])
def test_top_k_equals_solving_on_the_kept_arcs(k: int) -> None:
    rng = np.random.default_rng(k)
    i, j = np.repeat(np.arange(5), 6), np.tile(np.arange(6), 5)
    w = rng.permutation(30) / 30
    keep = set()
    for end, n in ((i, 5), (j, 6)):
        for m in range(n):
            arcs = np.flatnonzero(end == m)
            keep |= set(arcs[np.argsort(-w[arcs])[:k]].tolist())
    sub = np.array(sorted(keep))
    caps: dict[str, Any] = dict(n_left=5, n_right=6, capacity_left=2, capacity_right=1)
    r = assign_bipartite(i, j, w, top_k=k, **caps)
    expected = assign_bipartite(i[sub], j[sub], w[sub], **caps)
    assert r.pairs == expected.pairs
    assert r.objective <= assign_bipartite(i, j, w, **caps).objective


def test_minimum_loads_are_met_when_feasible_and_shortfall_reported_otherwise() -> None:
    i, j, w = np.array([0, 0, 1]), np.array([0, 1, 1]), arr(0.9, 0.2, 0.8)
    r = assign_bipartite(i, j, w, n_left=2, n_right=2, capacity_left=2, capacity_right=1, min_left=[2, 0])
    assert sorted((a, b) for a, b, _ in r.pairs) == [(0, 0), (0, 1)] and r.min_shortfall == 0
    short = assign_bipartite(i, j, w, n_left=2, n_right=2, capacity_left=2, capacity_right=1, min_left=[2, 1])
    assert short.min_shortfall == 1  # member 0 and 1 both need provider 1, who takes one introduction


def test_member_matching_on_a_triangle_with_a_pendant() -> None:
    # 0-1-2 triangle (heavy), 3 hangs off 2; capacity 1: the best is 0-1 + 2-3
    i, j, w = np.array([0, 1, 2, 3]), np.array([1, 2, 0, 2]), arr(0.9, 0.8, 0.7, 0.4)
    r = match_members(i, j, w, n_members=4, capacity=1)
    assert r.pairs == [(0, 1, 0.9), (2, 3, 0.4)] and r.coverage == 1.0 and r.solver == "scipy-milp-highs"
    assert 0.0 <= r.gap <= 1e-4
    g = greedy_assignment(i, j, w, n_left=4, capacity_left=1)
    assert g.objective == pytest.approx(1.3)
    # capacity 2: the whole triangle (2.4) leaves 3 out; coverage mode trades 2-0 for 2-3
    r2 = match_members(i, j, w, n_members=4, capacity=2)
    assert r2.objective == pytest.approx(2.4) and r2.uncovered.tolist() == [3] and r2.coverage == 0.75
    r3 = match_members(i, j, w, n_members=4, capacity=2, mode="coverage")
    assert r3.pairs == [(0, 1, 0.9), (1, 2, 0.8), (2, 3, 0.4)] and r3.coverage == 1.0
    assert r3.worst_off_best_score == pytest.approx(0.4)


def test_member_coverage_mode_and_pins() -> None:
    i, j, w = np.array([0, 0, 1, 2]), np.array([1, 2, 2, 3]), arr(0.9, 0.1, 0.8, 0.2)
    total = match_members(i, j, w, n_members=4, capacity=1)
    assert total.pairs == [(0, 1, 0.9), (2, 3, 0.2)]
    pinned = match_members(i, j, w, n_members=4, capacity=1, pins=pairs((2, 1)))  # given the other way round
    assert pinned.pairs == [(1, 2, 0.8)] and pinned.pinned.tolist() == [True]
    # 0 and 3 only had candidates whose capacity the pin used up: not eligible, so not counted as uncovered
    assert pinned.n_eligible == 2 and pinned.coverage == 1.0 and pinned.uncovered.tolist() == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(score=arr(0.5, 0.4)), "one length"),
        (dict(capacity_left=[1, -1]), r"capacity_left\[1\] is negative"),
        (dict(capacity_right=[1, 1, 1]), r"capacity_right must be a scalar or have shape \(2,\)"),
        (dict(pins=pairs((0, 1)), exclusions=pairs((0, 1))), r"pin \(0, 1\) is also excluded"),
        (dict(pins=pairs((0, 0), (0, 1))), r"left member 0 has 2 pins but capacity_left\[0\] = 1"),
        (dict(i=np.array([0, 0, 5])), r"outside \[0, 2\)"),
        (dict(i=np.array([0, 0, 0]), j=np.array([0, 1, 1])), r"pair \(0, 1\) more than once"),
        (dict(score=arr(0.5, np.nan, 0.1)), r"score\[1\] is not a finite number"),
        (dict(min_left=[2, 0]), r"min_left\[0\] = 2 exceeds capacity_left\[0\] = 1"),
        (dict(scale=0), "scale must be positive"),
        (dict(mode="fair"), "mode must be"),
        (dict(exclusions=np.array([[0, 1, 2]])), r"exclusions must be an integer array of shape \(m, 2\)"),
    ],
)
def test_bad_bipartite_input_is_named(kwargs: dict, message: str) -> None:
    args: dict[str, Any] = dict(ARCS, n_left=2, n_right=2, capacity_left=1, capacity_right=1)
    with pytest.raises(ValueError, match=message):
        assign_bipartite(**{**args, **kwargs})


def test_bad_member_input_is_named() -> None:
    i, j, w = np.array([0, 1]), np.array([1, 0]), arr(0.5, 0.6)
    with pytest.raises(ValueError, match=r"pair \(0, 1\) more than once"):
        match_members(i, j, w, n_members=2, capacity=1)
    with pytest.raises(ValueError, match="pairs member 1 with itself"):
        match_members(np.array([1]), np.array([1]), arr(0.5), n_members=2, capacity=1)
    with pytest.raises(ValueError, match=r"pin \(0, 1\) is also excluded"):
        match_members(i[:1], j[:1], w[:1], n_members=2, capacity=1, pins=pairs((1, 0)), exclusions=pairs((0, 1)))
    with pytest.raises(ValueError, match=r"minimum\[1\] is negative"):
        match_members(i[:1], j[:1], w[:1], n_members=2, capacity=1, minimum=[0, -2])
    with pytest.raises(ValueError, match=r"member 1 has 2 pins but capacity\[1\] = 1"):
        match_members(i[:1], j[:1], w[:1], n_members=3, capacity=1, pins=pairs((0, 1), (1, 2)))


def test_empty_problem() -> None:
    r = match_members(np.zeros(0, int), np.zeros(0, int), np.zeros(0), n_members=3, capacity=2)
    assert r.pairs == [] and r.n_eligible == 0 and np.isnan(r.coverage) and r.status == "optimal"


def _reference_milp(i: np.ndarray, j: np.ndarray, w: np.ndarray, n: int, capacity: int) -> tuple[float, int]:
    """Plain HiGHS MILP with no gap: (best total, most members covered), written independently of the solver."""
    edges = np.tile(np.arange(w.size), 2)
    incidence = sparse.csr_array((np.ones(2 * w.size), (np.r_[i, j], edges)), shape=(n, w.size))
    cap = LinearConstraint(incidence, -np.inf, capacity)
    total = milp(-w, integrality=np.ones(w.size), bounds=Bounds(0, 1), constraints=[cap], options={"mip_rel_gap": 0})
    # coverage: y_v <= sum of v's edges, maximise sum y
    link = LinearConstraint(sparse.hstack([-incidence, sparse.eye_array(n)]), -np.inf, 0)
    cap_x = LinearConstraint(sparse.hstack([incidence, sparse.csr_array((n, n))]), -np.inf, capacity)
    cover = milp(np.r_[np.zeros(w.size), -np.ones(n)], integrality=np.ones(w.size + n), bounds=Bounds(0, 1),
                 constraints=[cap_x, link], options={"mip_rel_gap": 0})
    return -total.fun, round(-cover.fun)


@pytest.mark.parametrize("gap", [1e-3, 0.0])
def test_member_matching_on_a_clustered_instance_matches_a_plain_milp(
    gap: float, caplog: pytest.LogCaptureFixture
) -> None:
    need_v, need_o, offer_v, offer_o = synthetic_snippets(300, seed=1)
    e = candidate_edges(need_v, need_o, offer_v, offer_o, n_members=300, k=10)
    incidence = sparse.csr_array((np.ones(2 * len(e)), (np.r_[e.i, e.j], np.tile(np.arange(len(e)), 2))))
    lp = milp(-e.score, integrality=np.zeros(len(e)), bounds=Bounds(0, 1),
              constraints=[LinearConstraint(incidence, -np.inf, 2)])
    assert np.any(np.abs(lp.x - np.round(lp.x)) > 1e-6), "instance should have odd cycles in its LP"
    best, most_covered = _reference_milp(e.i, e.j, e.score, 300, 2)
    with caplog.at_level(logging.DEBUG, logger="matching.bmatching"):
        r = match_members(e.i, e.j, e.score, n_members=300, capacity=2, mip_rel_gap=gap)
    # gap 1e-3: proven on the LP-guided neighbourhood; gap 0: that proof fails and the full MILP decides
    assert ("full MILP" in caplog.text) == (gap == 0.0)
    assert best * (1 - gap) - 1e-9 <= r.objective <= best + 1e-9 and r.gap <= gap + 1e-12
    assert np.bincount(np.r_[r.i, r.j], minlength=300).max() <= 2
    covered = match_members(e.i, e.j, e.score, n_members=300, capacity=2, mode="coverage", mip_rel_gap=gap)
    assert covered.n_covered == most_covered and covered.objective <= r.objective + 1e-9
