"""What the matcher returns, and the input checks shared by ``fit`` and ``rank``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from matching.scoring import offsets_from_counts

__all__ = ["Hit", "check_choice", "flatten_groups"]


@dataclass(frozen=True)
class Hit:
    """One ranked item and why it matched."""

    index: int
    score: float
    evidence: str
    evidence_index: int
    shared_terms: tuple[str, ...] = ()
    channel_scores: dict[str, float] = field(default_factory=dict)


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
