"""shown_suggestions: one row per suggestion shown in an answer (staff funnel figures)

Revision ID: 0021_shown_suggestions
Revises: 0003_activity
Create Date: 2026-12-14 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_shown_suggestions"
down_revision: str | Sequence[str] | None = "0003_activity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shown_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("province", sa.String(length=2), nullable=True),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"], ["questions.id"], name=op.f("fk_shown_suggestions_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shown_suggestions")),
    )
    with op.batch_alter_table("shown_suggestions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shown_suggestions_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_shown_suggestions_question_id"), ["question_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_shown_suggestions_ref"), ["ref"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("shown_suggestions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shown_suggestions_ref"))
        batch_op.drop_index(batch_op.f("ix_shown_suggestions_question_id"))
        batch_op.drop_index(batch_op.f("ix_shown_suggestions_created_at"))
    op.drop_table("shown_suggestions")
