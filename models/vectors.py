"""Evidence-snippet vectors in PostgreSQL (pgvector) behind an HNSW index: one shared index for every worker.

Two tables: ``snippet_vectors`` says which owner ("org:ext-id", "person:...") holds which snippet (by content
hash), ``text_vectors`` holds each distinct snippet text's vector once, behind the HNSW index. Directories
repeat sentences word for word (boilerplate, a course description reused by several providers, copies of a
profile); HNSW is not built for exact duplicates (a group of identical vectors fills its own neighbour lists
and the graph around it loses its way: recall@10 of whole answers fell to 0.94 at 100,000 profiles with 3.7
copies per text), so the graph sees each vector once and a search joins every holder back.

The tables exist only on PostgreSQL with the ``vector`` extension (migrations ``0010_pgvector`` and
``0020_text_vectors`` create nothing on SQLite), so they live in their own ``MetaData``, outside
``Base.metadata`` (``models.vector_schema``): autogenerate on SQLite never sees them. Functions here take a
``Session`` and never commit; the caller owns the transaction.

Search returns owners, not snippets: the nearest ``candidates`` texts are fetched through the index, joined
to the owners holding them, and each owner scores by its best snippet (best-evidence, as ``matching`` does).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pgvector.sqlalchemy import Vector
from sqlalchemy import String, bindparam, delete, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from models.vector_schema import (  # the schema, re-exported: callers use this module as ``pg``
    CHUNK,
    DEFAULT_EF_SEARCH,
    HNSW_EF_CONSTRUCTION,
    HNSW_INDEX,
    HNSW_INDEX_NAME,
    HNSW_M,
    POSTGRES_ONLY_TABLES,
    TABLE,
    TEXT_TABLE,
    VECTOR_DIM,
    SnippetVector,
    TextVector,
    VectorBase,
    analyze,
    create_hnsw_index,
    drop_hnsw_index,
    ensure_vector_table,
    include_in_base_schema,
    vector_table_ready,
)

logger = logging.getLogger(__name__)

__all__ = [
    "CHUNK", "DEFAULT_EF_SEARCH", "HNSW_EF_CONSTRUCTION", "HNSW_INDEX", "HNSW_INDEX_NAME", "HNSW_M", "OwnerHit",
    "POSTGRES_ONLY_TABLES", "SnippetVector", "TABLE", "TEXT_TABLE", "TextVector", "VECTOR_DIM", "VectorBase",
    "analyze", "count_rows", "count_texts", "create_hnsw_index", "delete_owner_rows", "delete_owners",
    "drop_hnsw_index", "drop_orphan_texts", "ensure_vector_table", "include_in_base_schema", "insert_rows",
    "nearest_texts", "owner_hashes", "search_owners", "stored_texts", "vector_table_ready",
]

@dataclass(frozen=True)
class OwnerHit:
    """An owner's best snippet for a query: ``score`` is its cosine similarity (1 - cosine distance)."""

    owner_ref: str
    kind: str
    score: float
    snippet_index: int


def count_rows(session: Session) -> int:
    """Snippets stored (one per owner and snippet)."""
    return session.execute(select(func.count()).select_from(SnippetVector)).scalar_one()


def count_texts(session: Session) -> int:
    """Distinct texts stored (one vector each, in the HNSW graph)."""
    return session.execute(select(func.count()).select_from(TextVector)).scalar_one()


def owner_hashes(session: Session) -> dict[str, tuple[str, ...]]:
    """Every stored owner and its snippets' content hashes, in snippet order (to skip unchanged owners)."""
    rows = session.execute(
        select(SnippetVector.owner_ref, SnippetVector.content_hash).order_by(
            SnippetVector.owner_ref, SnippetVector.snippet_index
        )
    )
    hashes: dict[str, list[str]] = {}
    for ref, digest in rows:
        hashes.setdefault(ref, []).append(digest)
    return {ref: tuple(values) for ref, values in hashes.items()}


def _hashes() -> Any:
    return bindparam("h", type_=ARRAY(String))


