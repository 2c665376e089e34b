"""Consortium proposals for a funding stream or a challenge: teams of 3–5 with complementary roles.

``/match consortium <funding stream or challenge>``: the call's own evidence snippets (a funding stream or
open need found by name or ref), or the typed challenge split into aspects, are matched against every
member's snippet vectors from the catalog; ``matching.consortium.propose_consortia`` fills the role slots
(industrial lead, technology partners, research partner, optionally a training provider) exactly over
per-role shortlists, never combining one organization twice or marked competitors. When the asker's own
organization fits a role, teams are built around it. Each member comes with the snippet that earned its
place, and a Request introduction button.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.ask.feedback import ActivityRepository
from bot.core.directory.catalog import Catalog, Snapshot
from bot.core.errors import UserFacingError
from bot.core.messages import REQUEST_INTRO, SAVE, IncomingMessage, Reply, Section, Suggestion
from matching.consortium import DEFAULT_SLOTS, propose_consortia
from matching.evidence import split_evidence
from matching.vecstore import dot, take
from models.directory import Organization

logger = logging.getLogger(__name__)

ROLE_LABELS = {"industrial_lead": "Industrial lead", "technology": "Technology partner",
               "research": "Research partner", "training": "Training provider"}
MIN_RELEVANCE = 0.2  # a member's best cosine to the call below this is not relevant (nonsense in, no team out)
PER_KIND = 40  # candidates kept per kind before the exact search (the search is exhaustive over shortlists)
ASKER_KIND = "__asker__"
USAGE = ('Tell me the funding stream or the challenge, for example "/match consortium Automation pilot fund" or '
         '"/match consortium robotic welding of aluminium battery trays for electric buses".')
INTRO = 'Teams that could answer "{target}" together, best first:'
NOTHING = ('I could not build a team for "{target}": a role (industrial lead, technology partner, research '
           "partner) has no member close enough. Try describing the challenge in a sentence.")
HEADING = "Team {n} · fit {score:.2f} · covers {coverage:.0%} of the call"
AROUND_YOU = "Built around your organization as {role}."


def _challenge(catalog: Catalog, snap: Snapshot, text: str) -> tuple[str, np.ndarray]:
    """The call's aspects: a funding stream's or need's own snippet vectors, else the typed challenge."""
    found = catalog.find(text)
    if found is not None and found.ref in snap.index_of and found.kind in ("funding_stream", "need"):
        i = snap.index_of[found.ref]
        offsets = snap.matcher.offsets_
        return found.title, take(snap.matcher.snippet_vectors_, slice(offsets[i], offsets[i + 1]))
    aspects = split_evidence(text, 40) or [text]
    return text, np.asarray(catalog.embedder.encode(aspects), dtype=np.float32)


def propose(catalog: Catalog, sessions: sessionmaker[Session], incoming: IncomingMessage, text: str,
            *, n_teams: int = 3) -> Reply:
    """Up to ``n_teams`` consortium proposals for ``text``, as a reply with one section per team."""
    text = " ".join(text.split())
    if not text:
        raise UserFacingError(USAGE)
    snap = catalog.snapshot
    target, challenge = _challenge(catalog, snap, text)
    slots = list(DEFAULT_SLOTS)
    role_kinds = {k for s in slots for k in s.kinds}
    with sessions() as s:
        asker = ActivityRepository(s).identify(incoming.platform, incoming.workspace_id, incoming.user_id)
        competitors = {f"org:{o.external_id}": [f"org:{c}" for c in o.competitors or []]
                       for o in s.scalars(select(Organization).where(Organization.competitors.is_not(None)))}
    kinds = [p.kind for p in snap.profiles]
    own_org = asker.org_ref if asker.org_ref in snap.index_of else None
    around: str | None = None
    if own_org is not None:
        slot = next((k for k, sl in enumerate(slots) if kinds[snap.index_of[own_org]] in sl.kinds), None)
        if slot is not None:
            around = slots[slot].name
            slots[slot] = replace(slots[slot], kinds=(ASKER_KIND,))
    offsets, vectors = snap.matcher.offsets_, snap.matcher.snippet_vectors_
    unit = challenge / np.maximum(np.linalg.norm(challenge, axis=1, keepdims=True), 1e-12)
    best = np.maximum.reduceat(dot(vectors, unit.T).max(axis=1), offsets[:-1]) if len(kinds) else np.zeros(0)
    keep: list[int] = []
    for kind in role_kinds:
        pool = [i for i, k in enumerate(kinds) if k == kind and snap.profiles[i].ref != own_org
                and (asker.is_staff or snap.profiles[i].visibility == "public")]  # staff-only: staff askers
        keep += sorted(pool, key=lambda i: -best[i])[:PER_KIND]
    if own_org is not None and around is not None:
        keep.append(snap.index_of[own_org])
    keep = sorted(set(keep))
    owner_group = {ref: g for g, ref in enumerate(sorted({p.ref if p.ref.startswith("org:") else (p.org_ref or p.ref)
                                                          for p in (snap.profiles[i] for i in keep)}))}
    position = {snap.profiles[i].ref: k for k, i in enumerate(keep)}
    member_kinds = [ASKER_KIND if snap.profiles[i].ref == own_org and around else kinds[i] for i in keep]
    groups = [owner_group[p.ref if p.ref.startswith("org:") else (p.org_ref or p.ref)]
              for p in (snap.profiles[i] for i in keep)]
    rivals = [(position[a], position[b]) for a, bs in competitors.items() for b in bs
              if a in position and b in position]
    rows = [np.arange(offsets[i], offsets[i + 1]) for i in keep]
    owner = np.concatenate([np.full(r.size, k) for k, r in enumerate(rows)]) if rows else np.zeros(0, np.int64)
    flat = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    teams = propose_consortia(unit, take(vectors, flat), owner.astype(np.int64), member_kinds,
                              groups=np.asarray(groups),
                              competitors=np.asarray(rivals, dtype=np.int64).reshape(-1, 2),
                              slots=slots, n_teams=n_teams, min_relevance=MIN_RELEVANCE) if rows else []
    if not teams:
        return Reply(text=NOTHING.format(target=target), meta={"intro": NOTHING.format(target=target)})
    sections = []
    for n, team in enumerate(teams, 1):
        items = []
        for reason in team.reasons:
            p = snap.profiles[keep[reason.member]]
            role = ROLE_LABELS.get(reason.role, reason.role.replace("_", " ").capitalize())
            items.append(Suggestion(
                ref=p.ref, kind=p.kind, title=p.title, subtitle=f"{role} · {p.subtitle}" if p.subtitle else role,
                score=round(reason.score, 4), reason=str(snap.matcher.snippets_[int(flat[reason.snippet])]),
                url=p.url, actions=(SAVE,) if p.ref == own_org else (REQUEST_INTRO, SAVE)))
        sections.append(Section(HEADING.format(n=n, score=team.score, coverage=team.coverage), tuple(items)))
    intro = INTRO.format(target=target)
    if around:
        intro += " " + AROUND_YOU.format(role=ROLE_LABELS[around].lower())
    lines = [intro]
    for section in sections:
        lines += ["", section.heading] + [f"- {s.title} ({s.subtitle}): {s.reason}" for s in section.suggestions]
    return Reply(text="\n".join(lines), sections=tuple(sections), meta={"intro": intro, "intent": "consortium"})

