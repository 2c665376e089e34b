"""Speed and quality figures for the introduction solvers on synthetic clusters (``run_assignment_bench``).

Members get topic-clustered need/offer snippet vectors (so scores have the community structure of a real
cluster, not uniform noise). Figures: candidate-graph time, solver time, violations (must be 0), coverage,
worst-off member's best score, and greedy vs optimal total score on the same instance.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from matching.assign import AssignmentResult, Mode, assign_bipartite, greedy_assignment, match_members
from matching.reciprocal import candidate_edges

logger = logging.getLogger(__name__)


def synthetic_snippets(
    n_members: int, *, dim: int = 384, topics: int = 60, needs: float = 2.0, offers: float = 3.0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Need/offer unit vectors around shared topics; snippet counts ~ 1 + Poisson(mean - 1) per member."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(topics, dim)).astype(np.float32)
    member_topics = rng.integers(0, topics, size=(n_members, 3))

    def snippets(mean: float) -> tuple[np.ndarray, np.ndarray]:
        owner = np.repeat(np.arange(n_members), 1 + rng.poisson(max(mean - 1, 0), n_members))
        topic = member_topics[owner, rng.integers(0, 3, owner.size)]
        vec = centres[topic] + rng.normal(scale=1.2, size=(owner.size, dim)).astype(np.float32)
        return vec / np.linalg.norm(vec, axis=1, keepdims=True), owner

    need_v, need_o = snippets(needs)
    offer_v, offer_o = snippets(offers)
    return need_v, need_o, offer_v, offer_o


def violations(result: AssignmentResult, *, capacity: tuple[np.ndarray, np.ndarray], exclusions: np.ndarray,
               pins: np.ndarray, symmetric: bool) -> dict[str, int]:
    """Count broken rules in a result, independently of the solver: capacity, exclusions, missing pins."""
    n_i, n_j = capacity[0].size, capacity[1].size
    if symmetric:
        load = np.bincount(np.concatenate([result.i, result.j]), minlength=n_i)
        over = int(np.maximum(load - capacity[0], 0).sum())
        key = np.minimum(result.i, result.j) * n_i + np.maximum(result.i, result.j)
        canon = lambda p: np.minimum(p[:, 0], p[:, 1]) * n_i + np.maximum(p[:, 0], p[:, 1])  # noqa: E731
    else:
        over = int(np.maximum(np.bincount(result.i, minlength=n_i) - capacity[0], 0).sum())
        over += int(np.maximum(np.bincount(result.j, minlength=n_j) - capacity[1], 0).sum())
        key = result.i * n_j + result.j
        canon = lambda p: p[:, 0] * n_j + p[:, 1]  # noqa: E731
    return {
        "capacity": over,
        "exclusion": int(np.isin(key, canon(exclusions)).sum()),
        "missing_pin": int((~np.isin(canon(pins), key)).sum()),
        "duplicate": int(key.size - np.unique(key).size),
    }


def _figures(result: AssignmentResult, broken: dict[str, int], cpu: float) -> dict[str, Any]:
    return {
        "seconds": round(result.seconds, 4),
        "cpu_seconds": round(cpu, 4),
        "status": result.status,
        "gap": result.gap,
        "pairs": int(result.i.size),
        "objective": round(result.objective, 4),
        "violations": broken,
        "coverage": round(result.coverage, 4),
        "worst_off_best_score": round(result.worst_off_best_score, 4),
    }


def _timed(solve: Callable[[], AssignmentResult]) -> tuple[AssignmentResult, float]:
    started = time.process_time()
    result = solve()
    return result, time.process_time() - started


def _pins_and_exclusions(rng: np.random.Generator, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """1 % of candidate pairs excluded; 10 staff pins among the others, no member pinned twice."""
    excluded = rng.random(i.size) < 0.01
    pins: list[tuple[int, int]] = []
    seen: set[tuple[int, int]] = set()
    for k in rng.permutation(np.flatnonzero(~excluded)).tolist():
        a, b = (0, int(i[k])), (1, int(j[k]))
        if a not in seen and b not in seen and len(pins) < 10:
            pins.append((int(i[k]), int(j[k])))
            seen |= {a, b, (0, int(j[k])), (1, int(i[k]))}
    return np.array(pins, np.int64).reshape(-1, 2), np.column_stack([i[excluded], j[excluded]])


def _compare(solve: Callable[[Mode], AssignmentResult], greedy: Callable[[], AssignmentResult],
             check: Callable[[AssignmentResult], dict[str, int]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    modes: tuple[Mode, ...] = ("total", "coverage")
    for mode in modes:
        started = time.process_time()
        result = solve(mode)
        out[mode] = _figures(result, check(result), time.process_time() - started)
    base, cpu = _timed(greedy)
    out["greedy"] = _figures(base, check(base), cpu)
    optimum = out["total"]["objective"]
    out["greedy_to_optimal"] = round(base.objective / optimum, 4) if optimum else float("nan")
    out["coverage_mode_to_optimal"] = round(out["coverage"]["objective"] / optimum, 4) if optimum else float("nan")
    return out


def bench_bipartite(n_left: int = 1000, n_right: int = 2000, *, capacity: int = 2, top_k: int = 50,
                    seed: int = 0) -> dict[str, Any]:
    """Manufacturers × providers from the reciprocal candidate graph; 1 % of arcs excluded, 10 pins."""
    rng = np.random.default_rng(seed)
    n = n_left + n_right
    need_v, need_o, offer_v, offer_o = synthetic_snippets(n, seed=seed)
    started, cpu = time.perf_counter(), time.process_time()
    left = np.arange(n) < n_left
    e = candidate_edges(need_v, need_o, offer_v, offer_o, n_members=n, k=top_k, left=left, right=~left)
    graph_seconds, graph_cpu = time.perf_counter() - started, time.process_time() - cpu
    pins, excl = _pins_and_exclusions(rng, e.i, e.j)
    kw: dict[str, Any] = dict(n_left=n_left, n_right=n_right, capacity_left=capacity, capacity_right=capacity,
                              pins=pins, exclusions=excl, top_k=top_k)
    caps = (np.full(n_left, capacity), np.full(n_right, capacity))
    figures = _compare(
        lambda mode: assign_bipartite(e.i, e.j, e.score, mode=mode, **kw),
        lambda: greedy_assignment(e.i, e.j, e.score, **kw),
        lambda r: violations(r, capacity=caps, exclusions=excl, pins=pins, symmetric=False),
    )
    return {"instance": f"{n_left} x {n_right}, capacity {capacity}, top-{top_k} arcs, {len(excl)} exclusions, "
                        f"{len(pins)} pins", "arcs": len(e), "candidate_graph_seconds": round(graph_seconds, 3),
            "candidate_graph_cpu_seconds": round(graph_cpu, 3),
            **figures}


def bench_members(n_members: int = 5000, *, capacity: int = 2, top_k: int = 20, seed: int = 0) -> dict[str, Any]:
    """Any member ↔ any member from the reciprocal candidate graph; 1 % of edges excluded, 10 pins."""
    rng = np.random.default_rng(seed)
    need_v, need_o, offer_v, offer_o = synthetic_snippets(n_members, seed=seed)
    started, cpu = time.perf_counter(), time.process_time()
    e = candidate_edges(need_v, need_o, offer_v, offer_o, n_members=n_members, k=top_k)
    graph_seconds, graph_cpu = time.perf_counter() - started, time.process_time() - cpu
    pins, excl = _pins_and_exclusions(rng, e.i, e.j)
    kw: dict[str, Any] = dict(pins=pins, exclusions=excl)
    caps = (np.full(n_members, capacity),) * 2
    figures = _compare(
        lambda mode: match_members(e.i, e.j, e.score, n_members=n_members, capacity=capacity, mode=mode, **kw),
        lambda: greedy_assignment(e.i, e.j, e.score, n_left=n_members, capacity_left=capacity, **kw),
        lambda r: violations(r, capacity=caps, exclusions=excl, pins=pins, symmetric=True),
    )
    return {"instance": f"{n_members} members, capacity {capacity}, top-{top_k} edges, {len(excl)} exclusions, "
                        f"{len(pins)} pins", "snippets": {"needs": int(need_o.size), "offers": int(offer_o.size)},
            "edges": len(e), "candidate_graph_seconds": round(graph_seconds, 3),
            "candidate_graph_cpu_seconds": round(graph_cpu, 3), **figures}


def bench_candidate_graph(n_members: int = 5000, *, needs: float = 5.0, offers: float = 5.0, k: int = 20,
                          seed: int = 0) -> dict[str, Any]:
    """The candidate graph alone, with many snippets per member (the block products dominate)."""
    need_v, need_o, offer_v, offer_o = synthetic_snippets(n_members, needs=needs, offers=offers, seed=seed)
    started, cpu = time.perf_counter(), time.process_time()
    e = candidate_edges(need_v, need_o, offer_v, offer_o, n_members=n_members, k=k)
    return {"instance": f"{n_members} members, {need_o.size} need and {offer_o.size} offer snippets, top-{k}",
            "edges": len(e), "seconds": round(time.perf_counter() - started, 3),
            "cpu_seconds (all BLAS threads)": round(time.process_time() - cpu, 3)}


def run_assignment_bench(*, seed: int = 0) -> dict[str, Any]:
    """All assignment figures in one dict (for ``clustermatch bench`` and ``scripts/bench_assign.py``)."""
    return {
        "bipartite": bench_bipartite(seed=seed),
        "members": bench_members(seed=seed),
        "candidate_graph_5x5": bench_candidate_graph(seed=seed),
    }
