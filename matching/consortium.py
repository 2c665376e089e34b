"""Consortium proposals: teams of 3–5 members with complementary roles for a funding stream or challenge.

A team fills role slots (by default one industrial lead, one or two technology firms, one research partner and
optionally a training provider). Its score rewards what funders look for:

* coverage: for each distinct aspect of the challenge (its evidence snippets), the best cosine any member has
  to it, averaged over aspects: a team that covers every aspect beats one that covers one aspect twice;
* relevance: each member's best cosine to the challenge, averaged over members;
* redundancy (penalty): the highest cosine between the profile centroids of two members *in the same role*
  (say, two technology firms selling the same thing). Across roles similarity is expected (a caster and a
  casting lab should look alike), and a max, unlike a mean, cannot be diluted by adding an unrelated member.

Search: every member is scored against every aspect in one product; then each slot keeps a shortlist of its
most relevant candidates and *every* combination of shortlisted candidates is scored at once with numpy. That
is exact over the shortlists (no beam pruning), and it is cheap: 8 per slot gives ~21k teams. The objective is
not linear (max over members, pairwise terms), so a MILP would need a linearisation for no gain at this size.
Same-organisation and competitor pairs are never combined. Alternatives share at most ``max_shared`` members
with every team proposed before them, so staff see genuinely different options.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RoleSlot:
    """A role in the team, filled by ``min``..``max`` members whose kind is one of ``kinds``."""

    name: str
    kinds: tuple[str, ...]
    min: int
    max: int


DEFAULT_SLOTS = (
    RoleSlot("industrial_lead", ("manufacturer",), 1, 1),
    RoleSlot("technology", ("technology_firm",), 1, 2),
    RoleSlot("research", ("research_institution", "researcher"), 1, 1),
    RoleSlot("training", ("training_provider",), 0, 1),
)


@dataclass(frozen=True)
class MemberReason:
    """Why a member is in the team: its best snippet for the challenge aspect it covers (cosine ``score``)."""

    member: int
    role: str
    snippet: int
    aspect: int
    score: float


@dataclass(frozen=True)
class Team:
    members: tuple[int, ...]
    roles: tuple[str, ...]
    score: float
    coverage: float
    relevance: float
    redundancy: float
    reasons: tuple[MemberReason, ...]


def _check(challenge: np.ndarray, vectors: np.ndarray, owner: np.ndarray, kinds: Sequence[str]) -> None:
    if challenge.ndim != 2 or challenge.shape[0] == 0:
        raise ValueError(f"challenge_vectors must be 2-D with at least one aspect, got shape {challenge.shape}")
    if vectors.ndim != 2 or vectors.shape[1] != challenge.shape[1]:
        raise ValueError(f"snippet_vectors must have shape (n, {challenge.shape[1]}), got {vectors.shape}")
    if owner.shape != (vectors.shape[0],) or not np.issubdtype(owner.dtype, np.integer):
        raise ValueError(f"snippet_owner must be {vectors.shape[0]} integer member indices, got {owner.shape}")
    if owner.size and (owner.min() < 0 or owner.max() >= len(kinds)):
        raise ValueError(f"snippet_owner holds {owner.max()}, but kinds describes {len(kinds)} members")


def _unit(x: np.ndarray, name: str) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    if not np.all(norms > 0):
        raise ValueError(f"{name}[{int(np.flatnonzero(~(norms[:, 0] > 0))[0])}] is a zero (or NaN) vector")
    return x / norms


def _check_slots(slots: Sequence[RoleSlot], min_size: int, max_size: int) -> None:
    if len({s.name for s in slots}) != len(slots):
        raise ValueError("role slot names must be unique")
    for s in slots:
        if not 0 <= s.min <= s.max:
            raise ValueError(f"role {s.name!r}: need 0 <= min <= max, got min={s.min}, max={s.max}")
    if sum(s.min for s in slots) > max_size or sum(s.max for s in slots) < min_size or min_size > max_size:
        raise ValueError(f"role slots cannot make a team of {min_size}-{max_size} members")


def _conflicts(n: int, groups: ArrayLike | None, competitors: ArrayLike | None) -> np.ndarray:
    """Boolean (n, n): pairs that must not be in one team (same organisation, marked competitors)."""
    bad = np.zeros((n, n), dtype=bool)
    if groups is not None:
        g = np.asarray(groups)
        if g.shape != (n,):
            raise ValueError(f"groups must have shape ({n},), got {g.shape}")
        bad |= (g[:, None] == g[None, :]) & (g[:, None] >= 0)
    if competitors is not None:
        c = np.asarray(competitors, dtype=np.int64).reshape(-1, 2)
        if c.size and (c.min() < 0 or c.max() >= n):
            raise ValueError(f"competitors must be (m, 2) member indices in [0, {n})")
        bad[c[:, 0], c[:, 1]] = bad[c[:, 1], c[:, 0]] = True
    np.fill_diagonal(bad, False)
    return bad


def _slot_options(shortlist: list[int], slot: RoleSlot) -> list[tuple[int, ...]]:
    return [combo for size in range(slot.min, slot.max + 1) for combo in itertools.combinations(shortlist, size)]


def propose_consortia(
    challenge_vectors: np.ndarray,
    snippet_vectors: np.ndarray,
    snippet_owner: np.ndarray,
    kinds: Sequence[str],
    *,
    groups: ArrayLike | None = None,
    competitors: ArrayLike | None = None,
    eligible: np.ndarray | None = None,
    slots: Sequence[RoleSlot] = DEFAULT_SLOTS,
    min_size: int = 3,
    max_size: int = 5,
    n_teams: int = 3,
    shortlist: int = 8,
    max_shared: int = 2,
    min_relevance: float = 0.0,
    weights: tuple[float, float, float] = (0.6, 0.4, 0.3),
) -> list[Team]:
    """Best alternative teams for a challenge, each member with the evidence that earned its place.

    Args:
        challenge_vectors: ``(n_aspects, dim)``, one row per distinct aspect (snippet) of the challenge.
        snippet_vectors: ``(n_snippets, dim)`` members' offer/capability snippets; snippet_owner: ``(n_snippets,)``.
        kinds: ``kinds[m]`` is member m's kind (``"manufacturer"``, ``"technology_firm"``, ...).
        groups: organisation id per member (-1 for none); competitors: ``(m, 2)`` member pairs.
        eligible: optional boolean mask of members who may be proposed (opted in, visible).
        weights: (coverage, relevance, redundancy penalty).

    Returns:
        Up to ``n_teams`` teams, best first; empty when a required role has no relevant candidate.
    """
    challenge = _unit(np.asarray(challenge_vectors, dtype=np.float64), "challenge_vectors")
    owner = np.asarray(snippet_owner)
    vectors = np.asarray(snippet_vectors, dtype=np.float64)
    _check(challenge, vectors, owner, kinds)
    vectors = _unit(vectors, "snippet_vectors")
    _check_slots(slots, min_size, max_size)
    n = len(kinds)
    conflict = _conflicts(n, groups, competitors)
    allowed = np.ones(n, dtype=bool) if eligible is None else np.asarray(eligible, dtype=bool)
    sims = vectors @ challenge.T  # (snippets, aspects)
    aspect_best = np.full((n, challenge.shape[0]), -np.inf)
    np.maximum.at(aspect_best, owner, sims)
    relevance = aspect_best.max(axis=1)
    kind_arr = np.asarray(kinds, dtype=object)
    per_slot: list[list[tuple[int, ...]]] = []
    for slot in slots:
        pool = np.flatnonzero(allowed & np.isin(kind_arr, slot.kinds) & (relevance > min_relevance))
        top = pool[np.argsort(-relevance[pool], kind="stable")[:shortlist]].tolist()
        if len(top) < slot.min:
            logger.info("no team: role %r has %d relevant candidates, needs %d", slot.name, len(top), slot.min)
            return []
        per_slot.append(_slot_options(top, slot))
    teams, roles, slot_of = [], [], []
    for parts in itertools.product(*per_slot):
        members = [m for part in parts for m in part]
        if min_size <= len(members) <= max_size and len(set(members)) == len(members):
            pad = [-1] * (max_size - len(members))
            teams.append(members + pad)
            roles.append(tuple(s.name for s, part in zip(slots, parts, strict=True) for _ in part))
            slot_of.append([k for k, part in enumerate(parts) for _ in part] + pad)
    if not teams:
        return []
    t = np.array(teams)
    present = t >= 0
    idx = np.where(present, t, 0)
    pair_p, pair_q = np.triu_indices(max_size, 1)
    pair_ok = present[:, pair_p] & present[:, pair_q]
    ok = ~np.any(conflict[idx[:, pair_p], idx[:, pair_q]] & pair_ok, axis=1)
    centroid = np.zeros((n, vectors.shape[1]))
    np.add.at(centroid, owner, vectors)
    norms = np.linalg.norm(centroid, axis=1, keepdims=True)
    centroid = np.divide(centroid, norms, out=np.zeros_like(centroid), where=norms > 0)
    member_sim = np.maximum(centroid @ centroid.T, 0)
    coverage = np.where(present[:, :, None], np.maximum(aspect_best[idx], 0), 0).max(axis=1).mean(axis=1)
    size = present.sum(axis=1)
    rel = np.where(present, relevance[idx], 0).sum(axis=1) / size
    same_role = pair_ok & (np.array(slot_of)[:, pair_p] == np.array(slot_of)[:, pair_q])
    redundancy = np.where(same_role, member_sim[idx[:, pair_p], idx[:, pair_q]], 0).max(axis=1, initial=0.0)
    w_cov, w_rel, w_red = weights
    score = np.where(ok, w_cov * coverage + w_rel * rel - w_red * redundancy, -np.inf)
    chosen: list[int] = []
    for k in np.lexsort((np.arange(len(t)), -score)).tolist():
        if len(chosen) == n_teams or not np.isfinite(score[k]):
            break
        team = set(t[k][present[k]].tolist())
        if all(len(team & set(t[c][present[c]].tolist())) <= max_shared for c in chosen):
            chosen.append(k)
    return [_team(t[k][present[k]], roles[k], float(score[k]), float(coverage[k]), float(rel[k]),
                  float(redundancy[k]), aspect_best, sims, owner) for k in chosen]


def _team(members: np.ndarray, roles: tuple[str, ...], score: float, coverage: float, relevance: float,
          redundancy: float, aspect_best: np.ndarray, sims: np.ndarray, owner: np.ndarray) -> Team:
    """Attach the reasons: each member's aspect is one it covers best in the team (else its own best aspect)."""
    grid = aspect_best[members]  # (team, aspects)
    leader = grid.argmax(axis=0)
    reasons = []
    for pos, member in enumerate(members.tolist()):
        mine = np.flatnonzero(leader == pos)
        aspect = int(mine[np.argmax(grid[pos, mine])]) if mine.size else int(np.argmax(grid[pos]))
        own = np.flatnonzero(owner == member)
        snippet = int(own[np.argmax(sims[own, aspect])])
        reasons.append(MemberReason(member, roles[pos], snippet, aspect, float(sims[snippet, aspect])))
    return Team(tuple(members.tolist()), roles, score, coverage, relevance, redundancy, tuple(reasons))
