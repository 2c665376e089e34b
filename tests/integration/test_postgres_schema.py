"""The directory schema behaves the same on SQLite and PostgreSQL; migrations are safe with several workers."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, select, text

from models.db import alembic_config, make_engine, migrate, postgres_url, session_factory
from models.directory import DirectoryVersion, EmbeddingCache, FundingStream, Organization, PlatformAccount
from tests.postgres_support import TemplateDatabases


def _utc(value: datetime) -> datetime:
    """SQLite hands timestamps back without a zone (stored as UTC text); PostgreSQL with one."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def test_directory_values_round_trip(engine: Engine) -> None:
    sessions = session_factory(engine)
    created = datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)
    vector = bytes(range(256)) * 3  # every byte value, as float32 vectors are stored
    with sessions.begin() as s:
        s.add(Organization(external_id="o-1", name="Soudure Précise", kind="manufacturer", created_at=created,
                           sectors=["aérospatiale", "automotive"], languages=["fr", "en"]))
        s.add(PlatformAccount(platform="teams", workspace_id="tenant", user_id="u1", active=False, is_staff=True,
                              conversation_ref={"conversation": {"id": "a:1"}, "serviceUrl": None, "n": [1, 2.5]}))
        s.add(EmbeddingCache(content_hash="h" * 64, model_id="m", dim=192, vector=vector))
        s.add(FundingStream(external_id="f-1", name="Fund", opens_on=date(2026, 1, 31), max_contribution_cad=2.5e6))
    with sessions() as s:
        org = s.scalars(select(Organization)).one()
        account = s.scalars(select(PlatformAccount)).one()
        cached = s.scalars(select(EmbeddingCache)).one()
        fund = s.scalars(select(FundingStream)).one()
    assert org.sectors == ["aérospatiale", "automotive"] and org.languages == ["fr", "en"]
    assert _utc(org.created_at) == created
    assert account.conversation_ref == {"conversation": {"id": "a:1"}, "serviceUrl": None, "n": [1, 2.5]}
    assert account.active is False and account.is_staff is True
    assert isinstance(cached.vector, bytes) and cached.vector == vector
    assert fund.opens_on == date(2026, 1, 31) and fund.max_contribution_cad == 2.5e6
    if engine.dialect.name == "postgresql":  # sessions run in UTC, whatever the server's zone
        assert org.created_at.utcoffset() == timedelta(0)


@pytest.mark.postgres
@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)  # SQLite compares the stored wall-clock text
def test_aware_timestamps_compare_across_zones_on_postgresql(engine: Engine) -> None:
    toronto = timezone(timedelta(hours=-5))
    sessions = session_factory(engine)
    with sessions.begin() as s:
        s.add(DirectoryVersion(id=1, version=3, updated_at=datetime(2026, 1, 1, 7, 0, tzinfo=toronto)))
    with sessions() as s:
        later = s.scalars(select(DirectoryVersion).where(
            DirectoryVersion.updated_at > datetime(2026, 1, 1, 11, 59, tzinfo=UTC))).all()
    assert [v.version for v in later] == [3]  # 07:00 in Toronto is 12:00 UTC


@pytest.mark.parametrize("url", ["postgres://u:p@db.example/cm", "postgresql://u:p@db.example/cm"])
def test_postgres_urls_use_psycopg_whatever_their_spelling(url: str) -> None:
    assert postgres_url(url) == "postgresql+psycopg://u:p@db.example/cm"
    engine = make_engine(url)  # no connection is made
    assert engine.dialect.driver == "psycopg"
    engine.dispose()


@pytest.mark.postgres
def test_workers_migrating_at_once_do_not_collide(postgres_databases: TemplateDatabases) -> None:
    """Every web worker runs the migrations at start-up; an advisory lock lets exactly one do the work."""
    admin = create_engine(postgres_databases.url("postgres"), isolation_level="AUTOCOMMIT")
    name = f"{postgres_databases.prefix}_race"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
    engines = [make_engine(postgres_databases.url(name)) for _ in range(3)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(engines))

    def worker(engine: Engine) -> None:
        try:
            start.wait()
            migrate(engine)
        except BaseException as exc:  # reported below
            errors.append(exc)

    try:
        threads = [threading.Thread(target=worker, args=(e,)) for e in engines]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert errors == []
        with engines[0].connect() as conn:
            heads = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
            assert conn.execute(text("SELECT count(*) FROM organizations")).scalar() == 0
        assert heads == set(ScriptDirectory.from_config(alembic_config()).get_heads())
    finally:
        for e in engines:
            e.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
