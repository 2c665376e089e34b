"""LearnedRanker: re-orders the engine's candidates from their features (``matching.features``).

A pairwise logistic regression (RankNet's linear case): for pairs of one question's candidates with different
grades it learns ``w`` such that ``w . (x_better - x_worse) > 0``; the score of a candidate is ``w . x``.
Chosen over gradient-boosted trees by leave-one-dataset-out measurement (README, *Evaluation*): a linear model
of per-question-relative features transfers to corpora it never saw, where trees learned the training sets'
quirks. It is also tiny, stored as JSON (no pickle), and each score splits exactly into feature
contributions for ``--explain``.

Every question counts once and every training set counts the same in the fit (``groups`` and ``sources``), so
a set with 548 questions does not outvote one with 50.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from matching.features import FEATURES

__all__ = ["LearnedRanker", "pairs"]


def pairs(
    y: np.ndarray, groups: np.ndarray, max_pairs: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row pairs ``(better, worse)`` within each group with different grades, at most ``max_pairs`` per group,
    and the group of each pair."""
    better, worse, owner = [], [], []
    for g in np.unique(groups):
        rows = np.flatnonzero(groups == g)
        grades = y[rows]
        hi, lo = np.meshgrid(rows, rows, indexing="ij")
        keep = grades[:, None] > grades[None, :]
        b, w = hi[keep], lo[keep]
        if b.shape[0] > max_pairs:
            pick = rng.choice(b.shape[0], max_pairs, replace=False)
            b, w = b[pick], w[pick]
        better.append(b)
        worse.append(w)
        owner.append(np.full(b.shape[0], g))
    if not better:
        z = np.zeros(0, dtype=np.int64)
        return z, z, z
    return np.concatenate(better), np.concatenate(worse), np.concatenate(owner)


class LearnedRanker(BaseEstimator):  # type: ignore[misc]
    """Scores candidates; higher is better.

    Parameters
    ----------
    C : float
        Inverse L2 regularisation of the logistic regression.
    max_pairs : int
        Pairs sampled per question.
    random_state : int
    ignore : tuple of str
        Features read but given no weight. By default the question's dense reading before feedback, which the
        fallback (``matching.fallback``) uses as an order: weighing it too cost coursera, cranfield and
        demo-needs 0.8-2 nDCG@10 points leave-one-dataset-out for +0.7 on sbir-phase1-dev.
    """

    def __init__(self, *, C: float = 0.1, max_pairs: int = 400, random_state: int = 0,
                 ignore: tuple[str, ...] = ("dense_first", "dense_first_rank")) -> None:
        self.C = C
        self.max_pairs = max_pairs
        self.random_state = random_state
        self.ignore = ignore

    def fit(
        self, X: np.ndarray, y: np.ndarray, groups: np.ndarray, sources: np.ndarray | None = None
    ) -> LearnedRanker:
        """Fit on rows ``X`` with grades ``y``; ``groups`` names each row's question, ``sources`` its data set."""
        X, y, groups = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64), np.asarray(groups)
        if X.ndim != 2 or X.shape[0] != y.shape[0] or y.shape[0] != groups.shape[0]:
            raise ValueError(f"X {X.shape}, y {y.shape} and groups {groups.shape} must have the same rows")
        sources = np.zeros(X.shape[0], dtype=np.int64) if sources is None else np.asarray(sources)
        self.mean_ = X.mean(axis=0) if X.shape[0] else np.zeros(X.shape[1])
        self.scale_ = X.std(axis=0) if X.shape[0] else np.ones(X.shape[1])
        self.scale_[self.scale_ < 1e-9] = 1.0
        Z = (X - self.mean_) / self.scale_
        if X.shape[1] == len(FEATURES):  # a zero column gets a zero weight
            Z[:, [i for i, f in enumerate(FEATURES) if f in self.ignore]] = 0.0
        rng = np.random.default_rng(self.random_state)
        b, w, owner = pairs(y, groups, self.max_pairs, rng)
        if b.shape[0] == 0:
            raise ValueError("no pair of candidates with different grades to learn from")
        # Weight: each question 1 / its pairs, each source 1 / its questions, scaled to mean 1.
        _, per_pair_group = np.unique(owner, return_inverse=True)
        pair_counts = np.bincount(per_pair_group)
        src = sources[b]
        weight = 1.0 / pair_counts[per_pair_group]
        for s in np.unique(src):
            n_questions = np.unique(owner[src == s]).shape[0]
            weight[src == s] /= n_questions
        weight *= weight.shape[0] / weight.sum()
        diff = Z[b] - Z[w]
        Xp = np.vstack([diff, -diff])
        yp = np.concatenate([np.ones(diff.shape[0]), np.zeros(diff.shape[0])])
        model = LogisticRegression(C=self.C, fit_intercept=False, max_iter=2000)
        model.fit(Xp, yp, sample_weight=np.concatenate([weight, weight]))
        self.coef_ = model.coef_[0].astype(np.float64)
        self.n_features_in_ = X.shape[1]
        return self

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """Each feature's part of each score, shape ``(n, n_features)``; a row sums to ``predict``."""
        check_is_fitted(self, "coef_")
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features_in_:
            raise ValueError(f"X must have shape (n, {self.n_features_in_}); got {X.shape}")
        return (X - self.mean_) / self.scale_ * self.coef_

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Scores, shape ``(n,)``."""
        return self.contributions(X).sum(axis=1)
