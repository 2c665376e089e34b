"""Digest composition benchmark: compose weekly digests for N synthetic members (default 10,000) and print figures.

    .venv/bin/python scripts/bench_digest.py [--members 10000] [--batch 10] [--embedder real|hashing] [--json]

Members are chat accounts linked to the demo directory's people, each with one or two recent questions drawn
from a pool, a few items already shown in earlier digests and a few marked not relevant, so their query
texts, exclusions and "new since" windows differ. The directory is the shipped demo (its vectors from the
real model, or the hashing embedder with ``--embedder hashing``). Members' query vectors are precomputed
before the clock starts (the real vector of their profile text plus their question's, with a little noise),
as the digest's ``QueryVectorCache`` would hold them after the first week: this measures composition
(engine ranking, exclusions, diversity, staff-free member digests), not encoding. Target: 10,000 members
in at most 60 s on 2 cores. Nothing is sent; everything lives in a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from bot.core.digest.composer import DigestComposer  # noqa: E402
from bot.core.digest.members import load_members  # noqa: E402
from bot.core.digest.types import DigestConfig
from bot.core.digest.vectors import QueryVectorCache  # noqa: E402
from bot.core.directory.catalog import Catalog  # noqa: E402
from bot.core.directory.importer import import_files  # noqa: E402
from bot.demo import demo_files  # noqa: E402
from matching.embeddings import Embedder, HashingEmbedder, SentenceTransformerEmbedder  # noqa: E402
from models.activity import MatchFeedback, Question  # noqa: E402
from models.db import make_engine, migrate, session_factory  # noqa: E402
from models.digest import DigestDelivery, DigestItem  # noqa: E402
from models.directory import Need, Person, PlatformAccount  # noqa: E402

QUESTIONS = (
    "we need help automating TIG welding of aluminium battery trays",
    "machine vision inspection of painted parts",
    "laser powder bed fusion of titanium",
    "predictive maintenance for CNC spindles using vibration data",
    "collaborative robot for palletizing in a food plant",
    "training our operators on PLC programming",
    "funding to adopt robotics in a small machine shop",
    "digital twin of an injection moulding line",
    "composite layup automation for aerospace panels",
    "cybersecurity for industrial control systems and OPC UA",
    "reduce scrap in sheet metal stamping with process monitoring",
    "battery cell manufacturing quality analytics",
    "non-destructive testing of welds with ultrasound",
    "micro-credential courses on industrial automation online",
    "AGV and AMR fleet for warehouse logistics",
)


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / max(float(np.linalg.norm(v)), 1e-12)).astype(np.float32)


def build(
    workdir: Path, members: int, embedder: Embedder, rng: random.Random
) -> tuple[object, Catalog, QueryVectorCache]:
    engine = make_engine(f"sqlite:///{workdir / 'bench.sqlite3'}")
    migrate(engine)
    sessions = session_factory(engine)
    import_files(demo_files(), sessions=sessions)
    now = datetime.now(UTC)
    cache = QueryVectorCache(embedder, sessions)
    catalog = Catalog(sessions, cache, check_interval=3600.0)
    catalog.warm_up()
    snap = catalog.snapshot
    with sessions.begin() as s:
        people = [p for p in s.scalars(select(Person)) if p.role != "staff"]
        refs = list(snap.index_of)
        accounts, questions, feedback = [], [], []
        for i in range(members):
            person = people[i % len(people)]
            accounts.append({"platform": "slack", "workspace_id": "TBENCH", "user_id": f"U{i:06d}",
                             "person_id": person.id, "timezone": rng.choice(("America/Toronto", "America/Vancouver",
                                                                              "America/Halifax", "Europe/Paris")),
                             "active": True, "is_staff": False, "created_at": now, "updated_at": now})
            for q in rng.sample(QUESTIONS, rng.randint(1, 2)):
                questions.append({"id": f"q{i:06d}{len(questions) % 10}{rng.randrange(10**6):06d}",
                                  "platform": "slack", "workspace_id": "TBENCH", "user_id": f"U{i:06d}",
                                  "intent": "search", "text": q, "kinds": [], "filters": {}, "result_refs": [],
                                  "created_at": now - timedelta(days=rng.randint(0, 60))})
            for ref in rng.sample(refs, 2):
                feedback.append({"platform": "slack", "workspace_id": "TBENCH", "user_id": f"U{i:06d}", "ref": ref,
                                 "verdict": "not_relevant", "created_at": now})
        s.execute(insert(PlatformAccount), accounts)
        s.execute(insert(Question), questions)
        s.execute(insert(MatchFeedback), feedback)
    with sessions.begin() as s:  # last week's digests, with their items (four-week rule, "new since")
        ids = list(s.scalars(select(PlatformAccount.id).where(PlatformAccount.workspace_id == "TBENCH")))
        last = now - timedelta(days=7)
        s.execute(insert(DigestDelivery), [
            {"kind": "member", "recipient": f"account:{a}", "account_id": a, "iso_week": "bench-1", "due_at": last,
             "state": "sent", "attempts": 0, "in_flight": False, "sent_at": last, "created_at": last,
             "updated_at": last} for a in ids])
        delivery = {a: d for a, d in s.execute(select(DigestDelivery.account_id, DigestDelivery.id))}
        s.execute(insert(DigestItem), [
            {"delivery_id": delivery[a], "account_id": a, "ref": ref, "sent_at": last}
            for a in ids for ref in rng.sample(refs, 4)])
    return sessions, catalog, cache


def precompute_vectors(sessions: object, catalog: Catalog, cache: QueryVectorCache, embedder: Embedder,
                       rng: random.Random) -> int:
    """Every member's query and offer vectors, perturbed from a few hundred real ones (not timed)."""
    now = datetime.now(UTC)
    with sessions.begin() as s:  # type: ignore[attr-defined]
        accounts = list(s.scalars(select(PlatformAccount).where(PlatformAccount.workspace_id == "TBENCH")))
        members = load_members(s, accounts, now)
    composer = DigestComposer(catalog=catalog, config=DigestConfig())
    texts = dict.fromkeys(composer.encoded_texts(members.values()))
    texts.pop("", None)
    # Open needs and directory profiles' offers are few (a few hundred): their real vectors.
    offers = (p.offer for p in catalog.snapshot.by_ref.values())
    real = [t for t in dict.fromkeys([*composer.encoded_texts([]), *offers]) if t in texts]
    cache.remember(real, embedder.encode(real))
    for t in real:
        texts.pop(t, None)
    base_texts = list(QUESTIONS) + [p.interests or p.expertise or p.name for p in _people(sessions)]
    base = {t: v for t, v in zip(base_texts, embedder.encode(base_texts), strict=True)}
    keys = list(base)
    vectors = []
    for text in texts:
        parts = [base[q] for q in QUESTIONS if q in text] or [base[rng.choice(keys)]]
        anchor = next((base[k] for k in keys[len(QUESTIONS):] if k and k[:60] in text), None)
        v = np.sum(parts, axis=0) + (anchor if anchor is not None else 0)
        noise = np.asarray([rng.gauss(0.0, 0.02) for _ in range(v.shape[0])], dtype=np.float32)
        vectors.append(_unit(v + noise))
    cache.remember(list(texts), np.stack(vectors))
    return len(texts) + len(real)


