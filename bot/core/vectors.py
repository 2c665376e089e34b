"""Snippet vectors for a catalog build: reused from the last build, read from the cache, or encoded.

Keyed by content hash (SHA-256 of the snippet text) and model id, so an unchanged snippet is never
encoded twice, across rebuilds (in memory) and across restarts (the ``embedding_cache`` table).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from rich.progress import Progress
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from matching.embeddings import Embedder
from matching.vecstore import as_stored
from models.directory import EmbeddingCache
from models.repositories import DirectoryRepository, content_hash

logger = logging.getLogger(__name__)

ENCODE_BATCH = 256  # texts per encode call (and per cache write, so an interrupted job keeps its work)
DB_CHUNK = 5000  # hashes per cache read
SCAN_FROM = 20_000  # from this many missing vectors, scan the cache table instead of keyed lookups
PROGRESS_FROM = 200  # show a progress bar when at least this many snippets need encoding


#: How vectors are held in memory (``matching.vecstore``); the cache table keeps float32.
STORAGE = "float16"


def _keys(hashes: Sequence[str]) -> np.ndarray:
    """128-bit prefixes of the hex content hashes as a compact array (16 MB less per 100k profiles than a
    dict of 64-character strings; look-ups are one vectorised ``searchsorted``)."""
    return np.array(hashes, dtype="S32") if hashes else np.zeros(0, dtype="S32")


@dataclass
class VectorSource:
    """``matrix[i]`` is the vector of the i-th text of the build; ``rows_of`` finds the rows of hashes."""

    matrix: np.ndarray  # (n_texts, dim), STORAGE dtype, C-contiguous
    keys: np.ndarray  # (n_texts,) S32 hash prefixes, in text order
    model_id: str
    encoded: int = 0  # texts encoded by this build (0 when nothing changed)
    from_cache: int = 0  # unique texts read from the embedding cache table
    _order: np.ndarray | None = None  # argsort of keys, made on first look-up

    def rows_of(self, keys: np.ndarray) -> np.ndarray:
        """Row of each key in this build, -1 where absent."""
        if self._order is None:
            self._order = np.argsort(self.keys, kind="stable")
        if not self.keys.size or not keys.size:
            return np.full(keys.shape[0], -1, dtype=np.int64)
        sorted_keys = self.keys[self._order]
        pos = np.minimum(np.searchsorted(sorted_keys, keys), sorted_keys.size - 1)
        return np.where(sorted_keys[pos] == keys, self._order[pos], -1).astype(np.int64)

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
        n = len(texts)
        hashes = [content_hash(t) for t in texts]
        keys = _keys(hashes)
        reusable = (
            previous is not None and previous.model_id == embedder.model_id and previous.matrix.shape[1] == embedder.dim
        )
        if reusable and previous is not None and np.array_equal(previous.keys, keys):
            # The same texts in the same order (a forced refit, an edit of untexted fields): share the matrix.
            return cls(matrix=previous.matrix, keys=previous.keys, model_id=embedder.model_id, _order=previous._order)
        matrix = np.empty((n, embedder.dim), dtype=STORAGE)
        filled = np.zeros(n, dtype=bool)
        if reusable and previous is not None:
            rows = previous.rows_of(keys)
            filled = rows >= 0
            matrix[filled] = previous.matrix[rows[filled]]
        unique, first = np.unique(keys, return_index=True)  # first occurrence of each text
        missing = {hashes[i]: int(i) for i in first if not filled[i]}

        from_cache = 0
        rows_read: list[int] = []
        vecs_read: list[np.ndarray] = []
        for h, vec in _cached(sessions, list(missing), embedder.model_id):
            if vec.shape[0] == embedder.dim:
                rows_read.append(missing[h])
                vecs_read.append(vec)
            if len(rows_read) == DB_CHUNK:  # one cast to the storage dtype per chunk, not per row
                from_cache += _put(matrix, filled, rows_read, vecs_read)
        from_cache += _put(matrix, filled, rows_read, vecs_read)

        todo = [h for h, i in missing.items() if not filled[i]]
        if todo:
            _encode_into(matrix, filled, [missing[h] for h in todo], texts, hashes, embedder, sessions, show_progress)

        dup = ~filled
        if dup.any():  # repeated texts: copy from their first occurrence
            matrix[dup] = matrix[first[np.searchsorted(unique, keys[dup])]]
        return cls(matrix=matrix, keys=keys, model_id=embedder.model_id, encoded=len(todo), from_cache=from_cache)


def _put(matrix: np.ndarray, filled: np.ndarray, rows: list[int], vecs: list[np.ndarray]) -> int:
    """Write a chunk of cached vectors into ``matrix`` and empty the chunk; returns how many."""
    count = len(rows)
    if count:
        matrix[rows] = as_stored(np.stack(vecs), STORAGE)
        filled[rows] = True
        rows.clear()
        vecs.clear()
    return count


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


def _encode_into(
    matrix: np.ndarray,
    filled: np.ndarray,
    rows: list[int],
    texts: Sequence[str],
    hashes: list[str],
    embedder: Embedder,
    sessions: sessionmaker[Session],
    show_progress: bool,
) -> None:
    """Encode ``texts[rows]`` in batches, write them into ``matrix`` and into the cache table."""
    total = len(rows)
    logger.info("encoding %d new snippets with %s", total, embedder.model_id)
    with Progress(disable=not show_progress or total < PROGRESS_FROM, transient=True) as progress:
        task = progress.add_task("Embedding directory snippets", total=total)
        for start in range(0, total, ENCODE_BATCH):
            batch = rows[start : start + ENCODE_BATCH]
            vectors = np.asarray(embedder.encode([texts[i] for i in batch]), dtype=np.float32)
            if vectors.shape != (len(batch), embedder.dim):
                raise ValueError(f"{embedder.model_id} returned shape {vectors.shape} for {len(batch)} texts")
            matrix[batch] = vectors
            filled[batch] = True
            with sessions.begin() as session:
                DirectoryRepository(session).put_vectors(
                    {hashes[i]: vectors[j] for j, i in enumerate(batch)}, embedder.model_id
                )
            progress.advance(task, len(batch))
            if total >= PROGRESS_FROM and (start // ENCODE_BATCH) % 10 == 9:
                logger.info("encoded %d/%d snippets", min(start + ENCODE_BATCH, total), total)
