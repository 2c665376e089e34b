"""Features of one (question, candidate) pair for the learned ranker, from what the engine already computed.

Every feature is relative to the question's own candidate list (ranks, gaps to the best, shares of the
question's vocabulary) or a bounded quantity (cosines, lengths on a log scale), never a raw BM25 score: raw
scores depend on the corpus and the question's length, and a ranker trained on course blurbs must still read
a patent-length project description. Query-level features (each channel's margin, the channels' agreement)
let the model decide per question which channel to trust.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FEATURES", "EMPTY_CONTEXT", "RankContext", "candidate_features"]

FEATURES = (
    "lexical_share",  # BM25 / best BM25 among candidates
    "lexical_rank",  # log2(1 + rank) in the lexical channel
    "dense",  # pooled best-snippet cosine (mean over question windows)
    "dense_gap",  # dense - best dense among candidates
    "dense_rank",
    "dense_window_mean",  # mean over question windows of their best-snippet cosine (= dense for one window)
    "dense_second",  # second-best snippet cosine
    "fused",  # the formula's fused score
    "fused_rank",
    "coverage",  # share of the question's IDF mass the item holds
    "title",  # title BM25 / best title BM25 among candidates
    "query_words",  # log2(1 + words)
    "query_windows",
    "item_terms",  # log2(1 + indexed terms)
    "lexical_margin",  # (best - 10th) / best BM25: how sure the lexical channel is on this question
    "dense_margin",  # best - 10th dense cosine
    "agreement",  # share of the lexical top 10 also in the dense top 10
    "kind_course",
    "kind_person",
    "kind_funding",
    "reciprocity",  # how well the item's needs match what the asker offers (0 without)
    "dense_first",  # best-snippet cosine to the question itself, before the feedback pass moved it
    "dense_first_rank",
)


@dataclass(frozen=True)
class RankContext:
    """One question's channel scores over all items (shape ``(n_items,)``) and its candidates."""

    cand: np.ndarray
    lexical: np.ndarray
    dense: np.ndarray
    dense_mean: np.ndarray
    dense_second: np.ndarray
    fused: np.ndarray  # shape (len(cand),)
    coverage: np.ndarray
    title: np.ndarray
    item_terms: np.ndarray
    kinds: np.ndarray
    query_words: int
    query_windows: int
    reciprocity: np.ndarray | None = None
    dense_first: np.ndarray | None = None  # before feedback (``dense`` when there was none)


def _rank_of(values: np.ndarray) -> np.ndarray:
    """log2(1 + rank), rank 1 = highest, ties share the better rank."""
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(values.shape[0], dtype=np.float64)
    ranks[order] = np.arange(1, values.shape[0] + 1)
    return np.log2(1.0 + ranks)


def _finite(x: np.ndarray, fill: float) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return np.where(np.isfinite(x), x, fill)


def candidate_features(ctx: RankContext) -> np.ndarray:
    """Feature matrix ``(len(ctx.cand), len(FEATURES))`` float64, columns in ``FEATURES`` order."""
    c = ctx.cand
    n = c.shape[0]
    if n == 0:
        return np.zeros((0, len(FEATURES)))
    lex = _finite(ctx.lexical[c], 0.0)
    dense = _finite(ctx.dense[c], -1.0)
    top_lex = float(lex.max())
    lex_sorted, dense_sorted = np.sort(lex)[::-1], np.sort(dense)[::-1]
    tenth = min(9, n - 1)
    lex_margin = (top_lex - lex_sorted[tenth]) / top_lex if top_lex > 0 else 0.0
    lex_top10 = set(c[np.argsort(-lex, kind="stable")[:10]].tolist())
    dense_top10 = set(c[np.argsort(-dense, kind="stable")[:10]].tolist())
    title = _finite(ctx.title[c], 0.0)
    first = dense if ctx.dense_first is None else _finite(ctx.dense_first[c], -1.0)
    kinds = ctx.kinds[c]
    cols = {
        "lexical_share": lex / top_lex if top_lex > 0 else np.zeros(n),
        "lexical_rank": _rank_of(lex),
        "dense": dense,
        "dense_gap": dense - float(dense.max()),
        "dense_rank": _rank_of(dense),
        "dense_window_mean": _finite(ctx.dense_mean[c], -1.0),
        "dense_second": _finite(ctx.dense_second[c], -1.0),
        "fused": np.asarray(ctx.fused, dtype=np.float64),
        "fused_rank": _rank_of(np.asarray(ctx.fused, dtype=np.float64)),
        "coverage": _finite(ctx.coverage[c], 0.0),
        "title": title / float(title.max()) if title.max() > 0 else np.zeros(n),
        "query_words": np.full(n, np.log2(1.0 + ctx.query_words)),
        "query_windows": np.full(n, float(ctx.query_windows)),
        "item_terms": np.log2(1.0 + np.asarray(ctx.item_terms[c], dtype=np.float64)),
        "lexical_margin": np.full(n, lex_margin),
        "dense_margin": np.full(n, float(dense_sorted[0] - dense_sorted[tenth])),
        "agreement": np.full(n, len(lex_top10 & dense_top10) / 10.0),
        "kind_course": (kinds == "course").astype(np.float64),
        "kind_person": np.isin(kinds, ("person", "researcher")).astype(np.float64),
        "kind_funding": (kinds == "funding_stream").astype(np.float64),
        "reciprocity": np.zeros(n) if ctx.reciprocity is None else _finite(ctx.reciprocity[c], 0.0),
        "dense_first": first,
        "dense_first_rank": _rank_of(first),
    }
    return np.column_stack([cols[f] for f in FEATURES])


_NONE = np.zeros(0)
#: A question with no candidates.
EMPTY_CONTEXT = RankContext(np.zeros(0, dtype=np.int64), _NONE, _NONE, _NONE, _NONE, _NONE, _NONE, _NONE, _NONE,
                            np.zeros(0, dtype=object), 0, 0)
