"""Member signals as a re-ranking layer: what a member did with earlier answers moves their next ones.

A member's *history* is the items they were shown before, each with a grade (``GRADES``): dismissed, shown
and left, introduction declined or expired, saved, introduction requested, accepted, and an outcome (met, NDA,
proposal, project). From it every candidate of a new question gets a few features (``PERSONAL_FEATURES``):
how close it is to what the member liked and to what they dismissed, how much more than usual they act on
and dismiss its kind, act on its province, and how often they have already passed it by.
:class:`PersonalRanker` weighs them against the base ranking (the formula's or the learned ranker's order)
with a pairwise logistic regression fitted on the workspace's judged answers.

Two properties are by construction, not by tuning:

* a member with no history gets exactly the base order: every personal feature is then 0, the features are
  scaled but not centred, and a model whose base-order weight is not positive is refused;
* position bias: only items that were *shown* are rows (an item never shown is not a negative), and the
  position each was shown at is a training-only feature, so "clicked because it was first" is explained by
  position rather than credited to the item (at prediction time position is unknown and left out).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from matching.ranker import pairs

__all__ = [
    "GRADES", "LIKED", "PERSONAL_FEATURES", "History", "PersonalRanker", "personal_features", "grouped_ndcg",
    "rescale",
]

#: Implicit judgement grades, worst to best.
GRADES = {
    "not_relevant": 0, "shown": 1, "intro_declined": 2, "intro_expired": 2, "saved": 3, "intro_requested": 3,
    "intro_accepted": 4, "outcome": 5,
}
#: A grade at or above which an item counts as liked.
LIKED = 3
#: Prior weight (in pseudo-judgements) pulling a kind's or province's mean judgement towards the member's own.
SMOOTHING = 2.0
PERSONAL_FEATURES = (
    "base_rank", "liked_similarity", "dismissed_similarity", "kind_liked", "kind_dismissed", "province_liked",
    "passed_by",
)
#: The direction each feature may move a score (0: either). A fitted weight of the wrong sign is a selection
#: effect of the logs, not a preference (an item shown again was, by construction, not dismissed before), so
#: the feature is dropped and the model refitted without it.
SIGNS = (1, 1, -1, 1, -1, 1, -1)


@dataclass(frozen=True)
class History:
    """One member's judged items up to a moment (one row per item, its best grade; a dismissal wins)."""

    vectors: np.ndarray  # (m, dim) unit item centroids
    grades: np.ndarray  # (m,)
    kinds: tuple[str, ...]
    provinces: tuple[str | None, ...]
    keys: tuple[str, ...]  # item refs
    passed: dict[str, int]  # ref -> times shown and left

    @property
    def empty(self) -> bool:
        return len(self.keys) == 0

    @classmethod
    def none(cls, dim: int) -> History:
        return cls(np.zeros((0, dim), np.float32), np.zeros(0), (), (), (), {})


def _affinity(values: Sequence[str | None], utility: np.ndarray, wanted: Sequence[str | None]) -> np.ndarray:
    """Per ``wanted`` value, the smoothed rate of ``utility`` (0/1: acted on, or dismissed) among history items
    with that value minus the member's overall rate: how much more they act on (or dismiss) that kind."""
    if not len(values):
        return np.zeros(len(wanted))
    overall = float(utility.mean())
    rate: dict[str | None, float] = {}
    for v in set(values):
        hit = np.fromiter((x == v for x in values), bool, len(values))
        rate[v] = (float(utility[hit].sum()) + SMOOTHING * overall) / (float(hit.sum()) + SMOOTHING) - overall
    return np.fromiter((rate.get(w, 0.0) for w in wanted), np.float64, len(wanted))


def _base_rank(base: np.ndarray) -> np.ndarray:
    """``-log(1 + rank)`` of each score (0 for the best): comparable across the formula's and learned scores."""
    order = np.argsort(-base, kind="stable")
    rank = np.empty(base.shape[0], dtype=np.float64)
    rank[order] = np.arange(base.shape[0])
    return -np.log1p(rank)


def personal_features(
    base: np.ndarray,
    vectors: np.ndarray,
    kinds: Sequence[str],
    provinces: Sequence[str | None],
    keys: Sequence[str],
    history: History,
) -> np.ndarray:
    """Features (``PERSONAL_FEATURES``) of candidates with base scores ``base`` and unit centroids ``vectors``
    for a member with ``history``; shape ``(n, len(PERSONAL_FEATURES))``. All but ``base_rank`` are 0 for an
    empty history."""
    n = base.shape[0]
    X = np.zeros((n, len(PERSONAL_FEATURES)))
    X[:, 0] = _base_rank(np.asarray(base, dtype=np.float64))
    if history.empty or n == 0:
        return X
    liked = history.grades >= LIKED
    dismissed = history.grades == GRADES["not_relevant"]
    sims = np.asarray(vectors, np.float32) @ np.asarray(history.vectors, np.float32).T
    if liked.any():
        X[:, 1] = np.clip(sims[:, liked].max(axis=1), 0.0, 1.0)
    if dismissed.any():
        X[:, 2] = np.clip(sims[:, dismissed].max(axis=1), 0.0, 1.0)
    X[:, 3] = _affinity(history.kinds, liked.astype(np.float64), kinds)
    X[:, 4] = _affinity(history.kinds, dismissed.astype(np.float64), kinds)
    X[:, 5] = _affinity(history.provinces, liked.astype(np.float64), provinces)
    X[:, 6] = np.log1p(np.fromiter((history.passed.get(k, 0) for k in keys), np.float64, n))
    return X


