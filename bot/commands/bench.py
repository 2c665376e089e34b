"""``clustermatch bench``: indexing throughput, query latency and memory on a scaled-up demo directory.

Figures, not pass/fail: targets are re-indexing an unchanged directory at >= 10,000 profiles/s, query p95
<= 150 ms at 10k and <= 300 ms at 100k profiles (query embedding with the real model included), peak RSS
<= 1.5 GB at 100k. Everything runs on throwaway SQLite files in a temporary folder.
"""

from __future__ import annotations

import gc
import json
import logging
import multiprocessing
import resource
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.scaleup import ScaleEmbedder, build_scaled, seed_rows
from bot.bootstrap import embedder_from_settings, limit_blas_threads
from bot.config import ConfigError, Settings
from bot.core.directory.catalog import Catalog
from bot.core.directory.importer import import_files
from bot.demo import demo_files
from matching.embeddings import Embedder
from matching.vecstore import take
from models.db import make_engine, migrate, session_factory
from models.directory import Organization
from models.repositories import DirectoryRepository

logger = logging.getLogger(__name__)
console = Console(stderr=True)

QUESTIONS = (
    "we need help automating TIG welding of aluminium battery trays",
    "who can help us with machine vision inspection of painted parts",
    "researchers working on laser powder bed fusion of titanium",
    "predictive maintenance for CNC spindles using vibration data",
    "collaborative robot for palletizing in a food plant",
    "training our operators on PLC programming",
    "funding to adopt robotics in a small machine shop",
    "digital twin of an injection moulding line",
    "composite layup automation for aerospace panels",
    "cybersecurity for industrial control systems and OPC UA",
    "reduce scrap in sheet metal stamping with process monitoring",
    "battery cell manufacturing quality analytics",
    "hydrogen fuel cell component machining",
    "additive manufacturing of spare parts for mining equipment",
    "lean manufacturing and MES rollout",
    "micro-credential courses on industrial automation online",
    "recycling aluminium scrap into new extrusions",
    "AGV and AMR fleet for warehouse logistics",
    "non-destructive testing of welds with ultrasound",
    "AI for demand forecasting in a furniture factory",
)


def register(app: typer.Typer) -> None:
    app.command("bench")(bench_command)


def _rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _database(path: Path) -> sessionmaker[Session]:
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    return session_factory(engine)


def _percentiles(values: list[float]) -> dict[str, float]:
    arr = np.asarray(values)
    return {"p50": round(float(np.percentile(arr, 50)), 1), "p95": round(float(np.percentile(arr, 95)), 1)}


