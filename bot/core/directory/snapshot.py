"""One build of the catalog's index: profiles, the fitted matcher and the facet arrays masks are computed from.

Its own module so the index's helpers (the shared approximate index, evidence, consortia) can read a
snapshot without importing the catalog that builds it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np

from bot.core.directory.profiles import Profile
from bot.core.directory.snippets import Splitter
from bot.core.directory.vectors import VectorSource
from matching.matcher import HybridMatcher


class Codes:
    """A column of small categorical values as int codes, so facet masks are integer comparisons."""

    def __init__(self, values: Sequence[str | None]) -> None:
        self.index: dict[str | None, int] = {}
        self.codes = np.fromiter((self.index.setdefault(v, len(self.index)) for v in values), np.int32, len(values))

    def isin(self, wanted: Collection[str | None]) -> np.ndarray:
        codes = [self.index[w] for w in wanted if w in self.index]
        return np.isin(self.codes, np.asarray(codes, dtype=np.int32))

    def eq(self, value: str | None) -> np.ndarray:
        return self.codes == self.index.get(value, -1)


@dataclass
class Snapshot:
    """One build: profiles, the fitted matcher and the facet arrays masks are computed from."""

    version: int
    profiles: list[Profile]  # indexed items, in matcher order
    by_ref: dict[str, Profile]  # every visible profile, indexed or not (e.g. an asker with no text yet)
    index_of: dict[str, int]
    matcher: HybridMatcher
    vectors: VectorSource
    kinds: Codes
    provinces: Codes  # None when unknown
    lang_bits: np.ndarray  # (n,) uint8, 0 when unknown
    delivery: Codes
    micro: np.ndarray  # (n,) bool
    members: dict[str, list[int]] = field(default_factory=dict)  # org ref -> its items (itself, people, ...)
    content: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)  # what was fitted
    split: Splitter | None = None
    built_seconds: float = 0.0
    encoded: int = 0
    staff_only: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # (n,) shown to staff only
