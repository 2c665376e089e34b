"""Candidate graph: max-over-evidence scores, the reciprocal harmonic mean, top-k completeness and evidence."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.embeddings import Embedder
from matching.reciprocal import CandidateEdges, candidate_edges, directional_scores, reciprocal_scores


@dataclass
class Snippets:
    n: int
    needs: np.ndarray
    need_owner: np.ndarray
    offers: np.ndarray
    offer_owner: np.ndarray
    groups: np.ndarray


@st.composite
def snippet_sets(draw: st.DrawFn) -> Snippets:
    """Ragged members (0-3 needs, 0-3 offers each, shuffled order), random unit vectors in 6 dims."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(2, 12))
    need_owner = rng.permutation(np.repeat(np.arange(n), rng.integers(0, 4, n)))
    offer_owner = rng.permutation(np.repeat(np.arange(n), rng.integers(0, 4, n)))
    needs, offers = rng.normal(size=(need_owner.size, 6)), rng.normal(size=(offer_owner.size, 6))
    return Snippets(n, needs, need_owner, offers, offer_owner, rng.integers(-1, 4, n))


def brute_scores(s: Snippets) -> np.ndarray:
    nv = s.needs / np.linalg.norm(s.needs, axis=1, keepdims=True)
    ov = s.offers / np.linalg.norm(s.offers, axis=1, keepdims=True)
    out = np.full((s.n, s.n), np.nan)
    for a in range(s.n):
        for b in range(s.n):
            na, ob = np.flatnonzero(s.need_owner == a), np.flatnonzero(s.offer_owner == b)
            if na.size and ob.size:
                out[a, b] = max(float(nv[x] @ ov[y]) for x in na for y in ob)
    return out


def harmonic(x: float, y: float, one_way: float | None) -> float:
    if np.isnan(x) and np.isnan(y):
        return np.nan
    if np.isnan(x) or np.isnan(y):
        return np.nan if one_way is None else max(np.nanmax([x, y]), 0.0) * one_way
    x, y = max(x, 0.0), max(y, 0.0)
    return 0.0 if x + y == 0 else 2 * x * y / (x + y)


def check_evidence(s: Snippets, e: CandidateEdges, gi: np.ndarray, gj: np.ndarray, full: np.ndarray) -> None:
    nv = s.needs / np.linalg.norm(s.needs, axis=1, keepdims=True)
    ov = s.offers / np.linalg.norm(s.offers, axis=1, keepdims=True)
    for k in range(len(e)):
        both_ways = ((e.i_need[k], e.j_offer[k], gi[k], gj[k]), (e.j_need[k], e.i_offer[k], gj[k], gi[k]))
        for need, offer, src, dst in both_ways:
            if np.isnan(full[src, dst]):
                assert need == -1 and offer == -1
            else:
                assert s.need_owner[need] == src and s.offer_owner[offer] == dst
                assert nv[need] @ ov[offer] == pytest.approx(full[src, dst], abs=1e-5)


@settings(max_examples=40, deadline=None)
@given(s=snippet_sets())
def test_directional_scores_are_the_best_snippet_pair(s: Snippets) -> None:
    got = directional_scores(s.needs, s.need_owner, s.offers, s.offer_owner, n_members=s.n)
    assert np.allclose(got, brute_scores(s), atol=1e-5, equal_nan=True)
    rows, cols = np.arange(0, s.n, 2), np.arange(s.n) % 3 == 0
    sub = directional_scores(s.needs, s.need_owner, s.offers, s.offer_owner, n_members=s.n, rows=rows, cols=cols)
    assert np.allclose(sub, got[np.ix_(rows, np.flatnonzero(cols))], equal_nan=True)


@settings(max_examples=40, deadline=None)
@given(s=snippet_sets(), k=st.integers(1, 4), one_way=st.sampled_from([1.0, 0.5, None]), use_groups=st.booleans())
def test_member_graph_keeps_every_members_top_k_and_nothing_else(
    s: Snippets, k: int, one_way: float | None, use_groups: bool
) -> None:
    full = brute_scores(s)
    groups = s.groups if use_groups else None
    e = candidate_edges(s.needs, s.need_owner, s.offers, s.offer_owner, n_members=s.n, k=k,
                        groups=groups, one_way_weight=one_way)
    score = np.array([[harmonic(full[a, b], full[b, a], one_way) for b in range(s.n)] for a in range(s.n)])
    np.fill_diagonal(score, np.nan)
    if groups is not None:
        score[(groups[:, None] == groups[None, :]) & (groups[:, None] >= 0)] = np.nan
    score[~(score > 0)] = np.nan  # min_score = 0: zero and undefined pairs are no candidates
    top = {m: set(np.argsort(-np.nan_to_num(score[m], nan=-1))[: min(k, int(np.sum(~np.isnan(score[m]))))].tolist())
           for m in range(s.n)}
    expected = {(min(a, b), max(a, b)) for a in range(s.n) for b in top[a]}
    got = set(zip(e.i.tolist(), e.j.tolist(), strict=True))
    assert got == expected and len(got) == len(e)
    assert np.all(e.i < e.j)
    assert np.allclose(e.score, [score[a, b] for a, b in zip(e.i, e.j, strict=True)], atol=1e-5)
    assert np.allclose(e.forward, full[e.i, e.j], atol=1e-5, equal_nan=True)
    assert np.allclose(e.backward, full[e.j, e.i], atol=1e-5, equal_nan=True)
    check_evidence(s, e, e.i, e.j, full)


