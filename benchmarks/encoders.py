"""``clustermatch bench --encoders``: every embedding runtime side by side, speed and quality, in one run.

Each backend runs in its own fresh process (spawned one after the other, never two at once) with the same
thread limit, so its peak RSS is its own and no runtime inherits another's thread pools. Throughput is
measured on the same texts for each: ~20-word sentences and ~180-word evidence windows of the demo
directory, encoded as indexing does (one call per chunk); question latency is one text per call. Quality
is against torch fp32, on the texts every backend encoded: mean cosine of the same text's two vectors, the
overlap of each question's (and snippet's) 10 nearest snippets, and the nDCG@10 of ``clustermatch eval``'s
engine on each evaluation set (the demo directory's needs, plus any shared set given).
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.eval_data import Document, EvalSet
from bot.demo import DEMO_DIR
from matching.evidence import item_snippets
from matching.longquery import query_windows

#: The targets a runtime must meet to become the default (README, *Embedding runtimes*).
TARGETS = {"window_speedup": 2.5, "question_p95_ratio": 0.5, "overlap": 0.99, "ndcg_delta": 0.005}
SAMPLE_QUERIES = 2000  # snippets used as neighbour queries on a large set (every question is always used)


def demo_needs_set(demo: Path = DEMO_DIR) -> EvalSet:
    """The demo directory as an evaluation set: its posted needs against every entry, judged by topics.json."""
    def rows(name: str) -> list[dict[str, Any]]:
        return [json.loads(x) for x in (demo / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if x]

    def text(row: dict[str, Any], fields: Sequence[str]) -> str:
        parts = [", ".join(map(str, v)) if isinstance(v, list) else str(v) for f in fields if (v := row.get(f))]
        return " ".join(p.strip() if p.strip().endswith(".") else p.strip() + "." for p in parts)

    fields = {"organizations": ("org", ("capabilities", "description", "sectors")),
              "people": ("person", ("title", "expertise")), "courses": ("course", ("description", "skills")),
              "funding_streams": ("funding", ("description", "eligibility"))}
    corpus = [Document(f"{prefix}:{r['external_id']}", str(r.get("name") or r.get("title") or ""), text(r, use),
                       str(r.get("kind", name)))
              for name, (prefix, use) in fields.items() for r in rows(name)]
    needs = {f"need:{r['external_id']}": f"{r['title']}. {r.get('description', '')}".strip() for r in rows("needs")}
    ids = {d.id for d in corpus}
    topics = json.loads((demo / "topics.json").read_text(encoding="utf-8"))["needs"]
    qrels = {q: {d: 1 for d in v["relevant"] if d in ids} for q, v in topics.items() if q in needs}
    qrels = {q: j for q, j in qrels.items() if j}
    return EvalSet(corpus, {q: needs[q] for q in qrels}, qrels)


def sample_texts(words_per_text: int, count: int, seed: int) -> list[str]:
    """``count`` runs of ``words_per_text`` consecutive words of the demo directory's texts."""
    words = " ".join(d.text for d in demo_needs_set().corpus).split()
    rng = np.random.default_rng(seed)
    return [" ".join(words[s : s + words_per_text]) for s in rng.integers(0, len(words) - words_per_text, count)]


class _Memo:
    """Records every text's vector (the quality comparison reads them); encodes each distinct text once."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.model_id, self.dim = inner, inner.model_id, inner.dim
        self.vectors: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self.vectors))
        if missing:
            self.vectors.update(zip(missing, self.inner.encode(missing), strict=True))
        return np.stack([self.vectors[t] for t in texts]) if texts else np.zeros((0, self.dim), np.float32)


@dataclass(frozen=True)
class Job:
    backend: str
    threads: int
    data_dir: Path
    texts: dict[str, list[str]]  # "short", "window"
    questions: list[str]
    sets: dict[str, EvalSet]
    out: Path  # where the child leaves its vectors (npz)


def measure(job: Job) -> dict[str, Any]:
    """One backend's figures (runs in a fresh process)."""
    from threadpoolctl import threadpool_limits

    from benchmarks.evaluation import evaluate, index_set
    from matching.encoders import make_embedder

    if job.threads:
        threadpool_limits(limits=job.threads, user_api="blas")
    started = time.perf_counter()
    embedder = make_embedder(job.backend, threads=job.threads, data_dir=job.data_dir)
    embedder.warm_up()  # type: ignore[attr-defined]
    figures: dict[str, Any] = {"backend": getattr(embedder, "backend", job.backend), "model_id": embedder.model_id,
                               "load_s": round(time.perf_counter() - started, 2)}
    for label, texts in job.texts.items():
        embedder.encode(texts[:8])
        started = time.perf_counter()
        embedder.encode(texts)
        figures[f"{label}_per_s"] = round(len(texts) / (time.perf_counter() - started), 1)
    times = []
    for q in job.questions:
        started = time.perf_counter()
        embedder.encode([q])
        times.append((time.perf_counter() - started) * 1000)
    figures["question_ms"] = {p: round(float(np.percentile(times, int(p[1:]))), 2) for p in ("p50", "p95")}
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    memo = _Memo(embedder)
    memo.encode([t for texts in job.texts.values() for t in texts])
    figures["ndcg@10"] = {}
    for name, data in job.sets.items():
        ix = index_set(data, memo, methods=("dense", "engine"))
        report = evaluate(data, memo, methods=["dense", "engine"], indexed=ix)
        figures["ndcg@10"][name] = {m: report.methods[m]["ndcg@10"] for m in ("dense", "engine")}
    texts = list(memo.vectors)
    np.savez(job.out, texts=np.array(texts), vectors=np.stack([memo.vectors[t] for t in texts]))
    return figures


