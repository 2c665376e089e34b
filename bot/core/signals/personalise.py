"""A member's signals applied to one answer: the workspace's model and the member's history, as a re-scoring
of the matcher's candidates (``HybridMatcher.rank(adjust=...)``).

Nothing changes for a member without history or a workspace without a kept model: the catalog then passes no
adjustment at all, so their answers are the base ranking's, byte for byte.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from matching.diversity import item_centroids
from matching.matcher import Adjust, HybridMatcher
from matching.personal import PERSONAL_FEATURES, History, PersonalRanker, personal_features, rescale

__all__ = ["Personal", "adjuster", "centroids", "contributions"]


class _Indexed(Protocol):  # the parts of a catalog snapshot read here
    @property
    def index_of(self) -> dict[str, int]: ...
    @property
    def profiles(self) -> list: ...  # type: ignore[type-arg]
    @property
    def matcher(self) -> HybridMatcher: ...


@dataclass(frozen=True)
class Personal:
    """What personalises one member's answers."""

    ranker: PersonalRanker
    history: History
    version: int = 0  # the workspace model's version (logs, ``ask --explain``)


def centroids(snap: _Indexed, refs: Sequence[str]) -> np.ndarray:
    """Unit mean snippet vector of each ref in ``snap`` (zeros for one no longer indexed)."""
    matcher = snap.matcher
    vectors, offsets = matcher.snippet_vectors_, matcher.offsets_
    out = np.zeros((len(refs), vectors.shape[1]), dtype=np.float32)
    idx = np.array([snap.index_of.get(r, -1) for r in refs], dtype=np.int64)
    known = idx >= 0
    if known.any():
        out[known] = item_centroids(vectors, offsets, idx[known])
    return out


#: Candidates re-ordered by a member's signals: the base order's head, about what one answer draws from.
#: The model learned from answers' shown items, so it is trusted to re-order a head, not to lift an item from
#: far down the base order.
RERANK_DEPTH = 30


def _head(snap: _Indexed, personal: Personal, cand: np.ndarray, final: np.ndarray, depth: int
          ) -> tuple[np.ndarray, np.ndarray]:
    """Positions in ``cand`` of the base order's top ``depth`` and their personal features."""
    matcher = snap.matcher
    head = np.argsort(-final, kind="stable")[:depth]
    vecs = item_centroids(matcher.snippet_vectors_, matcher.offsets_, cand[head])
    items = [snap.profiles[int(i)] for i in cand[head]]
    X = personal_features(final[head], vecs, [p.kind for p in items], [p.province for p in items],
                          [p.ref for p in items], personal.history)
    return head, X


def adjuster(snap: _Indexed, personal: Personal, depth: int = RERANK_DEPTH) -> Adjust:
    """The re-scoring of a question's candidates by ``personal``: the base order's top ``depth`` re-ordered
    within their own score range, the rest left as they were below them."""

    def adjust(cand: np.ndarray, final: np.ndarray) -> np.ndarray:
        head, X = _head(snap, personal, cand, final, depth)
        out = np.asarray(final, dtype=np.float64).copy()
        out[head] = rescale(personal.ranker.predict(X), final[head])
        return out

    return adjust


def contributions(snap: _Indexed, personal: Personal, cand: np.ndarray, final: np.ndarray,
                  depth: int = RERANK_DEPTH) -> dict[int, list[tuple[str, float]]]:
    """Each re-ordered candidate's (item index) personal-model feature contributions, largest first: what
    ``adjuster`` weighed for it (staff's "why", ``ask --explain``)."""
    head, X = _head(snap, personal, cand, np.asarray(final, dtype=np.float64), depth)
    parts = personal.ranker.contributions(X)
    return {int(cand[h]): [(PERSONAL_FEATURES[j], round(float(row[j]), 4)) for j in np.argsort(-np.abs(row))]
            for h, row in zip(head, parts, strict=True)}
