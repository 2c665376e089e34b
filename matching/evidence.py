"""Evidence snippets: a profile cut into sentence groups the embedding model can read whole.

all-MiniLM-L6-v2 reads at most 256 word pieces and silently drops the rest, so a long profile embedded as
one blob loses its tail. Scoring each snippet and keeping the best one also gives the explanation for free.
"""

from __future__ import annotations

import re

__all__ = ["split_evidence", "item_snippets", "sentences"]

# A sentence ends at . ! ? or ; followed by space, or at a line break (bullet lists, CSV cells).
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\s*\n+\s*")
# Words are runs of non-space characters: ``str.split()`` and ``re`` agree on what a space is for every code point.


def _sentences(text: str) -> list[str]:
    return [t for s in _SENTENCE_END.split(text) if (t := s.strip())]


def sentences(text: str, max_words: int = 60) -> list[str]:
    """``text`` cut into its sentences (an over-long one into ``max_words`` windows): quotable sources."""
    out: list[str] = []
    for sentence in _sentences(text):
        words = sentence.split()
        out += [sentence] if len(words) <= max_words else _chunk_words(words, max_words)
    return out


def _chunk_words(words: list[str], max_words: int) -> list[str]:
    """Cut one over-long sentence's words into pieces of ``max_words`` words (no sentence boundary to respect)."""
    return [" ".join(words[i : i + max_words]) for i in range(0, len(words), max_words)]


def split_evidence(text: str, max_words: int = 180) -> list[str]:
    """Split ``text`` into evidence snippets of whole sentences, each at most ``max_words`` words.

    Consecutive sentences are grouped greedily until the next one would not fit; a sentence longer than
    ``max_words`` is cut into word windows. 180 English words stay under the model's 256 word pieces for
    ordinary prose (about 1.3 pieces per word).

    Args:
        text: free text of a profile, need, course outline...
        max_words: upper bound on words per snippet (>= 1).

    Returns:
        Snippets in reading order; ``[]`` for empty or whitespace-only text.

    Example:
        >>> split_evidence("We machine titanium. We weld aluminium.", max_words=3)
        ['We machine titanium.', 'We weld aluminium.']
    """
    if max_words < 1:
        raise ValueError(f"max_words must be >= 1, got {max_words}")
    words = text.split() if text else []
    if not words:
        return []
    if len(words) <= max_words:
        # Everything fits one snippet: the sentences joined by single spaces, i.e. the text with each sentence
        # break (a whitespace run) turned into one space. A text already spaced that way is its own snippet.
        text = text.strip()
        return [text if " ".join(words) == text else _SENTENCE_END.sub(" ", text)]
    snippets: list[str] = []
    current: list[str] = []
    current_words = 0
    for sentence in _sentences(text):
        sentence_words = sentence.split()
        n = len(sentence_words)
        if n > max_words:
            if current:
                snippets.append(" ".join(current))
                current, current_words = [], 0
            snippets.extend(_chunk_words(sentence_words, max_words))
            continue
        if current and current_words + n > max_words:
            snippets.append(" ".join(current))
            current, current_words = [], 0
        current.append(sentence)
        current_words += n
    if current:
        snippets.append(" ".join(current))
    return snippets


def item_snippets(title: str, text: str, max_words: int = 180) -> list[str]:
    """Evidence snippets of one directory item: its title leads, then its text.

    The same function serves the product index and ``clustermatch eval``, so the evaluation measures what
    members get.
    """
    title, text = title.strip(), text.strip()
    if title and text:
        sep = " " if title[-1] in ".!?:;" else ". "
        return split_evidence(f"{title}{sep}{text}", max_words)
    return split_evidence(title or text, max_words)
