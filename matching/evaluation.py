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

from matching.embeddings import Embedder
from matching.eval_data import EvalSet
from matching.evidence import item_snippets
from matching.matcher import METHODS, HybridMatcher

logger = logging.getLogger(__name__)

__all__ = ["METRICS", "ndcg_at_k", "recall_at_k", "mrr_at_k", "query_metrics", "EvalReport", "evaluate"]

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


def evaluate(
    data: EvalSet,
    embedder: Embedder,
    *,
    methods: Sequence[str] = METHODS,
    matcher_params: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    batch_size: int = 256,
) -> EvalReport:
    """Index ``data.corpus`` as production does (title + text -> snippets) and score every method.

    All methods share one index, so they are compared on equal terms; "engine" runs exactly as the bot
    calls it (diversified top results included).
    """
    for m in methods:
        if m not in METHODS:
            raise ValueError(f"unknown method {m!r}; valid: {', '.join(METHODS)}")
    judged_queries = [q for q, judged in data.qrels.items() if any(g >= 1 for g in judged.values())]
    items = [item_snippets(d.title, d.text) for d in data.corpus]
    flat = [s for group in items for s in group]
    vectors = _encode(embedder, flat, "encoding corpus", progress, batch_size)
    matcher = HybridMatcher(embedder, **dict(matcher_params or {}))
    matcher.fit(items, kinds=[d.kind for d in data.corpus], snippet_vectors=vectors)
    texts = [data.queries[q] for q in judged_queries]
    # Each method embeds its own reading of the question (the engine drops request frames); encode each
    # distinct text once.
    method_texts = {m: [matcher.query_text(t, m) for t in texts] for m in methods}
    distinct = sorted({t for ts in method_texts.values() for t in ts})
    row = {t: i for i, t in enumerate(distinct)}
    all_vecs = _encode(embedder, distinct, "encoding queries", progress, batch_size)
    ids = [d.id for d in data.corpus]
    per_query: dict[str, dict[str, np.ndarray]] = {}
    means: dict[str, dict[str, float]] = {}
    for method in methods:
        qvecs = all_vecs[[row[t] for t in method_texts[method]]]
        rows = []
        for j, qid in enumerate(judged_queries):
            hits = matcher.rank(texts[j], k=100, method=method, diversify=True, query_vector=qvecs[j],
                                 explain=False)
            rows.append(query_metrics([ids[h.index] for h in hits], data.qrels[qid]))
            if progress is not None:
                progress(f"ranking ({method})", j + 1, len(judged_queries))
        per_query[method] = {m: np.array([r[m] for r in rows]) for m in METRICS}
        means[method] = {m: round(float(per_query[method][m].mean()), 4) if rows else 0.0 for m in METRICS}
    return EvalReport(len(judged_queries), len(data.corpus), means, per_query)
