"""Explanations: the shared rare terms between a question and an item (IDF-weighted 1-2-grams)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from matching.text import STOP_WORDS, stem, words

__all__ = ["shared_terms", "best_overlap"]


def _grams(text: str) -> list[tuple[tuple[str, ...], str]]:
    """(stemmed 1-2-gram, surface form) pairs of ``text``; stop words break bigrams."""
    toks = words(text)
    out: list[tuple[tuple[str, ...], str]] = []
    prev: tuple[str, str] | None = None
    for w in toks:
        if w in STOP_WORDS or w.isdigit():
            prev = None
            continue
        s = stem(w)
        out.append(((s,), w))
        if prev is not None:
            out.append(((prev[0], s), f"{prev[1]} {w}"))
        prev = (s, w)
    return out


def shared_terms(
    query_texts: Iterable[str],
    item_texts: Sequence[str],
    idf: Callable[[str], float],
    *,
    max_terms: int = 5,
    min_idf: float = 1.0,
) -> tuple[str, ...]:
    """Terms both sides use, rarest first, as the item spells them.

    A shared bigram scores the sum of its words' IDF and hides its two words; terms whose IDF is below
    ``min_idf`` (in about a third of the items or more) are too common to explain anything.

    Args:
        query_texts: the question (and its expansions: "CNC" also matches "computer numerical control").
        item_texts: the item's evidence snippets.
        idf: IDF of a stemmed word (the lexical index's).
        max_terms: at most this many terms.
        min_idf: drop terms rarer-than-nothing.

    Returns:
        Up to ``max_terms`` surface forms, e.g. ``("tig welding", "aluminium")``.
    """
    query_grams = {g for text in query_texts for g, _ in _grams(text)}
    if not query_grams:
        return ()
    found: dict[tuple[str, ...], str] = {}
    for text in item_texts:
        for gram, surface in _grams(text):
            if gram in query_grams and gram not in found:
                found[gram] = surface
    scored = []
    for gram, surface in found.items():
        weights = [idf(s) for s in gram]
        if min(weights) < min_idf:
            continue
        scored.append((sum(weights), gram, surface))
    scored.sort(key=lambda t: (-t[0], t[2]))
    covered: set[str] = set()
    out: list[str] = []
    for _, gram, surface in scored:
        if len(gram) == 1 and gram[0] in covered:
            continue
        if len(gram) == 2:
            covered.update(gram)
        out.append(surface)
        if len(out) == max_terms:
            break
    return tuple(out)


def best_overlap(query_texts: Iterable[str], item_texts: Sequence[str], idf: Callable[[str], float]) -> int:
    """Index of the snippet sharing the most IDF weight with the query (the lexical evidence); 0 if none."""
    query_stems = {g[0] for text in query_texts for g, _ in _grams(text) if len(g) == 1}
    best, best_score = 0, 0.0
    for i, text in enumerate(item_texts):
        stems = {g[0] for g, _ in _grams(text) if len(g) == 1}
        score = sum(idf(s) for s in stems & query_stems)
        if score > best_score:
            best, best_score = i, score
    return best
