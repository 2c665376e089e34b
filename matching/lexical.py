"""Lexical channel: BM25 (bm25s) over whole items, with weighted query terms for expansion."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

import bm25s
import numpy as np

from matching.text import analyze

logger = logging.getLogger(__name__)
# bm25s sets its own logger to DEBUG at import, which would print index-building chatter through any handler.
logging.getLogger("bm25s").setLevel(logging.WARNING)

__all__ = ["LexicalIndex"]


class LexicalIndex:
    """BM25 over one document per item; scores every item for a bag of weighted terms in one pass.

    bm25s precomputes each (term, document) BM25 contribution as a sparse column per term, so a query
    costs one slice per query term, never a loop over documents.

    Args:
        k1, b: BM25 parameters (Lucene variant).
        stemming: Snowball-stem terms ("welding" matches "welded").
    """

    def __init__(self, *, k1: float = 1.2, b: float = 0.75, stemming: bool = True) -> None:
        self.k1 = k1
        self.b = b
        self.stemming = stemming

    def fit(self, documents: Iterable[str]) -> LexicalIndex:
        """Index ``documents`` (one string per item; a generator keeps only the token ids in memory)."""
        vocab: dict[str, int] = {}
        ids: list[list[int]] = []
        for doc in documents:
            ids.append([vocab.setdefault(t, len(vocab)) for t in analyze(doc, stemming=self.stemming)])
        self.vocab_ = vocab
        self.n_docs_ = len(ids)
        lengths = np.fromiter((len(d) for d in ids), dtype=np.int64, count=len(ids))
        flat = np.fromiter((t for d in ids for t in set(d)), dtype=np.int64)
        df = np.bincount(flat, minlength=len(vocab)).astype(np.float32)
        #: Robertson-Sparck Jones IDF (the one bm25s uses for "lucene"), per vocabulary id; >0 always.
        self.idf_ = np.log(1.0 + (self.n_docs_ - df + 0.5) / (df + 0.5)).astype(np.float32)
        self.doc_lengths_ = lengths
        retriever = bm25s.BM25(k1=self.k1, b=self.b, method="lucene")
        if vocab:
            retriever.index((ids, dict(vocab)), show_progress=False)
        self._retriever = retriever
        return self

    def idf(self, term: str) -> float:
        """IDF of an analysed term; unseen terms get the maximum (they are the rarest)."""
        i = self.vocab_.get(term)
        if i is None:
            return float(np.log(1.0 + (self.n_docs_ + 0.5) / 0.5))
        return float(self.idf_[i])

    def term_weights(self, text: str) -> dict[str, float]:
        """Analysed terms of ``text`` with their counts, for :meth:`score`."""
        weights: dict[str, float] = {}
        for t in analyze(text, stemming=self.stemming):
            weights[t] = weights.get(t, 0.0) + 1.0
        return weights

    def score(self, terms: Mapping[str, float]) -> np.ndarray:
        """BM25 score of every item for weighted analysed terms: shape ``(n_docs,)`` float32."""
        out = np.zeros(self.n_docs_, dtype=np.float32)
        if not self.vocab_:
            return out
        mat = self._retriever.scores
        data, indices, indptr = mat["data"], mat["indices"], mat["indptr"]
        for term, w in terms.items():
            i = self.vocab_.get(term)
            if i is None or w == 0.0:
                continue
            s, e = indptr[i], indptr[i + 1]
            out[indices[s:e]] += np.float32(w) * data[s:e]
        return out

    def score_text(self, text: str) -> np.ndarray:
        return self.score(self.term_weights(text))
