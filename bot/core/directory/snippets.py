"""Profile texts cut into evidence snippets, with a memory so a rebuild re-splits only what changed.

A snippet is a sentence or two: short enough to quote as the reason a suggestion matched, and the unit the
embedder encodes. The catalog rebuilds at every directory change, at 100k rows, so the cut is remembered.
"""

from __future__ import annotations

import hashlib

from matching.evidence import split_evidence

#: Words per evidence snippet: one or two sentences, short enough to quote as a reason.
SNIPPET_WORDS = 60


class Splitter:
    """``split_evidence`` with a memory: a rebuild re-splits only texts that changed since the last one.

    A text that is its own single snippet (most of them) is remembered by itself: the key is the snippet the
    profiles hold anyway. Any other text is keyed by a 16-byte digest, so the memory holds snippets, not a
    second copy of every text.
    """

    def __init__(self, previous: Splitter | None = None) -> None:
        self._old = previous._cache if previous is not None else {}
        self._cache: dict[str | bytes, str | tuple[str, ...]] = {}

    def __call__(self, *texts_: str | None) -> list[str]:
        out: list[str] = []
        for text in texts_:
            if not text:
                continue
            parts = self._cache.get(text)
            if parts is None:
                parts = self._parts(text)
            if isinstance(parts, str):
                if parts not in out:
                    out.append(parts)
                continue
            for part in parts:
                if part not in out:
                    out.append(part)
        return out

    def _parts(self, text: str) -> str | tuple[str, ...]:
        """The snippets of ``text``: a ``str`` when the text is its own single snippet, else a tuple."""
        parts = self._old.get(text)
        if isinstance(parts, str):
            self._cache[parts] = parts  # keep the previous build's string: unchanged profiles share it
            return parts
        key = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
        parts = self._cache.get(key)
        if parts is None:
            parts = self._old.get(key)
            if parts is None:
                pieces = split_evidence(text, SNIPPET_WORDS)
                if len(pieces) == 1 and pieces[0] == text:
                    self._cache[text] = text
                    return text
                parts = tuple(pieces)
            self._cache[key] = parts
        return parts

    def forget_previous(self) -> None:
        """Drop the previous build's memory once a load has taken what it needed (texts now gone)."""
        self._old = {}
