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

from matching.channels import FORMULA, ChannelScoring
from matching.diversity import item_centroids, mmr
from matching.embeddings import Embedder
from matching.features import EMPTY_CONTEXT as _EMPTY
from matching.features import RankContext, candidate_features
from matching.hits import Hit, check_choice, flatten_groups, make_hit
from matching.learned import Scored, learned_scores, rank_context
from matching.lexical import LexicalIndex
from matching.longquery import AGGREGATES
from matching.pooled import PoolSource, SharedRows
from matching.vecstore import DTYPES, RowView, Vectors, as_stored

#: Re-scores a question's candidates: ``(candidate items, scores) -> scores``.
Adjust = Callable[[np.ndarray, np.ndarray], np.ndarray]

logger = logging.getLogger(__name__)

__all__ = ["Hit", "HybridMatcher", "METHODS", "NotFittedError"]

#: Ranking methods: BM25 only, dense only, plain RRF of the two, the formula, and the formula's candidates
#: re-ranked by a learned ranker (``ranker``).
METHODS = ("lexical", "dense", "hybrid", "engine", "learned")
FUSIONS = ("convex", "rrf")
POOLINGS = ("max", "top2")


class HybridMatcher(ChannelScoring, BaseEstimator):  # type: ignore[misc]
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
        return [make_hit(self.snippets_, self.offsets_, self.lexical_.idf, int(cand[p]), float(final[p]), st.channels,
                         st.sims, texts) for p in picks]

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

    def context(self, st: Scored) -> RankContext:
        """What the learned ranker reads about this question's candidates (``matching.features``)."""
        return rank_context(self, st)

    def _learned(self, st: Scored) -> tuple[np.ndarray, str | None]:
        if self.ranker is None:
            raise NotFittedError("method='learned' needs a fitted ranker (HybridMatcher(ranker=...))")
        return learned_scores(self.ranker, self, st)

    def _diversify(self, cand: np.ndarray, final: np.ndarray, k: int) -> np.ndarray:
        m = min(self.mmr_pool, cand.shape[0])
        pool = cand[:m]
        vecs = item_centroids(self.snippet_vectors_, self.offsets_, pool)
        head = mmr(final[:m], vecs, min(k, m), lam=self.mmr_lambda, kinds=self.kinds_[pool],
                   kind_weight=self.mmr_kind_weight)
        tail = np.arange(m, min(k, cand.shape[0]))
        return np.concatenate([head, tail])
