"""Engines, sessions and migrations. The caller owns every transaction (``with factory.begin()``)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK_KEY = 0x636C75737465  # PostgreSQL advisory lock held while migrating ("cluste")


def make_engine(url: str, **kwargs: object) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, WAL and a busy timeout, in-memory a shared pool.

    PostgreSQL gets psycopg 3 whatever the URL's spelling, and UTC sessions.
    """
    if url.startswith("sqlite"):
        connect_args = {"check_same_thread": False, "timeout": 30}
        if url in ("sqlite://", "sqlite:///:memory:"):
            engine = create_engine(url, poolclass=StaticPool, connect_args=connect_args, **kwargs)  # type: ignore[arg-type]
        else:
            path = url.split("sqlite:///", 1)[-1]
            if path:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args=connect_args, **kwargs)  # type: ignore[arg-type]

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if url not in ("sqlite://", "sqlite:///:memory:"):
                cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    if url.startswith("postgres"):
        # Sessions in UTC: timestamptz values come back as aware UTC datetimes whatever the server's zone.
        extra = kwargs.pop("connect_args", None)
        pg_args: dict[str, object] = {"options": "-c timezone=UTC", **(extra if isinstance(extra, dict) else {})}
        return create_engine(postgres_url(url), pool_pre_ping=True, connect_args=pg_args, **kwargs)  # type: ignore[arg-type]
    return create_engine(url, pool_pre_ping=True, **kwargs)  # type: ignore[arg-type]


def postgres_url(url: str) -> str:
    """``postgres://`` / ``postgresql://`` URLs name no driver (SQLAlchemy would pick psycopg2): use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def migrate(engine: Engine, revision: str = "heads") -> None:
    """Bring the schema to ``revision`` (default: every head) with Alembic, on this engine's connection."""
    cfg = alembic_config(engine)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Several web workers start at once: one migrates, the others wait here, then find nothing to do.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)
