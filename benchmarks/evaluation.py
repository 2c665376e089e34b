"""Retrieval metrics and the evaluation runner behind ``clustermatch eval``.

Metrics follow trec_eval / BEIR conventions: linear gain nDCG with the ideal ranking built from all judged
documents, recall over all relevant (grade >= 1) documents, reciprocal rank of the first relevant one. A
query with no relevant judgement is left out of the averages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from benchmarks.eval_data import EvalSet
from matching.embeddings import Embedder
from matching.evidence import item_snippets
from matching.longquery import query_windows
from matching.matcher import METHODS, HybridMatcher

logger = logging.getLogger(__name__)

__all__ = [
    "METRICS", "ndcg_at_k", "recall_at_k", "mrr_at_k", "query_metrics", "EvalReport", "Indexed", "index_set",
    "evaluate", "collect_features",
]

METRICS = ("ndcg@10", "recall@10", "recall@100", "mrr@10")

#: progress(stage, done, total), e.g. ("encoding snippets", 512, 20_000).
Progress = Callable[[str, int, int], None]


def ndcg_at_k(ranked: Sequence[str], judged: Mapping[str, int], k: int = 10) -> float:
    """Normalised discounted cumulative gain with linear gain ``grade / log2(rank + 1)``."""
    gains = [max(judged.get(d, 0), 0) for d in ranked[:k]]
    dcg = sum(g / np.log2(r + 2) for r, g in enumerate(gains))
    ideal = sorted((g for g in judged.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / np.log2(r + 2) for r, g in enumerate(ideal))
    return float(dcg / idcg) if idcg > 0 else 0.0


def recall_at_k(ranked: Sequence[str], judged: Mapping[str, int], k: int) -> float:
    """Share of the relevant documents found in the top ``k``."""
    relevant = {d for d, g in judged.items() if g >= 1}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def mrr_at_k(ranked: Sequence[str], judged: Mapping[str, int], k: int = 10) -> float:
    """1 / rank of the first relevant document within the top ``k``, else 0."""
    for r, d in enumerate(ranked[:k], start=1):
        if judged.get(d, 0) >= 1:
            return 1.0 / r
    return 0.0


def query_metrics(ranked: Sequence[str], judged: Mapping[str, int]) -> dict[str, float]:
    """The four reported metrics for one query."""
    return {
        "ndcg@10": ndcg_at_k(ranked, judged, 10),
        "recall@10": recall_at_k(ranked, judged, 10),
        "recall@100": recall_at_k(ranked, judged, 100),
        "mrr@10": mrr_at_k(ranked, judged, 10),
    }


@dataclass
class EvalReport:
    """Mean metrics per method; ``per_query[method][metric]`` keeps the arrays for paired comparisons."""

    queries: int
    corpus: int
    methods: dict[str, dict[str, float]]
    per_query: dict[str, dict[str, np.ndarray]] = field(default_factory=dict, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {"queries": self.queries, "corpus": self.corpus, "methods": self.methods}


def _encode(embedder: Embedder, texts: list[str], stage: str, progress: Progress | None, batch: int) -> np.ndarray:
    parts = []
    for start in range(0, len(texts), batch):
        parts.append(embedder.encode(texts[start : start + batch]))
        if progress is not None:
            progress(stage, min(start + batch, len(texts)), len(texts))
    if not parts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return np.concatenate(parts).astype(np.float32, copy=False)


@dataclass
class Indexed:
    """An evaluation set indexed as production indexes a directory, with its questions' window vectors."""

    matcher: HybridMatcher
    ids: list[str]
    judged: list[str]
    texts: list[str]
    _windows: dict[str, list[str]]
    _rows: dict[str, int]
    _vectors: np.ndarray

    def question_vectors(self, j: int, method: str) -> np.ndarray:
        """Window vectors of question ``j`` as ``method`` reads it, shape ``(n_windows, dim)``."""
        subject = self.matcher.query_text(self.texts[j], method)
        return self._vectors[[self._rows[w] for w in self._windows[subject]]]


