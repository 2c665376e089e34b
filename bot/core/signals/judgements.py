"""Member signals as graded, timestamped judgements, and the training rows a workspace's model learns from.

Each suggestion an answer showed is one judgement: its grade is the best thing the member did with it
(``matching.personal.GRADES``: saved, introduction requested / accepted / declined / expired, an outcome),
"not relevant" overriding everything, and "shown" when they did nothing. Only shown items are judged, so an
item the member never saw is never a negative.

A training row's personal features are computed from the member's judgements *before* that answer (what the
bot could have known when it answered), never from the answer itself or anything later.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from matching.personal import GRADES, PERSONAL_FEATURES, History, personal_features
from models.signals import Action, ShownRow

__all__ = ["Judged", "SignalRows", "judgements", "history_of", "training_rows"]

#: ``refs -> (n, dim)`` unit item vectors (zeros for an item no longer in the directory).
Centroids = Callable[[Sequence[str]], np.ndarray]
NOT_RELEVANT = GRADES["not_relevant"]
SHOWN = GRADES["shown"]


@dataclass(frozen=True)
class Judged:
    """One shown suggestion with the grade of what the member did with it."""

    question_id: str
    user_id: str
    asked_at: datetime
    position: int
    ref: str
    kind: str
    province: str | None
    score: float
    grade: int


def judgements(shown: Iterable[ShownRow], actions: Iterable[Action]) -> list[Judged]:
    """Grade every shown row by the actions on it (dismissal wins, else the best grade, else "shown")."""
    best: dict[tuple[str, str], int] = {}
    for a in actions:
        key, grade = (a.question_id, a.ref), GRADES[a.what]
        if grade == NOT_RELEVANT or best.get(key) == NOT_RELEVANT:
            best[key] = NOT_RELEVANT
        else:
            best[key] = max(best.get(key, SHOWN), grade)
    return [
        Judged(s.question_id, s.user_id, s.asked_at, s.position, s.ref, s.kind, s.province, s.score,
               best.get((s.question_id, s.ref), SHOWN))
        for s in shown
    ]


def history_of(judged: Sequence[Judged], centroids: Centroids, dim: int) -> History:
    """One member's history from their judgements: each item once, at its best grade (a dismissal wins), and
    how many times they were shown it and left it. Empty until the member has acted on something: being shown
    answers is not a signal, so a member who never pressed a button keeps the base ranking."""
    grade: dict[str, int] = {}
    facts: dict[str, tuple[str, str | None]] = {}
    passed: dict[str, int] = defaultdict(int)
    for j in judged:
        facts[j.ref] = (j.kind, j.province)
        if j.grade == SHOWN:
            passed[j.ref] += 1
        if j.grade == NOT_RELEVANT or grade.get(j.ref) == NOT_RELEVANT:
            grade[j.ref] = NOT_RELEVANT
        else:
            grade[j.ref] = max(grade.get(j.ref, SHOWN), j.grade)
    if all(g == SHOWN for g in grade.values()):
        return History.none(dim)
    keys = tuple(grade)
    return History(
        vectors=np.asarray(centroids(keys), dtype=np.float32),
        grades=np.array([grade[k] for k in keys], dtype=np.float64),
        kinds=tuple(facts[k][0] for k in keys),
        provinces=tuple(facts[k][1] for k in keys),
        keys=keys,
        passed=dict(passed),
    )


@dataclass(frozen=True)
class SignalRows:
    """Training rows: one per shown item of an answer the member acted on, in answer order."""

    X: np.ndarray
    y: np.ndarray
    groups: np.ndarray  # answer number, in the order answers were given
    positions: np.ndarray
    members: int

    @property
    def answers(self) -> int:
        return int(np.unique(self.groups).shape[0])

    def slice(self, keep: np.ndarray) -> SignalRows:
        return SignalRows(self.X[keep], self.y[keep], self.groups[keep], self.positions[keep], self.members)


def training_rows(judged: Sequence[Judged], centroids: Centroids, dim: int) -> SignalRows:
    """Rows of every answer with at least two grades among its shown items (nothing to learn otherwise), each
    with the features its member's earlier judgements give."""
    by_member: dict[str, list[Judged]] = defaultdict(list)
    for j in judged:
        by_member[j.user_id].append(j)
    vec_cache: dict[str, np.ndarray] = {}

    def cached(refs: Sequence[str]) -> np.ndarray:
        missing = [r for r in refs if r not in vec_cache]
        if missing:
            for r, v in zip(missing, centroids(missing), strict=True):
                vec_cache[r] = v
        return np.stack([vec_cache[r] for r in refs]) if refs else np.zeros((0, dim), np.float32)

    blocks: list[tuple[datetime, str, np.ndarray, np.ndarray, np.ndarray]] = []
    for rows in by_member.values():
        rows.sort(key=lambda j: (j.asked_at, j.question_id, j.position))
        start = 0
        while start < len(rows):
            end = start
            while end < len(rows) and rows[end].question_id == rows[start].question_id:
                end += 1
            answer = rows[start:end]
            if len({j.grade for j in answer}) > 1:
                earlier = [j for j in rows[:start] if j.asked_at < answer[0].asked_at]
                history = history_of(earlier, cached, dim)
                X = personal_features(
                    np.array([j.score for j in answer]), cached([j.ref for j in answer]),
                    [j.kind for j in answer], [j.province for j in answer], [j.ref for j in answer], history)
                blocks.append((answer[0].asked_at, answer[0].question_id, X,
                               np.array([j.grade for j in answer], np.float64),
                               np.array([j.position for j in answer], np.float64)))
            start = end
    blocks.sort(key=lambda b: (b[0], b[1]))
    if not blocks:
        z = np.zeros(0)
        return SignalRows(np.zeros((0, len(PERSONAL_FEATURES))), z, z.astype(np.int64), z, len(by_member))
    return SignalRows(
        X=np.vstack([b[2] for b in blocks]),
        y=np.concatenate([b[3] for b in blocks]),
        groups=np.concatenate([np.full(b[2].shape[0], k, dtype=np.int64) for k, b in enumerate(blocks)]),
        positions=np.concatenate([b[4] for b in blocks]),
        members=len(by_member),
    )
