"""The directory commands end to end: a fresh data folder, real migrations, real files."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bot.commands import directory
from bot.config import Settings
from models.db import make_engine, session_factory
from models.repositories import DirectoryRepository
from tests.unit.directory.snapshot import counts


@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer()
    directory.register(app)
    return app


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"DATA_DIR": str(tmp_path / "var"), "DATABASE_URL": "", "COLUMNS": "200"}


def _sessions(env: dict[str, str]):  # type: ignore[no-untyped-def]
    settings = Settings.from_env(env)
    return session_factory(make_engine(settings.resolved_database_url))


def test_migrate_then_load_demo_twice(cli: typer.Typer, env: dict[str, str]) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["migrate"], env=env)
    assert result.exit_code == 0, result.output
    assert " is at " in result.output and "(empty)" not in result.output
    first = runner.invoke(cli, ["load-demo"], env=env)
    assert first.exit_code == 0, first.output
    assert "manufacturer" in first.output and "Directory version 0 -> 1" in first.output
    sessions = _sessions(env)
    loaded = counts(sessions)
    assert loaded["organizations"] >= 150 and loaded["courses"] >= 100
    second = runner.invoke(cli, ["load-demo"], env=env)
    assert second.exit_code == 0, second.output
    assert "Nothing changed; the directory version stays at 1." in second.output
    assert counts(sessions) == loaded


def test_import_reports_problems_and_exits_non_zero(cli: typer.Typer, env: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "members.csv"
    bad.write_text("kind,external_id,name,province\nmanufacturer,m1,Good Co,ON\nmanufacturer,m2,Bad Co,Ontari\n")
    result = CliRunner().invoke(cli, ["import", str(bad)], env=env)
    assert result.exit_code == 1
    assert "1 problem(s) found; nothing was imported." in result.output
    assert "members.csv: row 2 (line 3): field 'province': 'Ontari' is not a Canadian province" in result.output
    assert "Traceback" not in result.output
    assert counts(_sessions(env))["organizations"] == 0


def test_import_kind_option_dry_run_and_export_round_trip(
    cli: typer.Typer, env: dict[str, str], tmp_path: Path
) -> None:
    runner = CliRunner()
    courses = tmp_path / "courses.jsonl"
    courses.write_text('{"external_id": "c1", "title": "Cobot safety", "skills": ["ISO/TS 15066"]}\n')
    dry = runner.invoke(cli, ["import", str(courses), "--kind", "course", "--dry-run"], env=env)
    assert dry.exit_code == 0, dry.output
    assert "Dry run: nothing was written." in dry.output
    assert counts(_sessions(env))["courses"] == 0
    real = runner.invoke(cli, ["import", str(courses), "--kind", "course"], env=env)
    assert real.exit_code == 0 and "Directory version 0 -> 1" in real.output
    out = tmp_path / "export"
    exported = runner.invoke(cli, ["export", "--out", str(out), "--format", "csv"], env=env)
    assert exported.exit_code == 0, exported.output
    again = runner.invoke(cli, ["import", *(str(p) for p in sorted(out.glob("*.csv")))], env=env)
    assert again.exit_code == 0 and "Nothing changed" in again.output
    with _sessions(env)() as s:
        assert DirectoryRepository(s).get("course:c1").skills == ["ISO/TS 15066"]  # type: ignore[union-attr]
    bad_format = runner.invoke(cli, ["export", "--out", str(out), "--format", "xlsx"], env=env)
    assert bad_format.exit_code == 1 and "use one of jsonl, csv" in bad_format.output
