"""HybridMatcher: BM25 + best-evidence dense search, fused, with reciprocity, filters, MMR and reasons.

Usage::

    matcher = HybridMatcher(embedder).fit([split_evidence(p) for p in profiles], kinds=kinds)
    hits = matcher.rank("robotic TIG welding of aluminium", k=10)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from matching.diversity import item_centroids, mmr
from matching.embeddings import Embedder
from matching.expansion import expand
from matching.explain import best_overlap, shared_terms
from matching.features import EMPTY_CONTEXT as _EMPTY
from matching.features import RankContext, candidate_features
from matching.fusion import convex, rrf, top_k
from matching.hits import Hit, check_choice, flatten_groups
from matching.learned import Scored, learned_scores, rank_context
from matching.lexical import LexicalIndex
from matching.longquery import AGGREGATES, aggregate, as_windows, query_windows
from matching.pooled import PoolSource, SharedRows, ask, score_pool
from matching.query import strip_request_frame
from matching.scoring import pool_argmax, pool_max, pool_top2, reciprocal, rocchio
from matching.vecstore import DTYPES, RowView, Vectors, as_stored, dot, take

#: Re-scores a question's candidates: ``(candidate items, scores) -> scores``.
Adjust = Callable[[np.ndarray, np.ndarray], np.ndarray]

logger = logging.getLogger(__name__)

__all__ = ["Hit", "HybridMatcher", "METHODS", "NotFittedError"]

#: Ranking methods: BM25 only, dense only, plain RRF of the two, the formula, and the formula's candidates
#: re-ranked by a learned ranker (``ranker``).
METHODS = ("lexical", "dense", "hybrid", "engine", "learned")
FUSIONS = ("convex", "rrf")
POOLINGS = ("max", "top2")


#: Methods that run the product's formula (expansions, feedback, reciprocity, diversity).
FORMULA = ("engine", "learned")


class HybridMatcher(BaseEstimator):  # type: ignore[misc]
    """Ranks items (lists of evidence snippets) for a free-text question.

    Parameters
    ----------
    embedder : Embedder
        Encodes snippets and questions (``(n, dim)`` float32, unit rows).
    fusion : {"convex", "rrf"}
        How ``method="engine"`` fuses the channels.
    alpha : float
        Lexical weight of the convex combination, in [0, 1].
    rrf_k : float
        RRF constant.
    candidates : int
        Top items taken from each channel before fusing (at least ``k``).
    pooling : {"max", "top2"}
        Engine's dense item score: best snippet, or best mixed with the second best (``top2_weight``).
    expansion_weight : float
        BM25 weight of acronym/synonym expansions (0 disables expansion).
    mmr_lambda, mmr_pool, mmr_kind_weight : float, int, float
        Diversity of the top results (``rank(diversify=True)``).
    k1, b, stemming
        BM25 parameters and Snowball stemming.
    strip_frame : bool
        Engine searches for the subject of a request, without "we need staff trained in" (``query_text``).
    prf_docs, prf_weight : int, float
        Dense pseudo-relevance feedback: the question vector moves towards the best evidence of the top
        ``prf_docs`` fused items by ``prf_weight`` (0 docs disables it), then the channels are fused again.
    vector_dtype : {"float16", "float32"}
        How snippet and need vectors are held (``matching.vecstore``): float16 halves the memory of a large
        directory; products are still summed in float32.
    window_pooling : {"max", "mean"}
        How a long question's windows (``matching.longquery``) pool their best-snippet scores per item.
    ranker : fitted ranker with ``predict(X)``, optional
        Re-orders the engine's candidates for ``method="learned"`` (``matching.ranker.LearnedRanker``).
    """

    def __init__(
        self,
        embedder: Embedder,
        *,
        fusion: str = "convex",
        alpha: float = 0.4,
        rrf_k: float = 60.0,
        candidates: int = 100,
        pooling: str = "max",
        top2_weight: float = 0.25,
        expansion_weight: float = 0.5,
        mmr_lambda: float = 0.3,
        mmr_pool: int = 30,
        mmr_kind_weight: float = 0.5,
        k1: float = 1.2,
        b: float = 0.75,
        stemming: bool = True,
        strip_frame: bool = True,
        prf_docs: int = 3,
        prf_weight: float = 1.0,
        vector_dtype: str = "float16",
        window_pooling: str = "max",
        ranker: object | None = None,
    ) -> None:
        self.embedder = embedder
        self.fusion = fusion
        self.alpha = alpha
        self.rrf_k = rrf_k
        self.candidates = candidates
        self.pooling = pooling
        self.top2_weight = top2_weight
        self.expansion_weight = expansion_weight
        self.mmr_lambda = mmr_lambda
        self.mmr_pool = mmr_pool
        self.mmr_kind_weight = mmr_kind_weight
        self.k1 = k1
        self.b = b
        self.stemming = stemming
        self.strip_frame = strip_frame
        self.prf_docs = prf_docs
        self.prf_weight = prf_weight
        self.vector_dtype = vector_dtype
        self.window_pooling = window_pooling
        self.ranker = ranker

    # ------------------------------------------------------------------ fit
    def _validate_params(self) -> None:
        check_choice("fusion", self.fusion, FUSIONS)
        check_choice("pooling", self.pooling, POOLINGS)
        check_choice("vector_dtype", self.vector_dtype, DTYPES)
        check_choice("window_pooling", self.window_pooling, AGGREGATES)
        for name in ("alpha", "mmr_lambda", "mmr_kind_weight", "top2_weight"):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"{name} must be in [0, 1]; got {v}")
        if self.candidates < 1 or self.mmr_pool < 1 or self.rrf_k <= 0 or self.expansion_weight < 0:
            raise ValueError("candidates and mmr_pool must be >= 1, rrf_k > 0, expansion_weight >= 0")

    def _vectors(self, texts: list[str], given: Vectors | None, what: str) -> Vectors:
        vecs: Vectors
        if given is None:
            vecs = self.embedder.encode(texts) if texts else np.zeros((0, self.embedder.dim), np.float32)
        else:
            vecs = given if isinstance(given, RowView) else np.asarray(given)
            if len(vecs.shape) != 2 or vecs.shape[0] != len(texts):
                raise ValueError(f"{what} must have shape ({len(texts)}, dim) (one row per snippet); got {vecs.shape}")
        return as_stored(vecs, self.vector_dtype)

    def fit(
        self,
        items: Sequence[Sequence[str]],
        *,
        kinds: Sequence[str] | None = None,
        snippet_vectors: Vectors | None = None,
        needs: Sequence[Sequence[str]] | None = None,
        need_vectors: Vectors | None = None,
        titles: Sequence[str] | None = None,
    ) -> HybridMatcher:
        """Index ``items``: ``items[i]`` is item ``i``'s evidence snippets (title/offer first).

        Parameters
        ----------
        items : sequence of n_items sequences of str
        kinds : sequence of n_items str, optional (default "organization")
        snippet_vectors : ndarray of shape (n_snippets, dim), or a ``matching.vecstore.RowView``, optional
            Vectors of all snippets concatenated in item order (cached embeddings); encoded if omitted.
        needs : sequence of n_items sequences of str, optional
            What each item is looking for (reciprocity); may be empty per item.
        need_vectors : ndarray of shape (n_need_snippets, dim), optional
        titles : sequence of n_items str, optional
            Item names (a feature of the learned ranker: the question names the item).

        Returns
        -------
        self
        """
        self._validate_params()
        snippets, offsets = flatten_groups(items, "items")
        if kinds is not None and len(kinds) != len(items):
            raise ValueError(f"kinds has {len(kinds)} entries for {len(items)} items")
        if needs is not None and len(needs) != len(items):
            raise ValueError(f"needs has {len(needs)} entries for {len(items)} items")
        if titles is not None and len(titles) != len(items):
            raise ValueError(f"titles has {len(titles)} entries for {len(items)} items")
        vectors = self._vectors(snippets, snippet_vectors, "snippet_vectors")
        need_snippets, need_offsets = flatten_groups(needs if needs is not None else [[] for _ in items], "needs")
        self.need_vectors_ = self._vectors(need_snippets, need_vectors, "need_vectors")
        if vectors.shape[0] and self.need_vectors_.shape[0] and vectors.shape[1] != self.need_vectors_.shape[1]:
            raise ValueError("snippet_vectors and need_vectors have different dimensions")
        self.snippets_ = snippets
        self.offsets_ = offsets
        self.snippet_vectors_ = vectors
        self.need_offsets_ = need_offsets
        self.has_needs_ = np.diff(need_offsets) > 0
        self.kinds_ = np.asarray(list(kinds) if kinds is not None else ["organization"] * len(items), dtype=object)
        self.shared_rows_ = SharedRows.of(vectors, offsets)
        self.lexical_ = LexicalIndex(k1=self.k1, b=self.b, stemming=self.stemming).fit(
            " ".join(group) for group in items
        )
        self.titles_ = (LexicalIndex(k1=self.k1, b=self.b, stemming=self.stemming).fit(titles)
                        if titles is not None else None)
        self.n_items_ = len(items)
        logger.info("fitted %d items, %d snippets, %d need snippets", self.n_items_, len(snippets), len(need_snippets))
        return self

    # ----------------------------------------------------------------- rank
    def _check_rank_args(self, k: int, mask: np.ndarray | None, method: str) -> np.ndarray | None:
        check_is_fitted(self, "n_items_")
        check_choice("method", method, METHODS)
        if k < 1:
            raise ValueError(f"k must be >= 1; got {k}")
        if mask is None:
            return None
        m = np.asarray(mask)
        if m.dtype != bool or m.shape != (self.n_items_,):
            raise ValueError(f"mask must be a bool array of shape ({self.n_items_},); got {m.dtype} {m.shape}")
        return m

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

    def rank(
        self,
        query: str,
        *,
        k: int = 10,
        mask: np.ndarray | None = None,
        diversify: bool = True,
        asker_offer: str | None = None,
        method: str = "engine",
        query_vector: np.ndarray | None = None,
        explain: bool = True,
        dense_pool: PoolSource | None = None,
        adjust: Adjust | None = None,
    ) -> list[Hit]:
        """Best ``k`` items for ``query``, best first.

        Parameters
        ----------
        query : str
        k : int
        mask : bool ndarray of shape (n_items,), optional
            Items allowed by the filters.
        diversify : bool
            MMR over the top ``mmr_pool`` (engine only).
        asker_offer : str, optional
            What the asker offers: items whose needs match it move up (engine only).
        method : {"lexical", "dense", "hybrid", "engine"}
        query_vector : ndarray of shape (dim,) or (n_windows, dim), optional
            Precomputed ``encode_query(query_text(query, method))`` (batch evaluation; a profile's own snippet
            vectors for "more like this").
        explain : bool
            Compute ``shared_terms`` (evaluation runs skip them).
        dense_pool : int ndarray, or a function of a query vector returning one (or ``None``), optional
            Items an approximate nearest-neighbour index (pgvector HNSW) found: the dense channel scores only
            these (with the lexical candidates and items tied with them, ``matching.pooled``), exactly, instead
            of every snippet. A function is asked again for the feedback-moved question vector.
        adjust : function of (candidates, scores) returning new scores, optional
            Re-scores the candidates before ordering and diversity (a member's signals, ``matching.personal``).

        Returns
        -------
        list of Hit, at most ``k``.
        """
        allowed = self._check_rank_args(k, mask, method)
        if not query.strip() or self.n_items_ == 0:
            return []
        st = self._score(query, max(self.candidates, k), allowed, method, query_vector, dense_pool, asker_offer)
        cand, final = st.cand, st.final
        fallback = None
        if method == "learned":
            final, fallback = self._learned(st)
        if adjust is not None and cand.shape[0]:
            final = np.asarray(adjust(cand, final), dtype=np.float64)
        order = np.lexsort((cand, -final))
        cand, final = cand[order], final[order]
        picks = np.arange(min(k, cand.shape[0]))
        if method in FORMULA and diversify and fallback is None and self.mmr_lambda > 0 and cand.shape[0] > 1:
            picks = self._diversify(cand, final, k)
        texts = st.query_texts if explain else None
        return [self._hit(int(cand[p]), float(final[p]), st.channels, st.sims, texts) for p in picks]

    def features(
        self, query: str, *, query_vector: np.ndarray | None = None, mask: np.ndarray | None = None,
        asker_offer: str | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The learned ranker's candidates for ``query`` and their features (``matching.features.FEATURES``):
        shapes ``(n_cand,)`` and ``(n_cand, n_features)``. Training reads exactly what ``rank`` reads."""
        allowed = self._check_rank_args(1, mask, "learned")
        if not query.strip() or self.n_items_ == 0:
            return np.zeros(0, dtype=np.int64), candidate_features(_EMPTY)
        st = self._score(query, self.candidates, allowed, "learned", query_vector, None, asker_offer)
        return st.cand, candidate_features(self.context(st))

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

    def context(self, st: Scored) -> RankContext:
        """What the learned ranker reads about this question's candidates (``matching.features``)."""
        return rank_context(self, st)

    def _learned(self, st: Scored) -> tuple[np.ndarray, str | None]:
        if self.ranker is None:
            raise NotFittedError("method='learned' needs a fitted ranker (HybridMatcher(ranker=...))")
        return learned_scores(self.ranker, self, st)

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

    def _diversify(self, cand: np.ndarray, final: np.ndarray, k: int) -> np.ndarray:
        m = min(self.mmr_pool, cand.shape[0])
        pool = cand[:m]
        vecs = item_centroids(self.snippet_vectors_, self.offsets_, pool)
        head = mmr(final[:m], vecs, min(k, m), lam=self.mmr_lambda, kinds=self.kinds_[pool],
                   kind_weight=self.mmr_kind_weight)
        tail = np.arange(m, min(k, cand.shape[0]))
        return np.concatenate([head, tail])

    def _hit(
        self, i: int, score: float, channels: dict[str, np.ndarray], sims: np.ndarray | None, texts: list[str] | None
    ) -> Hit:
        snippets = self.snippets_[int(self.offsets_[i]) : int(self.offsets_[i + 1])]
        if sims is not None:
            ev = int(pool_argmax(sims, self.offsets_, np.array([i]))[0])
        else:
            ev = best_overlap(texts or [], snippets, self.lexical_.idf) if snippets else 0
        terms = shared_terms(texts, snippets, self.lexical_.idf) if texts is not None else ()
        scores = {name: float(v[i]) for name, v in channels.items() if name not in ("dense_window_mean", "dense_first")}
        return Hit(i, score, snippets[ev] if snippets else "", ev, terms, scores)