def neighbour_overlap(ref: tuple[np.ndarray, np.ndarray], new: tuple[np.ndarray, np.ndarray], k: int = 10,
                      self_rows: np.ndarray | None = None) -> float:
    """Mean share of each query's ``k`` nearest corpus rows that both runtimes agree on. ``self_rows[i]`` is
    query i's own corpus row (left out: a snippet is not its own neighbour), -1 for none."""
    def top(queries: np.ndarray, corpus: np.ndarray) -> np.ndarray:
        sims = queries @ corpus.T
        if self_rows is not None:
            hit = self_rows >= 0
            sims[np.flatnonzero(hit), self_rows[hit]] = -np.inf
        return np.argpartition(-sims, k, axis=1)[:, :k]

    a, b = top(*ref), top(*new)
    return float(np.mean([len(set(x) & set(y)) / k for x, y in zip(a, b, strict=True)]))


def _set_texts(data: EvalSet) -> tuple[list[str], list[str]]:
    """A set's distinct corpus snippets and question windows, as the evaluation encodes them."""
    snippets = list(dict.fromkeys(s for d in data.corpus for s in item_snippets(d.title, d.text)))
    windows = list(dict.fromkeys(w for q in data.queries.values() for w in query_windows(q)))
    return snippets, windows


def quality(ref: dict[str, np.ndarray], new: dict[str, np.ndarray], sets: dict[str, EvalSet]) -> dict[str, Any]:
    """Agreement of ``new``'s vectors with ``ref``'s (text -> vector maps) on every set."""
    common = [t for t in new if t in ref]
    cos = np.einsum("ij,ij->i", np.stack([ref[t] for t in common]), np.stack([new[t] for t in common]))
    out: dict[str, Any] = {"mean_cosine": round(float(cos.mean()), 5), "min_cosine": round(float(cos.min()), 5),
                           "overlap@10": {}}
    rng = np.random.default_rng(0)
    for name, data in sets.items():
        snippets, windows = _set_texts(data)
        asked = [s for s in snippets if s in new]
        if len(asked) > SAMPLE_QUERIES:
            asked = [asked[i] for i in sorted(rng.choice(len(asked), SAMPLE_QUERIES, replace=False))]
        row = {s: i for i, s in enumerate(snippets)}
        queries = [w for w in windows if w in new] + asked
        self_rows = np.array([row.get(q, -1) if i >= len(queries) - len(asked) else -1
                              for i, q in enumerate(queries)])
        pair = [(np.stack([v[q] for q in queries]), np.stack([v[s] for s in snippets])) for v in (ref, new)]
        out["overlap@10"][name] = round(neighbour_overlap(pair[0], pair[1], self_rows=self_rows), 4)
    return out


def judge(backend: str, fig: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """``fig``'s ratios to torch fp32's figures ``base``, its quality gate and whether it meets ``TARGETS``.

    A backend that fell back to torch passes nothing: its figures are torch's, not its own.
    """
    out: dict[str, Any] = {
        "short_speedup": round(fig["short_per_s"] / base["short_per_s"], 2),
        "window_speedup": round(fig["window_per_s"] / base["window_per_s"], 2),
        "question_p95_ratio": round(fig["question_ms"]["p95"] / base["question_ms"]["p95"], 2),
        "ndcg_delta": {n: round(v["engine"] - base["ndcg@10"][n]["engine"], 4) for n, v in fig["ndcg@10"].items()},
    }
    out["quality_gate"] = bool(
        fig["backend"] == backend
        and all(v >= TARGETS["overlap"] for v in fig["overlap@10"].values())
        and all(abs(v) <= TARGETS["ndcg_delta"] for v in out["ndcg_delta"].values())
    )
    out["meets_targets"] = bool(out["quality_gate"] and out["window_speedup"] >= TARGETS["window_speedup"]
                                and out["question_p95_ratio"] <= TARGETS["question_p95_ratio"])
    return out


def _vectors(path: Path) -> dict[str, np.ndarray]:
    with np.load(path) as z:
        return dict(zip((str(t) for t in z["texts"]), z["vectors"], strict=True))


def run_encoder_bench(
    backends: Sequence[str], *, threads: int, data_dir: Path, workdir: Path, questions: Sequence[str],
    sets: dict[str, EvalSet], short: int = 400, windows: int = 96, progress: Callable[[str], object] = print,
) -> dict[str, Any]:
    """Figures of torch fp32 and each of ``backends``, with each one's ratios and quality against torch."""
    texts = {"short": sample_texts(20, short, seed=1), "window": sample_texts(180, windows, seed=2)}
    os.environ.update({"OMP_NUM_THREADS": str(threads or ""), "RAYON_NUM_THREADS": str(threads or "")})
    if not threads:
        os.environ.pop("OMP_NUM_THREADS")
        os.environ.pop("RAYON_NUM_THREADS")
    results: dict[str, Any] = {"threads": threads, "load_average": [round(x, 2) for x in os.getloadavg()],
                               "texts": {k: len(v) for k, v in texts.items()}, "sets": list(sets), "backends": {}}
    order = ["torch", *[b for b in backends if b != "torch"]]
    for backend in order:
        progress(f"{backend}: loading, throughput, question latency, evaluation...")
        job = Job(backend, threads, data_dir, texts, list(questions), sets, workdir / f"{backend}.npz")
        with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
            results["backends"][backend] = pool.submit(measure, job).result()
    results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    ref = _vectors(workdir / "torch.npz")
    for backend in order[1:]:
        fig = results["backends"][backend]
        fig.update(quality(ref, _vectors(workdir / f"{backend}.npz"), sets))
        fig.update(judge(backend, fig, results["backends"]["torch"]))
    return results
