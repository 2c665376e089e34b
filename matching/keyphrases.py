"""Key phrases for a member's drafted profile: vocabulary terms chosen by embedding similarity to what they said.

``PhraseDrafter`` is fitted on a vocabulary (the directory's own terms: capability labels, sectors, course
skills; ESCO skill labels) and, optionally, the directory's offer snippets. Each term's vector is grounded in
the directory: blended with the mean of the ``ground_k`` snippets nearest to it (pseudo-relevance feedback),
so a short label such as "Alloy-specific metal scrap sorting" also reads as the texts that offer it.

``propose(texts)`` scores every term against every text (half its best sentence, half the text's mean) and
takes terms round-robin over the texts, best text first, so one long text cannot fill every slot. Each
phrase keeps the sentence it came from. Strings and arrays only: no database, no chat platform.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from matching.evidence import sentences as split_sentences
from matching.evidence import split_evidence

__all__ = ["KeyPhrase", "PhraseDrafter"]

Encode = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class KeyPhrase:
    """A proposed phrase, the vocabulary it comes from, the member's sentence it fits best, and the fit."""

    phrase: str
    group: str  # the vocabulary's name, e.g. "capability", "sector", "skill"
    source: str
    score: float


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


class PhraseDrafter:
    """scikit-learn style: ``fit(terms, groups, snippets)`` once, then ``propose(texts)`` per member."""

    def __init__(self, encode: Encode, *, k: int = 10, ground_k: int = 3, label_weight: float = 0.3,
                 sentence_weight: float = 0.5, min_score: float = 0.2, max_overlap: float = 0.85,
                 sentence_words: int = 40) -> None:
        self.encode = encode
        self.k = k
        self.ground_k = ground_k
        self.label_weight = label_weight
        self.sentence_weight = sentence_weight
        self.min_score = min_score
        self.max_overlap = max_overlap
        self.sentence_words = sentence_words

    def fit(self, terms: Sequence[str], groups: Sequence[str], snippets: Sequence[str] = ()) -> PhraseDrafter:
        """Embed the vocabulary (``groups[i]`` names the vocabulary of ``terms[i]``) and ground it in ``snippets``."""
        if len(terms) != len(groups):
            raise ValueError(f"{len(terms)} terms but {len(groups)} groups")
        seen: dict[str, int] = {}
        for i, term in enumerate(terms):
            seen.setdefault(" ".join(term.split()).casefold(), i)
        keep = sorted(seen.values())
        self.terms_ = [" ".join(terms[i].split()) for i in keep]
        self.groups_ = np.asarray([groups[i] for i in keep])
        labels = _unit(np.asarray(self.encode(self.terms_), dtype=np.float32)) if self.terms_ else \
            np.zeros((0, 1), np.float32)
        self.label_vectors_ = labels
        self.vectors_ = labels
        if snippets and self.ground_k > 0 and len(self.terms_):
            docs = _unit(np.asarray(self.encode(list(snippets)), dtype=np.float32))
            near = np.argsort(-(labels @ docs.T), axis=1)[:, : self.ground_k]
            grounded = self.label_weight * labels + (1 - self.label_weight) * docs[near].mean(axis=1)
            self.vectors_ = _unit(grounded).astype(np.float32)
        return self

    def scores(self, texts: Sequence[str]) -> tuple[np.ndarray, list[list[str]], list[np.ndarray]]:
        """``(len(texts), n_terms)`` fit of each term to each text, the texts' sentences and their fits.

        A text is scored by its evidence snippets (sentence groups the model reads whole) and its mean; the
        source quoted for a phrase is the single sentence that fits it best.
        """
        snippets = [split_evidence(t, self.sentence_words) or [t] for t in texts]
        sentences = [split_sentences(t, self.sentence_words) or [t] for t in texts]
        flat = [s for group in snippets + sentences for s in group]
        vectors = _unit(np.asarray(self.encode(flat), dtype=np.float32))
        rows, per_text, start = [], [], 0
        for group in snippets:
            s = vectors[start : start + len(group)]
            start += len(group)
            rows.append(self.sentence_weight * (s @ self.vectors_.T).max(axis=0)
                        + (1 - self.sentence_weight) * (self.vectors_ @ _unit(s.mean(axis=0))))
        for group in sentences:
            per_text.append(vectors[start : start + len(group)] @ self.vectors_.T)
            start += len(group)
        return np.asarray(rows).reshape(len(texts), len(self.terms_)), sentences, per_text

    def propose(self, texts: Sequence[str], *, k: int | None = None, groups: Sequence[str] | None = None
                ) -> list[KeyPhrase]:
        """The best ``k`` phrases for a member's ``texts`` (their questions, needs, saved items), best first.

        ``groups`` limits the vocabularies used. A term too close to one already chosen (cosine above
        ``max_overlap``) or fitting no text above ``min_score`` is skipped.
        """
        k = self.k if k is None else k
        texts = [t for t in dict.fromkeys(t.strip() for t in texts) if t]
        if not texts or not self.terms_ or k <= 0:
            return []
        fit, sentences, per_text = self.scores(texts)
        allowed = np.ones(len(self.terms_), bool) if groups is None else np.isin(self.groups_, list(groups))
        fit = np.where(allowed[None, :], fit, -np.inf)
        order = np.argsort(-fit, axis=1)
        text_order = np.argsort(-fit.max(axis=1))
        chosen: list[tuple[int, int]] = []
        cursor = np.zeros(len(texts), dtype=np.int64)
        while len(chosen) < k:
            moved = False
            for i in text_order:
                while cursor[i] < order.shape[1] and len(chosen) < k:
                    j = int(order[i, cursor[i]])
                    cursor[i] += 1
                    if fit[i, j] < self.min_score:
                        cursor[i] = order.shape[1]
                        break
                    picked = [c for c, _ in chosen]
                    if j in picked or (picked and float(
                            (self.label_vectors_[picked] @ self.label_vectors_[j]).max()) > self.max_overlap):
                        continue
                    chosen.append((j, int(i)))
                    moved = True
                    break
            if not moved:
                break
        out = []
        for j, i in chosen:
            best = int(np.argmax(per_text[i][:, j]))
            out.append(KeyPhrase(self.terms_[j], str(self.groups_[j]), sentences[i][best], float(fit[i, j])))
        return out
