"""Snippet vectors for a catalog build: reused from the last build, read from the cache, or encoded.

Keyed by content hash (SHA-256 of the snippet text) and model id, so an unchanged snippet is never
encoded twice, across rebuilds (in memory) and across restarts (the ``embedding_cache`` table). The model id
names the runtime too (``EMBED_BACKEND``): an arena holds one id's vectors and refuses any other's.

Texts to encode stream through the embedder shortest first, in chunks of about the same work, each written to
the cache as it is done (an interrupted first import keeps what it encoded), with a progress bar and the
throughput in the log.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np
from rich.progress import Progress, TextColumn
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from matching.embeddings import Embedder
from matching.vecstore import RowView, as_stored
from models.directory import EmbeddingCache
from models.repositories import DirectoryRepository, content_hash

logger = logging.getLogger(__name__)

ENCODE_WORDS = 20_000  # words per encode call and cache write: ~110 evidence windows or ~1,000 short texts
ENCODE_TEXTS = 1024  # at most this many texts per call
DB_CHUNK = 5000  # hashes per cache read
SCAN_FROM = 20_000  # from this many missing vectors, scan the cache table instead of keyed lookups
PROGRESS_FROM = 200  # show a progress bar when at least this many snippets need encoding


#: How vectors are held in memory (``matching.vecstore``); the cache table keeps float32.
STORAGE = "float16"
#: Spare rows a fresh arena gets for later edits: a share of its live rows, plus a fixed margin.
SPARE_SHARE = 0.10
SPARE_ROWS = 1024


class MixedVectorsError(ValueError):
    """Vectors of two models or runtimes were about to enter one index (their cosines mean nothing)."""


def _keys(hashes: Sequence[str]) -> np.ndarray:
    """128-bit prefixes of the hex content hashes as a compact array (16 MB less per 100k profiles than a
    dict of 64-character strings; look-ups are one vectorised ``searchsorted``)."""
    return np.array(hashes, dtype="S32") if hashes else np.zeros(0, dtype="S32")


class Arena:
    """Append-only rows of distinct snippet vectors, shared by successive builds.

    A build appends the vectors it lacks to the free tail and reads the rest where they already are, so a
    one-profile edit costs a few rows, not a second copy of every vector; older snapshots keep reading the
    rows they know, which are never overwritten. Only the build that holds the catalog's build lock appends.
    When the spare rows run out (or dead rows pile up), the next build copies its live rows to a new arena.
    """

    def __init__(self, dim: int, capacity: int, model_id: str = "") -> None:
        self.data = np.empty((max(capacity, 1), dim), dtype=STORAGE)
        self.used = 0
        self.model_id = model_id  # the vector space every row belongs to

    @property
    def free(self) -> int:
        return int(self.data.shape[0]) - self.used

    def append(self, vectors: np.ndarray, model_id: str) -> np.ndarray:
        """Store ``vectors`` (float32 or float16) of ``model_id`` in the next rows; returns their row numbers."""
        if model_id != self.model_id:
            raise MixedVectorsError(f"vectors of {model_id!r} cannot join an arena of {self.model_id!r}")
        n = int(vectors.shape[0])
        if n > self.free:
            raise ValueError(f"arena full: {n} rows asked, {self.free} free")
        self.data[self.used : self.used + n] = as_stored(np.asarray(vectors), STORAGE)
        rows = np.arange(self.used, self.used + n, dtype=np.int64)
        self.used += n
        return rows


@dataclass
class VectorSource:
    """The vectors of one build's texts: ``matrix[i]`` is the vector of the i-th text (a view, no copy)."""

    arena: Arena
    rows: np.ndarray  # (n_texts,) arena row of each text, in text order (equal texts share a row)
    keys: np.ndarray  # (n_texts,) S32 hash prefixes, in text order
    unique_keys: np.ndarray  # sorted distinct keys
    unique_rows: np.ndarray  # arena row of each distinct key
    model_id: str
    encoded: int = 0  # texts encoded by this build (0 when nothing changed)
    from_cache: int = 0  # distinct texts read from the embedding cache table

    @property
    def matrix(self) -> RowView:
        return RowView(self.arena.data, self.rows)

    def view(self, start: int, stop: int) -> RowView:
        """Texts ``start:stop`` (e.g. the snippets, then the needs) as a matrix view."""
        return RowView(self.arena.data, self.rows[start:stop])

    def rows_of(self, keys: np.ndarray) -> np.ndarray:
        """Arena row of each key in this build, -1 where absent."""
        if not self.unique_keys.size or not keys.size:
            return np.full(keys.shape[0], -1, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.unique_keys, keys), self.unique_keys.size - 1)
        return np.where(self.unique_keys[pos] == keys, self.unique_rows[pos], -1).astype(np.int64)

    @classmethod
    def build(
        cls,
        texts: Sequence[str],
        embedder: Embedder,
        sessions: sessionmaker[Session],
        *,
        previous: VectorSource | None = None,
        show_progress: bool = False,
    ) -> VectorSource:
        hashes = [content_hash(t) for t in texts]
        keys = _keys(hashes)
        reusable = (
            previous is not None and previous.model_id == embedder.model_id
            and previous.arena.data.shape[1] == embedder.dim
        )
        if reusable and previous is not None and np.array_equal(previous.keys, keys):
            # The same texts in the same order (a forced refit, an edit of untexted fields): share everything.
            return replace(previous, encoded=0, from_cache=0)
        unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        rows = previous.rows_of(unique) if reusable and previous is not None else np.full(unique.size, -1, np.int64)
        lacking = np.flatnonzero(rows < 0)
        arena = previous.arena if reusable and previous is not None else None
        model_id = embedder.model_id
        if arena is None or lacking.size > arena.free or arena.used > 2 * unique.size + SPARE_ROWS:
            fresh = Arena(embedder.dim, int(unique.size * (1 + SPARE_SHARE)) + SPARE_ROWS, model_id)
            kept = np.flatnonzero(rows >= 0)
            old = arena.data if arena is not None else np.zeros((0, embedder.dim), dtype=STORAGE)
            for start in range(0, kept.size, DB_CHUNK):  # chunk by chunk: no full-size temporary copy
                part = kept[start : start + DB_CHUNK]
                rows[part] = fresh.append(old[rows[part]], arena.model_id if arena is not None else model_id)
            arena = fresh

        missing = {hashes[int(first[u])]: int(u) for u in lacking}
        from_cache = 0
        for found in _cached_chunks(sessions, list(missing), embedder.model_id, embedder.dim):
            at = np.fromiter((missing[h] for h, _ in found), dtype=np.int64, count=len(found))
            rows[at] = arena.append(np.stack([v for _, v in found]), model_id)
            from_cache += len(found)

        todo = [u for u in missing.values() if rows[u] < 0]
        for at, vectors in _encoded(todo, texts, first, hashes, embedder, sessions, show_progress):
            rows[at] = arena.append(vectors, model_id)
        return cls(
            arena=arena, rows=rows[inverse.reshape(-1)], keys=keys, unique_keys=unique, unique_rows=rows,
            model_id=model_id, encoded=len(todo), from_cache=from_cache,
        )