def run_bench(
    sizes: list[int], *, queries: int, embedder: Embedder, workdir: Path, seed_files: Sequence[Path] = ()
) -> dict[str, Any]:
    """The measurements behind ``clustermatch bench`` (see the module docstring)."""
    console.print("Cold index of the demo directory (empty embedding cache, real model)...")
    seed_files = seed_files or demo_files()
    demo_sessions = _database(workdir / "demo.sqlite3")
    import_files(list(seed_files), sessions=demo_sessions)
    demo = Catalog(demo_sessions, embedder, check_interval=3600)
    started = time.perf_counter()
    demo.refresh(force=True)
    cold_s = time.perf_counter() - started
    base = demo.snapshot
    n_demo = len(base.profiles)
    seed = seed_rows(demo_sessions)
    texts = list(base.matcher.snippets_)
    scale = ScaleEmbedder.from_snippets(embedder.model_id, texts, take(base.matcher.snippet_vectors_, slice(None)))
    result: dict[str, Any] = {
        "index": {"cold_per_s": round(n_demo / cold_s, 1), "cold_profiles": n_demo, "cold_seconds": round(cold_s, 2)},
        "query_ms": {},
        "sizes": {},
    }
    del demo, base
    rng = np.random.default_rng(0)
    for n in sizes:
        console.print(f"Scale-up to {n:,} profiles: writing rows and filling the embedding cache...")
        path = workdir / f"scale-{n}.sqlite3"
        # Rows and derived vectors are written by a child process, so this process's peak RSS is only what a
        # bot serving that directory holds (the writer's own build never counts).
        child = multiprocessing.get_context("fork").Process(target=_prime, args=(path, seed, n, scale))
        child.start()
        child.join()
        if child.exitcode != 0:
            raise RuntimeError(f"writing the {n:,}-profile directory failed (exit code {child.exitcode})")
        sessions = _database(path)

        guarded = _Guarded(embedder)
        catalog = Catalog(sessions, guarded, check_interval=3600)
        started = time.perf_counter()
        catalog.refresh(force=True)  # a restart: every vector from the embedding cache table
        restart_s = time.perf_counter() - started
        profiles = len(catalog.snapshot.profiles)

        guarded.allow = True  # from here on, queries are encoded by the real model
        catalog.search(QUESTIONS[0], k=30)
        times = []
        for i in range(queries):
            q = QUESTIONS[i % len(QUESTIONS)]
            if i >= len(QUESTIONS):  # vary the text so nothing is answered from a warm path
                q = f"{q} {rng.choice(['please', 'for our plant', 'in Ontario', 'urgently', 'at low volume'])}"
            started = time.perf_counter()
            catalog.search(q, k=30)
            times.append((time.perf_counter() - started) * 1000)
        result["query_ms"][str(n)] = _percentiles(times)

        guarded.allow = False
        with sessions.begin() as session:
            DirectoryRepository(session).bump_version()  # e.g. an import that changed nothing indexed
        started = time.perf_counter()
        catalog.refresh()
        unchanged_s = time.perf_counter() - started

        guarded.allow = True  # a member edits their profile: its new snippets are encoded, every row moves
        _edit_one(sessions)
        started = time.perf_counter()
        catalog.refresh()
        edit_s = time.perf_counter() - started
        edit_encoded = catalog.snapshot.encoded
        guarded.allow = False
        serving_rss = _rss_mb()  # build, queries, refreshes after an edit: what a running bot holds

        started = time.perf_counter()
        catalog.refresh(force=True)  # full re-index from the vectors in memory: old and new side by side
        reindex_s = time.perf_counter() - started
        result["sizes"][str(n)] = {
            "profiles": profiles,
            "snippets": int(catalog.snapshot.matcher.snippet_vectors_.shape[0]),
            # vectors are stored once per distinct text (snippets and needs): the scale-up reuses the demo's
            # sentences, so it repeats texts more than a real directory would
            "distinct_texts_stored": int(catalog.snapshot.vectors.unique_keys.size),
            "restart_from_cache_per_s": round(profiles / restart_s, 1),
            "refresh_unchanged_per_s": round(profiles / unchanged_s, 1),
            "refresh_after_one_edit_s": round(edit_s, 2),
            "refresh_after_one_edit_encoded": edit_encoded,
            "reindex_per_s": round(profiles / reindex_s, 1),
            "peak_rss_mb_serving": round(serving_rss, 1),
            "peak_rss_mb_after_full_reindex": round(_rss_mb(), 1),
        }
        result["index"]["cached_per_s"] = round(profiles / reindex_s, 1)
        result["index"]["cached_restart_per_s"] = round(profiles / restart_s, 1)
        result["index"]["refresh_unchanged_per_s"] = round(profiles / unchanged_s, 1)
        result["index"]["cached_at_profiles"] = profiles
        result["peak_rss_mb_serving"] = round(serving_rss, 1)
        del catalog
        gc.collect()
    result["peak_rss_mb"] = round(_rss_mb(), 1)  # including the full re-index of the largest size
    return result


def _edit_one(sessions: sessionmaker[Session]) -> None:
    """Rewrite the first organization's capabilities (a profile edit), bumping the directory version."""
    with sessions.begin() as session:
        repo = DirectoryRepository(session)
        org = session.scalars(select(Organization).order_by(Organization.id).limit(1)).one()
        org.capabilities = f"{org.capabilities or ''} Now also offers cryogenic machining of titanium implants."
        repo.bump_version()


def _prime(path: Path, seed: dict[type[Any], list[dict[str, Any]]], n: int, scale: ScaleEmbedder) -> None:
    """Write the scaled-up directory and fill its embedding cache (run in a child process)."""
    sessions = _database(path)
    build_scaled(sessions, seed, n)
    Catalog(sessions, scale).refresh(force=True)