def index_set(
    data: EvalSet,
    embedder: Embedder,
    *,
    methods: Sequence[str] = METHODS,
    matcher_params: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    batch_size: int = 256,
) -> Indexed:
    """Index ``data.corpus`` (title + text -> snippets, titles kept) and encode every question window once."""
    judged = [q for q, marks in data.qrels.items() if any(g >= 1 for g in marks.values())]
    items = [item_snippets(d.title, d.text) for d in data.corpus]
    flat = [s for group in items for s in group]
    vectors = _encode(embedder, flat, "encoding corpus", progress, batch_size)
    matcher = HybridMatcher(embedder, **dict(matcher_params or {}))
    matcher.fit(items, kinds=[d.kind for d in data.corpus], snippet_vectors=vectors,
                titles=[d.title for d in data.corpus])
    texts = [data.queries[q] for q in judged]
    # Each method embeds its own reading of the question (the engine drops request frames); encode each
    # distinct window once; a long question is read as windows (``matching.longquery``).
    subjects = {matcher.query_text(t, m) for t in texts for m in methods}
    windows = {t: query_windows(t) for t in subjects}
    distinct = sorted({w for ws in windows.values() for w in ws})
    rows = {t: i for i, t in enumerate(distinct)}
    all_vecs = _encode(embedder, distinct, "encoding queries", progress, batch_size)
    return Indexed(matcher, [d.id for d in data.corpus], judged, texts, windows, rows, all_vecs)


def evaluate(
    data: EvalSet,
    embedder: Embedder,
    *,
    methods: Sequence[str] | None = None,
    matcher_params: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    batch_size: int = 256,
    indexed: Indexed | None = None,
) -> EvalReport:
    """Score every method on ``data``; "learned" needs ``matcher_params["ranker"]`` (it is left out without).

    All methods share one index, so they are compared on equal terms; "engine" and "learned" run exactly as
    the bot calls them (diversified top results included).
    """
    has_ranker = (matcher_params or {}).get("ranker") is not None
    if methods is None:
        methods = [m for m in METHODS if m != "learned" or has_ranker]
    for m in methods:
        if m not in METHODS:
            raise ValueError(f"unknown method {m!r}; valid: {', '.join(METHODS)}")
    if "learned" in methods and not has_ranker and (indexed is None or indexed.matcher.ranker is None):
        raise ValueError("method 'learned' needs a ranker (matcher_params={'ranker': ...})")
    ix = indexed or index_set(data, embedder, methods=methods, matcher_params=matcher_params, progress=progress,
                              batch_size=batch_size)
    per_query: dict[str, dict[str, np.ndarray]] = {}
    means: dict[str, dict[str, float]] = {}
    for method in methods:
        rows = []
        for j, qid in enumerate(ix.judged):
            hits = ix.matcher.rank(ix.texts[j], k=100, method=method, diversify=True,
                                   query_vector=ix.question_vectors(j, method), explain=False)
            rows.append(query_metrics([ix.ids[h.index] for h in hits], data.qrels[qid]))
            if progress is not None:
                progress(f"ranking ({method})", j + 1, len(ix.judged))
        per_query[method] = {m: np.array([r[m] for r in rows]) for m in METRICS}
        means[method] = {m: round(float(per_query[method][m].mean()), 4) if rows else 0.0 for m in METRICS}
    return EvalReport(len(ix.judged), len(data.corpus), means, per_query)


def collect_features(data: EvalSet, ix: Indexed) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Training rows of the learned ranker: features of each question's candidates, their grades (0 for
    unjudged) and the question's position (the group), as ``(X, y, group)``."""
    xs, ys, groups = [], [], []
    for j, qid in enumerate(ix.judged):
        cand, x = ix.matcher.features(ix.texts[j], query_vector=ix.question_vectors(j, "learned"))
        marks = data.qrels[qid]
        xs.append(x)
        ys.append(np.array([max(marks.get(ix.ids[i], 0), 0) for i in cand], dtype=np.float64))
        groups.append(np.full(cand.shape[0], j, dtype=np.int64))
    if not xs:
        return np.zeros((0, 0)), np.zeros(0), np.zeros(0, dtype=np.int64)
    return np.vstack(xs), np.concatenate(ys), np.concatenate(groups)
