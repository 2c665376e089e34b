"""``clustermatch bench --encoders``: the quality comparison and the gate, on vectors made up for the purpose."""

from __future__ import annotations

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from benchmarks.encoders import TARGETS, demo_needs_set, judge, neighbour_overlap, quality, sample_texts
from benchmarks.eval_data import Document, EvalSet
from bot.cli import app
from bot.commands.bench_encoders import parse_backends


def unit_rows(n: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_neighbour_overlap_is_one_for_the_same_vectors_and_counts_each_disagreement() -> None:
    queries, corpus = unit_rows(5, seed=1), unit_rows(30, seed=2)
    assert neighbour_overlap((queries, corpus), (queries, corpus), k=3) == 1.0
    # Moving query 0 onto the corpus row it ranked last swaps one of its 3 neighbours at least.
    moved = queries.copy()
    last = int(np.argmin(queries[0] @ corpus.T))
    moved[0] = corpus[last]
    overlap = neighbour_overlap((queries, corpus), (moved, corpus), k=3)
    assert 0.8 - 1e-9 <= overlap < 1.0  # 4 queries agree fully, query 0 on at most 2 of 3


def test_neighbour_overlap_leaves_a_snippet_out_of_its_own_neighbours() -> None:
    corpus = unit_rows(12, seed=3)
    queries = corpus[:4]
    own = np.arange(4)
    sims = queries @ corpus.T
    sims[own, own] = -np.inf
    # With itself left out, each query's nearest row is its nearest *other* row, identical for both sides.
    assert neighbour_overlap((queries, corpus), (queries, corpus), k=1, self_rows=own) == 1.0
    jittered = corpus.copy()
    jittered[np.argmax(sims, axis=1)] *= -1  # each query's nearest other row now points away from it
    assert neighbour_overlap((queries, corpus), (queries, jittered), k=1, self_rows=own) == 0.0


def small_set() -> EvalSet:
    corpus = [Document(f"d{i}", f"Firm {i}", f"We weld part {i} and machine housing {i}.") for i in range(15)]
    return EvalSet(corpus, {"q1": "welding of part 3"}, {"q1": {"d3": 1}})


def test_quality_of_identical_vectors_is_perfect_and_noise_lowers_cosine() -> None:
    from matching.evidence import item_snippets

    data = small_set()
    texts = [s for d in data.corpus for s in item_snippets(d.title, d.text)] + list(data.queries.values())
    ref = dict(zip(texts, unit_rows(len(texts), seed=4), strict=True))
    same = quality(ref, dict(ref), {"s": data})
    assert same["mean_cosine"] == pytest.approx(1.0, abs=1e-5) and same["overlap@10"] == {"s": 1.0}
    noise = np.random.default_rng(5).normal(scale=0.3, size=(len(texts), 16)).astype(np.float32)
    noisy = {t: (v + e) / np.linalg.norm(v + e) for (t, v), e in zip(ref.items(), noise, strict=True)}
    worse = quality(ref, noisy, {"s": data})
    assert worse["min_cosine"] <= worse["mean_cosine"] < 0.99
    assert worse["overlap@10"]["s"] < 1.0


def figures(per_s: float, window: float, p95: float, ndcg: float, overlap: float, backend: str) -> dict[str, object]:
    return {"backend": backend, "short_per_s": per_s, "window_per_s": window, "question_ms": {"p50": p95 / 2,
            "p95": p95}, "ndcg@10": {"a": {"engine": ndcg}, "b": {"engine": 0.3}}, "overlap@10": {"a": overlap}}


def test_judge_applies_every_target_and_refuses_a_fallen_back_runtime() -> None:
    base = figures(100, 10, 40, 0.5, 1.0, "torch")
    good = judge("onnx", figures(300, 26, 18, 0.504, 0.995, "onnx"), base)
    assert good == {"short_speedup": 3.0, "window_speedup": 2.6, "question_p95_ratio": 0.45,
                    "ndcg_delta": {"a": 0.004, "b": 0.0}, "quality_gate": True, "meets_targets": True}
    assert judge("onnx", figures(300, 24, 19, 0.5, 1.0, "onnx"), base)["meets_targets"] is False  # 2.4x windows
    assert judge("onnx", figures(300, 26, 21, 0.5, 1.0, "onnx"), base)["meets_targets"] is False  # p95 0.53x
    slower_but_same = judge("onnx", figures(100, 10, 40, 0.5, 1.0, "onnx"), base)
    assert slower_but_same["quality_gate"] is True and slower_but_same["meets_targets"] is False
    assert judge("onnx", figures(300, 26, 19, 0.5, TARGETS["overlap"] - 0.001, "onnx"), base)["quality_gate"] is False
    assert judge("onnx", figures(300, 26, 19, 0.494, 1.0, "onnx"), base)["quality_gate"] is False  # -0.006
    assert judge("onnx", figures(300, 26, 19, 0.5, 1.0, "torch"), base)["quality_gate"] is False  # fell back


def test_demo_needs_set_matches_the_directory_and_its_judgements() -> None:
    data = demo_needs_set()
    assert (len(data.queries), len(data.corpus)) == (50, 420)  # the counts of README's evaluation table
    ids = {d.id for d in data.corpus}
    assert set(data.qrels) == set(data.queries)
    assert all(doc in ids for judged in data.qrels.values() for doc in judged)


def test_sample_texts_have_the_asked_length_and_are_reproducible() -> None:
    windows = sample_texts(180, 5, seed=2)
    assert [len(t.split()) for t in windows] == [180] * 5
    assert windows == sample_texts(180, 5, seed=2) != sample_texts(180, 5, seed=3)


def test_unknown_backends_are_refused_by_name() -> None:
    assert parse_backends(" onnx, openvino-int8 ") == ["onnx", "openvino-int8"]
    with pytest.raises(typer.Exit) as exc:
        parse_backends("onnx,tensorrt")
    assert exc.value.exit_code == 2
    result = CliRunner().invoke(app, ["bench", "--encoders", "--backends", "tensorrt"])
    assert result.exit_code == 2 and "tensorrt" in result.output
