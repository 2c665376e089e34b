"""Staff-suggested introductions across the whole membership, solved optimally.

Members are people with an active chat account (their organization's texts count as theirs). Each member's
needs and offers are the catalog's fitted snippet vectors; ``matching.reciprocal.candidate_edges`` scores
pairs both ways (a pair only scores well when each side helps the other) and ``matching.assign.match_members``
picks the pairs: most members covered first, then the most total fit, within each member's capacity for the
period. Never suggested: pairs already introduced or asked, declined or vetoed, same organization, marked
competitors, organizations a member excluded, paused members. Staff pins are always included. Members who
left requests unanswered repeatedly get their scores scaled down.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select

from bot.core.intros import evidence as intro_evidence
from bot.core.intros.base import IntroCore
from bot.core.intros.jobs import GHOSTING_PENALTY, GHOSTING_THRESHOLD
from bot.core.intros.prefs import is_paused
from bot.core.intros.store import IntroRepository
from matching.assign import match_members
from matching.reciprocal import candidate_edges
from matching.vecstore import take
from models.directory import Organization, Person, PlatformAccount
from models.intros import ACCEPTED, AWAITING_STAFF, DECLINED, PENDING, IntroBatch, Introduction, IntroSuggestion

logger = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.3
PERIOD = timedelta(days=7)
#: Introductions in these states keep a pair from being suggested again.
TAKEN = (AWAITING_STAFF, PENDING, ACCEPTED, DECLINED)


@dataclass(frozen=True)
class Pair:
    a_person_id: int
    b_person_id: int
    a_ref: str
    b_ref: str
    a_name: str
    b_name: str
    score: float
    why_a: str  # what B offers that A looks for
    why_b: str  # what A offers that B looks for
    pinned: bool = False


@dataclass
class Run:
    """One suggestion run: the pairs and the figures staff see with them."""

    members: int
    pairs: list[Pair]
    coverage: float | None
    worst_off_best_score: float | None
    status: str
    solver: str
    seconds: float
    capacity: int
    threshold: float
    mode: str
    candidate_edges: int = 0
    skipped_pins: list[str] = field(default_factory=list)
    batch_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Members:
    person_ids: list[int]
    refs: list[str]  # profile shown for each member (their person ref)
    names: list[str]
    org_ext: list[str | None]
    groups: np.ndarray
    offer_rows: np.ndarray  # global snippet rows (matcher.snippets_)
    offer_owner: np.ndarray
    need_rows: np.ndarray  # global need rows (matcher.need_vectors_)
    need_owner: np.ndarray


def _finite(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


def _members(snap: Any, s: Any, include_unlinked: bool) -> _Members:
    offsets, need_offsets = snap.matcher.offsets_, snap.matcher.need_offsets_
    stmt = select(Person).where(Person.role != "staff", Person.visibility != "hidden").order_by(Person.id)
    if not include_unlinked:
        linked = select(PlatformAccount.person_id).where(PlatformAccount.active.is_(True),
                                                         PlatformAccount.person_id.is_not(None))
        stmt = stmt.where(Person.id.in_(linked))
    orgs = {o.id: o for o in s.scalars(select(Organization))}
    m = _Members([], [], [], [], np.zeros(0, np.int64), *(np.zeros(0, np.int64),) * 4)
    offer_rows, offer_owner, need_rows, need_owner, groups = [], [], [], [], []
    for person in s.scalars(stmt):
        org = orgs.get(person.organization_id) if person.organization_id else None
        refs = [f"person:{person.external_id}"] + ([f"org:{org.external_id}"] if org is not None else [])
        items = [snap.index_of[r] for r in refs if r in snap.index_of]
        if not items:
            continue
        idx = len(m.person_ids)
        for i in items:
            rows = np.arange(offsets[i], offsets[i + 1])
            offer_rows.append(rows)
            offer_owner.append(np.full(rows.size, idx))
            nrows = np.arange(need_offsets[i], need_offsets[i + 1])
            need_rows.append(nrows)
            need_owner.append(np.full(nrows.size, idx))
        m.person_ids.append(person.id)
        m.refs.append(refs[0])
        m.names.append(person.name)
        m.org_ext.append(org.external_id if org is not None else None)
        groups.append(org.id if org is not None else -1)
    cat = lambda parts: np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)  # noqa: E731
    m.offer_rows, m.offer_owner, m.need_rows, m.need_owner = cat(offer_rows), cat(offer_owner), cat(need_rows), \
        cat(need_owner)
    m.groups = np.asarray(groups, dtype=np.int64)
    return m


def _org_ref(m: _Members, k: int) -> str | None:
    return f"org:{m.org_ext[k]}" if m.org_ext[k] else None


def _excluded_pairs(service: IntroCore, s: Any, m: _Members) -> set[tuple[int, int]]:
    """Member-index pairs (low, high) that must not be suggested."""
    pos = {pid: k for k, pid in enumerate(m.person_ids)}
    out: set[tuple[int, int]] = set()

    def add(p: int, q: int) -> None:
        if p in pos and q in pos and p != q:
            out.add((min(pos[p], pos[q]), max(pos[p], pos[q])))

    for a, b in s.execute(select(Introduction.a_person_id, Introduction.b_person_id)
                          .where(Introduction.state.in_(TAKEN))):
        add(a, b)
    repo = IntroRepository(s)
    for rule in ("veto", "declined"):
        for a, b in repo.rules(rule):
            add(a, b)
    by_org: dict[str, list[int]] = defaultdict(list)
    for k, ext in enumerate(m.org_ext):
        if ext:
            by_org[ext].append(k)
    competitors = {o.external_id: o.competitors or [] for o in s.scalars(select(Organization))}
    prefs = repo.preferences(m.person_ids)
    for k, ext in enumerate(m.org_ext):
        avoid = set(competitors.get(ext, []) if ext else [])
        pref = prefs.get(m.person_ids[k])
        avoid |= set(pref.excluded_orgs or []) if pref is not None else set()
        for other_org in avoid:
            for j in by_org.get(other_org, []):
                out.add((min(k, j), max(k, j)))
    return out


def _capacity(service: IntroCore, s: Any, m: _Members, capacity: int, now: datetime) -> np.ndarray:
    """Capacity left this period: minus introductions started in the last 7 days; 0 when paused."""
    cap = np.full(len(m.person_ids), capacity, dtype=np.int64)
    pos = {pid: k for k, pid in enumerate(m.person_ids)}
    recent = s.execute(select(Introduction.a_person_id, Introduction.b_person_id).where(
        Introduction.created_at >= now - PERIOD, Introduction.state.in_((AWAITING_STAFF, PENDING, ACCEPTED))))
    for a, b in recent:
        for p in (a, b):
            if p in pos:
                cap[pos[p]] -= 1
    for pid, pref in IntroRepository(s).preferences(m.person_ids).items():
        if is_paused(pref, now.date()):
            cap[pos[pid]] = 0
    return np.maximum(cap, 0)


def suggest(service: IntroCore, *, capacity: int | None = None, threshold: float = DEFAULT_THRESHOLD,
            mode: str = "coverage", top_k: int = 20, one_way_weight: float | None = None, store: bool = True,
            created_by: str = "system", include_unlinked: bool = False, now: datetime | None = None) -> Run:
    """Compute (and by default store as a batch) the period's staff-suggested introductions."""
    if capacity is not None and capacity < 1:
        raise ValueError(f"capacity must be at least 1, got {capacity}")
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be between 0 and 1, got {threshold}")
    capacity = capacity or service.config.capacity_per_period
    now = now or service.now()
    snap = service.catalog.snapshot
    with service.sessions() as s:
        m = _members(snap, s, include_unlinked)
        n = len(m.person_ids)
        excluded = _excluded_pairs(service, s, m)
        cap = _capacity(service, s, m, capacity, now)
        pos = {pid: k for k, pid in enumerate(m.person_ids)}
        repo = IntroRepository(s)
        penalised = {pos[pid] for pid, p in repo.preferences(m.person_ids).items()
                     if p.expired_count >= GHOSTING_THRESHOLD}
        pin_pairs = repo.rules("pin")
    run = Run(n, [], None, None, "no members", "none", 0.0, capacity, threshold, mode)
    if n < 2:
        return _store(service, run, created_by, now) if store else run
    need_v = take(snap.matcher.need_vectors_, m.need_rows)
    offer_v = take(snap.matcher.snippet_vectors_, m.offer_rows)
    e = candidate_edges(need_v, m.need_owner, offer_v, m.offer_owner, n_members=n, k=top_k, groups=m.groups,
                        one_way_weight=one_way_weight)
    score = e.score.copy()
    if penalised:
        touch = np.isin(e.i, list(penalised)) | np.isin(e.j, list(penalised))
        score[touch] *= GHOSTING_PENALTY
    pins = []
    for a, b in pin_pairs:
        if a not in pos or b not in pos:
            continue
        key = (min(pos[a], pos[b]), max(pos[a], pos[b]))
        if key in excluded or cap[pos[a]] < 1 or cap[pos[b]] < 1:
            run.skipped_pins.append(f"{m.names[key[0]]} ↔ {m.names[key[1]]}")
            continue
        pins.append(key)
        cap[list(key)] -= 1  # one pin per unit: later pins see what is left
    cap_for_solver = cap + np.bincount(np.asarray(pins, dtype=np.int64).ravel(), minlength=n)
    excl = [k for k in zip(e.i.tolist(), e.j.tolist(), strict=True) if k in excluded]
    result = match_members(e.i, e.j, score, n_members=n, capacity=cap_for_solver,
                           pins=np.asarray(pins, dtype=np.int64).reshape(-1, 2),
                           exclusions=np.asarray(excl, dtype=np.int64).reshape(-1, 2), threshold=threshold,
                           mode=mode)  # type: ignore[arg-type]
    edge_of = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(e.i, e.j, strict=True))}
    for a, b, sc, pinned in zip(result.i.tolist(), result.j.tolist(), result.score.tolist(), result.pinned.tolist(),
                                strict=True):
        k = edge_of.get((a, b))
        if k is None:  # a pin the candidate graph did not reach: evidence from the profiles directly
            ev = intro_evidence.between(service.catalog, [m.refs[a], _org_ref(m, a)], [m.refs[b], _org_ref(m, b)])
            why_a, why_b = ev.reason, ev.reason_back
        else:
            why_a = str(snap.matcher.snippets_[m.offer_rows[e.j_offer[k]]]) if e.j_offer[k] >= 0 else ""
            why_b = str(snap.matcher.snippets_[m.offer_rows[e.i_offer[k]]]) if e.i_offer[k] >= 0 else ""
        run.pairs.append(Pair(m.person_ids[a], m.person_ids[b], m.refs[a], m.refs[b], m.names[a], m.names[b],
                              round(float(sc), 4), why_a, why_b, bool(pinned)))
    run.coverage, run.worst_off_best_score = _finite(result.coverage), _finite(result.worst_off_best_score)
    run.status, run.solver, run.seconds = result.status, result.solver, round(result.seconds, 3)
    run.candidate_edges = len(e)
    logger.info("suggested %d introductions among %d members (coverage %s, worst-off best %s)", len(run.pairs), n,
                run.coverage, run.worst_off_best_score)
    return _store(service, run, created_by, now) if store else run


def _store(service: IntroCore, run: Run, created_by: str, now: datetime) -> Run:
    with service.sessions.begin() as s:
        batch = IntroBatch(created_by=created_by, created_at=now, capacity=run.capacity, threshold=run.threshold,
                           mode=run.mode,
                           n_members=run.members, n_pairs=len(run.pairs), coverage=run.coverage,
                           worst_off_best_score=run.worst_off_best_score, status=run.status, seconds=run.seconds,
                           figures={"solver": run.solver, "candidate_edges": run.candidate_edges,
                                    "skipped_pins": run.skipped_pins})
        s.add(batch)
        s.flush()
        for p in run.pairs:
            s.add(IntroSuggestion(batch_id=batch.id, a_person_id=p.a_person_id, b_person_id=p.b_person_id,
                                  a_ref=p.a_ref, b_ref=p.b_ref, score=p.score, pinned=p.pinned, why_a=p.why_a,
                                  why_b=p.why_b))
        IntroRepository(s).log(created_by, "batch", pairs=len(run.pairs), members=run.members)
        run.batch_id = batch.id
    return run

