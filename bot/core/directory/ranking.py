"""Which ranking the directory uses: the formula, or the learned ranker on the formula's candidates.

``RANKER=learned`` loads the model (``RANKER_PATH``, default the one shipped in ``matching/data``). A missing,
corrupt or outdated file never stops the bot: it logs why and ranks with the formula.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from matching.embeddings import Embedder
from matching.matcher import HybridMatcher
from matching.ranker import LearnedRanker
from matching.ranker_io import DEFAULT_RANKER, RankerFileError, file_sha256, load_ranker

logger = logging.getLogger(__name__)

__all__ = ["RANKERS", "RankingInfo", "load_configured_ranker", "matcher_factory", "ranking_info"]

RANKERS = ("formula", "learned")


def load_configured_ranker(choice: str, path: str = "") -> LearnedRanker | None:
    """The learned ranker when ``choice`` is "learned" and its file is sound; ``None`` (the formula) otherwise."""
    if choice != "learned":
        return None
    where = Path(path) if path else DEFAULT_RANKER
    try:
        ranker, meta = load_ranker(where)
    except RankerFileError as exc:
        logger.warning("learned ranker unavailable, ranking with the formula: %s", exc)
        return None
    logger.info("learned ranker loaded from %s (trained on %s)", where, ", ".join(meta.get("trained_on", {})))
    return ranker


def matcher_factory(ranker: LearnedRanker | None) -> Callable[[Embedder], HybridMatcher]:
    """Builds each snapshot's matcher with the chosen ranking."""

    def build(embedder: Embedder) -> HybridMatcher:
        return HybridMatcher(embedder, ranker=ranker)

    return build


@dataclass(frozen=True)
class RankingInfo:
    """What ranks answers, for staff: the mode, the model file's version, and its leave-one-dataset-out figures."""

    mode: str  # "formula" or "learned"
    model_sha256: str  # of the learned model file ("" when it cannot be read)
    trained_on: tuple[str, ...]
    #: set -> (learned nDCG@10, better single channel's, formula's), each measured on a set the model never saw
    lodo: dict[str, tuple[float, float, float]]


def ranking_info(choice: str, path: str = "") -> RankingInfo:
    """Describe the ranking in use (``RANKER``; the formula when the model file is unsound, as the catalog
    falls back) and the learned model's figures."""
    where = Path(path) if path else DEFAULT_RANKER
    try:
        _, meta = load_ranker(where)
    except RankerFileError:
        return RankingInfo("formula", "", (), {})
    mode = "learned" if choice == "learned" else "formula"
    lodo = {
        name: (m["learned"], max(m["lexical"], m["dense"]), m["engine"])
        for name, m in meta.get("lodo_ndcg@10", {}).items()
        if {"learned", "lexical", "dense", "engine"} <= set(m)
    }
    return RankingInfo(mode, file_sha256(where), tuple(meta.get("trained_on", {})), lodo)
