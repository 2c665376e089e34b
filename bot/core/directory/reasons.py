"""The reason shown under a suggestion: the evidence sentence that best answers the question, cut to size."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.directory.profiles import Profile

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
#: Longest reason shown, in characters; a long evidence snippet is cut to its most telling sentences.
REASON_CHARS = 280


def best_sentences(snippet: str, terms: Sequence[str], limit: int = REASON_CHARS) -> str:
    """The sentence of ``snippet`` sharing most terms with the question (and the next one if it shares some), so a
    reason reads as one pointed quote rather than a paragraph; cut at a word if still too long."""
    if len(snippet) <= limit:
        return snippet
    sentences = [s for s in _SENTENCE_END.split(snippet) if s.strip()]
    lowered = [s.lower() for s in sentences]
    scores = [sum(t.lower() in low for t in terms) for low in lowered]
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
    text = sentences[best]
    nxt = best + 1
    if nxt < len(sentences) and scores[nxt] > 0 and len(text) + 1 + len(sentences[nxt]) <= limit:
        text = f"{text} {sentences[nxt]}"
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


def informative(profile: Profile, evidence: str, terms: Sequence[str]) -> str:
    """The evidence, unless it only repeats the title (courses, funding): then the snippet sharing most terms."""
    others = [s for s in profile.snippets if s != profile.title]
    if evidence.strip() != profile.title.strip() or not others:
        return evidence
    return max(others, key=lambda s: sum(t.lower() in s.lower() for t in terms))
