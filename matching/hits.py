"""What the matcher returns (a hit with its evidence and shared terms), and the input checks shared by ``fit``
and ``rank``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from matching.explain import best_overlap, shared_terms
from matching.scoring import offsets_from_counts, pool_argmax

__all__ = ["Hit", "check_choice", "flatten_groups", "make_hit"]


@dataclass(frozen=True)
class Hit:
    """One ranked item and why it matched."""

    index: int
    score: float
    evidence: str
    evidence_index: int
    shared_terms: tuple[str, ...] = ()
    channel_scores: dict[str, float] = field(default_factory=dict)


def make_hit(
    all_snippets: Sequence[str], offsets: np.ndarray, idf: Callable[[str], float], i: int, score: float,
    channels: Mapping[str, np.ndarray], sims: np.ndarray | None, texts: list[str] | None,
) -> Hit:
    """Item ``i``'s hit: its best snippet as evidence (the best cosine, or the best term overlap without a dense
    channel) and the terms it shares with the question texts (``texts``; ``None`` skips them)."""
    snippets = all_snippets[int(offsets[i]) : int(offsets[i + 1])]
    if sims is not None:
        ev = int(pool_argmax(sims, offsets, np.array([i]))[0])
    else:
        ev = best_overlap(texts or [], snippets, idf) if snippets else 0
    terms = shared_terms(texts, snippets, idf) if texts is not None else ()
    scores = {name: float(v[i]) for name, v in channels.items() if name not in ("dense_window_mean", "dense_first")}
    return Hit(i, score, snippets[ev] if snippets else "", ev, terms, scores)


def check_choice(name: str, value: str, valid: tuple[str, ...]) -> None:
    if value not in valid:
        raise ValueError(f"{name} must be one of {', '.join(repr(v) for v in valid)}; got {value!r}")


def flatten_groups(groups: Sequence[Sequence[str]], what: str) -> tuple[list[str], np.ndarray]:
    flat: list[str] = []
    counts = np.zeros(len(groups), dtype=np.int64)
    for i, group in enumerate(groups):
        if isinstance(group, str):
            raise ValueError(f"{what}[{i}] must be a sequence of snippets, not one string (use split_evidence)")
        for j, s in enumerate(group):
            if not isinstance(s, str):
                raise ValueError(f"{what}[{i}][{j}] must be a string, got {type(s).__name__}")
        flat.extend(group)
        counts[i] = len(group)
    return flat, offsets_from_counts(counts)
