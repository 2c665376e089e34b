"""Long questions: a question longer than the model's window is read as windows, never truncated.

all-MiniLM-L6-v2 reads 256 word pieces; a whole project description or a profile used as the question (staff
suggestions, "more like this") would lose everything after its first paragraph. The question is cut into the
same evidence windows as profiles (:func:`matching.evidence.split_evidence`), each window is scored against
every item's snippets (best snippet per window), and the windows are pooled per item.

Pooling: ``max`` over windows of their best-snippet cosine rewards the best-answered part of the question;
``mean`` rewards an item that answers all of it. Max was chosen by measurement: on sbir-phase1-dev (project
descriptions as questions) dense nDCG@10 is 0.371 with max, 0.361 with mean and 0.369 truncated; and a
question whose ask follows pages of context is not diluted by that context.
"""

from __future__ import annotations

import numpy as np

from matching.evidence import split_evidence

__all__ = ["WINDOW_WORDS", "AGGREGATES", "query_windows", "as_windows", "aggregate"]

#: Words per question window: the profiles' evidence window (about 235 word pieces of ordinary prose).
WINDOW_WORDS = 180
AGGREGATES = ("mean", "max")


def query_windows(text: str, max_words: int = WINDOW_WORDS) -> list[str]:
    """The question's windows in reading order; one window (the text itself) when it fits."""
    windows = split_evidence(text, max_words)
    return windows if len(windows) > 1 else [text]


def as_windows(vectors: np.ndarray) -> np.ndarray:
    """A question vector ``(dim,)`` or window vectors ``(n_windows, dim)`` as a 2-D float32 array."""
    q = np.asarray(vectors, dtype=np.float32)
    if q.ndim == 1:
        return q[None, :]
    if q.ndim != 2 or q.shape[0] < 1:
        raise ValueError(f"query vectors must have shape (dim,) or (n_windows, dim); got {q.shape}")
    return q


def aggregate(per_window: list[np.ndarray], how: str = "mean") -> np.ndarray:
    """Pool per-window item scores ``[(n_items,), ...]`` into one ``(n_items,)`` score.

    Items a window did not score (``-inf``, outside an index's pool) count as that window's lowest finite
    score under ``mean``, so one unscored window does not sink an otherwise strong item.
    """
    if len(per_window) == 1:
        return per_window[0]
    stacked = np.vstack(per_window).astype(np.float32, copy=False)
    if how == "max":
        return stacked.max(axis=0)
    if how != "mean":
        raise ValueError(f"aggregate must be one of {', '.join(AGGREGATES)}; got {how!r}")
    finite = np.isfinite(stacked)
    if finite.all():
        return stacked.mean(axis=0)
    floor = np.array([row[np.isfinite(row)].min() if np.isfinite(row).any() else 0.0 for row in stacked],
                     dtype=np.float32)
    filled = np.where(finite, stacked, floor[:, None])
    return np.where(finite.any(axis=0), filled.mean(axis=0), -np.inf).astype(np.float32)
