"""Snippet vectors for a catalog build: reused from the last build, read from the cache, or encoded.

Keyed by content hash (SHA-256 of the snippet text) and model id, so an unchanged snippet is never
encoded twice, across rebuilds (in memory) and across restarts (the ``embedding_cache`` table).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np
from rich.progress import Progress
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from matching.embeddings import Embedder
from matching.vecstore import RowView, as_stored
from models.directory import EmbeddingCache
from models.repositories import DirectoryRepository, content_hash

logger = logging.getLogger(__name__)

ENCODE_BATCH = 256  # texts per encode call (and per cache write, so an interrupted job keeps its work)
DB_CHUNK = 5000  # hashes per cache read
SCAN_FROM = 20_000  # from this many missing vectors, scan the cache table instead of keyed lookups
PROGRESS_FROM = 200  # show a progress bar when at least this many snippets need encoding


#: How vectors are held in memory (``matching.vecstore``); the cache table keeps float32.
STORAGE = "float16"
#: Spare rows a fresh arena gets for later edits: a share of its live rows, plus a fixed margin.
SPARE_SHARE = 0.10
SPARE_ROWS = 1024


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

    def __init__(self, dim: int, capacity: int) -> None:
        self.data = np.empty((max(capacity, 1), dim), dtype=STORAGE)
        self.used = 0

    @property
    def free(self) -> int:
        return int(self.data.shape[0]) - self.used

    def append(self, vectors: np.ndarray) -> np.ndarray:
        """Store ``vectors`` (float32 or float16) in the next rows; returns their row numbers."""
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
        if arena is None or lacking.size > arena.free or arena.used > 2 * unique.size + SPARE_ROWS:
            fresh = Arena(embedder.dim, int(unique.size * (1 + SPARE_SHARE)) + SPARE_ROWS)
            kept = np.flatnonzero(rows >= 0)
            old = arena.data if arena is not None else np.zeros((0, embedder.dim), dtype=STORAGE)
            for start in range(0, kept.size, DB_CHUNK):  # chunk by chunk: no full-size temporary copy
                part = kept[start : start + DB_CHUNK]
                rows[part] = fresh.append(old[rows[part]])
            arena = fresh

        missing = {hashes[int(first[u])]: int(u) for u in lacking}
        from_cache = 0
        for found in _cached_chunks(sessions, list(missing), embedder.model_id, embedder.dim):
            at = np.fromiter((missing[h] for h, _ in found), dtype=np.int64, count=len(found))
            rows[at] = arena.append(np.stack([v for _, v in found]))
            from_cache += len(found)

        todo = [u for u in missing.values() if rows[u] < 0]
        for at, vectors in _encoded(todo, texts, first, hashes, embedder, sessions, show_progress):
            rows[at] = arena.append(vectors)
        return cls(
            arena=arena, rows=rows[inverse.reshape(-1)], keys=keys, unique_keys=unique, unique_rows=rows,
            model_id=embedder.model_id, encoded=len(todo), from_cache=from_cache,
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


def _encoded(
    todo: list[int],
    texts: Sequence[str],
    first: np.ndarray,
    hashes: list[str],
    embedder: Embedder,
    sessions: sessionmaker[Session],
    show_progress: bool,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Encode the distinct texts ``todo`` (positions in the sorted distinct keys) in batches, writing each
    batch to the cache table; yields ``(positions, vectors)``."""
    total = len(todo)
    if not total:
        return
    logger.info("encoding %d new snippets with %s", total, embedder.model_id)
    with Progress(disable=not show_progress or total < PROGRESS_FROM, transient=True) as progress:
        task = progress.add_task("Embedding directory snippets", total=total)
        for start in range(0, total, ENCODE_BATCH):
            batch = todo[start : start + ENCODE_BATCH]
            index = [int(first[u]) for u in batch]
            vectors = np.asarray(embedder.encode([texts[i] for i in index]), dtype=np.float32)
            if vectors.shape != (len(batch), embedder.dim):
                raise ValueError(f"{embedder.model_id} returned shape {vectors.shape} for {len(batch)} texts")
            with sessions.begin() as session:
                DirectoryRepository(session).put_vectors(
                    {hashes[i]: vectors[j] for j, i in enumerate(index)}, embedder.model_id
                )
            yield np.asarray(batch, dtype=np.int64), vectors
            progress.advance(task, len(batch))
            if total >= PROGRESS_FROM and (start // ENCODE_BATCH) % 10 == 9:
                logger.info("encoded %d/%d snippets", min(start + ENCODE_BATCH, total), total)
