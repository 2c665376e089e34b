"""Dev benchmarks: convert the shared evaluation sets, score the four ranking methods, print one table.

Runs the same ``benchmarks.evaluation.evaluate`` as ``clustermatch eval`` (production snippets, the real
checked model, engine exactly as the bot calls it). Vectors are cached by text under var/devbench/ so a
re-run after an engine change only re-ranks. Any single set can be re-run through the command line:
``clustermatch eval --corpus var/devbench/<set>/corpus.jsonl --queries .../queries.jsonl --qrels .../qrels.tsv``.

    .venv/bin/python scripts/dev_benchmarks.py [--sets coursera,cranfield,...] [--json OUT]
    .venv/bin/python scripts/dev_benchmarks.py --latency 100000 [--torch-threads 1]   # rank latency, peak RSS
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import convert_coursera  # noqa: E402
import convert_cranfield  # noqa: E402
import convert_demo  # noqa: E402
import convert_esco  # noqa: E402
import convert_sbir  # noqa: E402
from convert_common import EVAL_DATA, OUT  # noqa: E402

from benchmarks.eval_data import load_eval_set  # noqa: E402
from benchmarks.evaluation import METRICS, evaluate  # noqa: E402
from matching.embeddings import Embedder, SentenceTransformerEmbedder  # noqa: E402

REPORTED = ["coursera", "cranfield", "esco-tech-test", "esco-house-test", "esco-techwolf-test", "demo-needs",
            "sbir-phase1-dev"]
TUNING = ["esco-tech-validation", "esco-house-validation"]


class CachedEmbedder:
    """Wraps the real embedder with an on-disk cache keyed by the SHA-1 of each text (benchmarks only)."""

    def __init__(self, inner: Embedder, path: Path) -> None:
        self.inner, self.path = inner, path
        self.model_id, self.dim = inner.model_id, inner.dim
        self._rows: dict[str, np.ndarray] = {}
        if path.is_file():
            with np.load(path) as z:
                self._rows = dict(zip((str(k) for k in z["keys"]), z["vectors"], strict=True))
        self._dirty = False

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._rows}
        if todo:
            vectors = self.inner.encode(list(todo.values()))
            self._rows.update(zip(todo, vectors, strict=True))
            self._dirty = True
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._rows[k] for k in keys]).astype(np.float32)

    def save(self) -> None:
        if self._dirty:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            keys = list(self._rows)
            tmp = self.path.with_suffix(".tmp.npz")
            np.savez(tmp, keys=np.array(keys), vectors=np.stack([self._rows[k] for k in keys]))
            tmp.replace(self.path)
            self._dirty = False


def convert_all() -> None:
    convert_coursera.convert(EVAL_DATA / "coursera-skills")
    convert_cranfield.convert(EVAL_DATA / "cranfield")
    convert_esco.convert(EVAL_DATA / "esco-skill-extraction" / "data")
    convert_demo.convert()
    convert_sbir.convert()


def markdown(results: dict[str, dict[str, object]]) -> str:
    lines = ["| set | queries | docs | method | nDCG@10 | R@10 | R@100 | MRR@10 |", "|---|---|---|---|---|---|---|---|"]
    for name, res in results.items():
        methods: dict[str, dict[str, float]] = res["methods"]  # type: ignore[assignment]
        best_single = max(methods["lexical"]["ndcg@10"], methods["dense"]["ndcg@10"])
        for method, vals in methods.items():
            cells = [f"{vals[m]:.4f}" for m in METRICS]
            if method in ("engine", "learned"):
                gain = (vals["ndcg@10"] / best_single - 1) * 100 if best_single else 0.0
                cells = [f"**{c}**" for c in cells]
                cells[0] += f" ({gain:+.1f} %)"
            lines.append(f"| {name} | {res['queries']} | {res['corpus']} | {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _report(label: str, ms: np.ndarray, encode_ms: np.ndarray | None = None) -> None:
    p50, p95 = np.percentile(ms, [50, 95])
    line = f"{label:26s} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms"
    if encode_ms is not None:
        t50, t95 = np.percentile(ms + encode_ms, [50, 95])
        line += f"   with query encoding: p50 {t50:7.1f} ms  p95 {t95:7.1f} ms"
    print(line, flush=True)


def latency(n_items: int, n_queries: int = 100, seed: int = 0, torch_threads: int | None = None) -> None:
    """Rank latency at ``n_items`` profiles: real query encoding, snippet vectors from the precomputed-vectors
    path (random unit vectors: encoding 100k profiles takes hours on a CPU), text built from real sentences."""
    from matching.evidence import split_evidence
    from matching.matcher import HybridMatcher

    convert_all()
    rng = np.random.default_rng(seed)
    sentences = []
    for name in ("cranfield", "coursera"):
        for line in (OUT / name / "corpus.jsonl").read_text(encoding="utf-8").splitlines():
            sentences.extend(s for s in split_evidence(json.loads(line)["text"], 40) if len(s.split()) > 5)
    picks = rng.integers(0, len(sentences), size=(n_items, 6))
    items = [split_evidence(" ".join(sentences[j] for j in row), 120) for row in picks]
    n_snippets = sum(len(i) for i in items)
    vectors = rng.standard_normal((n_snippets, 384), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    kinds = rng.choice(["organization", "researcher", "course", "funding_stream"], size=n_items).tolist()
    embedder = SentenceTransformerEmbedder()
    embedder.warm_up()
    if torch_threads:
        import torch

        torch.set_num_threads(torch_threads)  # one thread encodes a short query fastest on a busy CPU
    from matching.ranker_io import load_ranker

    ranker, _ = load_ranker()
    started = time.perf_counter()
    matcher = HybridMatcher(embedder, ranker=ranker).fit(items, kinds=kinds, snippet_vectors=vectors)
    fit_s = time.perf_counter() - started
    del vectors
    questions = [sentences[j] for j in rng.integers(0, len(sentences), size=n_queries)]
    mask = rng.random(n_items) < 0.5
    print(f"{n_items} items, {n_snippets} snippets, fit {fit_s:.1f} s (vectors given)")
    encode_ms, vectors_by_q = [], {}
    for q in questions:
        text = matcher.query_text(q)
        t0 = time.perf_counter()
        vectors_by_q[q] = embedder.encode([text])[0]
        encode_ms.append((time.perf_counter() - t0) * 1000)
    _report("query encoding", np.array(encode_ms))
    runs = [("lexical", {}), ("dense", {}), ("engine", {}), ("learned", {}), ("engine", {"mask": mask})]
    for method, kwargs in runs:
        search_ms = []
        for q in questions:
            vec = None if method == "lexical" else vectors_by_q[q]
            t0 = time.perf_counter()
            matcher.rank(q, k=10, method=method, query_vector=vec, **kwargs)  # type: ignore[arg-type]
            search_ms.append((time.perf_counter() - t0) * 1000)
        label = method + (" + filter mask" if kwargs else "")
        _report(f"rank {label}", np.array(search_ms), None if method == "lexical" else np.array(encode_ms))
    long_questions = [" ".join(sentences[j] for j in rng.integers(0, len(sentences), size=200))
                      for _ in range(max(5, n_queries // 10))]
    for method in ("engine", "learned"):
        long_ms = []
        for q in long_questions:  # encoding every window included
            t0 = time.perf_counter()
            matcher.rank(" ".join(q.split()[:2000]), k=10, method=method)
            long_ms.append((time.perf_counter() - t0) * 1000)
        _report(f"2,000-word question {method}", np.array(long_ms))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak_mb:.0f} MB (model, index, snippet texts and vectors); load average {os.getloadavg()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(REPORTED + TUNING), help="comma-separated set names")
    parser.add_argument("--json", type=Path, default=OUT / "results.json", help="where to write all figures")
    parser.add_argument("--latency", type=int, metavar="N", help="measure rank latency at N profiles instead")
    parser.add_argument("--torch-threads", type=int, help="torch threads for query encoding (latency run)")
    args = parser.parse_args()
    if args.latency:
        latency(args.latency, torch_threads=args.torch_threads)
        return
    convert_all()
    embedder = CachedEmbedder(SentenceTransformerEmbedder(), OUT / "embedding-cache.npz")
    results: dict[str, dict[str, object]] = {}
    for name in args.sets.split(","):
        folder = OUT / name
        data = load_eval_set(folder / "corpus.jsonl", folder / "queries.jsonl", folder / "qrels.tsv")
        started = time.perf_counter()
        report = evaluate(data, embedder)
        embedder.save()
        results[name] = report.to_json()
        print(f"{name}: {time.perf_counter() - started:.0f} s {json.dumps(report.methods)}", flush=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print()
    print(markdown(results))


if __name__ == "__main__":
    main()
