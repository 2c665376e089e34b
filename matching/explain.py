"""Explanations: the shared rare terms between a question and an item (IDF-weighted 1-2-grams)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from matching.french import ENGLISH_HOMOGRAPHS, FRENCH_STOP_WORDS, fold, french_stem, french_words
from matching.language import detect
from matching.text import STOP_WORDS, is_french_stop_word, stem, words

__all__ = ["shared_terms", "best_overlap"]


def _is_noise_in_english(word: str) -> bool:
    """An English stop word, or a French one an English text may quote ("de", "les"; not "AI" or "son")."""
    return word in STOP_WORDS or (fold(word) in FRENCH_STOP_WORDS and word not in ENGLISH_HOMOGRAPHS)


def _runs(text: str) -> list[list[tuple[str, str]]]:
    """Runs of (stem, surface) content words; stop words of either language and bare numbers break a run.

    A French text is tokenised and stemmed as the lexical index does it, so its stems meet the index's.
    """
    french = detect(text) == "fr"
    runs: list[list[tuple[str, str]]] = [[]]
    for w in french_words(text) if french else words(text):
        if (is_french_stop_word(w) if french else _is_noise_in_english(w)) or w.isdigit():
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append((french_stem(w) if french else stem(w), w))
    return [r for r in runs if r]


def _query_grams(texts: Iterable[str]) -> tuple[set[str], set[tuple[str, str]]]:
    unigrams: set[str] = set()
    bigrams: set[tuple[str, str]] = set()
    for text in texts:
        for run in _runs(text):
            unigrams.update(s for s, _ in run)
            bigrams.update((a[0], b[0]) for a, b in zip(run, run[1:], strict=False))
    return unigrams, bigrams


def _shared_phrases(
    run: list[tuple[str, str]], unigrams: set[str], bigrams: set[tuple[str, str]]
) -> list[tuple[tuple[str, ...], str]]:
    """Maximal stretches of ``run`` whose consecutive word pairs the query also has, plus lone shared words."""
    out: list[tuple[tuple[str, ...], str]] = []
    cur: list[tuple[str, str]] = []
    for tok in run:
        if cur and (cur[-1][0], tok[0]) in bigrams:
            cur.append(tok)
            continue
        if cur:
            out.append((tuple(s for s, _ in cur), " ".join(w for _, w in cur)))
        cur = [tok] if tok[0] in unigrams else []
    if cur:
        out.append((tuple(s for s, _ in cur), " ".join(w for _, w in cur)))
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

    Shared words that are adjacent on both sides are reported as one phrase ("programmable logic
    controllers") scoring the sum of its words' IDF, and hide those words; a word whose IDF is below
    ``min_idf`` (found in about a third of the items or more) is too common to explain anything.

    Args:
        query_texts: the question (and its expansions: "CNC" also matches "computer numerical control").
        item_texts: the item's evidence snippets.
        idf: IDF of a stemmed word (the lexical index's).
        max_terms: at most this many terms.
        min_idf: IDF floor for a word to count.

    Returns:
        Up to ``max_terms`` surface forms, e.g. ``("tig welding", "aluminium")``.
    """
    unigrams, bigrams = _query_grams(query_texts)
    if not unigrams:
        return ()
    found: dict[tuple[str, ...], str] = {}
    for text in item_texts:
        for run in _runs(text):
            for gram, surface in _shared_phrases(run, unigrams, bigrams):
                found.setdefault(gram, surface)
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
        if set(gram) <= covered:
            continue
        covered.update(gram)
        out.append(surface)
        if len(out) == max_terms:
            break
    return tuple(out)


def best_overlap(query_texts: Iterable[str], item_texts: Sequence[str], idf: Callable[[str], float]) -> int:
    """Index of the snippet sharing the most IDF weight with the query (the lexical evidence); 0 if none."""
    query_stems, _ = _query_grams(query_texts)
    best, best_score = 0, 0.0
    for i, text in enumerate(item_texts):
        stems = {s for run in _runs(text) for s, _ in run}
        score = sum(idf(s) for s in stems & query_stems)
        if score > best_score:
            best, best_score = i, score
    return best
