"""Query vectors for digest runs: encoded in batches, once, and remembered across weeks.

A digest run asks the engine one question per member (what they look for, and what they offer). Encoding
those one by one is the slow part of composing; ``QueryVectorCache`` wraps the embedder so a run encodes
every member's texts of a batch at once (``prime``), through the database embedding cache, so an
unchanged profile is never encoded again the following weeks. The clock process and the CLI build their
container with it; the catalog then finds the vectors already there when it asks the embedder.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from matching.embeddings import Embedder
from models.repositories import DirectoryRepository

MAX_ENTRIES = 50_000  # ~77 MB of 384-dim float32 vectors; cleared past this


class QueryVectorCache:
    """An ``Embedder`` that remembers the vectors of texts it has seen or was primed with."""

    def __init__(self, inner: Embedder, sessions: sessionmaker[Session] | None = None,
                 max_entries: int = MAX_ENTRIES) -> None:
        self.inner = inner
        self.model_id: str = inner.model_id
        self.dim: int = inner.dim
        self.sessions = sessions
        self.max_entries = max_entries
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:  # warm_up, loaded, ... of the wrapped embedder
        return getattr(self.__dict__["inner"], name)

    def remember(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Store known vectors (tests and benchmarks give precomputed ones)."""
        with self._lock:
            if len(self._vectors) + len(texts) > self.max_entries:
                self._vectors.clear()
            for text, vec in zip(texts, vectors, strict=True):
                self._vectors[text] = np.asarray(vec, dtype=np.float32)

    def prime(self, texts: Sequence[str]) -> int:
        """Make sure every text has a vector: the missing ones are encoded in one batch. Returns how many."""
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t and t not in self._vectors))
        if not missing:
            return 0
        if self.sessions is not None:
            with self.sessions.begin() as session:
                vectors = DirectoryRepository(session).embed_cached(missing, self.model_id, self.inner.encode)
        else:
            vectors = np.asarray(self.inner.encode(missing), dtype=np.float32)
        self.remember(missing, vectors)
        return len(missing)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        with self._lock:
            found = [self._vectors.get(t) for t in texts]
        misses = [t for t, v in zip(texts, found, strict=True) if v is None]
        if not misses:
            return np.stack(found) if found else np.zeros((0, self.dim), dtype=np.float32)  # type: ignore[arg-type]
        fresh = np.asarray(self.inner.encode(misses), dtype=np.float32)
        by_text = dict(zip(misses, fresh, strict=True))
        if len(misses) <= 8:  # queries: remember; bulk directory encodes go to the DB cache instead
            self.remember(misses, fresh)
        return np.stack([v if v is not None else by_text[t] for t, v in zip(texts, found, strict=True)])
