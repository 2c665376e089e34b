"""The learned ranker: estimator contract, what it learns, no leakage, and its model file."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from benchmarks.ranker_train import Rows, fit_sets, lodo_splits
from bot.core.directory.ranking import load_configured_ranker
from matching.embeddings import HashingEmbedder
from matching.evidence import item_snippets
from matching.features import FEATURES
from matching.matcher import HybridMatcher
from matching.ranker import LearnedRanker
from matching.ranker_io import DEFAULT_RANKER, RankerFileError, load_ranker, save_ranker


def _rows(n_questions: int, signal: int, seed: int, n_cand: int = 20) -> Rows:
    """Questions whose relevant candidate is the one with the highest feature ``signal``."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_questions * n_cand, len(FEATURES)))
    groups = np.repeat(np.arange(n_questions), n_cand)
    y = np.zeros(X.shape[0])
    for q in range(n_questions):
        rows = np.flatnonzero(groups == q)
        y[rows[np.argmax(X[rows, signal])]] = 1
    return Rows(X, y, groups)


def _top1(ranker: LearnedRanker, rows: Rows) -> float:
    s = ranker.predict(rows.X)
    hits = [rows.y[rows.groups == q][np.argmax(s[rows.groups == q])] for q in np.unique(rows.groups)]
    return float(np.mean(hits))


def test_estimator_contract() -> None:
    ranker = LearnedRanker(C=0.5, max_pairs=50)
    assert clone(ranker).get_params() == {"C": 0.5, "max_pairs": 50, "random_state": 0,
                                          "ignore": ("dense_first", "dense_first_rank")}
    with pytest.raises(NotFittedError):
        ranker.predict(np.zeros((1, len(FEATURES))))
    rows = _rows(30, signal=2, seed=1)
    assert ranker.fit(rows.X, rows.y, rows.groups) is ranker
    assert ranker.predict(rows.X).shape == (rows.X.shape[0],)
    assert np.allclose(ranker.contributions(rows.X).sum(axis=1), ranker.predict(rows.X))
    with pytest.raises(ValueError, match="shape"):
        ranker.predict(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="different grades"):
        LearnedRanker().fit(rows.X[:5], np.zeros(5), np.zeros(5))


def test_it_learns_which_feature_tells_the_relevant_item() -> None:
    ranker = LearnedRanker().fit(*_astuple(_rows(60, signal=4, seed=2)))
    assert int(np.argmax(ranker.coef_)) == 4
    assert _top1(ranker, _rows(40, signal=4, seed=3)) > 0.7  # chance: 1 in 20


def _astuple(rows: Rows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return rows.X, rows.y, rows.groups


def test_leave_one_dataset_out_never_trains_on_the_held_out_set() -> None:
    """Two sets agree, the third contradicts them: if the held-out set leaked into the fit, it would win."""
    sets = {"a": _rows(40, 1, 10), "b": _rows(40, 1, 11), "c": _rows(300, 7, 12)}
    assert [h for h, _ in lodo_splits(list(sets))] == ["a", "b", "c"]
    for held, training in lodo_splits(list(sets)):
        ranker = fit_sets(sets, leave_out=held)
        assert held not in ranker.trained_on_ and list(ranker.trained_on_) == training
    without_c = fit_sets(sets, leave_out="c")
    assert int(np.argmax(without_c.coef_)) == 1 and _top1(without_c, sets["c"]) < 0.5
    # Each set weighs the same: c's 300 questions do not outvote a and b's 80.
    everything = fit_sets(sets)
    assert without_c.coef_[1] > 0 and everything.coef_[1] > 0


def test_model_file_round_trip_and_refusals(tmp_path: Path) -> None:
    rows = _rows(30, signal=3, seed=4)
    ranker = LearnedRanker().fit(*_astuple(rows))
    path = save_ranker(ranker, tmp_path / "r.json", meta={"trained_on": {"x": {}}})
    again, meta = load_ranker(path)
    assert np.allclose(again.predict(rows.X), ranker.predict(rows.X)) and meta == {"trained_on": {"x": {}}}
    doc = json.loads(path.read_text())
    doc["coef"][0] += 1.0
    path.write_text(json.dumps(doc))
    with pytest.raises(RankerFileError, match="checksum"):
        load_ranker(path)
    path.write_text("{not json")
    with pytest.raises(RankerFileError, match="unreadable"):
        load_ranker(path)
    with pytest.raises(RankerFileError, match="no such"):
        load_ranker(tmp_path / "missing.json")


def test_shipped_model_loads_and_records_its_training_data() -> None:
    ranker, meta = load_ranker(DEFAULT_RANKER)
    assert ranker.coef_.shape == (len(FEATURES),)
    assert "sbir-phase1-dev" in meta["trained_on"]
    for files in meta["trained_on"].values():
        assert set(files) == {"corpus.jsonl", "queries.jsonl", "qrels.tsv"}
        assert all(len(h) == 64 for h in files.values())
    for figures in meta["lodo_ndcg@10"].values():
        assert figures["learned"] >= max(figures["lexical"], figures["dense"])


def test_a_corrupt_model_falls_back_to_the_formula_with_a_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bad = tmp_path / "ranker.json"
    bad.write_text('{"format": 1, "sha256": "0"}')
    with caplog.at_level(logging.WARNING):
        assert load_configured_ranker("learned", str(bad)) is None
    assert "ranking with the formula" in caplog.text and "checksum" in caplog.text
    assert load_configured_ranker("formula") is None
    assert load_configured_ranker("learned") is not None  # the shipped one


def test_learned_method_reorders_the_engine_candidates(fake_embedder: HashingEmbedder) -> None:
    profiles = [("Weld Lab", "TIG welding of aluminium trays."), ("Paint Shop", "Powder coating of steel frames."),
                ("Weld Course", "A course on MIG and TIG welding of aluminium.")]
    items = [item_snippets(t, x) for t, x in profiles]
    plain = HybridMatcher(fake_embedder).fit(items, titles=[t for t, _ in profiles])
    with pytest.raises(NotFittedError, match="ranker"):
        plain.rank("aluminium welding", method="learned")
    cand, X = plain.features("aluminium welding")
    assert X.shape == (cand.shape[0], len(FEATURES)) and cand.shape[0] >= 2
    # A ranker that only trusts the title feature puts the item whose title the question names first.
    title_only = LearnedRanker()
    title_only.mean_, title_only.scale_ = np.zeros(len(FEATURES)), np.ones(len(FEATURES))
    title_only.coef_ = np.eye(len(FEATURES))[FEATURES.index("title")]
    title_only.n_features_in_ = len(FEATURES)
    learned = clone(plain).set_params(ranker=title_only).fit(items, titles=[t for t, _ in profiles])
    hits = learned.rank("weld course for aluminium", method="learned", k=3, diversify=False)
    assert hits[0].index == 2
