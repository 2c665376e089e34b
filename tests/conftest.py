"""Shared fixtures: one real model per session, a fake embedder, a migrated in-memory database."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from matching.embeddings import HashingEmbedder, SentenceTransformerEmbedder  # noqa: E402
from models.db import make_engine, migrate, session_factory  # noqa: E402
from tests.fixtures_paths import FIXTURES  # noqa: E402
from tests.postgres_support import LocalPostgres, TemplateDatabases, external_admin_url  # noqa: E402


@pytest.fixture(scope="session")
def real_embedder() -> SentenceTransformerEmbedder:
    """The real all-MiniLM-L6-v2, checked and loaded once for the whole session. A missing model fails."""
    embedder = SentenceTransformerEmbedder()
    embedder.warm_up()
    return embedder


@pytest.fixture
def fake_embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture(scope="session")
def sqlite_template() -> Iterator[sqlite3.Connection]:
    """An in-memory SQLite database migrated once; each test gets a copy (sqlite3 backup, ~1 ms)."""
    eng = make_engine("sqlite://")
    migrate(eng)
    raw = eng.raw_connection()
    yield raw.driver_connection  # type: ignore[misc]
    raw.close()
    eng.dispose()


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[TemplateDatabases]:
    """One PostgreSQL server (pgvector included) per session and a migrated template database.

    A server that cannot start fails every PostgreSQL test (never skips them): deselect them with
    ``-m "not postgres"`` while iterating on a machine without it.
    """
    server: LocalPostgres | None = None
    try:
        admin_url = external_admin_url()
        if admin_url is None:
            server = LocalPostgres().start()
            admin_url = server.admin_url()
        databases = TemplateDatabases(admin_url, migrate)
    except Exception as exc:  # any failure to provide the server is a test failure
        if server is not None:
            server.stop()
        pytest.fail(f"PostgreSQL for the tests could not start: {type(exc).__name__}: {exc}", pytrace=False)
    yield databases
    databases.close()
    if server is not None:
        server.stop()


@pytest.fixture
def pg_engine(postgres_databases: TemplateDatabases) -> Iterator[Engine]:
    """A fresh, migrated PostgreSQL database (clone of the session template) for PostgreSQL-only tests."""
    with postgres_databases.database() as name:
        eng = make_engine(postgres_databases.url(name))
        yield eng
        eng.dispose()


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def engine(request: pytest.FixtureRequest, sqlite_template: sqlite3.Connection) -> Iterator[Engine]:
    """A fresh, migrated database; every test using it runs once on SQLite and once on PostgreSQL.

    SQLite is in memory and shared across threads (Bolt runs listeners on a pool). A test that only makes
    sense on one backend narrows it: ``@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)``.
    """
    if request.param == "postgresql":
        yield request.getfixturevalue("pg_engine")
        return
    eng = make_engine("sqlite://")
    raw = eng.raw_connection()
    sqlite_template.backup(raw.driver_connection)  # type: ignore[arg-type]
    raw.close()
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """The recorded Slack/Teams samples and schemas kept in the repository (``tests/fixtures/``)."""
    if not FIXTURES.is_dir():
        pytest.fail(f"test fixtures not found at {FIXTURES}")
    return FIXTURES


@pytest.fixture(scope="module")
def demo_sessions() -> Iterator[sessionmaker[Session]]:
    """The shipped demo directory imported into a fresh in-memory SQLite database, once per test module."""
    from bot.core.directory.importer import import_files
    from bot.demo import demo_files

    engine = make_engine("sqlite://")
    migrate(engine)
    sessions = session_factory(engine)
    import_files(demo_files(), sessions=sessions)
    yield sessions
    engine.dispose()