def _chunks(values: Sequence[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield list(values[start : start + CHUNK])


def delete_owner_rows(session: Session, owner_refs: Iterable[str]) -> tuple[int, set[str]]:
    """Remove these owners' snippet rows, keeping the texts; returns how many owners had rows and the hashes
    they held (``drop_orphan_texts`` afterwards, once the rewritten owners are back in)."""
    refs = list(dict.fromkeys(owner_refs))
    removed: set[str] = set()
    hashes: set[str] = set()
    for chunk in _chunks(refs):
        rows = session.execute(
            delete(SnippetVector)
            .where(SnippetVector.owner_ref.in_(bindparam("refs", expanding=True)))
            .returning(SnippetVector.owner_ref, SnippetVector.content_hash),
            {"refs": chunk},
        )
        for ref, digest in rows:
            removed.add(ref)
            hashes.add(digest)
    return len(removed), hashes


def drop_orphan_texts(session: Session, hashes: Iterable[str]) -> int:
    """Remove the vectors of these texts that no owner holds any more; returns how many."""
    gone = 0
    for chunk in _chunks(sorted(set(hashes))):
        gone += len(session.scalars(
            delete(TextVector)
            .where(TextVector.content_hash == func.any(_hashes()))
            .where(~select(SnippetVector.owner_ref).where(SnippetVector.content_hash == TextVector.content_hash)
                   .exists())
            .returning(TextVector.content_hash),
            {"h": chunk},
        ).all())
    return gone


def delete_owners(session: Session, owner_refs: Iterable[str]) -> int:
    """Remove every snippet of these owners, and the vectors of texts nobody else holds; returns how many of
    the owners had snippets."""
    removed, hashes = delete_owner_rows(session, owner_refs)
    drop_orphan_texts(session, hashes)
    return removed


def stored_texts(session: Session, hashes: Iterable[str]) -> set[str]:
    """Which of these texts already have a vector."""
    found: set[str] = set()
    for chunk in _chunks(sorted(set(hashes))):
        found.update(session.scalars(
            select(TextVector.content_hash).where(TextVector.content_hash == func.any(_hashes())), {"h": chunk}
        ))
    return found


def _copy(session: Session, sql: str, types: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
    from pgvector.psycopg import register_vector  # psycopg 3 is the only PostgreSQL driver we use

    raw = session.connection().connection.driver_connection
    if raw is None:
        raise RuntimeError("the session's connection is closed")
    register_vector(raw)
    with raw.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[union-attr]
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)


def insert_rows(
    session: Session,
    rows: Iterable[tuple[str, int, str, str]],
    vectors: np.ndarray,
    *,
    stored: set[str] | None = None,
) -> int:
    """Bulk-insert ``(owner_ref, snippet_index, kind, content_hash)`` rows with ``vectors`` (n, 384) via COPY;
    a text already stored (or repeated in ``rows``) keeps its one vector. Returns how many texts were new.
    ``stored``: which of the rows' texts the table already holds, when the caller has just asked
    (``stored_texts``); asked here otherwise.

    Binary COPY is ~20x faster than INSERT for vectors (no text formatting of 384 floats per row).
    """
    rows = list(rows)
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape != (len(rows), VECTOR_DIM):
        raise ValueError(f"vectors must have shape ({len(rows)}, {VECTOR_DIM}), got {vectors.shape}")
    if not rows:
        return 0
    have = stored if stored is not None else stored_texts(session, (r[3] for r in rows))
    first = {r[3]: i for i, r in reversed(list(enumerate(rows))) if r[3] not in have}
    _copy(session, f"COPY {TABLE} (owner_ref, snippet_index, kind, content_hash) FROM STDIN (FORMAT BINARY)",
          ["varchar", "int4", "varchar", "varchar"], rows)
    _copy(session, f"COPY {TEXT_TABLE} (content_hash, embedding) FROM STDIN (FORMAT BINARY)",
          ["varchar", "vector"], ((digest, vectors[i]) for digest, i in first.items()))
    return len(first)


def nearest_texts(session: Session, query: np.ndarray, limit: int, ef_search: int) -> list[tuple[str, float]]:
    """The ``limit`` texts nearest to ``query`` through the HNSW index, as (content hash, cosine distance).

    ``ef_search`` is raised to a quarter above ``limit`` (an HNSW scan returns at most ``ef_search`` rows, and
    the last of them are the least accurate); past pgvector's ceiling of 1,000 an iterative scan goes on.
    """
    breadth = max(int(ef_search), min(limit + limit // 4, 1000))
    session.execute(text(f"SET LOCAL hnsw.ef_search = {breadth}"))  # until the caller's transaction ends
    session.execute(text(f"SET LOCAL hnsw.iterative_scan = {'relaxed_order' if limit > breadth else 'off'}"))
    sql = text(
        f"SELECT content_hash, embedding <=> :q AS distance FROM {TEXT_TABLE} ORDER BY embedding <=> :q LIMIT :n"
    ).bindparams(bindparam("q", type_=Vector(VECTOR_DIM)))
    return [(h, float(d)) for h, d in session.execute(sql, {"q": query, "n": limit})]


def search_owners(
    session: Session,
    query: np.ndarray,
    *,
    k: int = 10,
    kinds: Sequence[str] | None = None,
    candidates: int | None = None,
    ef_search: int = DEFAULT_EF_SEARCH,
) -> list[OwnerHit]:
    """The ``k`` owners whose best snippet is nearest to ``query`` (384,), through the HNSW index.

    Args:
        query: an L2-normalised query vector, shape (384,).
        k: owners to return.
        kinds: keep only these owner kinds.
        candidates: distinct texts fetched before looking up their owners (default ``max(4 * k, 40)``);
            doubled while fewer than ``k`` owners come back and more texts exist.
        ef_search: HNSW search breadth; raised to a quarter above ``candidates`` when smaller.

    Returns:
        Hits ordered by score (then owner), best first; fewer than ``k`` only when fewer owners match.
    """
    query = np.asarray(query, dtype=np.float32).reshape(-1)
    if query.shape != (VECTOR_DIM,):
        raise ValueError(f"query must have shape ({VECTOR_DIM},), got {query.shape}")
    if k < 1:
        return []
    wanted = set(kinds) if kinds else None
    limit = candidates or max(4 * k, 40)
    # Two plain statements rather than one join: the owners' lookup by content hash stays an index lookup
    # whatever the planner's statistics say (a fresh table once got a hash join over every snippet, 60 ms).
    holders = select(SnippetVector.owner_ref, SnippetVector.kind, SnippetVector.snippet_index,
                     SnippetVector.content_hash).where(SnippetVector.content_hash == func.any(_hashes()))
    while True:
        texts = nearest_texts(session, query, limit, ef_search)
        distance = dict(texts)
        best: dict[str, tuple[float, int, str]] = {}
        for chunk in _chunks(list(distance)):
            for ref, kind, index, digest in session.execute(holders, {"h": chunk}):
                if wanted is None or kind in wanted:
                    mine = (distance[digest], index, kind)
                    if ref not in best or mine < best[ref]:
                        best[ref] = mine
        if len(best) >= k or len(texts) < limit or limit >= 100_000:
            break
        limit *= 2  # too few owners of the wanted kinds among the nearest texts: look further
    order = sorted(best, key=lambda ref: (best[ref][0], ref))[:k]
    return [OwnerHit(ref, best[ref][2], 1.0 - best[ref][0], best[ref][1]) for ref in order]
