"""Text analysis shared by the lexical channel and the explanations: one tokenizer, one stemmer."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import Stemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from matching.french import FRENCH_STOP_WORDS, fold, french_stem, french_words
from matching.language import detect

__all__ = ["STOP_WORDS", "words", "analyze", "analyze_many", "stem", "corpus_term_ids", "is_french_stop_word"]

# Words of two or more characters, or a digit-letter mix like "3d" / "5-axis" pieces; lower-cased first.
_TOKEN = re.compile(r"(?u)\b\w\w+\b")

#: sklearn's English list plus words that are noise in member questions ("we need help with...").
STOP_WORDS: frozenset[str] = frozenset(ENGLISH_STOP_WORDS) | {
    "need", "needs", "looking", "help", "want", "like", "would", "could", "us", "our", "company", "companies",
    "ve", "ll", "re", "don", "doesn", "isn", "etc", "e.g", "i.e",
}

_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball English stem of one lower-cased word ("welding" -> "weld")."""
    return str(_stemmer.stemWord(word))


def words(text: str) -> list[str]:
    """Lower-cased word tokens of ``text``, stop words kept (explanations need the surface forms)."""
    return _TOKEN.findall(text.lower())


def is_french_stop_word(word: str) -> bool:
    """Whether a lower-cased word of a French text is noise: a French stop word (accents or not) or an English one."""
    return word in STOP_WORDS or fold(word) in FRENCH_STOP_WORDS


def _french_term(word: str, stemming: bool) -> str:
    return french_stem(word) if stemming else fold(word)


def analyze(text: str, *, stemming: bool = True) -> list[str]:
    """Index terms of ``text``: lower-cased words, stop words removed, optionally stemmed.

    French texts get French rules (elisions split, French stop words, French stems, accents folded); English
    texts exactly the English ones.
    """
    if detect(text) == "fr":
        return [_french_term(w, stemming) for w in french_words(text) if not is_french_stop_word(w)]
    toks = [w for w in words(text) if w not in STOP_WORDS]
    return list(map(stem, toks)) if stemming else toks


def analyze_many(texts: Iterable[str], *, stemming: bool = True) -> list[list[str]]:
    return [analyze(t, stemming=stemming) for t in texts]


# ASCII fast path of ``words``: ASCII letters lower-cased, everything but [a-z0-9_] (ASCII ``\w``) made a space,
# so ``bytes.split()`` yields the maximal word runs, i.e. the matches of ``_TOKEN`` plus one-letter runs.
_ASCII_WORDS = bytes(
    c + 32 if 65 <= c <= 90 else c if 97 <= c <= 122 or 48 <= c <= 57 or c == 95 else 32 for c in range(256)
)
_CHUNK = 1 << 18


class _TermIds(dict[str, int]):
    """Surface word -> vocabulary id of its term (-1 for a stop word); each distinct word is analysed once.

    A hit is a C-level dict lookup (``map(ids.__getitem__, tokens)``); only a word never seen before reaches
    ``__missing__``, which applies exactly the rules of :func:`analyze` and numbers new terms in first-seen order.
    """

    def __init__(self, *, stemming: bool, vocab: dict[str, int] | None = None, french: bool = False) -> None:
        super().__init__()
        self.vocab: dict[str, int] = {} if vocab is None else vocab
        self.stemming = stemming
        self.french = french

    def __missing__(self, word: str) -> int:
        if self.french:
            i = -1 if is_french_stop_word(word) else self.vocab.setdefault(
                _french_term(word, self.stemming), len(self.vocab))
        elif word in STOP_WORDS:
            i = -1
        else:
            term = stem(word) if self.stemming else word
            i = self.vocab.setdefault(term, len(self.vocab))
        self[word] = i
        return i


class _AsciiTermIds(dict[bytes, int]):
    """The same mapping keyed by the ASCII bytes of a word; one-letter runs (not words) map to -1."""

    def __init__(self, term_ids: _TermIds) -> None:
        super().__init__()
        self.term_ids = term_ids

    def __missing__(self, word: bytes) -> int:
        i = self.term_ids[word.decode("ascii")] if len(word) > 1 else -1
        self[word] = i
        return i


def _drop_stop_words(raw: list[int], ends: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The ids >= 0 of a run of documents, and how many each document has (``ends``: its end offset in ``raw``)."""
    ids = np.array(raw, dtype=np.int32)
    keep = ids >= 0
    kept_before = np.zeros(ids.size + 1, dtype=np.int64)
    np.cumsum(keep, out=kept_before[1:])
    return ids[keep], np.diff(kept_before[ends], prepend=0)


def corpus_term_ids(
    documents: Iterable[str], *, stemming: bool = True
) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
    """:func:`analyze` over a whole corpus, as vocabulary ids rather than strings.

    Returns ``(vocab, ids, lengths)``: ``ids`` (int32) is ``[vocab[t] for d in documents for t in analyze(d)]``,
    ``lengths`` (int64) the number of terms of each document, and ``vocab`` numbers terms in first-seen order.
    This is the indexing hot path, so per token it costs one C-level split and one dict lookup: ASCII documents
    are split as bytes (several times faster than the regex), French documents by :func:`analyze`'s French
    rules, stemming and stop words are looked up once per
    distinct word, and ids are packed into int32 every ~256k tokens, so memory stays at ~4 bytes per term and a
    generator of documents is never held whole.
    """
    term_ids = _TermIds(stemming=stemming)
    lookup = term_ids.__getitem__
    french_lookup = _TermIds(stemming=stemming, vocab=term_ids.vocab, french=True).__getitem__
    language = detect.__wrapped__  # not cached: a corpus would evict the questions' entries
    ascii_lookup = _AsciiTermIds(term_ids).__getitem__
    ids: list[np.ndarray] = []
    lengths: list[np.ndarray] = []
    raw: list[int] = []
    ends: list[int] = []
    for doc in documents:
        if language(doc) == "fr":
            raw.extend(map(french_lookup, french_words(doc)))
        elif doc.isascii():
            raw.extend(map(ascii_lookup, doc.encode("ascii").translate(_ASCII_WORDS).split()))
        else:
            raw.extend(map(lookup, words(doc)))
        ends.append(len(raw))
        if len(raw) >= _CHUNK:
            chunk_ids, chunk_lengths = _drop_stop_words(raw, ends)
            ids.append(chunk_ids)
            lengths.append(chunk_lengths)
            raw.clear()
            ends.clear()
    chunk_ids, chunk_lengths = _drop_stop_words(raw, ends)
    ids.append(chunk_ids)
    lengths.append(chunk_lengths)
    return term_ids.vocab, np.concatenate(ids), np.concatenate(lengths).astype(np.int64)
