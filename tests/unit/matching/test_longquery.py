"""Long questions are read as windows: what comes after the model's first window still counts."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from matching.embeddings import HashingEmbedder
from matching.evidence import item_snippets
from matching.longquery import WINDOW_WORDS, aggregate, as_windows, query_windows
from matching.matcher import HybridMatcher


class TruncatingEmbedder:
    """Reads only the first ``limit`` words of a text, as the real model reads only 256 word pieces."""

    def __init__(self, limit: int = 200) -> None:
        self.inner, self.limit = HashingEmbedder(), limit
        self.dim, self.model_id = self.inner.dim, "truncating"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode([" ".join(t.split()[: self.limit]) for t in texts])


FILLER = " ".join(f"Our story began in year {i} in a small town." for i in range(50))  # 450 words, no subject
ITEMS = [
    ("Hydrogen Lab", "Proton exchange membrane fuel cell stacks, hydrogen storage and electrolysers."),
    ("Laser Joining Centre", "Laser welding of aluminium battery trays, seam tracking and weld inspection."),
    ("Shift Planning Co", "Plant scheduling software for shifts on production lines."),
]


def test_short_question_is_one_window_and_long_one_is_cut_into_evidence_windows() -> None:
    assert query_windows("laser welding of aluminium") == ["laser welding of aluminium"]
    long = FILLER + " We need laser welding of aluminium battery trays."
    windows = query_windows(long)
    assert len(windows) >= 3 and all(len(w.split()) <= WINDOW_WORDS for w in windows)
    assert " ".join(windows).split() == long.split()  # nothing dropped


def test_aggregate_mean_max_and_unscored_windows() -> None:
    a, b = np.array([0.2, 0.8], np.float32), np.array([0.6, 0.0], np.float32)
    assert np.allclose(aggregate([a, b], "mean"), [0.4, 0.4])
    assert np.allclose(aggregate([a, b], "max"), [0.6, 0.8])
    c = np.array([0.5, -np.inf], np.float32)  # window 2 did not score item 1 (outside an index's pool)
    out = aggregate([a, c], "mean")
    assert np.allclose(out, [0.35, (0.8 + 0.5) / 2])
    with pytest.raises(ValueError, match="aggregate"):
        aggregate([a, b], "median")
    with pytest.raises(ValueError, match="n_windows"):
        as_windows(np.zeros((2, 3, 4)))


def test_what_a_long_question_asks_at_its_end_is_found() -> None:
    """The real model reads ~256 word pieces: one vector of this question sees only the filler. Windows see all."""
    embedder = TruncatingEmbedder()
    matcher = HybridMatcher(embedder).fit([item_snippets(t, x) for t, x in ITEMS])
    ask = " Laser welding of aluminium battery trays, seam tracking and weld inspection is what we need." * 3
    question = FILLER + ask
    windowed = matcher.rank(question, k=3, method="dense", diversify=False)
    assert windowed[0].index == 1
    truncated = matcher.rank(question, k=3, method="dense", query_vector=embedder.encode([question])[0])
    by_item = {h.index: h.score for h in truncated}  # what the engine saw before questions were windowed
    assert by_item.get(1, 0.0) < 0.05 < windowed[0].score
    assert matcher.encode_windows(question).shape[0] == len(query_windows(question))


def test_window_pooling_is_validated(fake_embedder: HashingEmbedder) -> None:
    with pytest.raises(ValueError, match="window_pooling"):
        HybridMatcher(fake_embedder, window_pooling="median").fit([["a b"]])