def _cached_chunks(
    sessions: sessionmaker[Session], keys: list[str], model_id: str, dim: int
) -> Iterator[list[tuple[str, np.ndarray]]]:
    """Cached vectors of the right size for ``keys``, a chunk at a time (one cast per chunk, not per row)."""
    chunk: list[tuple[str, np.ndarray]] = []
    for h, vec in _cached(sessions, keys, model_id):
        if vec.shape[0] == dim:
            chunk.append((h, vec))
        if len(chunk) == DB_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _cached(sessions: sessionmaker[Session], keys: list[str], model_id: str) -> Iterator[tuple[str, np.ndarray]]:
    """Cached vectors for ``keys``. Many keys (a restart): one streamed scan of the model's rows, far faster
    than thousands of ``IN (...)`` lookups; a few keys (an edit): the repository's keyed lookup."""
    if len(keys) < SCAN_FROM:
        for start in range(0, len(keys), DB_CHUNK):
            with sessions() as session:
                yield from DirectoryRepository(session).get_vectors(keys[start : start + DB_CHUNK], model_id).items()
        return
    wanted = set(keys)
    stmt = select(EmbeddingCache.content_hash, EmbeddingCache.dim, EmbeddingCache.vector).where(
        EmbeddingCache.model_id == model_id
    )
    with sessions() as session:
        for h, dim, blob in session.execute(stmt.execution_options(yield_per=DB_CHUNK)):
            if h in wanted:
                yield h, np.frombuffer(blob, dtype="<f4", count=dim)


