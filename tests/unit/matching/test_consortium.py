"""Consortium proposals: roles, conflicts, complementarity, exactness over the shortlist, reasons."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.consortium import DEFAULT_SLOTS, RoleSlot, Team, propose_consortia
from matching.embeddings import Embedder

KINDS = ["manufacturer", "technology_firm", "research_institution", "researcher", "training_provider",
         "service_provider"]


def axis(*weights: float) -> np.ndarray:
    v = np.zeros(6)
    v[: len(weights)] = weights
    return v


# Challenge with three distinct aspects: e0 (casting process), e1 (machine vision), e2 (operator training)
CHALLENGE = np.eye(6)[:3]


def scenario() -> tuple[np.ndarray, np.ndarray, list[str]]:
    members = [
        ("manufacturer", [axis(0.9, 0.1, 0, 0.4)]),  # 0 caster, strong on e0
        ("manufacturer", [axis(0.6, 0, 0, 0.8)]),  # 1 weaker caster
        ("technology_firm", [axis(0.1, 0.9, 0, 0, 0.4)]),  # 2 vision firm
        ("technology_firm", [axis(0.1, 0.88, 0, 0, 0.45)]),  # 3 near-copy of 2 (redundant)
        ("technology_firm", [axis(0.5, 0, 0, 0, 0, 0.9)]),  # 4 weak generalist
        ("research_institution", [axis(0.3, 0.5, 0, 0.8), axis(0, 0, 0.7, 0.7)]),  # 5 lab, also teaches
        ("researcher", [axis(0.2, 0.2, 0, 0, 0.9)]),  # 6 researcher, off-topic
        ("training_provider", [axis(0, 0, 0.95, 0.3)]),  # 7 trains operators (e2)
    ]
    vectors = [v for _, vs in members for v in vs]
    owner = [m for m, (_, vs) in enumerate(members) for _ in vs]
    return np.array(vectors), np.array(owner), [k for k, _ in members]


def test_best_team_fills_every_role_and_covers_every_aspect() -> None:
    vectors, owner, kinds = scenario()
    teams = propose_consortia(CHALLENGE, vectors, owner, kinds, n_teams=3)
    best = teams[0]
    assert dict(zip(best.members, best.roles, strict=True)) == {
        0: "industrial_lead", 2: "technology", 5: "research", 7: "training"}
    assert best.coverage > 0.9 and best.score >= teams[1].score >= teams[2].score
    reason = {r.member: r for r in best.reasons}
    assert reason[2].aspect == 1 and reason[7].aspect == 2 and reason[0].aspect == 0
    assert reason[5].snippet in (5, 6) and owner[reason[5].snippet] == 5
    assert reason[7].score == pytest.approx(0.95 / np.linalg.norm(axis(0, 0, 0.95, 0.3)))
    # the redundant near-copy of the vision firm is not added as a second technology member
    assert 3 not in best.members


def test_competitors_and_same_organisation_are_never_combined() -> None:
    vectors, owner, kinds = scenario()
    teams = propose_consortia(CHALLENGE, vectors, owner, kinds, competitors=[[0, 2]], n_teams=5)
    assert teams and all(not {0, 2} <= set(t.members) for t in teams)
    groups = np.array([-1, -1, 9, -1, -1, 9, -1, -1])  # the vision firm is a spin-off inside the lab
    teams = propose_consortia(CHALLENGE, vectors, owner, kinds, groups=groups, n_teams=5)
    assert teams and all(not {2, 5} <= set(t.members) for t in teams)


def test_alternatives_differ_and_ineligible_members_are_left_out() -> None:
    vectors, owner, kinds = scenario()
    teams = propose_consortia(CHALLENGE, vectors, owner, kinds, n_teams=4, max_shared=2)
    for a, b in itertools.combinations(teams, 2):
        assert len(set(a.members) & set(b.members)) <= 2
    eligible = np.ones(8, dtype=bool)
    eligible[7] = False
    assert all(7 not in t.members for t in propose_consortia(CHALLENGE, vectors, owner, kinds, eligible=eligible))


@pytest.mark.parametrize("seed", range(5))
def test_shortlists_keep_the_most_relevant_candidates_per_role(seed: int) -> None:
    rng = np.random.default_rng(seed)
    kinds = ["manufacturer", "technology_firm", "research_institution"] * 6
    vectors = rng.normal(size=(18, 6)) + 0.3
    teams = propose_consortia(CHALLENGE, vectors, np.arange(18), kinds, shortlist=1, n_teams=1)
    relevance = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True) @ CHALLENGE.T).max(axis=1)
    expected = {int(np.argmax(np.where(np.array(kinds) == k, relevance, -np.inf))) for k in set(kinds)}
    assert set(teams[0].members) == expected


def test_no_team_when_a_required_role_is_missing() -> None:
    vectors, owner, kinds = scenario()
    no_research = [k if k not in ("research_institution", "researcher") else "service_provider" for k in kinds]
    assert propose_consortia(CHALLENGE, vectors, owner, no_research) == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(challenge_vectors=np.zeros((0, 6))), "at least one aspect"),
        (dict(snippet_vectors=np.ones((9, 5))), r"snippet_vectors must have shape \(n, 6\)"),
        (dict(snippet_owner=np.arange(8)), "snippet_owner must be 9 integer member indices"),
        (dict(kinds=["manufacturer"] * 3), "kinds describes 3 members"),
        (dict(slots=(RoleSlot("lead", ("manufacturer",), 2, 1),)), "role 'lead': need 0 <= min <= max"),
        (dict(min_size=6), "cannot make a team of 6-5 members"),
        (dict(competitors=[[0, 8]]), r"competitors must be \(m, 2\) member indices in \[0, 8\)"),
    ],
)
def test_bad_input_is_named(kwargs: dict, message: str) -> None:
    vectors, owner, kinds = scenario()
    args = dict(challenge_vectors=CHALLENGE, snippet_vectors=vectors, snippet_owner=owner, kinds=kinds)
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        propose_consortia(**args)  # type: ignore[arg-type]


def reference_best(challenge: np.ndarray, vectors: np.ndarray, owner: np.ndarray, kinds: list[str],
                   conflict: set[tuple[int, int]]) -> float:
    """Best team score by enumerating every subset of members (independent scoring code)."""
    c = challenge / np.linalg.norm(challenge, axis=1, keepdims=True)
    v = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    n = len(kinds)
    best_aspect = np.array([(v[owner == m] @ c.T).max(axis=0) if np.any(owner == m) else np.full(len(c), -np.inf)
                            for m in range(n)])
    centroid = np.array([v[owner == m].sum(axis=0) if np.any(owner == m) else np.zeros(v.shape[1]) for m in range(n)])
    centroid = centroid / np.maximum(np.linalg.norm(centroid, axis=1, keepdims=True), 1e-300)
    best = -np.inf
    for size in range(3, 6):
        for team in itertools.combinations(range(n), size):
            counts = [sum(kinds[m] in s.kinds for m in team) for s in DEFAULT_SLOTS]
            if sum(counts) != size or any(not s.min <= k <= s.max for s, k in zip(DEFAULT_SLOTS, counts, strict=True)):
                continue
            if any((a, b) in conflict for a, b in itertools.combinations(team, 2)):
                continue
            if any(best_aspect[m].max() <= 0 for m in team):
                continue
            cov = np.maximum(best_aspect[list(team)], 0).max(axis=0).mean()
            rel = np.mean([best_aspect[m].max() for m in team])
            slot = {m: next(k for k, s in enumerate(DEFAULT_SLOTS) if kinds[m] in s.kinds) for m in team}
            red = max([max(float(centroid[a] @ centroid[b]), 0)
                       for a, b in itertools.combinations(team, 2) if slot[a] == slot[b]], default=0.0)
            best = max(best, 0.6 * cov + 0.4 * rel - 0.3 * red)
    return best


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(4, 11))
def test_random_clusters_respect_roles_conflicts_and_find_the_best_team(seed: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    kinds = [KINDS[k] for k in rng.integers(0, len(KINDS), n)]
    owner = np.repeat(np.arange(n), rng.integers(1, 4, n))
    vectors = rng.normal(size=(owner.size, 8)) + 0.4
    challenge = rng.normal(size=(rng.integers(1, 4), 8)) + 0.4
    groups = rng.integers(-1, 3, n)
    competitors = rng.integers(0, n, size=(2, 2))
    conflict = {(a, b) for a in range(n) for b in range(n) if groups[a] == groups[b] >= 0 and a != b}
    conflict |= {(int(a), int(b)) for a, b in competitors if a != b} | {(int(b), int(a)) for a, b in competitors}
    teams = propose_consortia(challenge, vectors, owner, kinds, groups=groups, competitors=competitors,
                              n_teams=3, shortlist=n)
    reference = reference_best(challenge, vectors, owner, kinds, conflict)
    if not np.isfinite(reference):
        assert teams == []
        return
    assert teams[0].score == pytest.approx(reference)
    for team in teams:
        check_team(team, kinds, conflict, owner)
    assert [t.score for t in teams] == sorted((t.score for t in teams), reverse=True)
    for a, b in itertools.combinations(teams, 2):
        assert len(set(a.members) & set(b.members)) <= 2


def check_team(team: Team, kinds: list[str], conflict: set[tuple[int, int]], owner: np.ndarray) -> None:
    assert 3 <= len(team.members) <= 5 and len(set(team.members)) == len(team.members)
    for slot in DEFAULT_SLOTS:
        filled = [m for m, r in zip(team.members, team.roles, strict=True) if r == slot.name]
        assert slot.min <= len(filled) <= slot.max and all(kinds[m] in slot.kinds for m in filled)
    assert not any((a, b) in conflict for a, b in itertools.combinations(team.members, 2))
    assert [r.member for r in team.reasons] == list(team.members)
    assert all(owner[r.snippet] == r.member for r in team.reasons)


@pytest.mark.model
def test_real_embeddings_build_a_sensible_team(real_embedder: Embedder) -> None:
    challenge = real_embedder.encode([
        "Cut scrap in high-pressure aluminium die casting for automotive parts.",
        "Inline machine-vision inspection of castings for porosity and cracks.",
        "Upskill foundry operators to run and maintain the new inspection cells.",
    ])
    profiles = [
        ("manufacturer", "We run high-pressure die casting of aluminium transmission housings."),
        ("manufacturer", "We bake artisanal bread and pastries for local cafés."),
        ("technology_firm", "Deep-learning machine vision that finds surface defects and porosity on parts."),
        ("technology_firm", "Payroll and HR software for small businesses."),
        ("research_institution", "Foundry research lab studying porosity formation in aluminium die castings."),
        ("training_provider", "Hands-on courses for foundry and casting-cell operators, maintenance included."),
        ("training_provider", "Evening classes in watercolour painting."),
    ]
    vectors = real_embedder.encode([text for _, text in profiles])
    teams = propose_consortia(challenge, vectors, np.arange(len(profiles)), [k for k, _ in profiles])
    assert set(teams[0].members) == {0, 2, 4, 5}
    assert {r.member: r.aspect for r in teams[0].reasons}[2] == 1
