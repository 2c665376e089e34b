"""Training the learned ranker on several judged sets, and leave-one-dataset-out (LODO) evaluation.

A ranker is only worth shipping if it helps on data it never saw: for each set, a model is fitted on all the
*other* sets and scored on that one. ``fit_sets`` refuses to fit on the set it is asked to leave out, so a
reported LODO figure cannot have seen its own questions.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from matching.ranker import LearnedRanker

__all__ = ["Rows", "fit_sets", "lodo_splits"]


@dataclass(frozen=True)
class Rows:
    """One set's training rows: features, grades, and the question of each row."""

    X: np.ndarray
    y: np.ndarray
    groups: np.ndarray


def lodo_splits(names: list[str]) -> Iterator[tuple[str, list[str]]]:
    """``(held_out, training_sets)`` for every set."""
    for held in names:
        yield held, [n for n in names if n != held]


def fit_sets(
    sets: Mapping[str, Rows], *, leave_out: str | None = None, params: Mapping[str, object] | None = None
) -> LearnedRanker:
    """Fit one ranker on every set but ``leave_out``; each set weighs the same, each question once."""
    names = [n for n in sets if n != leave_out]
    if leave_out is not None and leave_out in names:  # pragma: no cover - guarded by the comprehension
        raise AssertionError("leakage")
    if not names:
        raise ValueError("no training set left")
    X = np.vstack([sets[n].X for n in names])
    y = np.concatenate([sets[n].y for n in names])
    # Questions are numbered per set: give each set its own range of group ids.
    groups = np.concatenate([sets[n].groups.astype(np.int64) + (k << 32) for k, n in enumerate(names)])
    sources = np.concatenate([np.full(sets[n].y.shape[0], k) for k, n in enumerate(names)])
    ranker = LearnedRanker(**dict(params or {}))  # type: ignore[arg-type]
    ranker.fit(X, y, groups, sources)
    ranker.trained_on_ = tuple(names)
    return ranker
