"""pgvector: one vector per distinct snippet text, behind the HNSW index (PostgreSQL only; nothing on SQLite)

Revision ID: 0020_text_vectors
Revises: 0010_pgvector
Create Date: 2026-11-25 00:20:00.000000

HNSW loses its way among exact duplicates, and directories repeat sentences word for word: vectors move to
``text_vectors`` (one row per content hash, the HNSW index) and ``snippet_vectors`` keeps who holds which
text. Existing vectors are carried over; nothing to do where ``0010_pgvector`` created no table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from pgvector.sqlalchemy import Vector

revision: str = "0020_text_vectors"
down_revision: str | Sequence[str] | None = "0010_pgvector"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A stronger graph than 0010's (m 16, ef_construction 64): see HNSW_M in models/vectors.py.
HNSW: dict[str, Any] = {"postgresql_using": "hnsw", "postgresql_with": {"m": 32, "ef_construction": 200},
        "postgresql_ops": {"embedding": "vector_cosine_ops"}}


def _has(bind: sa.Connection, table: str) -> bool:
    return bool(bind.execute(sa.text("SELECT to_regclass(:t) IS NOT NULL"), {"t": table}).scalar())


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or not _has(bind, "snippet_vectors"):
        return
    op.create_table(
        "text_vectors",
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("embedding", Vector(384), nullable=False),
        sa.PrimaryKeyConstraint("content_hash", name=op.f("pk_text_vectors")),
    )
    op.execute(
        "INSERT INTO text_vectors (content_hash, embedding) "
        "SELECT DISTINCT ON (content_hash) content_hash, embedding FROM snippet_vectors ORDER BY content_hash"
    )
    op.create_index("ix_text_vectors_embedding", "text_vectors", ["embedding"], unique=False, **HNSW)
    op.drop_index("ix_snippet_vectors_embedding", table_name="snippet_vectors")
    op.drop_column("snippet_vectors", "embedding")
    op.create_index(op.f("ix_snippet_vectors_content_hash"), "snippet_vectors", ["content_hash"], unique=False)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or not _has(bind, "text_vectors"):
        return
    op.drop_index(op.f("ix_snippet_vectors_content_hash"), table_name="snippet_vectors")
    op.add_column("snippet_vectors", sa.Column("embedding", Vector(384), nullable=True))
    op.execute(
        "UPDATE snippet_vectors s SET embedding = t.embedding FROM text_vectors t WHERE t.content_hash = s.content_hash"
    )
    op.alter_column("snippet_vectors", "embedding", nullable=False)
    op.create_index("ix_snippet_vectors_embedding", "snippet_vectors", ["embedding"], unique=False,
                    **{**HNSW, "postgresql_with": {"m": 16, "ef_construction": 64}})
    op.drop_table("text_vectors")
