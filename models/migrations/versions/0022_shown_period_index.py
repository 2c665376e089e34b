"""shown_suggestions: one covering index for the funnel's period scans instead of the created_at index

Revision ID: 0022_shown_period_index
Revises: 0021_shown_suggestions
Create Date: 2026-12-14 11:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0022_shown_period_index"
down_revision: str | Sequence[str] | None = "0021_shown_suggestions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("shown_suggestions", schema=None) as batch_op:
        batch_op.drop_index("ix_shown_suggestions_created_at")
        batch_op.create_index("ix_shown_suggestions_period", ["created_at", "kind", "province", "question_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("shown_suggestions", schema=None) as batch_op:
        batch_op.drop_index("ix_shown_suggestions_period")
        batch_op.create_index("ix_shown_suggestions_created_at", ["created_at"], unique=False)