def _chunks_by_work(order: list[int], words: list[int]) -> Iterator[list[int]]:
    """``order`` cut into runs of about ``ENCODE_WORDS`` words (at most ``ENCODE_TEXTS`` texts each)."""
    chunk: list[int] = []
    total = 0
    for u, n in zip(order, words, strict=True):
        chunk.append(u)
        total += n
        if total >= ENCODE_WORDS or len(chunk) >= ENCODE_TEXTS:
            yield chunk
            chunk, total = [], 0
    if chunk:
        yield chunk


def _encoded(
    todo: list[int],
    texts: Sequence[str],
    first: np.ndarray,
    hashes: list[str],
    embedder: Embedder,
    sessions: sessionmaker[Session],
    show_progress: bool,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Encode the distinct texts ``todo`` (positions in the sorted distinct keys), shortest first, writing each
    chunk to the cache table; yields ``(positions, vectors)``."""
    total = len(todo)
    if not total:
        return
    model_id = embedder.model_id
    words = {u: texts[int(first[u])].count(" ") + 1 for u in todo}
    order = sorted(todo, key=words.__getitem__)  # similar lengths together: batches pad little
    logger.info("encoding %d new snippets with %s", total, model_id)
    started = time.perf_counter()
    done = 0
    columns = (*Progress.get_default_columns(), TextColumn("{task.completed:,.0f}/{task.total:,.0f} texts"),
               TextColumn("{task.fields[rate]}"))
    with Progress(*columns, disable=not show_progress or total < PROGRESS_FROM, transient=True) as progress:
        task = progress.add_task("Embedding directory snippets", total=total, rate="")
        for n_chunk, batch in enumerate(_chunks_by_work(order, [words[u] for u in order])):
            index = [int(first[u]) for u in batch]
            vectors = np.asarray(embedder.encode([texts[i] for i in index]), dtype=np.float32)
            if vectors.shape != (len(batch), embedder.dim):
                raise ValueError(f"{model_id} returned shape {vectors.shape} for {len(batch)} texts")
            with sessions.begin() as session:
                DirectoryRepository(session).put_vectors({hashes[i]: vectors[j] for j, i in enumerate(index)}, model_id)
            yield np.asarray(batch, dtype=np.int64), vectors
            done += len(batch)
            rate = done / max(time.perf_counter() - started, 1e-9)
            progress.update(task, advance=len(batch), rate=f"{rate:,.0f} texts/s")
            if total >= PROGRESS_FROM and n_chunk % 10 == 9:
                logger.info("encoded %d/%d snippets (%.0f texts/s)", done, total, rate)
    seconds = time.perf_counter() - started
    logger.info("encoded %d snippets in %.1f s: %.1f texts/s with %s", total, seconds, total / max(seconds, 1e-9),
                model_id)


def prefill_cache(
    texts: Sequence[str], embedder: Embedder, sessions: sessionmaker[Session], *, show_progress: bool = False
) -> int:
    """Encode into the cache table every text of ``texts`` it lacks for ``embedder`` (nothing kept in memory:
    a later build reads them back). Returns how many were encoded."""
    hashes = [content_hash(t) for t in texts]
    unique, first = np.unique(_keys(hashes), return_index=True)
    wanted = {hashes[int(first[u])]: int(u) for u in range(unique.size)}
    for found in _cached_chunks(sessions, list(wanted), embedder.model_id, embedder.dim):
        for h, _ in found:
            wanted.pop(h, None)
    todo = list(wanted.values())
    for _ in _encoded(todo, texts, first, hashes, embedder, sessions, show_progress):
        pass
    return len(todo)
