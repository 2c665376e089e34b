"""members: join requests, proposed organization texts, needs posted from chat, organization admins

Revision ID: 0025_members
Revises: 0001_directory
Create Date: 2026-12-07 12:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0025_members"
down_revision: str | Sequence[str] | None = "0001_directory"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "join_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["platform_accounts.id"],
                                name=op.f("fk_join_requests_account_id_platform_accounts"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"],
                                name=op.f("fk_join_requests_organization_id_organizations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_join_requests")),
    )
    with op.batch_alter_table("join_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_join_requests_account_id"), ["account_id"], unique=False)
        batch_op.create_index("ix_join_requests_status", ["status"], unique=False)
    op.create_table(
        "org_text_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("capabilities", sa.Text(), nullable=False),
        sa.Column("needs", sa.Text(), nullable=False),
        sa.Column("sectors", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"],
                                name=op.f("fk_org_text_proposals_organization_id_organizations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_org_text_proposals_person_id_people"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_text_proposals")),
    )
    with op.batch_alter_table("org_text_proposals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_text_proposals_organization_id"), ["organization_id"], unique=False)
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("visibility", sa.String(length=16), nullable=False, server_default="public"))
        batch_op.add_column(sa.Column("funding_stream_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("deadline", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("fulfilled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_needs_funding_stream_id_funding_streams"), "funding_streams",
                                    ["funding_stream_id"], ["id"], ondelete="SET NULL")
    with op.batch_alter_table("platform_accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("org_admin", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("platform_accounts", schema=None) as batch_op:
        batch_op.drop_column("org_admin")
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_needs_funding_stream_id_funding_streams"), type_="foreignkey")
        batch_op.drop_column("fulfilled_at")
        batch_op.drop_column("deadline")
        batch_op.drop_column("funding_stream_id")
        batch_op.drop_column("visibility")
    with op.batch_alter_table("org_text_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_text_proposals_organization_id"))
    op.drop_table("org_text_proposals")
    with op.batch_alter_table("join_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_join_requests_status")
        batch_op.drop_index(batch_op.f("ix_join_requests_account_id"))
    op.drop_table("join_requests")
