"""JSON columns are JSONB on PostgreSQL, in the models and after the migrations alike; SQLite keeps JSON."""

from __future__ import annotations

import pytest
from sqlalchemy import JSON, Engine, text
from sqlalchemy.dialects import postgresql, sqlite

import models.registry  # noqa: F401  (every model on the metadata)
from models.base import Base


def json_columns() -> set[tuple[str, str]]:
    return {(t.name, c.name) for t in Base.metadata.sorted_tables for c in t.columns if isinstance(c.type, JSON)}


def test_models_compile_json_columns_to_jsonb_on_postgresql_only() -> None:
    columns = [c for t in Base.metadata.sorted_tables for c in t.columns if isinstance(c.type, JSON)]
    assert len(columns) >= 15
    assert {c.type.compile(dialect=postgresql.dialect()) for c in columns} == {"JSONB"}
    assert {c.type.compile(dialect=sqlite.dialect()) for c in columns} == {"JSON"}


@pytest.mark.postgres
def test_migrated_postgresql_has_jsonb_for_every_json_column(pg_engine: Engine) -> None:
    with pg_engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type IN ('json', 'jsonb')")).all()
        conn.execute(text("SELECT '{\"a\": 1}'::jsonb @> '{\"a\": 1}'::jsonb"))
    assert {(t, c) for t, c, _ in rows} == json_columns()
    assert {d for _, _, d in rows} == {"jsonb"}
