"""``clustermatch bench --first-import N``: a first import of N generated profiles, to the first answer.

The directory is written once (the demo directory scaled up, ``benchmarks.scaleup``: its rows, no vectors) and
copied for each backend, so every runtime starts from the same rows and an empty embedding cache. Each one
then runs in its own fresh process with the same thread limit: load the model, build the index (every
distinct text encoded, streamed shortest first, written to the cache as it goes), answer one question. The
wall time of that is what a new installation waits before the bot can answer.
"""

from __future__ import annotations

import multiprocessing
import shutil
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from models.db import make_engine, migrate, session_factory


def _database(path: Path) -> sessionmaker[Session]:
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    return session_factory(engine)


def _write_rows(path: Path, n: int) -> None:
    """The demo directory imported, then scaled up to ``n`` profiles (rows only; runs in a child process)."""
    from benchmarks.scaleup import build_scaled, seed_rows
    from bot.core.directory.importer import import_files
    from bot.demo import demo_files

    seed_db = path.with_name("seed.sqlite3")
    seed_sessions = _database(seed_db)
    import_files(demo_files(), sessions=seed_sessions)
    build_scaled(_database(path), seed_rows(seed_sessions), n)


def first_import(path: Path, backend: str, threads: int, data_dir: Path, question: str) -> dict[str, Any]:
    """Model load, index build and first answer on ``path`` with ``backend`` (runs in a fresh process)."""
    from threadpoolctl import threadpool_limits

    from bot.core.directory.catalog import Catalog
    from matching.encoders import make_embedder

    if threads:
        threadpool_limits(limits=threads, user_api="blas")
    sessions = _database(path)
    started = time.perf_counter()
    embedder = make_embedder(backend, threads=threads, data_dir=data_dir)
    embedder.warm_up()  # type: ignore[attr-defined]
    loaded = time.perf_counter() - started
    catalog = Catalog(sessions, embedder, show_progress=True, check_interval=3600)
    catalog.warm_up()
    answers = catalog.search(question, k=10)
    wall = time.perf_counter() - started
    snap = catalog.snapshot
    return {
        "backend": getattr(embedder, "backend", backend), "profiles": len(snap.profiles),
        "texts": int(snap.vectors.rows.size), "distinct_texts_encoded": snap.encoded, "load_s": round(loaded, 1),
        "wall_s": round(wall, 1), "encoded_per_s": round(snap.encoded / max(wall - loaded, 1e-9), 1),
        "answers": len(answers),
    }


def run_first_import(
    n: int, backends: Sequence[str], *, threads: int, data_dir: Path, workdir: Path, question: str,
    progress: Callable[[str], object] = print,
) -> dict[str, Any]:
    """Wall time from an empty cache to the first answer, per backend, on the same ``n`` generated profiles."""
    base = workdir / "first-import.sqlite3"
    progress(f"writing {n:,} generated profiles...")
    started = time.perf_counter()
    child = multiprocessing.get_context("spawn").Process(target=_write_rows, args=(base, n))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise RuntimeError(f"writing the {n:,}-profile directory failed (exit code {child.exitcode})")
    result: dict[str, Any] = {"profiles_requested": n, "rows_written_s": round(time.perf_counter() - started, 1),
                              "threads": threads, "backends": {}}
    for backend in ["torch", *[b for b in backends if b != "torch"]]:
        copy = workdir / f"first-import-{backend}.sqlite3"
        shutil.copy(base, copy)
        progress(f"{backend}: first import of {n:,} profiles...")
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
            result["backends"][backend] = pool.submit(first_import, copy, backend, threads, data_dir, question).result()
        copy.unlink()
    torch_wall = result["backends"]["torch"]["wall_s"]
    for fig in result["backends"].values():
        fig["wall_ratio"] = round(fig["wall_s"] / torch_wall, 3)
    return result
