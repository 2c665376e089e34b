"""Benchmarks for introductions (``clustermatch bench-intros``): the solvers on synthetic vectors (from
``benchmarks.assign``: 1,000 × 2,000 bipartite, 5,000-member b-matching) and ``suggest-intros`` end to
end on a throwaway SQLite database seeded with N members.

The seeded members are people with a chat account, two per organization, whose offers and needs are
sentences drawn from the demo directory; vectors come from the hashing embedder (the benchmark measures
the database reads, the candidate graph, the solver and the stored batch, not the model). Wall-clock and
CPU seconds are both reported: on a shared machine the wall clock says more about the neighbours.
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.scaleup import sentences
from bot.core.directory.catalog import Catalog
from bot.core.intros.base import IntroConfig
from bot.core.intros.service import IntroService
from bot.core.intros.suggest import suggest
from bot.demo import DEMO_DIR
from matching.embeddings import HashingEmbedder
from models.db import make_engine, migrate, session_factory
from models.directory import ORGANIZATION_KINDS, Organization, Person, PlatformAccount


def _pools() -> tuple[list[str], list[str]]:
    offers, needs = [], []
    for stem, offer_keys, need_keys in (("people", ("expertise",), ("interests",)),
                                        ("organizations", ("capabilities",), ("needs",)),
                                        ("needs", (), ("description",))):
        for line in (DEMO_DIR / f"{stem}.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            offers += [s for k in offer_keys for s in sentences(row.get(k) or "")]
            needs += [s for k in need_keys for s in sentences(row.get(k) or "")]
    return sorted(set(offers)), sorted(set(needs))


def seed_members(sessions: sessionmaker[Session], n: int, *, seed: int = 0) -> None:
    """``n`` people with a Slack account, two per organization, with sampled offers and needs."""
    rng = random.Random(seed)
    offers, needs = _pools()
    with sessions.begin() as s:
        s.execute(insert(Organization), [
            {"external_id": f"bench-org-{k}", "name": f"Bench Org {k}", "kind": rng.choice(ORGANIZATION_KINDS),
             "province": rng.choice(("ON", "QC", "BC", "AB")), "sectors": [], "languages": [], "competitors": []}
            for k in range((n + 1) // 2)])
        org_ids = list(s.scalars(select(Organization.id).order_by(Organization.id)))
        s.execute(insert(Person), [
            {"external_id": f"bench-person-{k}", "name": f"Member {k}", "role": "contact",
             "organization_id": org_ids[k // 2], "languages": [],
             "expertise": " ".join(rng.sample(offers, rng.randint(2, 3))),
             "interests": " ".join(rng.sample(needs, rng.randint(1, 2)))} for k in range(n)])
        person_ids = list(s.scalars(select(Person.id).order_by(Person.id)))
        s.execute(insert(PlatformAccount), [
            {"person_id": pid, "platform": "slack", "workspace_id": "TBENCH", "user_id": f"U{pid}", "active": True,
             "is_staff": False} for pid in person_ids])


def bench_suggest(n: int, *, capacity: int = 2, threshold: float = 0.0,
                  progress: Callable[[str], Any] = print) -> dict[str, Any]:
    """``suggest-intros`` end to end on ``n`` seeded members; figures and rule checks."""
    with tempfile.TemporaryDirectory(prefix="clustermatch-intros-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        migrate(engine)
        sessions = session_factory(engine)
        progress(f"Seeding {n:,} members...")
        started = time.perf_counter()
        seed_members(sessions, n)
        seeded = time.perf_counter() - started
        catalog = Catalog(sessions, HashingEmbedder(n_features=384), check_interval=3600)
        started = time.perf_counter()
        catalog.refresh(force=True)
        indexed = time.perf_counter() - started
        service = IntroService(sessions=sessions, catalog=catalog, config=IntroConfig(), messengers=lambda _: None)
        progress("Suggesting introductions...")
        started, cpu = time.perf_counter(), time.process_time()
        run = suggest(service, capacity=capacity, threshold=threshold, created_by="bench")
        total, cpu = time.perf_counter() - started, time.process_time() - cpu
        loads: dict[int, int] = {}
        for p in run.pairs:
            loads[p.a_person_id] = loads.get(p.a_person_id, 0) + 1
            loads[p.b_person_id] = loads.get(p.b_person_id, 0) + 1
        same_org = sum(1 for p in run.pairs if (p.a_person_id - 1) // 2 == (p.b_person_id - 1) // 2)
        engine.dispose()
    return {
        "members": run.members, "capacity": capacity, "threshold": threshold, "mode": run.mode,
        "pairs": len(run.pairs), "candidate_edges": run.candidate_edges,
        "coverage": run.coverage, "worst_off_best_score": run.worst_off_best_score,
        "mean_score": round(float(np.mean([p.score for p in run.pairs])), 4) if run.pairs else None,
        "solver": run.solver, "status": run.status, "solver_seconds": run.seconds,
        "suggest_seconds_total": round(total, 3), "suggest_cpu_seconds": round(cpu, 3),
        "seed_seconds": round(seeded, 2),
        "index_seconds": round(indexed, 2),
        "violations": {"over_capacity": sum(1 for v in loads.values() if v > capacity), "same_org": same_org},
    }


def run_intro_bench(*, members: int = 5000, solvers: bool = True,
                    progress: Callable[[str], Any] = print) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if solvers:
        from benchmarks.assign import run_assignment_bench

        progress("Solver benchmarks (synthetic vectors)...")
        cpu = time.process_time()
        out["solvers"] = run_assignment_bench()
        out["solvers_cpu_seconds"] = round(time.process_time() - cpu, 2)
    out["end_to_end"] = bench_suggest(members, progress=progress)
    return out
