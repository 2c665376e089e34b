"""pgvector: evidence-snippet vectors with an HNSW index (PostgreSQL only; nothing on SQLite)

Revision ID: 0010_pgvector
Revises: 0001_directory
Create Date: 2026-11-24 18:40:00.000000

SQLite keeps vectors in memory (exact search), so this revision creates nothing there. On PostgreSQL it
creates the ``vector`` extension when the server has it and the role may (inside a savepoint, so a refusal
does not abort the other migrations); without it the table is skipped and search stays exact.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from pgvector.sqlalchemy import Vector

revision: str = "0010_pgvector"
down_revision: str | Sequence[str] | None = "0001_directory"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

logger = logging.getLogger("alembic.runtime.migration")


def _vector_extension(bind: sa.Connection) -> bool:
    if bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'vector'")).scalar():
        return True
    if not bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")).scalar():
        logger.warning("pgvector is not installed on this PostgreSQL server: vector search stays exact (in memory)")
        return False
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS vector"))
    except sa.exc.DBAPIError as exc:
        logger.warning("could not create the vector extension (%s): vector search stays exact", exc.orig)
        return False
    return True


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or not _vector_extension(bind):
        return
    op.create_table(
        "snippet_vectors",
        sa.Column("owner_ref", sa.String(length=160), nullable=False),
        sa.Column("snippet_index", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("embedding", Vector(384), nullable=False),
        sa.PrimaryKeyConstraint("owner_ref", "snippet_index", name=op.f("pk_snippet_vectors")),
    )
    op.create_index(op.f("ix_snippet_vectors_kind"), "snippet_vectors", ["kind"], unique=False)
    op.create_index(
        "ix_snippet_vectors_embedding",
        "snippet_vectors",
        ["embedding"],
        unique=False,
        postgresql_using="hnsw",
        postgresql_with={"m": 16, "ef_construction": 64},
        postgresql_ops={"embedding": "vector_cosine_ops"},
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("DROP TABLE IF EXISTS snippet_vectors")  # the extension stays: other databases may use it
