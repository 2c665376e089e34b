"""ranker_models: every fitted version of a workspace's signal model, with its figures

Revision ID: 0024_ranker_models
Revises: 0023_jsonb
Create Date: 2026-12-21 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0024_ranker_models"
down_revision: str | Sequence[str] | None = "0023_jsonb"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "ranker_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("kept", sa.Boolean(), nullable=False),
        sa.Column("params", JSON_TYPE, nullable=False),
        sa.Column("figures", JSON_TYPE, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ranker_models")),
    )
    op.create_index("ix_ranker_models_workspace", "ranker_models", ["platform", "workspace_id", "version"],
                    unique=True)


def downgrade() -> None:
    op.drop_index("ix_ranker_models_workspace", table_name="ranker_models")
    op.drop_table("ranker_models")
