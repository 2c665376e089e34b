"""Per-question fallback of the learned ranker to the single channel it cannot beat.

A re-ranker that is better on average can still be worse on a kind of question it never saw (short uniform
"staff trained in X" questions, where the dense channel alone wins). The gate reads how the question looks
(each channel's margin, their agreement, length) and how sure the ranker is (its own score margins, how far
its top 10 is from each channel's) and predicts, per channel, that channel's nDCG@10 minus the ranker's on
this question. When one channel is predicted ahead by more than ``margin``, that channel's order is used for
this question; otherwise the ranker's. It is a ridge regression fitted leave-one-dataset-out like the ranker
(``benchmarks.fallback_train``): its training rows are other sets' questions ranked by rankers that had not
seen them either.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.linear_model import Ridge
from sklearn.utils.validation import check_is_fitted

from matching.features import FEATURES

__all__ = ["CHANNELS", "GATE_FEATURES", "ChannelGate", "question_features", "channel_scores"]

#: Fallback orders: each is a candidate feature column whose order is the channel's order.
CHANNELS = {"lexical": "lexical_share", "dense": "dense_first", "dense_feedback": "dense"}

GATE_FEATURES = (
    "lexical_margin", "dense_margin", "agreement", "query_words", "query_windows",
    "learned_margin",  # (best - 10th ranker score) / spread of the scores
    "learned_lead",  # (best - second) / spread
    "overlap_lexical", "overlap_dense", "overlap_dense_feedback",  # ranker's top 10 shared with each channel
    "top_dense", "top_dense_feedback",  # the best cosine of each dense reading
)

_COL = {f: i for i, f in enumerate(FEATURES)}


def _top10(scores: np.ndarray) -> set[int]:
    return set(np.lexsort((np.arange(scores.shape[0]), -scores))[:10].tolist())


def channel_scores(X: np.ndarray, channel: str) -> np.ndarray:
    """Scores whose order over the candidates is ``channel``'s order."""
    return np.asarray(X[:, _COL[CHANNELS[channel]]], dtype=np.float64)


def question_features(X: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The gate's view of one question: its candidates' features ``X`` and the ranker's ``scores``."""
    X, scores = np.asarray(X, dtype=np.float64), np.asarray(scores, dtype=np.float64)
    if X.shape[0] == 0:
        return np.zeros(len(GATE_FEATURES))
    ranked = np.sort(scores)[::-1]
    spread = float(scores.std()) + 1e-9
    mine = _top10(scores)
    row = X[0]
    return np.array([
        row[_COL["lexical_margin"]], row[_COL["dense_margin"]], row[_COL["agreement"]], row[_COL["query_words"]],
        row[_COL["query_windows"]],
        (ranked[0] - ranked[min(9, ranked.shape[0] - 1)]) / spread,
        (ranked[0] - ranked[min(1, ranked.shape[0] - 1)]) / spread,
        *(len(mine & _top10(channel_scores(X, c))) / 10.0 for c in CHANNELS),
        X[:, _COL["dense_first"]].max(), X[:, _COL["dense"]].max(),
    ])


class ChannelGate(BaseEstimator):  # type: ignore[misc]
    """Predicts each channel's nDCG@10 gain over the ranker on a question, and picks the order to use.

    Parameters
    ----------
    alpha : float
        Ridge penalty (on standardised features).
    margin : float
        How far ahead (nDCG@10) a channel must be predicted before its order replaces the ranker's.
    """

    def __init__(self, *, alpha: float = 10.0, margin: float = 0.02) -> None:
        self.alpha = alpha
        self.margin = margin

    def fit(self, Q: np.ndarray, gains: np.ndarray, sources: np.ndarray | None = None) -> ChannelGate:
        """``Q`` rows of ``question_features``; ``gains[:, k]`` = channel k's nDCG@10 minus the ranker's
        (channels in ``CHANNELS`` order); every source set weighs the same."""
        Q, gains = np.asarray(Q, dtype=np.float64), np.asarray(gains, dtype=np.float64)
        if Q.ndim != 2 or Q.shape[1] != len(GATE_FEATURES) or gains.shape != (Q.shape[0], len(CHANNELS)):
            raise ValueError(f"Q {Q.shape} and gains {gains.shape} do not match the gate's features and channels")
        sources = np.zeros(Q.shape[0], dtype=np.int64) if sources is None else np.asarray(sources)
        _, inverse, counts = np.unique(sources, return_inverse=True, return_counts=True)
        weight = 1.0 / counts[inverse]
        self.mean_ = Q.mean(axis=0)
        self.scale_ = Q.std(axis=0)
        self.scale_[self.scale_ < 1e-9] = 1.0
        model = Ridge(alpha=self.alpha).fit((Q - self.mean_) / self.scale_, gains,
                                            sample_weight=weight * weight.shape[0] / weight.sum())
        self.coef_ = np.asarray(model.coef_, dtype=np.float64)  # (n_channels, n_features)
        self.intercept_ = np.asarray(model.intercept_, dtype=np.float64)
        return self

    def predict(self, Q: np.ndarray) -> np.ndarray:
        """Predicted gain of each channel over the ranker, shape ``(n, len(CHANNELS))``."""
        check_is_fitted(self, "coef_")
        Q = np.atleast_2d(np.asarray(Q, dtype=np.float64))
        return ((Q - self.mean_) / self.scale_) @ self.coef_.T + self.intercept_

    def choose(self, Q: np.ndarray) -> list[str | None]:
        """Per question: the channel whose order to use, or ``None`` for the ranker's."""
        pred = self.predict(Q)
        names = list(CHANNELS)
        return [names[int(p.argmax())] if p.max() > self.margin else None for p in pred]

    def to_dict(self) -> dict[str, Any]:
        check_is_fitted(self, "coef_")
        return {"params": self.get_params(), "features": list(GATE_FEATURES), "channels": list(CHANNELS),
                "mean": self.mean_.tolist(), "scale": self.scale_.tolist(), "coef": self.coef_.tolist(),
                "intercept": self.intercept_.tolist()}

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> ChannelGate:
        """The inverse of ``to_dict``; ``ValueError`` when made for other features or channels."""
        if doc.get("features") != list(GATE_FEATURES) or doc.get("channels") != list(CHANNELS):
            raise ValueError("gate made for other features or channels")
        gate = cls(**doc["params"])
        gate.mean_ = np.asarray(doc["mean"], dtype=np.float64)
        gate.scale_ = np.asarray(doc["scale"], dtype=np.float64)
        gate.coef_ = np.asarray(doc["coef"], dtype=np.float64)
        gate.intercept_ = np.asarray(doc["intercept"], dtype=np.float64)
        return gate
