"""French lexical analysis: elisions split, French stop words, Snowball French stems, accents folded.

Kept apart from :mod:`matching.text` so English analysis stays exactly what it was; :mod:`matching.text`
calls in here only for texts :func:`matching.language.detect` calls French.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import Stemmer

__all__ = ["FRENCH_STOP_WORDS", "ENGLISH_HOMOGRAPHS", "fold", "split_elisions", "french_words", "french_stem"]

_DATA = Path(__file__).with_name("data") / "stopwords_fr.txt"

# "l'", "d'", "qu'", "jusqu'"... before a word (straight or typographic apostrophe), case-insensitive.
_ELISION = re.compile(r"(?i)\b(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu|quelqu)['’](?=\w)")
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
# Letters NFKD does not decompose.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})


def fold(word: str) -> str:
    """``word`` without accents ("pièces" -> "pieces", "cœur" -> "coeur"): members type French either way."""
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _load_stop_words() -> frozenset[str]:
    lines = (line.strip() for line in _DATA.read_text(encoding="utf-8").splitlines())
    return frozenset(fold(w.lower()) for w in lines if w and not w.startswith("#"))


#: Accent-folded French stop words (Snowball's list plus question frame words; see the data file).
FRENCH_STOP_WORDS: frozenset[str] = _load_stop_words()

#: French stop words that are also English content words ("AI", "teach pendant", "CE marking", "non-destructive"):
#: English texts keep them.
ENGLISH_HOMOGRAPHS: frozenset[str] = frozenset(
    {"ai", "aide", "ce", "eu", "font", "ma", "non", "ont", "pendant", "sans", "si", "son", "ton"}
)

_stemmer = Stemmer.Stemmer("french")


def split_elisions(text: str) -> str:
    """``text`` with elided articles and pronouns cut off ("l'usinage d'aluminium" -> "usinage aluminium")."""
    return _ELISION.sub(" ", text)


def french_words(text: str) -> list[str]:
    """Lower-cased word tokens of a French ``text`` after elisions are split (accents kept for the stemmer)."""
    return _TOKEN.findall(split_elisions(text.lower()))


@lru_cache(maxsize=100_000)
def french_stem(word: str) -> str:
    """Snowball French stem of one lower-cased word, folded first ("pièces", "pieces" -> "piec").

    Folding before stemming makes a word typed without its accents stem as the accented one does.
    """
    return str(_stemmer.stemWord(fold(word)))
