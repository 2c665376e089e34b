"""Fitting the learned ranker's fallback gate (``matching.fallback``) leave-one-dataset-out.

The gate learns, on questions of set S, when the ranker loses to a single channel. Those rankings must come
from a ranker that had not seen S (else the ranker looks better on S than it will be on new data and the gate
learns to trust it too much), and, for a LODO figure on a held-out set H, neither the ranker nor the gate may
have seen H. So for each training set S the ranker is refitted on the sets other than S and H.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from benchmarks.ranker_train import Rows, fit_sets
from matching.fallback import CHANNELS, ChannelGate, channel_scores, question_features
from matching.ranker import LearnedRanker

__all__ = ["ideal_dcg", "question_ndcg", "gate_rows", "fit_gate"]

FitRanker = Callable[[Mapping[str, Rows], str | None], LearnedRanker]


def ideal_dcg(qrels: Sequence[Mapping[str, int]], k: int = 10) -> np.ndarray:
    """Each question's ideal DCG@k from all its judgements (linear gain, as ``benchmarks.evaluation``)."""
    out = []
    for marks in qrels:
        grades = sorted((g for g in marks.values() if g > 0), reverse=True)[:k]
        out.append(sum(g / np.log2(r + 2) for r, g in enumerate(grades)))
    return np.asarray(out, dtype=np.float64)


def _questions(rows: Rows, n: int) -> list[np.ndarray]:
    order = np.argsort(rows.groups, kind="stable")
    bounds = np.searchsorted(rows.groups[order], np.arange(n + 1))
    return [order[bounds[j] : bounds[j + 1]] for j in range(n)]


def question_ndcg(scores: np.ndarray, rows: Rows, ideal: np.ndarray, k: int = 10) -> np.ndarray:
    """nDCG@k of each question when its candidates are ordered by ``scores`` (ties by candidate position)."""
    out = np.zeros(ideal.shape[0])
    for j, r in enumerate(_questions(rows, ideal.shape[0])):
        if r.shape[0] and ideal[j] > 0:
            top = r[np.lexsort((r, -scores[r]))][:k]
            out[j] = float((rows.y[top] / np.log2(np.arange(2, top.shape[0] + 2))).sum() / ideal[j])
    return out


def gate_rows(ranker: LearnedRanker, rows: Rows, ideal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The gate's features of each question of one set and each channel's nDCG@10 gain over ``ranker``."""
    scores = ranker.predict(rows.X)
    learned = question_ndcg(scores, rows, ideal)
    gains = np.column_stack([question_ndcg(channel_scores(rows.X, c), rows, ideal) - learned for c in CHANNELS])
    Q = np.array([question_features(rows.X[r], scores[r]) if r.shape[0] else question_features(rows.X[:0], scores[:0])
                  for r in _questions(rows, ideal.shape[0])])
    return Q, gains


def fit_gate(
    sets: Mapping[str, Rows], ideal: Mapping[str, np.ndarray], *, leave_out: str | None = None,
    params: Mapping[str, float] | None = None, fit_ranker: FitRanker | None = None,
) -> ChannelGate:
    """A gate fitted on every set but ``leave_out``, each set's questions ranked by a ranker that saw neither
    that set nor ``leave_out``. ``fit_ranker(sets, leave_out)`` may cache fits (default ``fit_sets``)."""
    fit = fit_ranker or (lambda s, out: fit_sets(s, leave_out=out))
    pool = {n: r for n, r in sets.items() if n != leave_out}
    if len(pool) < 2:
        raise ValueError("the gate needs at least two training sets besides the held-out one")
    Qs, gains, sources = [], [], []
    for k, name in enumerate(pool):
        ranker = fit(pool, name)
        seen = set(getattr(ranker, "trained_on_", ()))
        if name in seen or (leave_out is not None and leave_out in seen):
            raise AssertionError(f"leakage: the ranker for {name} saw {seen & {name, leave_out}}")
        Q, g = gate_rows(ranker, pool[name], ideal[name])
        Qs.append(Q)
        gains.append(g)
        sources.append(np.full(Q.shape[0], k))
    gate = ChannelGate(**dict(params or {})).fit(np.vstack(Qs), np.vstack(gains), np.concatenate(sources))
    gate.trained_on_ = tuple(pool)
    return gate
