"""Language of a text (English or French), so each side of a match gets its own stop words and stemmer.

py3langid (langid.py's maintained fork, BSD, model inside its wheel) decides, restricted to en/fr. English is
the default and the common case, so a text reaches the model only if it shows a French marker (an accented
letter, an elision or a French function word): English indexing pays a few set lookups per text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

__all__ = ["Language", "detect", "looks_french"]

Language = Literal["en", "fr"]

_ACCENTS = frozenset("àâçéèêëîïôûùüÿœ")
_ELISION = re.compile(r"\b(?:[ldjnsc]|qu)['’]\w")
_FUNCTION_WORDS = frozenset(
    "le la les des du une et est pour dans avec nous vous sur au aux qui que ces cette sont nos notre".split()
)
#: Below this probability of French the text is treated as English (short mixed texts like "des Moines plant").
MIN_FRENCH_PROBABILITY = 0.9


@lru_cache(maxsize=1)
def _identifier():  # type: ignore[no-untyped-def]
    """The en/fr identifier, loaded on first use (~0.5 s: it unpacks the model shipped in the wheel)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(["en", "fr"])
    return identifier


def looks_french(text: str) -> bool:
    """Whether ``text`` has anything French about it (cheap; a False answer means English without the model).

    Set lookups rather than one regex alternation: this runs on every indexed text, and a regex with ``\\b`` and
    twenty alternatives costs ~20 µs on a 200-character text against ~2 µs here.
    """
    lower = text.lower()
    if not lower.isascii() and not _ACCENTS.isdisjoint(lower):
        return True
    if ("'" in lower or "’" in lower) and _ELISION.search(lower):
        return True
    return not _FUNCTION_WORDS.isdisjoint(lower.split())


@lru_cache(maxsize=50_000)
def detect(text: str) -> Language:
    """``"fr"`` if ``text`` is French, else ``"en"`` (also for empty or undecidable texts)."""
    if not looks_french(text):
        return "en"
    label, probability = _identifier().classify(text)
    return "fr" if label == "fr" and probability >= MIN_FRENCH_PROBABILITY else "en"
