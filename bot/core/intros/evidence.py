"""Why two members match, in their own public words, read from the catalog's fitted vectors.

``reason`` is B's snippet that best answers what A looks for (A's question when A asked from an answer,
else A's stated needs); ``reason_back`` is A's snippet that best answers B's needs. Both come from public
profiles only, so they may be shown to either side before anyone accepts.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.core.directory.catalog import Catalog, Snapshot
from matching.vecstore import take

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Evidence:
    reason: str = ""
    reason_back: str = ""
    shared_terms: tuple[str, ...] = ()
    score: float | None = None


def _items(snap: Snapshot, refs: Sequence[str | None]) -> list[int]:
    return [snap.index_of[r] for r in dict.fromkeys(refs) if r and r in snap.index_of]


def _offer_rows(snap: Snapshot, items: Sequence[int]) -> np.ndarray:
    offsets = snap.matcher.offsets_
    return np.concatenate([np.arange(offsets[i], offsets[i + 1]) for i in items]) if items else np.zeros(0, int)


def _need_rows(snap: Snapshot, items: Sequence[int]) -> np.ndarray:
    offsets = snap.matcher.need_offsets_
    return np.concatenate([np.arange(offsets[i], offsets[i + 1]) for i in items]) if items else np.zeros(0, int)


def best_offer(snap: Snapshot, need_items: Sequence[int], offer_items: Sequence[int]) -> tuple[str, float] | None:
    """The offer snippet of ``offer_items`` closest to any need of ``need_items`` (text, cosine)."""
    needs, offers = _need_rows(snap, need_items), _offer_rows(snap, offer_items)
    if needs.size == 0 or offers.size == 0:
        return None
    sims = take(snap.matcher.need_vectors_, needs) @ take(snap.matcher.snippet_vectors_, offers).T
    _, col = np.unravel_index(int(np.argmax(sims)), sims.shape)
    return str(snap.matcher.snippets_[int(offers[col])]), float(sims.max())


def between(
    catalog: Catalog, a_refs: Sequence[str | None], b_refs: Sequence[str | None], *, question: str | None = None
) -> Evidence:
    """Evidence for introducing A (profiles ``a_refs``) to B (``b_refs``), best effort: never raises."""
    try:
        snap = catalog.snapshot
        a_items, b_items = _items(snap, a_refs), _items(snap, b_refs)
        reason, score = "", None
        shared: tuple[str, ...] = ()
        if question and b_items:
            mask = np.zeros(snap.matcher.n_items_, dtype=bool)
            mask[b_items] = True
            hits = snap.matcher.rank(question, k=1, mask=mask, diversify=False)
            if hits:
                reason, shared, score = hits[0].evidence, tuple(hits[0].shared_terms), float(hits[0].score)
        if not reason:
            found = best_offer(snap, a_items, b_items)
            if found is not None:
                reason, score = found
        back = best_offer(snap, b_items, a_items)
        if not reason and b_items:
            reason = snap.profiles[b_items[0]].snippets[0] if snap.profiles[b_items[0]].snippets else ""
        return Evidence(reason=reason, reason_back=back[0] if back else "", shared_terms=shared, score=score)
    except Exception:  # evidence makes the message better; its absence must not block an introduction
        logger.exception("could not compute introduction evidence for %s / %s", a_refs, b_refs)
        return Evidence()

