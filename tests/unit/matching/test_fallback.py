"""The learned ranker's per-question fallback: a ranker that cannot tell its candidates apart hands the
question to the channel the gate trusts, a confident one keeps its order, and the gate's leave-one-dataset-out
fit never sees the held-out set, not even through the rankers that produce its training rows."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone

from benchmarks.fallback_train import fit_gate, gate_rows, ideal_dcg, question_ndcg
from benchmarks.ranker_train import Rows, fit_sets
from matching.embeddings import HashingEmbedder
from matching.evidence import item_snippets
from matching.fallback import CHANNELS, GATE_FEATURES, ChannelGate, channel_scores, question_features
from matching.features import FEATURES
from matching.matcher import HybridMatcher
from matching.ranker import LearnedRanker
from matching.ranker_io import load_ranker, save_ranker

MARGIN = GATE_FEATURES.index("learned_margin")


def _linear(weights: dict[str, float]) -> LearnedRanker:
    ranker = LearnedRanker()
    ranker.mean_, ranker.scale_ = np.zeros(len(FEATURES)), np.ones(len(FEATURES))
    ranker.coef_ = np.array([weights.get(f, 0.0) for f in FEATURES])
    ranker.n_features_in_ = len(FEATURES)
    return ranker


def _unsure_means_dense() -> ChannelGate:
    """A gate taught that the dense channel wins when the ranker's scores are flat, and loses otherwise."""
    rng = np.random.default_rng(0)
    Q = rng.normal(size=(200, len(GATE_FEATURES)))
    Q[:, MARGIN] = rng.uniform(0, 3, size=200)
    gains = np.zeros((200, len(CHANNELS)))
    gains[:, list(CHANNELS).index("dense")] = 0.3 - 0.2 * Q[:, MARGIN]
    gains[:, list(CHANNELS).index("lexical")] = -0.2
    return ChannelGate(alpha=1.0, margin=0.02).fit(Q, gains)


PROFILES = [("Weld Lab", "TIG welding of aluminium trays."), ("Paint Shop", "Powder coating of steel frames."),
            ("Weld Course", "A course on MIG and TIG welding of aluminium."),
            ("Casting Works", "Die casting of aluminium housings."), ("Laser Cell", "Laser welding of thin steel.")]


def _matcher(embedder: HashingEmbedder, ranker: LearnedRanker) -> HybridMatcher:
    items = [item_snippets(t, x) for t, x in PROFILES]
    return HybridMatcher(embedder, ranker=ranker).fit(items, titles=[t for t, _ in PROFILES])


def test_a_ranker_that_cannot_tell_falls_back_to_the_dense_order(fake_embedder: HashingEmbedder) -> None:
    question = "aluminium welding course"
    flat = _linear({})  # every candidate scores 0: the ranker cannot tell
    flat.gate_ = _unsure_means_dense()
    matcher = _matcher(fake_embedder, flat)
    cand, X = matcher.features(question)
    assert question_features(X, flat.predict(X))[MARGIN] == 0.0
    assert flat.gate_.choose(question_features(X, flat.predict(X))[None, :]) == ["dense"]
    dense = channel_scores(X, "dense")
    expected = cand[np.lexsort((cand, -dense))]
    hits = matcher.rank(question, method="learned", k=len(cand), diversify=True)  # no MMR on a fallback
    assert [h.index for h in hits] == expected.tolist()
    assert [round(h.score, 6) for h in hits] == [round(float(v), 6) for v in np.sort(dense)[::-1]]


def test_a_confident_ranker_keeps_its_own_order(fake_embedder: HashingEmbedder) -> None:
    question = "aluminium welding course"
    sure = _linear({"title": 10.0})  # the item the question names scores far above the rest
    sure.gate_ = _unsure_means_dense()
    matcher = _matcher(fake_embedder, sure)
    cand, X = matcher.features(question)
    assert sure.gate_.choose(question_features(X, sure.predict(X))[None, :]) == [None]
    hits = matcher.rank(question, method="learned", k=3, diversify=False)
    assert hits[0].index == 2  # "Weld Course", by its title, which the dense order need not put first
    assert hits[0].score == pytest.approx(float(sure.predict(X)[list(cand).index(2)]))


def test_gate_round_trips_in_the_model_file(tmp_path: Path) -> None:
    ranker = _linear({"dense": 1.0})
    ranker.gate_ = _unsure_means_dense()
    again, _ = load_ranker(save_ranker(ranker, tmp_path / "r.json"))
    Q = np.random.default_rng(1).normal(size=(5, len(GATE_FEATURES)))
    assert np.allclose(again.gate_.predict(Q), ranker.gate_.predict(Q))
    assert clone(ranker.gate_).get_params() == {"alpha": 1.0, "margin": 0.02}
    with pytest.raises(ValueError, match="features"):
        ChannelGate().fit(Q[:, :3], np.zeros((5, len(CHANNELS))))


def _set(n: int, signal: str, seed: int, n_cand: int = 15) -> tuple[Rows, np.ndarray]:
    """Questions whose one relevant candidate has the highest ``signal`` feature."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n * n_cand, len(FEATURES)))
    groups = np.repeat(np.arange(n), n_cand)
    y = np.zeros(X.shape[0])
    for q in range(n):
        rows = np.flatnonzero(groups == q)
        y[rows[np.argmax(X[rows, FEATURES.index(signal)])]] = 1
    return Rows(X, y, groups), ideal_dcg([{"d": 1}] * n)


def test_question_ndcg_reads_candidate_rows() -> None:
    rows = Rows(np.zeros((3, len(FEATURES))), np.array([0.0, 0.0, 1.0]), np.zeros(3, dtype=np.int64))
    assert question_ndcg(np.array([3.0, 2.0, 1.0]), rows, np.array([1.0]))[0] == pytest.approx(0.5)
    assert question_ndcg(np.array([0.0, 0.0, 1.0]), rows, np.array([1.0]))[0] == pytest.approx(1.0)


def test_gate_lodo_fit_never_sees_the_held_out_set() -> None:
    """a and b: the title tells (the ranker wins); c: only the first dense reading does (the channel wins)."""
    data = {"a": _set(40, "title", 1), "b": _set(40, "title", 2), "c": _set(40, "dense_first", 3)}
    sets = {n: r for n, (r, _) in data.items()}
    ideal = {n: i for n, (_, i) in data.items()}
    calls: list[tuple[tuple[str, ...], str | None]] = []

    def spy(pool: Mapping[str, Rows], out: str | None) -> LearnedRanker:
        calls.append((tuple(pool), out))
        return fit_sets(pool, leave_out=out)

    gate = fit_gate(sets, ideal, leave_out="c", fit_ranker=spy)
    assert gate.trained_on_ == ("a", "b")
    assert calls and all("c" not in pool for pool, _ in calls)
    assert sorted(out for _, out in calls) == ["a", "b"]  # each training set ranked by a ranker without it
    # Without c, the gate has only seen the ranker win: on c's questions it keeps the ranker's order.
    ranker = fit_sets(sets, leave_out="c")
    Q, gains = gate_rows(ranker, sets["c"], ideal["c"])
    assert gains[:, list(CHANNELS).index("dense")].mean() > 0.3  # the dense channel really wins on c
    assert gate.choose(Q).count("dense") < len(Q) / 4
    with pytest.raises(ValueError, match="two training sets"):
        fit_gate({"a": sets["a"], "c": sets["c"]}, ideal, leave_out="c")
