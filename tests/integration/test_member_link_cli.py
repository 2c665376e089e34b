"""``clustermatch member link|unlink`` end to end: a migrated SQLite file, real commands, the audit trail."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from sqlalchemy import select
from typer.testing import CliRunner

from bot.commands import member
from bot.config import Settings
from models.db import make_engine, migrate, session_factory
from models.directory import PlatformAccount
from tests.unit.members.conftest import seed_members


def test_link_then_unlink_with_audit(tmp_path: Path) -> None:
    env = {"DATA_DIR": str(tmp_path / "var"), "DATABASE_URL": "", "COLUMNS": "200"}
    engine = make_engine(Settings.from_env(env).resolved_database_url)
    migrate(engine)
    sessions = session_factory(engine)
    seed_members(sessions)
    cli = typer.Typer()
    member.register(cli)
    runner = CliRunner()

    bad = runner.invoke(cli, ["member", "link", "person:p-ana", "person:p-ana"], env=env)
    assert bad.exit_code == 2 and "Give a chat account" in bad.output
    unknown = runner.invoke(cli, ["member", "link", "slack:T1:U1", "person:ghost"], env=env)
    assert unknown.exit_code == 1 and "No person person:ghost" in unknown.output
    done = runner.invoke(cli, ["member", "link", "slack:T1:U1", "person:p-ana", "--admin"], env=env)
    assert done.exit_code == 0, done.output
    assert "Linked: you are Ana Ruiz (Acme Tooling)" in done.output
    with sessions() as s:
        account = s.scalars(select(PlatformAccount)).one()
        assert account.org_admin and account.person is not None and account.person.external_id == "p-ana"
    off = runner.invoke(cli, ["member", "unlink", "slack:T1:U1"], env=env)
    assert off.exit_code == 0 and "no longer linked from Ana Ruiz" in off.output
    log = runner.invoke(cli, ["audit", "--json", "--action", "member."], env=env)
    actions = [json.loads(line)["action"] for line in log.output.splitlines() if line.strip()]
    assert actions == ["member.unlink", "member.link"]
    with sessions() as s:
        assert s.scalars(select(PlatformAccount)).one().person_id is None
    engine.dispose()
