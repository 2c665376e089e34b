"""The scoring half of ``HybridMatcher``: a question turned into channel scores (BM25, best-evidence dense over
question windows, optionally pooled by an ANN index), fused candidates, dense pseudo-relevance feedback and
reciprocity. Everything before ordering, diversity and reasons.

A mixin over the fitted matcher's arrays (not a second estimator): ``HybridMatcher`` owns the parameters and
the fit, and ``rank``/``features`` both read exactly what ``_score`` computes.
"""

from __future__ import annotations

import numpy as np

from matching.embeddings import Embedder
from matching.expansion import expand
from matching.fusion import convex, rrf, top_k
from matching.learned import Scored
from matching.lexical import LexicalIndex
from matching.longquery import aggregate, as_windows, query_windows
from matching.pooled import PoolSource, SharedRows, ask, score_pool
from matching.query import strip_request_frame
from matching.scoring import pool_argmax, pool_max, pool_top2, reciprocal, rocchio
from matching.vecstore import Vectors, dot, take

#: Methods that run the product's formula (expansions, feedback, reciprocity, diversity).
FORMULA = ("engine", "learned")


class ChannelScoring:
    """Channel scores and fused candidates for one question (mixed into ``HybridMatcher``)."""

    # Parameters and fitted state, set by ``HybridMatcher.__init__`` and ``fit``.
    embedder: Embedder
    fusion: str
    alpha: float
    rrf_k: float
    pooling: str
    top2_weight: float
    expansion_weight: float
    strip_frame: bool
    prf_docs: int
    prf_weight: float
    window_pooling: str
    lexical_: LexicalIndex
    snippet_vectors_: Vectors
    offsets_: np.ndarray
    need_vectors_: Vectors
    need_offsets_: np.ndarray
    has_needs_: np.ndarray
    shared_rows_: SharedRows | None
    n_items_: int

    def query_text(self, query: str, method: str = "engine") -> str:
        """What ``method`` searches for: the engine drops the request frame ("we need staff trained in")."""
        return strip_request_frame(query) if method in FORMULA and self.strip_frame else query

    def encode_query(self, query: str) -> np.ndarray:
        """One vector for a short question, shape ``(dim,)`` (the model reads only its first 256 word pieces)."""
        return self.embedder.encode([query])[0]

    def encode_windows(self, query: str) -> np.ndarray:
        """The question's vectors, one per window: shape ``(n_windows, dim)`` (one row for a short question)."""
        return np.asarray(self.embedder.encode(query_windows(query)), dtype=np.float32)

    def _dense(self, q: np.ndarray, engine: bool) -> tuple[np.ndarray, np.ndarray]:
        sims = dot(self.snippet_vectors_, q)
        if engine and self.pooling == "top2":
            best, second = pool_top2(sims, self.offsets_, empty=-np.inf)
            return (1.0 - self.top2_weight) * best + self.top2_weight * second, sims
        return pool_max(sims, self.offsets_, empty=-np.inf), sims


    def _score(
        self, query: str, n_cand: int, allowed: np.ndarray | None, method: str, query_vector: np.ndarray | None,
        dense_pool: PoolSource | None, asker_offer: str | None,
    ) -> Scored:
        """Channels, candidates and fused scores for one question (everything before ordering)."""
        subject = self.query_text(query, method)
        query_texts = [subject]
        channels: dict[str, np.ndarray] = {}
        terms: dict[str, float] = {}
        formula = method in FORMULA
        if method != "dense":
            terms = self.lexical_.term_weights(subject, sublinear=formula)  # plain BM25 stays plain
            if formula and self.expansion_weight > 0:
                extra = expand(query)
                query_texts += extra
                for t in self.lexical_.term_weights(" ".join(extra)):
                    terms.setdefault(t, self.expansion_weight)
            channels["lexical"] = self.lexical_.score(terms)
        sims = window_mean = None
        q = np.zeros((0, 0), dtype=np.float32)
        if method != "lexical":
            q = as_windows(self.encode_windows(subject) if query_vector is None else query_vector)
            keep = self._lexical_top(channels["lexical"], allowed, n_cand) if "lexical" in channels else None
            channels["dense"], sims, window_mean = self._dense_channel(q, formula, dense_pool, keep)
        cand, final = self._fuse(channels, allowed, n_cand, method)
        if formula and self.prf_docs > 0 and self.prf_weight > 0 and cand.shape[0] and sims is not None:
            if method == "learned":  # the question's own reading: a feature, its candidates and a fallback order
                channels["dense_first"] = channels["dense"]
            q = self._feedback(q, sims, cand[np.argsort(-final, kind="stable")[: self.prf_docs]])
            channels["dense"], sims, window_mean = self._dense_channel(q, True, dense_pool, cand)
            cand, final = self._fuse(channels, allowed, n_cand, method)
        fused = final
        if formula and asker_offer and asker_offer.strip() and self.has_needs_[cand].any():
            final = self._reciprocity(final, cand, channels, asker_offer)
        if window_mean is not None:
            channels["dense_window_mean"] = window_mean
        return Scored(cand, fused, final, channels, sims, terms, subject, q.shape[0], query_texts)

    def _fuse(
        self, channels: dict[str, np.ndarray], allowed: np.ndarray | None, n_cand: int, method: str
    ) -> tuple[np.ndarray, np.ndarray]:
        """Candidates (top ``n_cand`` of each channel, allowed only) and their scores, unordered."""
        lex_rank = dense_rank = np.zeros(0, dtype=np.int64)
        if "lexical" in channels:
            lex_rank = self._lexical_top(channels["lexical"], allowed, n_cand)
        if "dense" in channels:
            dense = channels["dense"] if allowed is None else np.where(allowed, channels["dense"], -np.inf)
            dense_rank = top_k(dense, n_cand)
        if method == "lexical":
            return lex_rank, channels["lexical"][lex_rank].astype(np.float64)
        if method == "dense":
            return dense_rank, channels["dense"][dense_rank].astype(np.float64)
        cand = np.union1d(lex_rank, dense_rank)
        if "dense_first" in channels:
            first = channels["dense_first"]
            cand = np.union1d(cand, top_k(first if allowed is None else np.where(allowed, first, -np.inf), n_cand))
        if method == "hybrid" or self.fusion == "rrf":
            return cand, rrf([lex_rank, dense_rank], self.n_items_, k=self.rrf_k)[cand]
        return cand, convex([channels["lexical"], channels["dense"]], cand, [self.alpha, 1.0 - self.alpha])

    @staticmethod
    def _lexical_top(scores: np.ndarray, allowed: np.ndarray | None, n: int) -> np.ndarray:
        """The ``n`` best allowed items sharing at least one term with the question."""
        lex = np.where(scores > 0, scores, -np.inf)
        if allowed is not None:
            lex[~allowed] = -np.inf
        return top_k(lex, n)

    def _dense_channel(
        self, q: np.ndarray, engine: bool, source: PoolSource | None, keep: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Dense item scores for the question windows ``q`` ``(n_windows, dim)`` pooled per item over windows
        (``window_pooling``), each snippet's best cosine to any window (the evidence), and the windows' mean
        (a ranker feature)."""
        if q.shape[0] == 1:
            dense, sims = self._dense_window(q[0], engine, source, keep)
            return dense, sims, dense
        if source is not None:  # one pool for every window, so each item is scored by all of them or none
            pools = [ask(source, w) for w in q]
            source = None if any(p is None for p in pools) else np.unique(np.concatenate(pools))  # type: ignore[arg-type]
        parts = [self._dense_window(w, engine, source, keep) for w in q]
        sims = np.maximum.reduce([p[1] for p in parts])
        mean = aggregate([p[0] for p in parts], "mean")
        return (mean if self.window_pooling == "mean" else aggregate([p[0] for p in parts], self.window_pooling),
                sims, mean)

    def _dense_window(
        self, q: np.ndarray, engine: bool, source: PoolSource | None, keep: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Dense scores for one vector ``q``: every snippet, or (with an index's ``source``) its pool and ``keep``
        (the candidates fused with it, which need both channels' scores), scored exactly."""
        pool = ask(source, q)
        if pool is None or (engine and self.pooling == "top2"):
            return self._dense(q, engine)
        if keep is not None:
            pool = np.union1d(pool, keep)
        return score_pool(self.snippet_vectors_, self.offsets_, q, pool, self.shared_rows_)

    def _feedback(self, q: np.ndarray, sims: np.ndarray, top: np.ndarray) -> np.ndarray:
        """Rocchio on the dense side: move the question towards the best evidence of the top items."""
        best = self.offsets_[top] + pool_argmax(sims, self.offsets_, top)
        feedback = take(self.snippet_vectors_, best)
        return np.stack([rocchio(w, feedback, self.prf_weight) for w in q])

    def _reciprocity(
        self, final: np.ndarray, cand: np.ndarray, channels: dict[str, np.ndarray], asker_offer: str
    ) -> np.ndarray:
        """Scale each candidate that states needs by ``hm(fwd, rev) / fwd`` (its fused score then follows
        the harmonic mean of both directions' cosines); items without needs keep their score."""
        offer = self.encode_windows(asker_offer)
        rev = aggregate([pool_max(dot(self.need_vectors_, w), self.need_offsets_)[cand] for w in offer],
                        self.window_pooling)
        fwd = np.clip(channels["dense"][cand], 1e-6, 1.0)
        factor = np.where(self.has_needs_[cand], reciprocal(fwd, rev) / fwd, 1.0)
        channels["reciprocity"] = np.zeros(self.n_items_, dtype=np.float32)
        channels["reciprocity"][cand] = np.where(self.has_needs_[cand], rev, 0.0)
        return final * factor