class _Guarded:
    """The real model, refusing to encode until ``allow``: proves the cached indexing embeds nothing."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        self.allow = False

    def encode(self, texts: Any) -> np.ndarray:
        if not self.allow:
            raise AssertionError(f"indexing from the cache tried to encode {len(texts)} texts")
        return self.inner.encode(texts)


def bench_command(
    sizes: Annotated[str, typer.Option(help="Comma-separated directory sizes (profiles).")] = "10000,100000",
    queries: Annotated[int, typer.Option(help="Queries timed at each size.")] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    encoders: Annotated[bool, typer.Option(
        "--encoders", help="Compare the embedding runtimes instead: speed, memory and quality against torch.")] = False,
    first_import: Annotated[int, typer.Option(
        help="Time a first import of this many generated profiles to the first answer, per runtime.")] = 0,
    backends: Annotated[str, typer.Option(
        help="Runtimes for --encoders / --first-import (torch is always measured as the reference).")] = (
        "torch-int8,onnx,onnx-int8,openvino,openvino-int8"),
    threads: Annotated[int, typer.Option(
        help="Threads for every runtime (and BLAS) in --encoders / --first-import; -1: TORCH_THREADS.")] = -1,
    eval_set: Annotated[list[Path] | None, typer.Option(
        help="Folder of an evaluation set (corpus.jsonl, queries.jsonl, qrels.tsv) for --encoders' quality "
             "gate, besides the demo directory's needs; repeatable.")] = None,
) -> None:
    """Index throughput (cold and cached), query latency p50/p95 per size, and peak RSS; or, with --encoders or
    --first-import, the embedding runtimes side by side."""
    try:
        settings = Settings.from_env()
        wanted = [int(s.replace("_", "").strip()) for s in sizes.split(",") if s.strip()]
    except (ConfigError, ValueError) as exc:
        console.print(f"[red]Bad setting:[/red] {exc} (--sizes takes e.g. 10000,100000)", highlight=False)
        raise typer.Exit(2) from None
    if not wanted or min(wanted) < 1 or queries < 1:
        console.print("[red]--sizes needs positive sizes and --queries at least 1[/red]")
        raise typer.Exit(2)
    if not all(p.is_file() for p in demo_files()):
        console.print("[red]The demo directory files are missing (bot/demo/*.jsonl).[/red]")
        raise typer.Exit(1)
    if encoders or first_import:
        from bot.commands.bench_encoders import parse_backends, run_encoders, run_first_import_bench

        names, n_threads = parse_backends(backends), settings.torch_threads if threads < 0 else threads
        if encoders:
            run_encoders(settings, names, n_threads, list(eval_set or []), as_json, list(QUESTIONS) * 5)
        if first_import:
            run_first_import_bench(settings, first_import, names, n_threads, as_json, QUESTIONS[0])
        return
    limit_blas_threads(settings)  # the bot's thread settings (TORCH_THREADS), so latencies are the bot's
    embedder = embedder_from_settings(settings)  # EMBED_BACKEND's runtime, as the bot encodes
    embedder.warm_up()  # type: ignore[attr-defined]
    with tempfile.TemporaryDirectory(prefix="clustermatch-bench-") as tmp:
        result = run_bench(wanted, queries=queries, embedder=embedder, workdir=Path(tmp))
    if as_json:
        print(json.dumps(result, indent=2))
        return
    table = Table(title="clustermatch bench")
    table.add_column("profiles", justify="right")
    table.add_column("snippets", justify="right")
    table.add_column("query p50 / p95 ms", justify="right")
    table.add_column("full re-index /s", justify="right")
    table.add_column("restart from cache /s", justify="right")
    table.add_column("refresh, nothing indexed changed /s", justify="right")
    table.add_column("refresh after one edit s", justify="right")
    table.add_column("peak RSS MB serving / after re-index", justify="right")
    for n, row in result["sizes"].items():
        q = result["query_ms"][n]
        table.add_row(
            f"{row['profiles']:,}",
            f"{row['snippets']:,}",
            f"{q['p50']} / {q['p95']}",
            f"{row['reindex_per_s']:,.0f}",
            f"{row['restart_from_cache_per_s']:,.0f}",
            f"{row['refresh_unchanged_per_s']:,.0f}",
            f"{row['refresh_after_one_edit_s']}",
            f"{row['peak_rss_mb_serving']:,.0f} / {row['peak_rss_mb_after_full_reindex']:,.0f}",
        )
    out = Console()
    out.print(table)
    idx = result["index"]
    out.print(
        f"Cold index (demo, empty cache, real model): {idx['cold_per_s']:,} profiles/s "
        f"({idx['cold_profiles']} profiles in {idx['cold_seconds']} s)"
    )
    out.print(
        f"Peak RSS: {result['peak_rss_mb_serving']:,} MB serving, {result['peak_rss_mb']:,} MB with a full re-index"
    )