def _people(sessions: object) -> list[Person]:
    with sessions() as s:  # type: ignore[operator]
        return [p for p in s.scalars(select(Person)) if p.role != "staff"]


_FORK_STATE: Any = None


def _compose_slice(composer: DigestComposer, sessions: Any, accounts: list[Any], batch: int, now: datetime
                   ) -> dict[str, Any]:
    digests, per_member, cpu = [], [], time.process_time()
    with sessions() as s:
        for i in range(0, len(accounts), batch):
            b0 = time.perf_counter()
            chunk = accounts[i : i + batch]
            digests.extend(composer.compose_members(s, chunk, now).values())
            per_member.append((time.perf_counter() - b0) * 1000 / max(1, len(chunk)))
    return {"digests": digests, "per_member_ms": per_member, "cpu_s": time.process_time() - cpu}


def _compose_forked(accounts: list[Any]) -> dict[str, Any]:
    composer, sessions, batch, now = _FORK_STATE
    sessions.kw["bind"].dispose(close=False)  # fresh connections in the child (never reuse the parent's)
    return _compose_slice(composer, sessions, accounts, batch, now)


def run(members: int, batch: int, embedder_name: str, workers: int = 1, seed: int = 7) -> dict[str, object]:
    rng = random.Random(seed)
    embedder: Embedder = HashingEmbedder() if embedder_name == "hashing" else SentenceTransformerEmbedder()
    with tempfile.TemporaryDirectory(prefix="clustermatch-digest-bench-") as tmp:
        t0 = time.perf_counter()
        sessions, catalog, cache = build(Path(tmp), members, embedder, rng)
        setup_s = time.perf_counter() - t0
        distinct = precompute_vectors(sessions, catalog, cache, embedder, rng)
        cache.inner = _Refuse(embedder)  # type: ignore[assignment]  # any encode now would be a bug in the bench
        composer = DigestComposer(catalog=catalog, config=DigestConfig(max_items=6))
        now = datetime.now(UTC)
        with sessions() as s:  # type: ignore[operator]
            accounts = list(s.scalars(select(PlatformAccount).where(PlatformAccount.workspace_id == "TBENCH")
                                      .order_by(PlatformAccount.id)))
            n_needs = len(list(s.scalars(select(Need.id))))
        composer.need_matches(composer.freshness(sessions()))  # type: ignore[operator]  # shared, built once
        slices = [accounts[w::workers] for w in range(workers)]
        start = time.perf_counter()
        if workers == 1:
            results = [_compose_slice(composer, sessions, slices[0], batch, now)]
        else:  # forked workers share the built catalog copy-on-write, as two clock processes would each hold one
            global _FORK_STATE
            _FORK_STATE = (composer, sessions, batch, now)
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                results = pool.map(_compose_forked, slices)
        elapsed = time.perf_counter() - start
    digests = [d for r in results for d in r["digests"]]
    per_member = [x for r in results for x in r["per_member_ms"]]
    cpu = sum(r["cpu_s"] for r in results)
    sent = [d for d in digests if d is not None]
    return {
        "members": members,
        "batch": batch,
        "workers": workers,
        "embedder": embedder_name,
        "directory_profiles": len(catalog.snapshot.profiles),
        "open_needs": n_needs,
        "distinct_query_texts": distinct,
        "setup_s": round(setup_s, 1),
        "compose_s": round(elapsed, 2),
        "compose_cpu_s": round(cpu, 2),
        "cpu_ms_per_member": round(cpu * 1000 / members, 2),
        "members_per_s": round(members / elapsed, 1),
        "ms_per_member_p50": round(float(np.percentile(per_member, 50)), 2),
        "ms_per_member_p95": round(float(np.percentile(per_member, 95)), 2),
        "digests_worth_sending": len(sent),
        "mean_items": round(float(np.mean([len(d.suggestions) for d in sent])), 2) if sent else 0.0,
        "share_with_2plus_kinds": round(sum(len({s.kind for s in d.suggestions}) >= 2 for d in sent)
                                        / max(1, len(sent)), 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "target": "compose_s <= 60 for 10,000 members on 2 cores",
    }


class _Refuse:
    def __init__(self, inner: Embedder) -> None:
        self.model_id, self.dim = inner.model_id, inner.dim

    def encode(self, texts: object) -> np.ndarray:
        raise AssertionError(f"unexpected encode during the timed part: {texts!r}"[:300])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=10, help="members per compose call (the runner claims 10)")
    parser.add_argument("--embedder", choices=("real", "hashing"), default="real")
    parser.add_argument("--workers", type=int, default=2, help="composing processes (two clocks on two cores)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.members < 1 or args.batch < 1:
        parser.error("--members and --batch must be at least 1")
    result = run(args.members, args.batch, args.embedder, workers=max(1, args.workers))
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for key, value in result.items():
        print(f"{key:>24}: {value}")


if __name__ == "__main__":
    main()
