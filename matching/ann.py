"""Exact owner-level vector search in memory, and recall of an approximate search against it.

An owner (a company, a researcher, a course) has several evidence snippets; it scores by its best one.
``ExactOwnerIndex`` is the in-memory backend (numpy ``X @ q``, exact below ~300k snippets at a few ms) and the
ground truth an approximate index (pgvector HNSW) is measured against with ``recall_at_k``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class OwnerMatch:
    """An owner's best snippet for a query; ``score`` is the cosine similarity."""

    owner: str
    kind: str
    score: float
    snippet_index: int


def best_per_owner(scores: np.ndarray, starts: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Top ``k`` owners by their best snippet, when each owner's snippets are contiguous rows.

    Args:
        scores: (n_snippets,) similarity of every snippet.
        starts: (n_owners,) first row of each owner, increasing; owner i spans ``starts[i]:starts[i+1]``.
        k: owners to return.

    Returns:
        ``(owners, best, rows)``, each (min(k, n_owners),), best first: owner positions, their best score
        and the row of their best snippet.

    Example:
        >>> best_per_owner(np.array([0.1, 0.9, 0.5]), np.array([0, 2]), 2)[0]
        array([0, 1])
    """
    if len(starts) == 0 or k < 1:
        empty = np.empty(0, dtype=np.int64)
        return empty, np.empty(0, dtype=np.float32), empty
    best = np.maximum.reduceat(scores, starts)
    k = min(k, len(best))
    top = np.argpartition(-best, k - 1)[:k]
    top = top[np.lexsort((top, -best[top]))]  # by score, ties by position: deterministic
    ends = np.append(starts[1:], len(scores))
    rows = np.array([s + int(np.argmax(scores[s:e])) for s, e in zip(starts[top], ends[top], strict=True)])
    return top.astype(np.int64), best[top], rows.astype(np.int64)


class ExactOwnerIndex:
    """Owners' snippet vectors in memory; exact cosine search grouped by owner (vectors L2-normalised)."""

    def __init__(self) -> None:
        self._owners: dict[str, tuple[str, np.ndarray]] = {}  # owner -> (kind, (n_snippets, dim))
        self._packed: tuple[np.ndarray, np.ndarray, list[str], np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self._owners)

    def replace(self, owner: str, kind: str, vectors: np.ndarray) -> None:
        """Store ``owner``'s snippet vectors (n_snippets, dim), replacing any previous ones."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2:
            raise ValueError(f"vectors of {owner!r} must be 2-D (n_snippets, dim), got shape {vectors.shape}")
        if len(vectors) == 0:
            self.remove([owner])
            return
        self._owners[owner] = (kind, vectors)
        self._packed = None

    def remove(self, owners: Iterable[str]) -> int:
        removed = sum(self._owners.pop(o, None) is not None for o in owners)
        if removed:
            self._packed = None
        return removed

    def owners(self) -> set[str]:
        return set(self._owners)

    def search(self, query: np.ndarray, *, k: int = 10, kinds: Sequence[str] | None = None) -> list[OwnerMatch]:
        """The ``k`` owners whose best snippet has the highest cosine with ``query`` (dim,)."""
        if not self._owners or k < 1:
            return []
        matrix, starts, names, owner_kinds = self._pack()
        query = np.asarray(query, dtype=np.float32).reshape(-1)
        if query.shape[0] != matrix.shape[1]:
            raise ValueError(f"query has {query.shape[0]} dimensions, the index {matrix.shape[1]}")
        scores = matrix @ query
        if kinds:
            allowed = np.isin(owner_kinds, list(kinds))
            if not allowed.any():
                return []
            lengths = np.diff(np.append(starts, len(scores)))
            scores = np.where(np.repeat(allowed, lengths), scores, -np.inf)
            k = min(k, int(allowed.sum()))
        top, best, rows = best_per_owner(scores, starts, k)
        return [
            OwnerMatch(names[o], str(owner_kinds[o]), float(s), int(r - starts[o]))
            for o, s, r in zip(top, best, rows, strict=True)
        ]

    def _pack(self) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
        if self._packed is None:
            names = list(self._owners)
            blocks = [self._owners[n][1] for n in names]
            lengths = np.array([len(b) for b in blocks], dtype=np.int64)
            starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
            kinds = np.array([self._owners[n][0] for n in names], dtype=object)
            self._packed = (np.ascontiguousarray(np.vstack(blocks)), starts, names, kinds)
        return self._packed


def recall_at_k(approximate: Sequence[Sequence[str]], exact: Sequence[Sequence[str]], k: int = 10) -> float:
    """Mean share of the exact top ``k`` found in the approximate top ``k`` (owner ids), over queries."""
    if len(approximate) != len(exact):
        raise ValueError(f"{len(approximate)} approximate result lists for {len(exact)} exact ones")
    shares = [len(set(a[:k]) & set(e[:k])) / len(e[:k]) for a, e in zip(approximate, exact, strict=True) if e]
    return float(np.mean(shares)) if shares else 1.0
