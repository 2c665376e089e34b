"""Export -> import reproduces the directory exactly, in both formats, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.core.directory.exporter import ExportError, export_directory
from bot.core.directory.importer import import_files
from bot.demo import demo_files
from models.db import make_engine, migrate, session_factory
from models.directory import Organization
from models.repositories import DirectoryRepository
from tests.unit.directory.snapshot import snapshot


@contextmanager
def _fresh_like(engine: Engine, request: pytest.FixtureRequest) -> Iterator[sessionmaker[Session]]:
    """A second, empty, migrated database of the same kind as ``engine``."""
    if engine.dialect.name == "sqlite":
        other = make_engine("sqlite://")
        migrate(other)
        yield session_factory(other)
        other.dispose()
        return
    databases = request.getfixturevalue("postgres_databases")
    with databases.database() as name:
        other = make_engine(databases.url(name))
        yield session_factory(other)
        other.dispose()


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_export_then_import_is_identical(engine: Engine, sessions: sessionmaker[Session], tmp_path: Path,
                                         fmt: str, request: pytest.FixtureRequest) -> None:
    import_files(demo_files(), sessions=sessions)
    before = snapshot(sessions)
    written = export_directory(sessions, tmp_path, fmt=fmt)
    assert sum(written.values()) == sum(len(rows) for rows in before.values())

    with _fresh_like(engine, request) as other:
        report = import_files(list(written), sessions=other)
        assert report.totals["created"] == report.rows
        assert snapshot(other) == before

    with sessions() as s:
        version = DirectoryRepository(s).current_version()
    again = import_files(list(written), sessions=sessions)
    assert not again.changed and again.totals["unchanged"] == again.rows
    with sessions() as s:
        assert DirectoryRepository(s).current_version() == version


def test_csv_export_refuses_list_items_with_semicolons(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    with sessions.begin() as s:
        DirectoryRepository(s).upsert(Organization, "x", {"name": "X", "kind": "manufacturer",
                                                          "sectors": ["food; beverages"]})
    with pytest.raises(ExportError, match="export as jsonl"):
        export_directory(sessions, tmp_path / "out", fmt="csv")
    assert not (tmp_path / "out").exists()
    export_directory(sessions, tmp_path / "out", fmt="jsonl")
    assert "food; beverages" in (tmp_path / "out" / "organizations.jsonl").read_text(encoding="utf-8")
