"""``clustermatch member ...`` and ``clustermatch audit`` end to end: a migrated SQLite file, real commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.commands import directory, member
from bot.config import Settings
from models.db import make_engine, migrate, session_factory
from models.directory import Person, PlatformAccount
from tests.unit.privacy.world import MARIA, MARIA_SLACK, build


@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer()
    member.register(app)
    directory.register(app)
    return app


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"DATA_DIR": str(tmp_path / "var"), "DATABASE_URL": "", "COLUMNS": "200"}


@pytest.fixture
def sessions(env: dict[str, str]) -> sessionmaker[Session]:
    engine = make_engine(Settings.from_env(env).resolved_database_url)
    migrate(engine)
    factory = session_factory(engine)
    build(factory)
    return factory


def audit_lines(runner: CliRunner, cli: typer.Typer, env: dict[str, str], *args: str) -> list[dict[str, object]]:
    result = runner.invoke(cli, ["audit", "--json", *args], env=env)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines() if line.strip()]


def test_export_forget_and_the_audit_trail(cli: typer.Typer, env: dict[str, str], sessions: sessionmaker[Session],
                                           tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "maria.json"
    result = runner.invoke(cli, ["member", "export", MARIA, "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["tables"]["people"][0]["name"] == "Maria Quintessa" and data["counts"]["questions"] == 1

    dry = runner.invoke(cli, ["member", "forget", MARIA_SLACK, "--dry-run"], env=env)
    assert dry.exit_code == 0 and "Would delete" in dry.output and "introductions" in dry.output
    refused = runner.invoke(cli, ["member", "forget", MARIA], input="n\n", env=env)
    assert refused.exit_code == 1
    with sessions() as s:
        assert s.scalars(select(Person).where(Person.external_id == "p-maria-x7")).one_or_none() is not None

    done = runner.invoke(cli, ["member", "forget", MARIA, "--yes"], env=env)
    assert done.exit_code == 0, done.output
    assert "Deleted" in done.output
    with sessions() as s:
        assert s.scalars(select(Person).where(Person.external_id == "p-maria-x7")).one_or_none() is None
    again = runner.invoke(cli, ["member", "export", MARIA], env=env)
    assert json.loads(again.stdout)["counts"]["people"] == 0

    lines = audit_lines(runner, cli, env, "--since", "1d", "--action", "member.")
    assert [e["action"] for e in lines] == ["member.forget", "member.export", "member.export"]
    forget = lines[0]
    assert str(forget["actor"]).startswith("cli:") and str(forget["target"]).startswith("forget:")
    assert "Maria" not in json.dumps(forget) and forget["details"]["deleted"]["people"] == 1  # type: ignore[index]


def test_staff_visibility_change_staff_flag_and_import_are_audited(
    cli: typer.Typer, env: dict[str, str], sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["member", "visibility", "person:p-omar"], env=env).output.strip() == "public"
    changed = runner.invoke(cli, ["member", "visibility", "person:p-omar", "hidden"], env=env)
    assert changed.exit_code == 0 and "public -> hidden" in changed.output
    bad = runner.invoke(cli, ["member", "visibility", "person:p-omar", "everyone"], env=env)
    assert bad.exit_code == 1 and "visibility public" in bad.output
    assert runner.invoke(cli, ["member", "staff", "slack:TCLUSTER:UOMAR"], env=env).exit_code == 0
    with sessions() as s:
        account = s.scalars(select(PlatformAccount).where(PlatformAccount.user_id == "UOMAR")).one()
        assert account.is_staff
    rows = tmp_path / "orgs.csv"
    rows.write_text("kind,external_id,name\nmanufacturer,new-co,NewCo\n")
    imported = runner.invoke(cli, ["import", str(rows)], env=env)
    assert imported.exit_code == 0, imported.output
    actions = [(e["action"], e["target"]) for e in audit_lines(runner, cli, env, "--since", "2h")]
    assert ("visibility.set", "person:p-omar") in actions and ("member.staff", "slack:TCLUSTER:UOMAR") in actions
    [run] = [e for e in audit_lines(runner, cli, env, "--action", "import.run") if e["details"].get("files") == [  # type: ignore[union-attr]
        "orgs.csv"]]
    assert run["details"]["totals"]["created"] == 1  # type: ignore[index]


def test_bad_ids_and_dates_are_named(cli: typer.Typer, env: dict[str, str], sessions: sessionmaker[Session]) -> None:
    runner = CliRunner()
    bad = runner.invoke(cli, ["member", "export", "maria"], env=env)
    assert bad.exit_code == 2 and "person:<external_id>" in bad.output
    since = runner.invoke(cli, ["audit", "--since", "yesterday"], env=env)
    assert since.exit_code == 2 and "--since" in since.output
    table = runner.invoke(cli, ["audit"], env=env)
    assert table.exit_code == 0 and "visibility.set" in table.output
