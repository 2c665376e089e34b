"""Member signals in use: each workspace's model refitted on its judged answers, and applied to members' answers.

``refit`` is what the weekly job and ``clustermatch train-ranker`` run: the workspace's judged answers in the
order they were given, the newest ``holdout`` share held out, a model fitted on the rest and compared on the
held-out answers with the one in use (or, before any, the base ranking). Only a model that is strictly better
is kept; it is then refitted on every answer. Every version is stored with its figures, kept or not, so staff
can see why a workspace's model did or did not change.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Protocol

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from bot.core.signals.judgements import SignalRows, history_of, judgements, training_rows
from bot.core.signals.personalise import Personal, centroids
from matching.personal import PersonalRanker, grouped_ndcg
from matching.personal_io import PersonalModelError, dump_personal, load_personal
from models.signals import SignalRepository

__all__ = ["RefitReport", "SignalConfig", "SignalService"]

logger = logging.getLogger(__name__)


class _Catalog(Protocol):
    @property
    def snapshot(self) -> object: ...


@dataclass(frozen=True)
class SignalConfig:
    """How much evidence a workspace model needs, and how answers read it."""

    enabled: bool = True
    holdout: float = 0.2  # newest share of judged answers kept for the comparison
    min_answers: int = 10  # judged answers (with two grades or more) before any fit
    min_holdout: int = 3
    history_answers: int = 200  # a member's most recent answers read per question
    reload_seconds: float = 60.0


@dataclass(frozen=True)
class RefitReport:
    """What one refit found and did."""

    platform: str
    workspace_id: str
    kept: bool
    reason: str
    version: int | None = None
    answers: int = 0
    rows: int = 0
    members: int = 0
    ndcg_new: float | None = None
    ndcg_current: float | None = None
    ndcg_base: float | None = None
    seconds: float = 0.0


class SignalService:
    """Fits, stores and serves each workspace's signal model."""

    def __init__(self, sessions: sessionmaker[Session], catalog: _Catalog, config: SignalConfig | None = None,
                 *, clock: Callable[[], float] = time.monotonic) -> None:
        self._sessions = sessions
        self._catalog = catalog
        self.config = config or SignalConfig()
        self._clock = clock
        self._models: dict[tuple[str, str], tuple[float, PersonalRanker | None, int]] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ answers
    def personal(self, platform: str, workspace_id: str, user_id: str) -> Personal | None:
        """What personalises this member's next answer, or ``None`` (no kept model, or no history)."""
        if not self.config.enabled:
            return None
        ranker, version = self._model(platform, workspace_id)
        if ranker is None:
            return None
        snap = self._catalog.snapshot
        dim = int(snap.matcher.snippet_vectors_.shape[1])  # type: ignore[attr-defined]
        with self._sessions() as s:
            repo = SignalRepository(s)
            shown = repo.shown(platform, workspace_id, user_id, last_answers=self.config.history_answers)
            judged = judgements(shown, repo.actions(sorted({r.question_id for r in shown})))
        history = history_of(judged, lambda refs: centroids(snap, refs), dim)  # type: ignore[arg-type]
        return None if history.empty else Personal(ranker, history, version)

    def _model(self, platform: str, workspace_id: str) -> tuple[PersonalRanker | None, int]:
        key, now = (platform, workspace_id), self._clock()
        with self._lock:
            cached = self._models.get(key)
            if cached is not None and now - cached[0] < self.config.reload_seconds:
                return cached[1], cached[2]
        with self._sessions() as s:
            row = SignalRepository(s).active(platform, workspace_id)
            params, version = (dict(row.params), row.version) if row is not None else (None, 0)
        ranker = None
        if params is not None:
            try:
                ranker = load_personal(params)
            except PersonalModelError as exc:
                logger.warning("signal model %s/%s v%d refused (%s): answering with the base ranking",
                               platform, workspace_id, version, exc)
        with self._lock:
            self._models[key] = (now, ranker, version)
        return ranker, version

    def invalidate(self) -> None:
        """Forget cached models (after a refit in this process)."""
        with self._lock:
            self._models.clear()

    # ------------------------------------------------------------------ fitting
    def rows(self, platform: str, workspace_id: str) -> SignalRows:
        """The workspace's training rows as they stand (forgotten members' signals are gone from the tables)."""
        snap = self._catalog.snapshot
        dim = int(snap.matcher.snippet_vectors_.shape[1])  # type: ignore[attr-defined]
        with self._sessions() as s:
            repo = SignalRepository(s)
            shown = repo.shown(platform, workspace_id)
            judged = judgements(shown, repo.actions(sorted({r.question_id for r in shown})))
        return training_rows(judged, lambda refs: centroids(snap, refs), dim)  # type: ignore[arg-type]

    def refit(self, platform: str, workspace_id: str) -> RefitReport:
        """Fit a new version for one workspace and keep it only if it beats the current one (see module)."""
        start = time.perf_counter()
        rows = self.rows(platform, workspace_id)
        base = RefitReport(platform, workspace_id, kept=False, reason="", answers=rows.answers,
                           rows=int(rows.y.shape[0]), members=rows.members)
        held_answers = max(self.config.min_holdout, int(round(rows.answers * self.config.holdout)))
        if rows.answers < max(self.config.min_answers, held_answers + 2):
            return _done(base, start, reason=f"not enough signals: {rows.answers} judged answers "
                         f"(at least {max(self.config.min_answers, held_answers + 2)} needed)")
        cut = np.unique(rows.groups)[-held_answers]
        train, held = rows.slice(rows.groups < cut), rows.slice(rows.groups >= cut)
        try:
            new = PersonalRanker().fit(train.X, train.y, train.groups, train.positions)
        except ValueError as exc:
            return _done(base, start, reason=f"nothing to learn: {exc}")
        with self._sessions() as s:
            active = SignalRepository(s).active(platform, workspace_id)
            current_params = dict(active.params) if active is not None else None
        current = None
        if current_params is not None:
            try:
                current = load_personal(current_params)
            except PersonalModelError:
                current = None  # a refused model is no bar to beat: compare with the base ranking
        ndcg_base = grouped_ndcg(held.X[:, 0], held.y, held.groups)
        ndcg_new = grouped_ndcg(new.predict(held.X), held.y, held.groups) if new.usable else 0.0
        ndcg_cur = grouped_ndcg(current.predict(held.X), held.y, held.groups) if current else ndcg_base
        kept = new.usable and ndcg_new > ndcg_cur + 1e-9
        final = PersonalRanker().fit(rows.X, rows.y, rows.groups, rows.positions) if kept else new
        kept = kept and final.usable
        reason = ("kept: better than the current model on held-out answers" if kept else
                  "not kept: its base-order weight is not positive" if not new.usable else
                  "not kept: no better than the current model on held-out answers")
        report = _done(base, start, reason=reason, kept=kept, ndcg_new=round(ndcg_new, 4),
                       ndcg_current=round(ndcg_cur, 4), ndcg_base=round(ndcg_base, 4))
        figures = {k: v for k, v in asdict(report).items() if k not in ("platform", "workspace_id", "version")}
        params = dump_personal(final)
        with self._sessions.begin() as s:
            version = SignalRepository(s).add(platform, workspace_id, params=params, figures=figures, kept=kept).version
        self.invalidate()
        logger.info("signal model %s/%s v%d: %s (held-out nDCG@10 new %.4f, current %.4f, base %.4f; %d answers)",
                    platform, workspace_id, version, reason, ndcg_new, ndcg_cur, ndcg_base, rows.answers)
        return _done(report, start, version=version)

    def workspaces(self) -> list[tuple[str, str]]:
        """(platform, workspace) pairs with shown answers."""
        with self._sessions() as s:
            return SignalRepository(s).workspaces()

    def refit_all(self) -> list[RefitReport]:
        """Refit every workspace that has shown answers."""
        return [self.refit(p, w) for p, w in self.workspaces()]

    def versions(self, platform: str, workspace_id: str) -> list[dict[str, object]]:
        """Stored versions with their figures, oldest first (``train-ranker --list``)."""
        with self._sessions() as s:
            return [{"version": r.version, "active": r.active, "kept": r.kept, "created_at": r.created_at,
                     **r.figures} for r in SignalRepository(s).versions(platform, workspace_id)]


def _done(report: RefitReport, start: float, **changes: object) -> RefitReport:
    return replace(report, seconds=round(time.perf_counter() - start, 3), **changes)  # type: ignore[arg-type]
