from __future__ import annotations

import math

import pytest

from benchmarks.evaluation import mrr_at_k, ndcg_at_k, query_metrics, recall_at_k


def test_ndcg_by_hand() -> None:
    judged = {"a": 2, "b": 1, "z": 0}
    # ranking b, x, a: DCG = 1/log2(2) + 0 + 2/log2(4) = 2; ideal a, b: 2 + 1/log2(3)
    assert ndcg_at_k(["b", "x", "a"], judged) == pytest.approx(2 / (2 + 1 / math.log2(3)))
    assert ndcg_at_k(["a", "b"], judged) == pytest.approx(1.0)
    assert ndcg_at_k(["x", "y"], judged) == 0.0


def test_ndcg_cuts_at_k() -> None:
    ranked = [f"d{i}" for i in range(10)] + ["a"]
    assert ndcg_at_k(ranked, {"a": 1}, 10) == 0.0
    assert ndcg_at_k(ranked, {"a": 1}, 11) == pytest.approx(1 / math.log2(12))


def test_recall_and_mrr_by_hand() -> None:
    judged = {"a": 1, "b": 3, "c": 0}
    ranked = ["x", "c", "b", "y"]
    assert recall_at_k(ranked, judged, 10) == 0.5
    assert recall_at_k(ranked, judged, 2) == 0.0
    assert mrr_at_k(ranked, judged) == pytest.approx(1 / 3)
    assert mrr_at_k(["x"] * 10 + ["a"], judged) == 0.0


def test_query_metrics_has_the_four_reported_metrics() -> None:
    m = query_metrics(["a"], {"a": 1, "b": 1})
    assert m == {"ndcg@10": pytest.approx(1 / (1 + 1 / math.log2(3))), "recall@10": 0.5, "recall@100": 0.5,
                 "mrr@10": 1.0}
