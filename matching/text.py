"""Text analysis shared by the lexical channel and the explanations: one tokenizer, one stemmer."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import Stemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

__all__ = ["STOP_WORDS", "words", "analyze", "stem"]

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


def analyze(text: str, *, stemming: bool = True) -> list[str]:
    """Index terms of ``text``: lower-cased words, stop words removed, optionally stemmed."""
    toks = [w for w in words(text) if w not in STOP_WORDS]
    return [stem(w) for w in toks] if stemming else toks


def analyze_many(texts: Iterable[str], *, stemming: bool = True) -> list[list[str]]:
    return [analyze(t, stemming=stemming) for t in texts]
