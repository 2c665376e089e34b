"""Evidence-snippet vectors in PostgreSQL (pgvector) behind an HNSW index: one shared index for every worker.

The table exists only on PostgreSQL with the ``vector`` extension (migration ``0010_pgvector`` creates nothing
on SQLite), so it lives in its own ``MetaData``, outside ``Base.metadata``: autogenerate on SQLite never sees
it. Functions here take a ``Session`` and never commit; the caller owns the transaction.

Search returns owners, not snippets: the top ``candidates`` snippets by cosine distance are fetched through the
index, then grouped so each owner scores by its best snippet (best-evidence, as ``matching`` does in memory).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pgvector.sqlalchemy import Vector
from sqlalchemy import Connection, Index, MetaData, String, bindparam, delete, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from models.base import NAMING_CONVENTION

logger = logging.getLogger(__name__)

VECTOR_DIM = 384  # all-MiniLM-L6-v2
TABLE = "snippet_vectors"
POSTGRES_ONLY_TABLES = frozenset({TABLE})
# pgvector's defaults m=16 / ef_construction=64 give owner-level recall@10 0.99 at 100k profiles (200k snippets)
# with ef_search 100 (scripts/bench_pgvector.py); ef_construction=128 built 2.7x slower (20k vectors) and the
# recall left to gain is under 1 %.
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 64
DEFAULT_EF_SEARCH = 100
HNSW_INDEX_NAME = "ix_snippet_vectors_embedding"
#: Owners per DELETE statement (one bound parameter each; PostgreSQL's limit is 65,535).
DELETE_CHUNK = 10_000


class VectorBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SnippetVector(VectorBase):
    """One evidence snippet of a directory entry ("org:ext-id", "person:...", ...) and its embedding."""

    __tablename__ = TABLE

    owner_ref: Mapped[str] = mapped_column(String(160), primary_key=True)
    snippet_index: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    embedding: Mapped[Any] = mapped_column(Vector(VECTOR_DIM))


HNSW_INDEX = Index(
    HNSW_INDEX_NAME,
    SnippetVector.embedding,
    postgresql_using="hnsw",
    postgresql_with={"m": HNSW_M, "ef_construction": HNSW_EF_CONSTRUCTION},
    postgresql_ops={"embedding": "vector_cosine_ops"},
)


@dataclass(frozen=True)
class OwnerHit:
    """An owner's best snippet for a query: ``score`` is its cosine similarity (1 - cosine distance)."""

    owner_ref: str
    kind: str
    score: float
    snippet_index: int


def include_in_base_schema(name: str | None, type_: str, parent_names: Mapping[str, str | None]) -> bool:
    """Alembic ``include_name`` hook: compare ``Base.metadata`` without the PostgreSQL-only vector table."""
    if type_ == "table":
        return name not in POSTGRES_ONLY_TABLES
    return parent_names.get("table_name") not in POSTGRES_ONLY_TABLES


def vector_table_ready(connection: Connection) -> bool:
    """True on PostgreSQL when the migrations created the table (the extension was available)."""
    if connection.dialect.name != "postgresql":
        return False
    return connection.execute(text("SELECT to_regclass(:t) IS NOT NULL"), {"t": TABLE}).scalar_one()


def ensure_vector_table(connection: Connection) -> bool:
    """Create the extension (when this role may) and the table with its indexes if missing; True if usable.

    For servers that got pgvector after ``0010_pgvector`` ran (it skips the table without the extension).
    The schema is the migration's (a test compares them). Callers hold the migration lock.
    """
    if connection.dialect.name != "postgresql":
        return False
    if vector_table_ready(connection):
        return True
    try:
        with connection.begin_nested():
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
    except DBAPIError as exc:
        logger.warning("cannot create the vector extension: %s", exc.orig)
        return False
    VectorBase.metadata.create_all(connection, checkfirst=True)
    logger.info("created table %s with its HNSW index", TABLE)
    return True


def count_rows(session: Session) -> int:
    return session.execute(select(func.count()).select_from(SnippetVector)).scalar_one()


def drop_hnsw_index(session: Session) -> None:
    """Before a bulk load: building the graph once afterwards is ~5x faster than inserting into it row by row.

    Holds an exclusive lock on the table until the transaction ends (searches wait): for initial loads and
    full rewrites only.
    """
    session.execute(text(f"DROP INDEX IF EXISTS {HNSW_INDEX_NAME}"))


def create_hnsw_index(session: Session, *, maintenance_work_mem: str | None = None) -> None:
    """(Re)build the HNSW index; give it memory for the whole graph (~2 kB per vector) or it slows down a lot."""
    if maintenance_work_mem:
        session.execute(text("SELECT set_config('maintenance_work_mem', :m, true)"), {"m": maintenance_work_mem})
    HNSW_INDEX.create(session.connection(), checkfirst=True)


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


