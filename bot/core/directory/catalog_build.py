"""One build of the catalog's snapshot: profiles read in one transaction, vectors reused or encoded, a fitted
matcher and the facet columns searches filter on.

Kept apart from ``Catalog`` (which decides *when* to build and serves searches) because the build is the
one part that reads the database and the model; a build never mutates the previous snapshot.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from bot.core.directory.profiles import load_profiles
from bot.core.directory.snapshot import Codes, Snapshot
from bot.core.directory.snippets import Splitter
from bot.core.directory.vectors import VectorSource
from matching.embeddings import Embedder
from matching.matcher import HybridMatcher
from models.repositories import DirectoryRepository

logger = logging.getLogger(__name__)

#: A profile's languages as bits (a bilingual profile has both), so a language facet is one array test.
LANG_BITS = {"en": 1, "fr": 2}


def build_snapshot(
    sessions: sessionmaker[Session],
    embedder: Embedder,
    previous: Snapshot | None,
    *,
    matcher_factory: Callable[[Embedder], HybridMatcher],
    include_staff: bool,
    refit: bool = False,
    show_progress: bool = False,
) -> Snapshot:
    """A fresh snapshot of the directory; the previous one's fit is kept when nothing the index reads moved."""
    started = time.perf_counter()
    split = Splitter(previous.split if previous is not None else None)
    with sessions() as session, session.begin():
        version = DirectoryRepository(session).current_version()
        everything = load_profiles(  # unchanged profiles come back as the previous objects: one copy in memory
            session, split=split, include_staff=include_staff,
            previous=previous.by_ref if previous is not None else None,
        )
    indexed = [p for p in everything if p.snippets]
    content = [(p.kind, p.snippets, p.needs) for p in indexed]
    if previous is not None and not refit and content == previous.content:
        # The version moved for something the index does not read (a title, an e-mail...): keep the fit.
        matcher, vectors = previous.matcher, previous.vectors
    else:
        snippet_texts = [s for p in indexed for s in p.snippets]
        need_texts = [s for p in indexed for s in p.needs]
        vectors = VectorSource.build(
            snippet_texts + need_texts,
            embedder,
            sessions,
            previous=previous.vectors if previous is not None else None,
            show_progress=show_progress,
        )
        matcher = matcher_factory(embedder).fit(
            [list(p.snippets) for p in indexed],
            kinds=[p.kind for p in indexed],
            snippet_vectors=vectors.view(0, len(snippet_texts)),
            needs=[list(p.needs) for p in indexed],
            need_vectors=vectors.view(len(snippet_texts), len(snippet_texts) + len(need_texts)),
            titles=[p.title for p in indexed],
        )
    members: dict[str, list[int]] = {}
    for i, p in enumerate(indexed):
        owner = p.ref if p.ref.startswith("org:") else p.org_ref
        if owner:
            members.setdefault(owner, []).append(i)
    snap = Snapshot(
        version=version,
        profiles=indexed,
        by_ref={p.ref: p for p in everything},
        index_of={p.ref: i for i, p in enumerate(indexed)},
        matcher=matcher,
        vectors=vectors,
        kinds=Codes([p.kind for p in indexed]),
        provinces=Codes([p.province for p in indexed]),
        lang_bits=np.array([sum(LANG_BITS.get(x, 0) for x in p.languages) for p in indexed], dtype=np.uint8),
        delivery=Codes([p.delivery for p in indexed]),
        micro=np.array([bool(p.credential and "micro" in p.credential.lower()) for p in indexed], dtype=bool),
        members=members,
        content=content,
        split=split,
        built_seconds=time.perf_counter() - started,
        encoded=vectors.encoded if vectors is not (previous.vectors if previous else None) else 0,
        staff_only=np.array([p.visibility != "public" for p in indexed], dtype=bool),
    )
    logger.info(
        "catalog v%d: %d profiles, %d snippets (%d encoded) in %.2fs",
        version,
        len(indexed),
        int(matcher.snippet_vectors_.shape[0]),
        snap.encoded,
        snap.built_seconds,
    )
    return snap
