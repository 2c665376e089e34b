"""Which ranking the directory uses: the formula, or the learned ranker on the formula's candidates.

``RANKER=learned`` loads the model (``RANKER_PATH``, default the one shipped in ``matching/data``). A missing,
corrupt or outdated file never stops the bot: it logs why and ranks with the formula.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from matching.embeddings import Embedder
from matching.matcher import HybridMatcher
from matching.ranker import LearnedRanker
from matching.ranker_io import DEFAULT_RANKER, RankerFileError, load_ranker

logger = logging.getLogger(__name__)

__all__ = ["RANKERS", "load_configured_ranker", "matcher_factory"]

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
