"""introductions: requests, outcomes, preferences, pair rules, suggestion batches, audit

Revision ID: 0012_intros
Revises: 0001_directory
Create Date: 2026-11-24 18:58:01.992422
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_intros"
down_revision: str | Sequence[str] | None = "0001_directory"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "intro_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Double(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("n_members", sa.Integer(), nullable=False),
        sa.Column("n_pairs", sa.Integer(), nullable=False),
        sa.Column("coverage", sa.Double(), nullable=True),
        sa.Column("worst_off_best_score", sa.Double(), nullable=True),
        sa.Column("status", sa.String(length=64), nullable=False),
        sa.Column("seconds", sa.Double(), nullable=False),
        sa.Column("posted_to", sa.String(length=200), nullable=True),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intro_batches")),
    )
    op.create_table(
        "intro_pair_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_low", sa.Integer(), nullable=False),
        sa.Column("person_high", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_high"], ["people.id"], name=op.f("fk_intro_pair_rules_person_high_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_low"], ["people.id"], name=op.f("fk_intro_pair_rules_person_low_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intro_pair_rules")),
        sa.UniqueConstraint("person_low", "person_high", "rule", name="uq_intro_pair_rule"),
    )
    op.create_table(
        "intro_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("paused_until", sa.Date(), nullable=True),
        sa.Column("excluded_orgs", sa.JSON(), nullable=False),
        sa.Column("expired_count", sa.Integer(), nullable=False),
        sa.Column("deprioritised_told_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_intro_preferences_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intro_preferences")),
        sa.UniqueConstraint("person_id", name=op.f("uq_intro_preferences_person_id")),
    )
    op.create_table(
        "introductions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("open_key", sa.String(length=64), nullable=True),
        sa.Column("a_person_id", sa.Integer(), nullable=False),
        sa.Column("b_person_id", sa.Integer(), nullable=False),
        sa.Column("a_account_id", sa.Integer(), nullable=True),
        sa.Column("b_account_id", sa.Integer(), nullable=True),
        sa.Column("a_answer", sa.String(length=16), nullable=True),
        sa.Column("b_answer", sa.String(length=16), nullable=True),
        sa.Column("a_answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("b_answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("a_remind_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("b_remind_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("target_ref", sa.String(length=200), nullable=False),
        sa.Column("a_ref", sa.String(length=200), nullable=False),
        sa.Column("b_ref", sa.String(length=200), nullable=False),
        sa.Column("a_kind", sa.String(length=32), nullable=True),
        sa.Column("b_kind", sa.String(length=32), nullable=True),
        sa.Column("a_province", sa.String(length=2), nullable=True),
        sa.Column("b_province", sa.String(length=2), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reason_back", sa.Text(), nullable=False),
        sa.Column("shared_terms", sa.JSON(), nullable=False),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("query_id", sa.String(length=32), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("group_ref", sa.String(length=200), nullable=True),
        sa.Column("followup_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("followup_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["a_account_id"],
            ["platform_accounts.id"],
            name=op.f("fk_introductions_a_account_id_platform_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["a_person_id"], ["people.id"], name=op.f("fk_introductions_a_person_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["b_account_id"],
            ["platform_accounts.id"],
            name=op.f("fk_introductions_b_account_id_platform_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["b_person_id"], ["people.id"], name=op.f("fk_introductions_b_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_introductions")),
        sa.UniqueConstraint("open_key", name=op.f("uq_introductions_open_key")),
    )
    with op.batch_alter_table("introductions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_introductions_a_person_id"), ["a_person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_introductions_accepted_at"), ["accepted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_introductions_b_person_id"), ["b_person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_introductions_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_introductions_state"), ["state"], unique=False)
        batch_op.create_index("ix_introductions_state_expires", ["state", "expires_at"], unique=False)

    op.create_table(
        "intro_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("introduction_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("met", sa.Boolean(), nullable=True),
        sa.Column("stage", sa.String(length=16), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["introduction_id"],
            ["introductions.id"],
            name=op.f("fk_intro_outcomes_introduction_id_introductions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_intro_outcomes_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intro_outcomes")),
        sa.UniqueConstraint("introduction_id", "person_id", name="uq_intro_outcome"),
    )
    op.create_table(
        "intro_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("a_person_id", sa.Integer(), nullable=False),
        sa.Column("b_person_id", sa.Integer(), nullable=False),
        sa.Column("a_ref", sa.String(length=200), nullable=False),
        sa.Column("b_ref", sa.String(length=200), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("why_a", sa.Text(), nullable=False),
        sa.Column("why_b", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("acted_by", sa.String(length=200), nullable=True),
        sa.Column("acted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("introduction_id", sa.Integer(), nullable=True),
        sa.Column("message_ref", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["a_person_id"], ["people.id"], name=op.f("fk_intro_suggestions_a_person_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["b_person_id"], ["people.id"], name=op.f("fk_intro_suggestions_b_person_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["intro_batches.id"],
            name=op.f("fk_intro_suggestions_batch_id_intro_batches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["introduction_id"],
            ["introductions.id"],
            name=op.f("fk_intro_suggestions_introduction_id_introductions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intro_suggestions")),
    )
    with op.batch_alter_table("intro_suggestions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intro_suggestions_batch_id"), ["batch_id"], unique=False)

    op.create_table(
        "intro_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("introduction_id", sa.Integer(), nullable=True),
        sa.Column("suggestion_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["introduction_id"],
            ["introductions.id"],
            name=op.f("fk_intro_events_introduction_id_introductions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["suggestion_id"],
            ["intro_suggestions.id"],
            name=op.f("fk_intro_events_suggestion_id_intro_suggestions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intro_events")),
    )
    with op.batch_alter_table("intro_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intro_events_at"), ["at"], unique=False)
        batch_op.create_index("ix_intro_events_introduction", ["introduction_id"], unique=False)

    # ### end Alembic commands ###


def downgrade() -> None:

    with op.batch_alter_table("intro_events", schema=None) as batch_op:
        batch_op.drop_index("ix_intro_events_introduction")
        batch_op.drop_index(batch_op.f("ix_intro_events_at"))

    op.drop_table("intro_events")
    with op.batch_alter_table("intro_suggestions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intro_suggestions_batch_id"))

    op.drop_table("intro_suggestions")
    op.drop_table("intro_outcomes")
    with op.batch_alter_table("introductions", schema=None) as batch_op:
        batch_op.drop_index("ix_introductions_state_expires")
        batch_op.drop_index(batch_op.f("ix_introductions_state"))
        batch_op.drop_index(batch_op.f("ix_introductions_created_at"))
        batch_op.drop_index(batch_op.f("ix_introductions_b_person_id"))
        batch_op.drop_index(batch_op.f("ix_introductions_accepted_at"))
        batch_op.drop_index(batch_op.f("ix_introductions_a_person_id"))

    op.drop_table("introductions")
    op.drop_table("intro_preferences")
    op.drop_table("intro_pair_rules")
    op.drop_table("intro_batches")
    # ### end Alembic commands ###