def delete_owners(session: Session, owner_refs: Iterable[str]) -> int:
    """Remove every snippet of these owners; returns how many of them had snippets."""
    refs = list(dict.fromkeys(owner_refs))
    removed: set[str] = set()
    # An expanding IN binds one parameter per owner and PostgreSQL takes at most 65,535 per statement: a first
    # sync of a 100,000-profile directory rewrites more owners than that.
    for start in range(0, len(refs), DELETE_CHUNK):
        removed.update(session.scalars(
            delete(SnippetVector)
            .where(SnippetVector.owner_ref.in_(bindparam("refs", expanding=True)))
            .returning(SnippetVector.owner_ref),
            {"refs": refs[start : start + DELETE_CHUNK]},
        ))
    return len(removed)


def insert_rows(
    session: Session,
    rows: Iterable[tuple[str, int, str, str]],
    vectors: np.ndarray,
) -> int:
    """Bulk-insert ``(owner_ref, snippet_index, kind, content_hash)`` rows with ``vectors`` (n, 384) via COPY.

    Binary COPY is ~20x faster than INSERT for vectors (no text formatting of 384 floats per row).
    """
    from pgvector.psycopg import register_vector  # psycopg 3 is the only PostgreSQL driver we use

    rows = list(rows)
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape != (len(rows), VECTOR_DIM):
        raise ValueError(f"vectors must have shape ({len(rows)}, {VECTOR_DIM}), got {vectors.shape}")
    if not rows:
        return 0
    raw = session.connection().connection.driver_connection
    if raw is None:
        raise RuntimeError("the session's connection is closed")
    register_vector(raw)
    copy_sql = f"COPY {TABLE} (owner_ref, snippet_index, kind, content_hash, embedding) FROM STDIN (FORMAT BINARY)"
    with raw.cursor() as cursor, cursor.copy(copy_sql) as copy:  # type: ignore[union-attr]
        copy.set_types(["varchar", "int4", "varchar", "varchar", "vector"])
        for (ref, index, kind, digest), vector in zip(rows, vectors, strict=True):
            copy.write_row((ref, index, kind, digest, vector))
    return len(rows)


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
        kinds: keep only these owner kinds (iterative index scan keeps filtered results complete).
        candidates: snippets fetched before grouping (default ``max(4 * k, 40)``); doubled while fewer than
            ``k`` owners come back and more snippets exist.
        ef_search: HNSW search breadth; raised to ``candidates`` when smaller (pgvector returns at most
            ``ef_search`` rows per scan otherwise).

    Returns:
        Hits ordered by score, best first; fewer than ``k`` only when fewer owners match.
    """
    query = np.asarray(query, dtype=np.float32).reshape(-1)
    if query.shape != (VECTOR_DIM,):
        raise ValueError(f"query must have shape ({VECTOR_DIM},), got {query.shape}")
    if k < 1:
        return []
    limit = candidates or max(4 * k, 40)
    kind_filter = "WHERE kind = ANY(:kinds)" if kinds else ""
    sql = text(
        f"""
        WITH nearest AS MATERIALIZED (
            SELECT owner_ref, kind, snippet_index, embedding <=> :q AS distance
            FROM {TABLE} {kind_filter}
            ORDER BY embedding <=> :q
            LIMIT :limit
        ), best AS (
            SELECT DISTINCT ON (owner_ref) owner_ref, kind, snippet_index, distance
            FROM nearest ORDER BY owner_ref, distance, snippet_index
        )
        SELECT owner_ref, kind, snippet_index, distance, (SELECT count(*) FROM nearest) AS fetched
        FROM best ORDER BY distance, owner_ref LIMIT :k
        """
    ).bindparams(bindparam("q", type_=Vector(VECTOR_DIM)))
    params: dict[str, object] = {"q": query, "k": k}
    if kinds:
        params["kinds"] = list(kinds)
        sql = sql.bindparams(bindparam("kinds", type_=ARRAY(String)))
    while True:
        params["limit"] = limit
        # SET LOCAL lasts until the end of the caller's transaction; iterative scans keep filtered
        # queries from returning fewer rows than asked (pgvector >= 0.8).
        session.execute(text(f"SET LOCAL hnsw.ef_search = {max(int(ef_search), min(limit, 1000))}"))
        session.execute(text("SET LOCAL hnsw.iterative_scan = relaxed_order"))
        rows = session.execute(sql, params).all()
        fetched = rows[0].fetched if rows else 0
        if len(rows) >= k or fetched < limit or limit >= 100_000:
            break
        limit *= 2  # a few owners with many snippets filled the candidates: look further
    return [OwnerHit(r.owner_ref, r.kind, 1.0 - float(r.distance), int(r.snippet_index)) for r in rows]