@settings(max_examples=30, deadline=None)
@given(s=snippet_sets(), k=st.integers(1, 3))
def test_bipartite_graph_keeps_top_k_of_both_sides(s: Snippets, k: int) -> None:
    left = np.arange(s.n) < s.n // 2
    lm, rm = np.flatnonzero(left), np.flatnonzero(~left)
    full = brute_scores(s)
    e = candidate_edges(s.needs, s.need_owner, s.offers, s.offer_owner, n_members=s.n, k=k, left=left, right=~left)
    score = np.array([[harmonic(full[a, b], full[b, a], 1.0) for b in rm] for a in lm]).reshape(lm.size, rm.size)
    score[~(score > 0)] = np.nan
    expected = set()
    for m, row in enumerate(score):
        expected |= {(m, c) for c in np.argsort(-np.nan_to_num(row, nan=-1))[: int(np.sum(~np.isnan(row)))][:k]}
    for c, col in enumerate(score.T):
        expected |= {(m, c) for m in np.argsort(-np.nan_to_num(col, nan=-1))[: int(np.sum(~np.isnan(col)))][:k]}
    assert set(zip(e.i.tolist(), e.j.tolist(), strict=True)) == {(int(a), int(b)) for a, b in expected}
    assert np.allclose(e.score, score[e.i, e.j], atol=1e-5)
    check_evidence(s, e, lm[e.i], rm[e.j], full)


def test_reciprocal_score_is_the_harmonic_mean_with_configurable_one_way() -> None:
    fwd, bwd = np.array([0.8, 0.5, np.nan, -0.2, 0.0, np.nan]), np.array([0.4, np.nan, 0.6, 0.9, 0.0, np.nan])
    got = reciprocal_scores(fwd, bwd)
    assert got[:5] == pytest.approx([2 * 0.8 * 0.4 / 1.2, 0.5, 0.6, 0.0, 0.0]) and np.isnan(got[5])
    assert reciprocal_scores(fwd, bwd, one_way_weight=0.5)[1:3] == pytest.approx([0.25, 0.3])
    assert np.isnan(reciprocal_scores(fwd, bwd, one_way_weight=None)[1:3]).all()
    # a lopsided pair scores below a balanced one with the same mean: both sides must gain
    lopsided, balanced = reciprocal_scores(np.array([0.9, 0.5]), np.array([0.1, 0.5]))
    assert lopsided < balanced


def test_large_block_sizes_give_the_same_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    s = Snippets(40, rng.normal(size=(90, 8)), rng.integers(0, 40, 90), rng.normal(size=(120, 8)),
                 rng.integers(0, 40, 120), np.full(40, -1))
    whole = directional_scores(s.needs, s.need_owner, s.offers, s.offer_owner, n_members=s.n)
    monkeypatch.setattr("matching.directional.BLOCK_ELEMENTS", 150)  # forces many small blocks
    blocked = directional_scores(s.needs, s.need_owner, s.offers, s.offer_owner, n_members=s.n)
    assert np.array_equal(whole, blocked, equal_nan=True)
    assert np.allclose(whole, brute_scores(s), atol=1e-5, equal_nan=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (dict(need_owner=np.array([0, 1])), r"need_owner must have shape \(3,\)"),
        (dict(offer_owner=np.array([0, 5])), r"offer_owner\[1\] = 5 is not a member index in \[0, 3\)"),
        (dict(offers=np.zeros((2, 4))), r"offer_vectors\[0\] is a zero"),
        (dict(offers=np.ones((2, 5))), "need_vectors have dim 4 but offer_vectors have dim 5"),
        (dict(need_owner=np.array([0.0, 1.0, 2.0])), "integer member indices"),
        (dict(k=0), "k must be at least 1"),
        (dict(left=np.array([True, False, False])), "give both left and right"),
        (dict(groups=np.array([1, 2])), r"groups must have shape \(3,\)"),
    ],
)
def test_bad_input_is_named(change: dict, message: str) -> None:
    args = dict(needs=np.ones((3, 4)), need_owner=np.array([0, 1, 2]), offers=np.ones((2, 4)),
                offer_owner=np.array([0, 1]))
    args.update({key: v for key, v in change.items() if key in args})
    extra = {key: v for key, v in change.items() if key not in args}
    with pytest.raises(ValueError, match=message):
        candidate_edges(args["needs"], args["need_owner"], args["offers"], args["offer_owner"], n_members=3, **extra)


@pytest.mark.model
def test_real_embeddings_pair_the_vibration_problem_with_the_vibration_lab(real_embedder: Embedder) -> None:
    members = {
        "machine shop": (["in-process vibration monitoring for 5-axis titanium machining"],
                         ["contract 5-axis machining of titanium aerospace parts"]),
        "sensing lab": (["industrial partners with titanium machining lines to validate our sensors"],
                        ["tool-condition monitoring using spindle vibration and acoustic emission"]),
        "bakery": (["automated packaging line for bread loaves"], ["fresh bread and pastries for events"]),
        "welding firm": (["training for robotic TIG welding operators"],
                         ["robotic TIG welding of aluminium battery trays"]),
    }
    names = list(members)
    needs = [t for n in names for t in members[n][0]]
    offers = [t for n in names for t in members[n][1]]
    owner_n = np.array([k for k, n in enumerate(names) for _ in members[n][0]])
    owner_o = np.array([k for k, n in enumerate(names) for _ in members[n][1]])
    e = candidate_edges(real_embedder.encode(needs), owner_n, real_embedder.encode(offers), owner_o,
                        n_members=len(names), k=1)
    best = int(np.argmax(e.score))
    assert {names[e.i[best]], names[e.j[best]]} == {"machine shop", "sensing lab"}
    lab_offer = e.j_offer[best] if names[e.j[best]] == "sensing lab" else e.i_offer[best]
    assert offers[lab_offer].startswith("tool-condition")
