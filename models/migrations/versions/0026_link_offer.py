"""platform_accounts.link_offer: the automatic "Is this you?" offer made on first contact (or dismissed)

Revision ID: 0026_link_offer
Revises: 0025_members
Create Date: 2026-12-07 16:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026_link_offer"
down_revision: str | Sequence[str] | None = "0025_members"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("platform_accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link_offer", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("platform_accounts", schema=None) as batch_op:
        batch_op.drop_column("link_offer")
