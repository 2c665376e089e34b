"""What a search may return and how hits become answers: the candidate mask (kinds, facets, visibility, the
asker's own organization, exclusions) and the hit list turned into ``Suggestion``s (noise floor, look-alikes of
dismissed items moved last, the evidence sentence as the reason).

Pure functions of a snapshot, apart from ``Catalog`` so the lifecycle and the answer rules read separately.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

from bot.core.directory.catalog_build import LANG_BITS
from bot.core.directory.intents import DEFAULT_KINDS, Filters
from bot.core.directory.reasons import best_sentences, informative
from bot.core.directory.snapshot import Snapshot
from bot.core.messages import Suggestion
from matching.vecstore import take

#: Hits scoring below this share of the best hit are noise in a small directory (fused scores are min-max
#: normalised over the candidates, so the weakest candidate always scores 0).
RELATIVE_FLOOR = 0.15
#: Profile-centroid cosine above which an item counts as a look-alike of one the member dismissed.
LOOKALIKE_COSINE = 0.85


def candidate_mask(
    snap: Snapshot,
    kinds: Collection[str] | None,
    filters: Filters | None,
    asker_ref: str | None,
    exclude: Collection[str],
    staff: bool = False,
) -> np.ndarray:
    """Boolean mask over ``snap.profiles``: the items this asker may be shown for these facets."""
    mask = snap.kinds.isin(list(kinds if kinds else DEFAULT_KINDS))
    if not staff and snap.staff_only.any():
        mask &= ~snap.staff_only
    if filters:
        is_course = snap.kinds.eq("course")
        if filters.provinces:
            mask &= snap.provinces.eq(None) | snap.provinces.isin(list(filters.provinces))
        if filters.language in LANG_BITS:
            mask &= (snap.lang_bits == 0) | ((snap.lang_bits & LANG_BITS[filters.language]) > 0)
        elif filters.language == "bilingual":
            mask &= (snap.lang_bits == 0) | (snap.lang_bits == 3)
        if filters.delivery:
            mask &= ~is_course | snap.delivery.eq(filters.delivery) | snap.delivery.eq("hybrid")
        if filters.credential:
            mask &= ~is_course | snap.micro
    drop = list(exclude)
    asker = snap.by_ref.get(asker_ref) if asker_ref else None
    if asker is not None:
        drop.append(asker.ref)
        own_org = asker.ref if asker.ref.startswith("org:") else asker.org_ref
        if own_org:
            drop.extend(snap.profiles[j].ref for j in snap.members.get(own_org, []))
    for ref in drop:
        j = snap.index_of.get(ref)
        if j is not None:
            mask[j] = False
    return mask


def profile_windows(snap: Snapshot, i: int) -> np.ndarray | None:
    """Item ``i``'s own snippet vectors, as float32 question windows (``None``: none, encode its text)."""
    offsets = snap.matcher.offsets_
    rows = np.arange(offsets[i], offsets[i + 1])
    return take(snap.matcher.snippet_vectors_, rows) if rows.size else None


def _centroids(snap: Snapshot, items: Sequence[int]) -> np.ndarray:
    offsets = snap.matcher.offsets_
    vecs = snap.matcher.snippet_vectors_
    out = np.zeros((len(items), vecs.shape[1]), dtype=np.float32)
    for row, i in enumerate(items):
        v = np.asarray(vecs[offsets[i] : offsets[i + 1]], dtype=np.float32).mean(axis=0)
        out[row] = v / max(float(np.linalg.norm(v)), 1e-12)
    return out


def to_suggestions(
    snap: Snapshot, hits: Sequence, avoid: Collection[str], *, min_dense: float  # type: ignore[type-arg]
) -> list[Suggestion]:
    """Hits as answers. The tail of a small directory is dropped: no shared term and a best-snippet cosine
    under ``min_dense``, or a score under ``RELATIVE_FLOOR`` of the best one."""
    top = max((h.score for h in hits), default=0.0)
    kept = [
        h for h in hits
        if (h.channel_scores.get("lexical", 0.0) > 0 or h.channel_scores.get("dense", 1.0) >= min_dense)
        and h.score >= RELATIVE_FLOOR * top
    ]
    avoided = [snap.index_of[r] for r in avoid if r in snap.index_of]
    if avoided and kept:
        sims = _centroids(snap, [h.index for h in kept]) @ _centroids(snap, avoided).T
        lookalike = sims.max(axis=1) >= LOOKALIKE_COSINE
        kept = [h for h, bad in zip(kept, lookalike, strict=True) if not bad] + [
            h for h, bad in zip(kept, lookalike, strict=True) if bad
        ]
    out = []
    for h in kept:
        p = snap.profiles[h.index]
        out.append(
            Suggestion(
                ref=p.ref,
                kind=p.kind,
                title=p.title,
                subtitle=p.subtitle,
                score=round(float(h.score), 4),
                reason=best_sentences(informative(p, h.evidence, h.shared_terms), h.shared_terms),
                shared_terms=tuple(h.shared_terms),
                url=p.url,
            )
        )
    return out
