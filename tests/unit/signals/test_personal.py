"""The signal re-ranker: features, estimator contract, judgements and their storage format."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sklearn.base import clone

from bot.core.signals.judgements import history_of, judgements, training_rows
from matching.personal import GRADES, PERSONAL_FEATURES, History, PersonalRanker, personal_features, rescale
from matching.personal_io import PersonalModelError, dump_personal, load_personal
from models.signals import Action, ShownRow

DIM = 4
T0 = datetime(2026, 1, 5, tzinfo=UTC)


def unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def fitted(rng: np.random.Generator, n_answers: int = 60) -> PersonalRanker:
    """A model fitted where members like items close to what they liked (feature 1) and base order matters."""
    X, y, groups, pos = [], [], [], []
    for g in range(n_answers):
        f = np.zeros((8, len(PERSONAL_FEATURES)))
        f[:, 0] = -np.log1p(np.arange(8))
        f[:, 1] = rng.random(8)
        grade = np.where(f[:, 1] + 0.3 * (f[:, 0] > -1) > 0.8, 3, 1)
        X.append(f), y.append(grade), groups.append(np.full(8, g)), pos.append(np.arange(8))
    return PersonalRanker().fit(np.vstack(X), np.concatenate(y), np.concatenate(groups), np.concatenate(pos))


def test_an_empty_history_leaves_only_the_base_rank_and_the_base_order() -> None:
    base = np.array([0.2, 0.9, 0.5, 0.1])
    X = personal_features(base, np.eye(4, DIM, dtype=np.float32), ["course"] * 4, ["ON"] * 4, list("abcd"),
                          History.none(DIM))
    assert np.all(X[:, 1:] == 0)
    ranker = fitted(np.random.default_rng(0))
    assert ranker.usable
    assert list(np.argsort(-ranker.predict(X))) == list(np.argsort(-base))


def test_features_follow_the_history() -> None:
    history = History(vectors=np.stack([unit(1, 0, 0, 0), unit(0, 1, 0, 0)]), grades=np.array([3.0, 0.0]),
                      kinds=("course", "researcher"), provinces=("QC", "ON"), keys=("liked", "dismissed"),
                      passed={"seen": 2})
    vecs = np.stack([unit(1, 0.1, 0, 0), unit(0.1, 1, 0, 0), unit(0, 0, 1, 0)])
    X = personal_features(np.array([0.5, 0.4, 0.3]), vecs, ["course", "researcher", "course"], ["QC", "ON", "QC"],
                          ["x", "y", "seen"], history)
    f = {name: X[:, i] for i, name in enumerate(PERSONAL_FEATURES)}
    assert f["liked_similarity"][0] > 0.9 > f["liked_similarity"][1]
    assert f["dismissed_similarity"][1] > 0.9 > f["dismissed_similarity"][0]
    assert f["kind_liked"][0] > 0 > f["kind_liked"][1]
    assert f["kind_dismissed"][1] > 0 > f["kind_dismissed"][0]
    assert f["province_liked"][0] > 0 > f["province_liked"][1]
    assert f["passed_by"][2] == pytest.approx(np.log1p(2)) and f["passed_by"][0] == 0


def test_estimator_contract_and_errors() -> None:
    ranker = PersonalRanker(C=0.5, max_pairs=50)
    assert clone(ranker).get_params() == {"C": 0.5, "max_pairs": 50, "random_state": 0}
    with pytest.raises(ValueError, match="shape"):
        ranker.fit(np.zeros((3, 2)), np.zeros(3), np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError, match="different grades"):
        ranker.fit(np.zeros((3, len(PERSONAL_FEATURES))), np.ones(3), np.zeros(3), np.arange(3))
    model = fitted(np.random.default_rng(1))
    assert model.coef_[1] > 0  # it learned the liked-similarity preference
    X = np.random.default_rng(2).random((5, len(PERSONAL_FEATURES)))
    assert np.allclose(model.contributions(X).sum(axis=1), model.predict(X))


def test_a_weight_of_the_wrong_sign_is_dropped() -> None:
    """Items close to dismissed ones being *more* liked is a selection effect; the model must not learn it."""
    rng = np.random.default_rng(3)
    X, y, groups = [], [], []
    for g in range(80):
        f = np.zeros((6, len(PERSONAL_FEATURES)))
        f[:, 0] = -np.log1p(np.arange(6))
        f[:, 2] = rng.random(6)  # dismissed_similarity
        X.append(f), y.append(np.where(f[:, 2] > 0.6, 3, 1)), groups.append(np.full(6, g))
    model = PersonalRanker().fit(np.vstack(X), np.concatenate(y), np.concatenate(groups), np.tile(np.arange(6), 80))
    assert model.coef_[PERSONAL_FEATURES.index("dismissed_similarity")] == 0


def test_rescale_keeps_the_base_range() -> None:
    out = rescale(np.array([10.0, -3.0, 4.0]), np.array([0.2, 0.8, 0.5]))
    assert out.min() == pytest.approx(0.2) and out.max() == pytest.approx(0.8)
    assert list(np.argsort(out)) == [1, 2, 0]


def test_stored_parameters_round_trip_and_tampering_is_refused() -> None:
    model = fitted(np.random.default_rng(4))
    params = dump_personal(model)
    again = load_personal(params)
    X = np.random.default_rng(5).random((4, len(PERSONAL_FEATURES)))
    assert np.allclose(again.predict(X), model.predict(X))
    with pytest.raises(PersonalModelError, match="checksum"):
        load_personal({**params, "coef": [1.0] * len(PERSONAL_FEATURES)})
    other = {**params, "features": ["base_rank"]}
    from matching.personal_io import _digest

    body = {k: v for k, v in other.items() if k != "sha256"}
    with pytest.raises(PersonalModelError, match="other features"):
        load_personal({**body, "sha256": _digest(body)})


def shown(q: str, user: str, minutes: int, refs: list[str], kind: str = "course") -> list[ShownRow]:
    return [ShownRow(q, user, T0 + timedelta(minutes=minutes), i, r, kind, "ON", 1.0 - i / 10)
            for i, r in enumerate(refs)]


def test_judgements_grade_by_the_best_action_and_a_dismissal_wins() -> None:
    rows = shown("q1", "U1", 0, ["a", "b", "c", "d"])
    acts = [Action("q1", "a", "saved"), Action("q1", "a", "intro_accepted"), Action("q1", "b", "saved"),
            Action("q1", "b", "not_relevant"), Action("q1", "c", "outcome")]
    grades = {j.ref: j.grade for j in judgements(rows, acts)}
    assert grades == {"a": GRADES["intro_accepted"], "b": GRADES["not_relevant"], "c": GRADES["outcome"],
                      "d": GRADES["shown"]}


def test_training_rows_see_only_earlier_judgements() -> None:
    """The first answer's features cannot know what the member did with it or with later answers."""
    vec = {r: unit(*np.eye(DIM)[i % DIM]) for i, r in enumerate("abcdefgh")}

    def centroids(refs):  # type: ignore[no-untyped-def]
        return np.stack([vec[r] for r in refs])

    rows = shown("q1", "U1", 0, ["a", "b", "c"]) + shown("q2", "U1", 60, ["a", "d", "e"])
    acts = [Action("q1", "a", "saved"), Action("q2", "d", "saved")]
    out = training_rows(judgements(rows, acts), centroids, DIM)
    assert out.answers == 2 and out.members == 1
    first, second = out.X[out.groups == 0], out.X[out.groups == 1]
    assert np.all(first[:, 1:] == 0)  # nothing was known before the first answer
    assert second[0, PERSONAL_FEATURES.index("liked_similarity")] == pytest.approx(1.0)  # "a" liked in q1
    history = history_of(judgements(rows, acts), centroids, DIM)
    assert set(history.keys) == set("abcde") and history.passed == {"a": 1, "b": 1, "c": 1, "e": 1}  # "a" left in q2
