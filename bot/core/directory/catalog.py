"""The in-memory search index over the visible directory, kept fresh without a restart.

Built lazily (first search, or ``warm_up()`` in a background thread so the bot answers Slack's 3-second
acknowledgement while the model loads). Each search checks ``DirectoryVersion.version`` at most once per
``check_interval`` seconds and rebuilds when it moved; vectors come from the previous build or the
embedding cache, so only new or edited snippets are ever encoded. Searches read an immutable snapshot,
so Bolt's worker threads can search while one of them rebuilds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection, Sequence

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from bot.core.directory.ann_pool import AnnPool
from bot.core.directory.catalog_build import build_snapshot
from bot.core.directory.encoder_switch import EncoderSwitch
from bot.core.directory.intents import DEFAULT_KINDS, REF_RE, Filters
from bot.core.directory.profiles import Profile
from bot.core.directory.results import candidate_mask, profile_windows, to_suggestions
from bot.core.directory.snapshot import Snapshot
from bot.core.messages import Suggestion, Why
from bot.core.signals.personalise import Personal, adjuster
from bot.core.signals.personalise import contributions as personal_contributions
from matching.embeddings import Embedder
from matching.features import FEATURES
from matching.learned import fallback_channel
from matching.matcher import HybridMatcher
from matching.ranker import LearnedRanker
from models.repositories import DirectoryRepository

logger = logging.getLogger(__name__)


def _default_matcher(embedder: Embedder) -> HybridMatcher:
    return HybridMatcher(embedder)


def _method(snap: Snapshot) -> str:
    """The learned ranker when the matcher carries one (``RANKER=learned``), else the formula."""
    return "learned" if snap.matcher.ranker is not None else "engine"


class Catalog:
    """Searchable directory. ``search`` returns ``Suggestion``s with the best evidence as the reason."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        embedder: Embedder,
        *,
        check_interval: float = 1.0,
        show_progress: bool = False,
        matcher_factory: Callable[[Embedder], HybridMatcher] = _default_matcher,
        min_dense: float = 0.2,
        include_staff: bool = True,
        ann: AnnPool | None = None,
        switch: EncoderSwitch | None = None,
    ) -> None:
        self._sessions = sessions
        self.switch = switch  # EMBED_BACKEND changed: answer with the cached runtime, re-encode in the background
        self.ann = ann  # pgvector candidates for the dense channel (VECTOR_BACKEND=pgvector), else exact
        self.include_staff = include_staff  # index staff-only rows too; searches show them to staff only
        self.embedder = embedder
        self.check_interval = check_interval
        self.show_progress = show_progress
        self._matcher_factory = matcher_factory
        self.min_dense = min_dense
        self._snapshot: Snapshot | None = None
        self._build_lock = threading.Lock()
        self._checked_at = 0.0
        self._warm_thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    @property
    def ready(self) -> bool:
        """True once a first build exists (searches will not wait for the model or the index)."""
        return self._snapshot is not None

    @property
    def snapshot(self) -> Snapshot:
        return self._current()

    def warm_up(self) -> None:
        """Build now if not built yet (loads the model when anything needs encoding)."""
        self._current()
        warm = getattr(self.embedder, "warm_up", None)
        if callable(warm):
            warm()  # the first question's encoding should not pay for loading the model

    def start_warm_up(self) -> threading.Thread:
        """``warm_up()`` in a daemon thread (idempotent); failures are logged, the next search retries."""
        if self._warm_thread is None:

            def run() -> None:
                try:
                    self.warm_up()
                except Exception:  # noqa: BLE001 - a background thread has no caller to raise to
                    logger.exception("warming up the catalog failed; the first search will retry")

            self._warm_thread = threading.Thread(target=run, name="catalog-warm-up", daemon=True)
            self._warm_thread.start()
        return self._warm_thread

    def refresh(self, *, force: bool = False) -> bool:
        """Rebuild if the directory version moved (or ``force``). Returns whether a build happened."""
        with self._build_lock:
            old = self._snapshot
            if not force and old is not None and self._read_version() == old.version:
                return False
            self._snapshot = self._build(old, refit=force) if old is not None else self._first_build()
            return True

    def adopt(self, embedder: Embedder) -> None:
        """Answer with ``embedder`` from now on: the index is rebuilt with it (its vectors cached beforehand by
        ``EncoderSwitch``) and swapped in at once; searches meanwhile keep the previous runtime's snapshot."""
        with self._build_lock:
            snap = self._build(self._snapshot, refit=True, embedder=embedder)
            self.embedder, self._snapshot = embedder, snap

    def _first_build(self) -> Snapshot:
        """The first build (caller holds the build lock), preceded and followed by a runtime switch's steps."""
        if self.switch is not None:
            self.switch.prepare(self)
        snap = self._build(None)
        if self.switch is not None:
            self.switch.start(self, snap)
        return snap

    def _read_version(self) -> int:
        with self._sessions() as session:
            return DirectoryRepository(session).current_version()

    def _current(self) -> Snapshot:
        snap = self._snapshot
        if snap is None:
            with self._build_lock:
                if self._snapshot is None:
                    self._snapshot = self._first_build()
                    self._checked_at = time.monotonic()
                return self._snapshot
        now = time.monotonic()
        if now - self._checked_at >= self.check_interval:
            self._checked_at = now
            # Only one thread rebuilds; the others keep answering from the snapshot they have.
            if self._read_version() != snap.version and self._build_lock.acquire(blocking=False):
                try:
                    if self._read_version() != self._snapshot.version:  # type: ignore[union-attr]
                        self._snapshot = self._build(self._snapshot)
                finally:
                    self._build_lock.release()
        return self._snapshot  # type: ignore[return-value]

    def _build(self, previous: Snapshot | None, *, refit: bool = False, embedder: Embedder | None = None) -> Snapshot:
        snap = build_snapshot(
            self._sessions, embedder or self.embedder, previous, matcher_factory=self._matcher_factory,
            include_staff=self.include_staff, refit=refit, show_progress=self.show_progress,
        )
        if self.ann is not None:
            self.ann.follow(previous, snap)
        return snap

    # ------------------------------------------------------------------ lookups
    def profile(self, ref: str, *, staff: bool = False) -> Profile | None:
        """The profile behind ``ref`` if the viewer may see it: public ones, staff-only ones for ``staff``."""
        found = self._current().by_ref.get(ref)
        return found if found is not None and (staff or found.visibility == "public") else None

    def find(self, target: str, *, staff: bool = False) -> Profile | None:
        """A profile by ref ("org:acme") or by exact title, case-insensitive, among those the viewer may see."""
        snap = self._current()
        if REF_RE.match(target):
            return self.profile(target, staff=staff)
        wanted = target.strip().casefold()
        return next(
            (p for p in snap.by_ref.values() if p.title.casefold() == wanted and (staff or p.visibility == "public")),
            None,
        )

    # ------------------------------------------------------------------ search
    def search(
        self,
        text: str,
        *,
        kinds: Collection[str] | None = None,
        filters: Filters | None = None,
        k: int = 10,
        asker_ref: str | None = None,
        exclude: Collection[str] = (),
        avoid: Collection[str] = (),
        staff: bool = False,
        personal: Personal | None = None,
    ) -> list[Suggestion]:
        """Best ``k`` suggestions for ``text``, MMR-diversified, each with its reason.

        Args:
            kinds: allowed kinds (default: everything but open needs).
            filters: province / language / delivery / credential facets.
            asker_ref: the asker's own profile: excluded with their organization, and its offer drives
                reciprocity (items whose needs match what the asker offers move up).
            exclude: refs never to return (e.g. dismissed by this member).
            avoid: refs the member dismissed: look-alikes of them move to the end.
            staff: the asker is staff: staff-only items may be returned (hidden ones never are).
            personal: the asker's signals and their workspace's model: re-score the candidates
                (``bot.core.signals.personalise``); ``None`` leaves the base ranking untouched.
        """
        snap = self._current()
        mask = candidate_mask(snap, kinds, filters, asker_ref, exclude, staff)
        if not text.strip() or not mask.any():
            return []
        asker = snap.by_ref.get(asker_ref) if asker_ref else None
        pool = None
        if self.ann is not None and self.ann.ready_for(snap):
            ann, wanted = self.ann, list(kinds if kinds else DEFAULT_KINDS)

            def pool(vector: np.ndarray) -> np.ndarray | None:  # asked again for the feedback pass
                return ann.candidates(snap, vector, wanted)

        hits = snap.matcher.rank(
            text, k=k, mask=mask, asker_offer=asker.offer if asker else None, dense_pool=pool,
            method=_method(snap), adjust=adjuster(snap, personal) if personal is not None else None,
        )
        return to_suggestions(snap, hits, avoid, min_dense=self.min_dense)

    def more_like(
        self,
        ref: str,
        *,
        kinds: Collection[str] | None = None,
        filters: Filters | None = None,
        k: int = 10,
        asker_ref: str | None = None,
        exclude: Collection[str] = (),
        avoid: Collection[str] = (),
        staff: bool = False,
        personal: Personal | None = None,
    ) -> list[Suggestion]:
        """Items like ``ref``: its whole text for BM25 and each of its snippet vectors as a question window for
        the dense side (a profile used as a question is never truncated, ``matching.longquery``)."""
        snap = self._current()
        i = snap.index_of.get(ref)
        if i is None or (not staff and snap.staff_only[i]):
            raise KeyError(ref)
        mask = candidate_mask(snap, kinds, filters, asker_ref, [*exclude, ref], staff)
        if not mask.any():
            return []
        profile = snap.profiles[i]
        asker = snap.by_ref.get(asker_ref) if asker_ref else None
        hits = snap.matcher.rank(
            " ".join(profile.snippets),
            k=k,
            mask=mask,
            asker_offer=asker.offer if asker else None,
            query_vector=profile_windows(snap, i),
            method=_method(snap),
            adjust=adjuster(snap, personal) if personal is not None else None,
        )
        return to_suggestions(snap, hits, avoid, min_dense=self.min_dense)

    @property
    def ranker(self) -> LearnedRanker | None:
        """The learned ranker answers use (``RANKER=learned``), or ``None`` for the formula."""
        return self._current().matcher.ranker  # type: ignore[return-value]

    def explain(self, text: str, refs: Sequence[str], ranker: LearnedRanker | None,
                personal: Personal | None = None) -> dict[str, Why]:
        """Why each of ``refs`` ranks where it does for ``text`` (staff and ``ask --explain``; members see the
        evidence sentence instead): the learned ranker's feature contributions, largest first, the channel
        its fallback used, and the member-signal model's contributions when ``personal`` applies."""
        snap = self._current()
        mask = candidate_mask(snap, None, None, None, (), True)
        cand, X = snap.matcher.features(text, mask=mask)
        row = {int(i): r for r, i in enumerate(cand)}
        fallback = fallback_channel(ranker, X, ranker.predict(X)) if ranker is not None and X.shape[0] else None
        mine: dict[int, list[tuple[str, float]]] = {}
        if personal is not None:
            seen: dict[str, np.ndarray] = {}

            def capture(c: np.ndarray, final: np.ndarray) -> np.ndarray:
                seen["cand"], seen["final"] = c, final
                return final

            snap.matcher.rank(text, k=1, mask=mask, method=_method(snap), adjust=capture, explain=False)
            if seen:
                mine = personal_contributions(snap, personal, seen["cand"], seen["final"])
        out: dict[str, Why] = {}
        for ref in refs:
            i = snap.index_of.get(ref)
            if i is None:
                continue
            parts: list[tuple[str, float]] = []
            if ranker is not None and i in row:
                values = ranker.contributions(X[row[i] : row[i] + 1])[0]
                parts = [(FEATURES[j], round(float(values[j]), 4)) for j in np.argsort(-np.abs(values))]
            out[ref] = Why(ref, snap.profiles[i].title, parts, fallback, mine.get(i, []),
                           personal.version if personal is not None and i in mine else None)
        return out
