"""Changing ``EMBED_BACKEND`` without going silent: the old runtime answers while the new one re-encodes.

Each runtime has its own vector space (``model_id``), so a new backend finds none of its vectors in the
embedding cache and would encode the whole directory before the first answer (an hour at 100,000 profiles on
torch). Instead, when the cache holds far more vectors of another runtime than of the configured one, the
catalog's first build uses that runtime (its vectors are all cached, and it encodes its own questions); a
background thread then encodes the directory with the configured runtime into the cache, and
``Catalog.adopt`` swaps the index and the question encoder together. Vectors of the two never meet: each
snapshot holds one runtime's vectors and encodes its questions with that runtime.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.directory.vectors import prefill_cache
from matching.embeddings import Embedder
from matching.encoders import BACKENDS, runtime_model_id
from models.directory import EmbeddingCache

# The catalog imports this module: its types are named, not imported (no import cycle).
Catalog = Any
Snapshot = Any

logger = logging.getLogger(__name__)

#: The configured runtime is used straight away when its cached vectors are at least this share of the best
#: other runtime's (a few new texts are encoded by the first build as usual).
COVERED = 0.9


def cached_counts(sessions: sessionmaker[Session]) -> dict[str, int]:
    """Cached vectors per runtime of this model (one scan of the cache table, at start)."""
    known = [runtime_model_id(b) for b in BACKENDS]
    stmt = (select(EmbeddingCache.model_id, func.count()).where(EmbeddingCache.model_id.in_(known))
            .group_by(EmbeddingCache.model_id))
    with sessions() as session:
        return {m: int(n) for m, n in session.execute(stmt).all()}


class EncoderSwitch:
    """Plans and runs the move of a catalog from the runtime with cached vectors to ``target``."""

    def __init__(
        self, sessions: sessionmaker[Session], target: Embedder, runtime: Callable[[str], Embedder],
        *, show_progress: bool = False,
    ) -> None:
        self.sessions, self.target, self.runtime = sessions, target, runtime
        self.show_progress = show_progress
        self.previous: Embedder | None = None  # the runtime answering until the switch is done
        self.thread: threading.Thread | None = None
        self.done = threading.Event()
        self.encoded = 0

    def prepare(self, catalog: Catalog) -> None:
        """Before the first build: answer with the runtime whose vectors are cached, if the target's are not."""
        counts = cached_counts(self.sessions)
        target_id = self.target.model_id  # resolves the target (an unavailable export has fallen back by now)
        others = {m: n for m, n in counts.items() if m != target_id}
        if not others or counts.get(target_id, 0) >= COVERED * max(others.values()):
            self.done.set()
            return
        old_id = max(others, key=others.__getitem__)
        backend = next(b for b in BACKENDS if runtime_model_id(b) == old_id)
        previous = self.runtime(backend)
        if previous.model_id != old_id:  # that runtime is not available any more: encode with the target
            logger.warning("cached vectors are of %s, which is unavailable: encoding with %s", old_id, target_id)
            self.done.set()
            return
        logger.info("embedding runtime changed to %s (%d vectors cached) from %s (%d): answering with the "
                    "previous one while the directory is re-encoded", target_id, counts.get(target_id, 0), old_id,
                    others[old_id])
        self.previous = previous
        catalog.embedder = previous

    def start(self, catalog: Catalog, snap: Snapshot) -> None:
        """After the first build: re-encode ``snap``'s texts with the target in the background, then adopt it."""
        if self.previous is None:
            return
        texts = [t for _, snippets, needs in snap.content for t in (*snippets, *needs)]
        self.thread = threading.Thread(target=self._run, args=(catalog, texts), name="encoder-switch", daemon=True)
        self.thread.start()

    def _run(self, catalog: Catalog, texts: list[str]) -> None:
        started = time.perf_counter()
        try:
            self.encoded = prefill_cache(texts, self.target, self.sessions, show_progress=self.show_progress)
            catalog.adopt(self.target)  # texts added meanwhile are encoded by this build
            logger.info("now answering with %s: %d texts re-encoded in %.0f s", self.target.model_id,
                        self.encoded, time.perf_counter() - started)
        except Exception:  # noqa: BLE001 - a background thread has no caller; the previous runtime keeps answering
            logger.exception("re-encoding with %s failed; still answering with %s", self.target.model_id,
                             self.previous.model_id if self.previous else "?")
        finally:
            self.done.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the switch is over (tests, benchmarks)."""
        return self.done.wait(timeout)


class ActiveEmbedder:
    """The embedder the catalog answers with at this moment, for code that compares its own vectors with the
    catalog's (gaps, consortia): during a switch that is the previous runtime, afterwards the new one."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    @property
    def model_id(self) -> str:
        return self._catalog.embedder.model_id

    @property
    def dim(self) -> int:
        return self._catalog.embedder.dim

    def encode(self, texts: Any) -> Any:
        return self._catalog.embedder.encode(texts)

    def __getattr__(self, name: str) -> Any:  # warm_up, loaded, ... of the embedder in use
        return getattr(self.__dict__["_catalog"].embedder, name)
