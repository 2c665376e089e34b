"""JSON columns become JSONB on PostgreSQL (SQLite keeps JSON text)

Revision ID: 0023_jsonb
Revises: 0022_shown_period_index, 0006_digest, 0012_intros, 0019_privacy
Create Date: 2026-12-15 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0023_jsonb"
#: A merge point: the tables with JSON columns come from these branches.
down_revision: str | Sequence[str] | None = ("0022_shown_period_index", "0006_digest", "0012_intros", "0019_privacy")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Every JSON column of the schema at this revision, by table.
COLUMNS: dict[str, tuple[str, ...]] = {
    "audit_log": ("details",),
    "intro_batches": ("figures",),
    "organizations": ("sectors", "languages", "competitors"),
    "courses": ("skills",),
    "people": ("languages",),
    "intro_preferences": ("excluded_orgs",),
    "platform_accounts": ("conversation_ref",),
    "questions": ("kinds", "filters", "result_refs"),
    "digest_deliveries": ("payload",),
    "introductions": ("shared_terms",),
    "intro_events": ("detail",),
}


def _retype(to: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite stores JSON as text either way
    for table, columns in COLUMNS.items():
        changes = ", ".join(f'ALTER COLUMN "{c}" TYPE {to} USING "{c}"::{to}' for c in columns)
        op.execute(f'ALTER TABLE "{table}" {changes}')


def upgrade() -> None:
    _retype("jsonb")


def downgrade() -> None:
    _retype("json")