def rescale(scores: np.ndarray, like: np.ndarray) -> np.ndarray:
    """``scores`` mapped linearly onto ``like``'s range, so what reads scores next (diversification, floors)
    sees the scale it was tuned for."""
    if scores.shape[0] == 0:
        return scores
    lo, hi = float(scores.min()), float(scores.max())
    a, b = float(like.min()), float(like.max())
    if hi - lo < 1e-12:
        return np.full(scores.shape[0], b)
    return a + (scores - lo) / (hi - lo) * (b - a)


class PersonalRanker(BaseEstimator):  # type: ignore[misc]
    """Scores candidates from ``PERSONAL_FEATURES`` (higher is better).

    Parameters
    ----------
    C : float
        Inverse L2 regularisation.
    max_pairs : int
        Pairs sampled per answer.
    random_state : int
    """

    def __init__(self, *, C: float = 1.0, max_pairs: int = 200, random_state: int = 0) -> None:
        self.C = C
        self.max_pairs = max_pairs
        self.random_state = random_state

    def fit(self, X: np.ndarray, y: np.ndarray, groups: np.ndarray, positions: np.ndarray) -> PersonalRanker:
        """Fit on shown items ``X`` with grades ``y``; ``groups`` names each row's answer, ``positions`` the
        place it was shown at (0 first)."""
        X, y = np.asarray(X, np.float64), np.asarray(y, np.float64)
        groups, positions = np.asarray(groups), np.asarray(positions, np.float64)
        if X.ndim != 2 or X.shape[1] != len(PERSONAL_FEATURES):
            raise ValueError(f"X must have shape (n, {len(PERSONAL_FEATURES)}); got {X.shape}")
        if not X.shape[0] == y.shape[0] == groups.shape[0] == positions.shape[0]:
            raise ValueError("X, y, groups and positions must have the same rows")
        Z = np.column_stack([X, -np.log1p(positions)])
        scale = np.sqrt((Z**2).mean(axis=0)) if Z.shape[0] else np.ones(Z.shape[1])
        scale[scale < 1e-9] = 1.0
        b, w, owner = pairs(y, groups, self.max_pairs, np.random.default_rng(self.random_state))
        if b.shape[0] == 0:
            raise ValueError("no answer with items of different grades to learn from")
        _, per_pair = np.unique(owner, return_inverse=True)
        weight = 1.0 / np.bincount(per_pair)[per_pair]  # every answer weighs once
        weight *= weight.shape[0] / weight.sum()
        diff = (Z[b] - Z[w]) / scale
        signs = np.r_[SIGNS, 0]
        active = np.ones(Z.shape[1], dtype=bool)
        while True:  # drop features whose fitted weight has the wrong sign, then refit without them
            model = LogisticRegression(C=self.C, fit_intercept=False, max_iter=2000)
            model.fit(np.vstack([diff[:, active], -diff[:, active]]), np.r_[np.ones(len(diff)), np.zeros(len(diff))],
                      sample_weight=np.r_[weight, weight])
            coef = np.zeros(Z.shape[1])
            coef[active] = model.coef_[0]
            wrong = active & (signs * coef < 0) & (np.arange(Z.shape[1]) > 0)  # base_rank is judged by ``usable``
            if not wrong.any():
                break
            active &= ~wrong
        coef = coef / scale
        self.coef_ = coef[: len(PERSONAL_FEATURES)].astype(np.float64)
        self.position_coef_ = float(coef[-1])
        self.n_features_in_ = len(PERSONAL_FEATURES)
        return self

    @property
    def usable(self) -> bool:
        """Whether the model keeps the base order for a member without history (base weight > 0)."""
        return bool(getattr(self, "coef_", None) is not None and self.coef_[0] > 0)

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """Each feature's part of each score; a row sums to ``predict``."""
        check_is_fitted(self, "coef_")
        X = np.asarray(X, np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features_in_:
            raise ValueError(f"X must have shape (n, {self.n_features_in_}); got {X.shape}")
        return X * self.coef_

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.contributions(X).sum(axis=1)


def grouped_ndcg(scores: np.ndarray, grades: np.ndarray, groups: np.ndarray, k: int = 10) -> float:
    """Mean nDCG@k over groups of rows (answers), ranking each group's rows by ``scores``; groups whose rows all
    share one grade carry no information and are skipped."""
    values = []
    for g in np.unique(groups):
        rows = np.flatnonzero(groups == g)
        gains = grades[rows].astype(np.float64)
        if gains.max() == gains.min():
            continue
        gains = 2.0**gains - 1.0
        discount = 1.0 / np.log2(np.arange(2, min(k, rows.shape[0]) + 2))
        got = gains[np.argsort(-scores[rows], kind="stable")][:k]
        ideal = np.sort(gains)[::-1][:k]
        values.append(float((got * discount).sum() / (ideal * discount).sum()))
    return float(np.mean(values)) if values else 0.0
