"""The dense channel's candidates from a shared approximate index (pgvector HNSW), kept in step with the catalog.

With ``VECTOR_BACKEND=pgvector`` every worker's catalog writes its owners' snippets to the shared tables
after a build (``models.vectors``; only owners whose snippets changed are rewritten, so the second worker to
sync a version writes nothing), and searches ask the HNSW index for the nearest owners instead of
multiplying the question with every snippet, once for the question and once for the feedback-moved
question. The matcher then scores those owners, the items tied with them and the lexical channel's
candidates exactly from its own vectors (``matching.pooled``): results match the exact search within the
index's recall.

The sync runs in a background thread (a first load of 100,000 profiles builds the HNSW graph for minutes);
until the index holds the version a snapshot was built from, or if PostgreSQL fails, searches stay exact.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from bot.core.directory.snapshot import Snapshot
from bot.core.directory.vector_search import OwnerVectors, VectorSearch

logger = logging.getLogger(__name__)

#: Owners asked from the index per question: twice the matcher's per-channel candidates, so facet filters
#: applied afterwards (province, language, staff-only) still leave enough.
POOL = 200


def owner_vectors(snap: Snapshot) -> Iterator[OwnerVectors]:
    """Each indexed profile's snippets as the index stores them: content-hash prefixes and vectors."""
    offsets = snap.matcher.offsets_
    vectors = snap.matcher.snippet_vectors_
    keys, model_id = snap.vectors.keys, snap.vectors.model_id
    for i, p in enumerate(snap.profiles):
        s, e = int(offsets[i]), int(offsets[i + 1])
        yield OwnerVectors(p.ref, p.kind, tuple(k.decode() for k in keys[s:e]), vectors[s:e], model_id)


class AnnPool:
    """Keeps ``search`` (a pgvector backend) holding the latest snapshot, and asks it for candidates."""

    def __init__(self, search: VectorSearch, sessions: sessionmaker[Session], *, pool: int = POOL) -> None:
        self.search = search
        self.pool_size = pool
        self._sessions = sessions
        self._wanted: Snapshot | None = None
        self._synced: tuple[int, str] | None = None  # directory version and vector space the index holds
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._done = threading.Event()
        self.queries = 0  # searches answered with the index's candidates

    def ready_for(self, snap: Snapshot) -> bool:
        """The index holds ``snap``'s directory version in ``snap``'s vector space (a question's vector is only
        ever compared with vectors of its own runtime)."""
        return self._synced == (snap.version, snap.vectors.model_id)

    def follow(self, previous: Snapshot | None, snap: Snapshot) -> None:
        """A new snapshot was built: same fit as a synced one (only untexted fields moved) means nothing to
        write; otherwise sync."""
        if previous is not None and snap.matcher is previous.matcher and self.ready_for(previous):
            self._synced = (snap.version, snap.vectors.model_id)
            return
        self.sync_later(snap)

    def sync_later(self, snap: Snapshot) -> None:
        """Bring the index to ``snap`` in the background (the newest snapshot wins if several queue up)."""
        with self._lock:
            self._wanted = snap
            self._done.clear()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="vector-index-sync", daemon=True)
                self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the queued sync is done (tests, the benchmark and ``clustermatch migrate``)."""
        return self._done.wait(timeout)

    def _run(self) -> None:
        while True:
            with self._lock:
                snap, self._wanted = self._wanted, None
                if snap is None:
                    self._done.set()
                    self._thread = None
                    return
            try:
                with self._sessions.begin() as session:
                    report = self.search.sync(session, owner_vectors(snap))
                self._synced = (snap.version, snap.vectors.model_id)
                logger.info("vector index at v%d: %d owners written, %d removed, %d unchanged",
                            snap.version, report.written, report.deleted, report.unchanged)
            except Exception:  # noqa: BLE001 - a background thread has no caller; searches stay exact
                logger.exception("syncing the vector index to v%d failed; searches stay exact", snap.version)

    def candidates(self, snap: Snapshot, query: np.ndarray, kinds: Sequence[str]) -> np.ndarray | None:
        """Positions in ``snap`` of the owners nearest to ``query``; ``None`` when the index cannot answer."""
        if not self.ready_for(snap):
            return None
        try:
            with self._sessions() as session, session.begin():
                hits = self.search.search(session, query, k=self.pool_size, kinds=list(kinds))
        except Exception:  # noqa: BLE001 - the exact search is always there to fall back on
            logger.exception("vector index search failed; answering with exact search")
            return None
        self.queries += 1
        found = [snap.index_of[h.owner] for h in hits if h.owner in snap.index_of]
        return np.asarray(found, dtype=np.int64)
