"""The pgvector tables' schema: ``snippet_vectors`` (owner → snippet content hash) and ``text_vectors`` (one
vector per distinct text, behind the HNSW index), their index parameters and the DDL steps (create when pgvector
arrived after the migrations, drop/rebuild the HNSW index around bulk loads).

They live in their own ``MetaData``, outside ``Base.metadata``: autogenerate on SQLite never sees them. Row
operations and searches are in ``models.vectors``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from pgvector.sqlalchemy import Vector
from sqlalchemy import Connection, Index, MetaData, String, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from models.base import NAMING_CONVENTION

logger = logging.getLogger(__name__)

VECTOR_DIM = 384  # all-MiniLM-L6-v2
TABLE = "snippet_vectors"
TEXT_TABLE = "text_vectors"
POSTGRES_ONLY_TABLES = frozenset({TABLE, TEXT_TABLE})
# pgvector's defaults (m 16, ef_construction 64) found 0.73 of the true 100 nearest texts with ef_search 400 on
# the 100k-profile benchmark directory (65k texts in tight clusters: copies of one profile reworded), and whole
# answers agreed with the exact catalog at 0.97; m 32 / ef_construction 200 builds in ~32 s instead of ~13 s
# and agrees at 0.99, 1.00 with ef_search a quarter above the texts fetched (scripts/bench_catalog_pgvector.py).
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200
DEFAULT_EF_SEARCH = 100
HNSW_INDEX_NAME = "ix_text_vectors_embedding"
#: Values per bound array or IN list (an expanding IN binds one parameter each; PostgreSQL allows 65,535).
CHUNK = 10_000


class VectorBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SnippetVector(VectorBase):
    """One evidence snippet of a directory entry: its owner, kind and text's content hash (no vector)."""

    __tablename__ = TABLE

    owner_ref: Mapped[str] = mapped_column(String(160), primary_key=True)
    snippet_index: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)


class TextVector(VectorBase):
    """The embedding of one distinct snippet text, kept while some owner holds that text."""

    __tablename__ = TEXT_TABLE

    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    embedding: Mapped[Any] = mapped_column(Vector(VECTOR_DIM))


HNSW_INDEX = Index(
    HNSW_INDEX_NAME,
    TextVector.embedding,
    postgresql_using="hnsw",
    postgresql_with={"m": HNSW_M, "ef_construction": HNSW_EF_CONSTRUCTION},
    postgresql_ops={"embedding": "vector_cosine_ops"},
)


def include_in_base_schema(name: str | None, type_: str, parent_names: Mapping[str, str | None]) -> bool:
    """Alembic ``include_name`` hook: compare ``Base.metadata`` without the PostgreSQL-only vector tables."""
    if type_ == "table":
        return name not in POSTGRES_ONLY_TABLES
    return parent_names.get("table_name") not in POSTGRES_ONLY_TABLES


def vector_table_ready(connection: Connection) -> bool:
    """True on PostgreSQL when the migrations created the tables (the extension was available)."""
    if connection.dialect.name != "postgresql":
        return False
    return connection.execute(
        text("SELECT to_regclass(:a) IS NOT NULL AND to_regclass(:b) IS NOT NULL"), {"a": TABLE, "b": TEXT_TABLE}
    ).scalar_one()


def ensure_vector_table(connection: Connection) -> bool:
    """Create the extension (when this role may) and the tables with their indexes if missing; True if usable.

    For servers that got pgvector after ``0010_pgvector`` ran (it skips the tables without the extension).
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
    logger.info("created tables %s and %s with its HNSW index", TABLE, TEXT_TABLE)
    return True


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


def analyze(session: Session) -> None:
    """Fresh planner statistics after a bulk load (autovacuum gets there later)."""
    session.execute(text(f"ANALYZE {TABLE}, {TEXT_TABLE}"))
