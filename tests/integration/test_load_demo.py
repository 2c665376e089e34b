"""``clustermatch load-demo`` (run by ``make run``) never mixes the fictional demo into a directory holding other data.

``DEMO_LOAD=auto`` (default) loads into an empty or demo-only directory and refuses any other, writing nothing;
``--force`` or ``DEMO_LOAD=force`` loads anyway; ``DEMO_LOAD=skip`` loads nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from click.testing import Result
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.commands import directory
from bot.config import ConfigError, Settings
from bot.demo import demo_external_ids, rows_not_from_demo
from models.db import make_engine, session_factory
from models.directory import Organization
from models.privacy import AuditEntry
from models.repositories import DirectoryRepository
from tests.unit.directory.snapshot import counts, snapshot

MEMBERS = "kind,external_id,name,province\nmanufacturer,acme-real,Acme Real Stamping,ON\n"
PEOPLE = "kind,external_id,name,organization\nperson,pat-real,Pat Real,acme-real\n"


@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer()
    directory.register(app)
    return app


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"DATA_DIR": str(tmp_path / "var"), "DATABASE_URL": "", "COLUMNS": "200"}


@pytest.fixture
def db(env: dict[str, str]) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(Settings.from_env(env).resolved_database_url)
    yield session_factory(engine)
    engine.dispose()


def run(cli: typer.Typer, env: dict[str, str], *args: str, **extra: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={**env, **extra})


def import_other_data(cli: typer.Typer, env: dict[str, str], tmp_path: Path) -> None:
    """An organization and a person from elsewhere (not the demo's), imported the ordinary way."""
    (tmp_path / "members.csv").write_text(MEMBERS)
    (tmp_path / "people.csv").write_text(PEOPLE)
    result = run(cli, env, "import", str(tmp_path / "members.csv"), str(tmp_path / "people.csv"))
    assert result.exit_code == 0, result.output


def state(db: sessionmaker[Session]) -> tuple[Any, int, int]:
    """Every directory row, the directory version and the audit log's length: what "nothing written" means."""
    with db() as s:
        version = DirectoryRepository(s).current_version()
        audits = int(s.scalar(select(func.count()).select_from(AuditEntry)) or 0)
    return snapshot(db), version, audits


def demo_size() -> dict[str, int]:
    return {model.__tablename__: len(ids) for model, ids in demo_external_ids().items()}


def test_loads_into_an_empty_directory(cli: typer.Typer, env: dict[str, str],
                                       db: sessionmaker[Session]) -> None:
    result = run(cli, env, "load-demo")
    assert result.exit_code == 0, result.output
    assert "Directory version 0 -> 1" in result.output
    assert counts(db) == demo_size()
    with db() as s:
        assert rows_not_from_demo(s) == {}


def test_runs_again_on_a_demo_only_directory(cli: typer.Typer, env: dict[str, str],
                                             db: sessionmaker[Session]) -> None:
    assert run(cli, env, "load-demo").exit_code == 0
    loaded = snapshot(db)
    again = run(cli, env, "load-demo")
    assert again.exit_code == 0, again.output
    assert "Nothing changed; the directory version stays at 1." in again.output
    assert snapshot(db) == loaded
    # a demo row edited since (by staff, or by hand) is still the demo's: the next load puts it back
    with db.begin() as s:
        s.execute(update(Organization).where(Organization.external_id == "ri-tamarack-u").values(description="x"))
    restored = run(cli, env, "load-demo")
    assert restored.exit_code == 0, restored.output
    assert snapshot(db) == loaded


@pytest.mark.parametrize("demo_first", [False, True], ids=["other-data-only", "demo-then-other-data"])
def test_refuses_a_directory_holding_other_data_and_writes_nothing(
    cli: typer.Typer, env: dict[str, str], db: sessionmaker[Session], tmp_path: Path, demo_first: bool
) -> None:
    if demo_first:
        assert run(cli, env, "load-demo").exit_code == 0
    import_other_data(cli, env, tmp_path)
    before = state(db)
    result = run(cli, env, "load-demo")
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    assert "not the demo's (organizations: 1, people: 1)" in message and "nothing was written" in message
    assert "clustermatch load-demo --force" in message and "DEMO_LOAD=force" in message
    assert "DEMO_LOAD=skip" in message and "Traceback" not in result.output
    assert state(db) == before


@pytest.mark.parametrize(("args", "extra"), [(["--force"], {}), ([], {"DEMO_LOAD": "force"})],
                         ids=["--force", "DEMO_LOAD=force"])
def test_force_loads_the_demo_beside_other_data(
    cli: typer.Typer, env: dict[str, str], db: sessionmaker[Session], tmp_path: Path,
    args: list[str], extra: dict[str, str],
) -> None:
    import_other_data(cli, env, tmp_path)
    result = run(cli, env, "load-demo", *args, **extra)
    assert result.exit_code == 0, result.output
    expected = demo_size()
    expected["organizations"] += 1
    expected["people"] += 1
    assert counts(db) == expected
    with db() as s:
        assert rows_not_from_demo(s) == {"organizations": 1, "people": 1}


def test_skip_loads_nothing(cli: typer.Typer, env: dict[str, str], db: sessionmaker[Session],
                            tmp_path: Path) -> None:
    import_other_data(cli, env, tmp_path)
    before = state(db)
    result = run(cli, env, "load-demo", DEMO_LOAD="skip")
    assert result.exit_code == 0, result.output
    assert "DEMO_LOAD=skip: the demo directory was not loaded." in result.output
    assert state(db) == before


def test_an_unknown_demo_load_names_the_variable() -> None:
    assert Settings.from_env({}).demo_load == "auto"
    with pytest.raises(ConfigError, match="DEMO_LOAD must be 'auto', 'force' or 'skip', got 'yes'"):
        Settings.from_env({"DEMO_LOAD": "yes"})
