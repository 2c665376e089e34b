"""The learned method's side of the matcher: one question's scored state, the ranker's view of it, its scores.

Kept apart from ``matching.matcher`` so the formula reads on its own; everything here is arrays in, arrays out.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from matching.fallback import channel_scores, question_features
from matching.features import RankContext, candidate_features
from matching.lexical import coverage
from matching.scoring import item_rows, pool_top2

__all__ = ["Scored", "rank_context", "learned_scores", "fallback_channel"]


class Scored(NamedTuple):
    """One question's channels and candidates before ordering."""

    cand: np.ndarray
    fused: np.ndarray  # the formula's fused score of each candidate
    final: np.ndarray  # fused, scaled by reciprocity
    channels: dict[str, np.ndarray]
    sims: np.ndarray | None
    terms: dict[str, float]
    subject: str
    n_windows: int
    query_texts: list[str]



def rank_context(matcher: Any, st: Scored) -> RankContext:
    """The candidates' channel scores and item facts a fitted ``HybridMatcher`` holds, for ``st``'s question."""
    n = matcher.n_items_
    best = np.full(n, -1.0, dtype=np.float32)
    second = best.copy()
    if st.sims is not None and st.cand.shape[0]:
        # Only the candidates' snippets: a scan of every snippet would cost a second dense pass per question.
        rows, sub_offsets = item_rows(matcher.offsets_, st.cand)
        best[st.cand], second[st.cand] = pool_top2(st.sims[rows], sub_offsets, empty=-1.0)
    titles = matcher.titles_
    title = titles.score(st.terms) if titles is not None else np.zeros(n, np.float32)
    return RankContext(
        cand=st.cand, lexical=st.channels.get("lexical", np.zeros(n, np.float32)),
        dense=st.channels.get("dense", best), dense_mean=st.channels.get("dense_window_mean", best),
        dense_second=second, fused=st.fused, coverage=coverage(matcher.lexical_, st.terms), title=title,
        item_terms=matcher.lexical_.doc_lengths_, kinds=matcher.kinds_, query_words=len(st.subject.split()),
        query_windows=st.n_windows, reciprocity=st.channels.get("reciprocity"),
        dense_first=st.channels.get("dense_first"),
    )


def learned_scores(ranker: Any, matcher: Any, st: Scored) -> tuple[np.ndarray, str | None]:
    """The ranker's score of each of ``st``'s candidates (the formula's when there are none), and the channel
    whose order replaced them when the ranker's gate (``matching.fallback``) says it cannot beat it."""
    if st.cand.shape[0] == 0:
        return st.final, None
    X = candidate_features(rank_context(matcher, st))
    scores = np.asarray(ranker.predict(X), dtype=np.float64)
    channel = fallback_channel(ranker, X, scores)
    return (scores, None) if channel is None else (channel_scores(X, channel), channel)


def fallback_channel(ranker: Any, X: np.ndarray, scores: np.ndarray) -> str | None:
    """The channel whose order the ranker's gate prefers for this question (``None``: the ranker's own, or
    a ranker without a gate)."""
    gate = getattr(ranker, "gate_", None)
    if gate is None or X.shape[0] == 0:
        return None
    return gate.choose(question_features(X, scores)[None, :])[0]  # type: ignore[no-any-return]
