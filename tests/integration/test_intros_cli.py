"""``clustermatch suggest-intros``, ``report intros`` and ``consortium`` end to end on a SQLite file.

Matching quality is not what these check (the unit tests do), so the CLI's embedder is the hashing one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.bootstrap import bootstrap
from bot.cli import app
from bot.config import Settings
from bot.core.intros import texts as t
from bot.core.intros.store import IntroRepository
from bot.core.messages import REQUEST_INTRO, ActionRequest
from matching.embeddings import HashingEmbedder
from tests.unit.intros.conftest import WS, seed


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("DATABASE_URL", "SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "SLACK_STAFF_CHANNEL", "TEAMS_APP_ID",
                 "TEAMS_ANONYMOUS", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setattr("bot.bootstrap.embedder_from_settings", lambda *args, **kwargs: HashingEmbedder())
    container = bootstrap(Settings(data_dir=tmp_path), embedder=HashingEmbedder())
    ids = seed(container.sessions)
    with container.sessions.begin() as s:
        IntroRepository(s).add_rule(ids["carla"], ids["quinn"], "pin", "slack:T1:U-STAFF")
    container.engine.dispose()
    return tmp_path


def test_suggest_intros_json_respects_capacity_competitors_and_pins(data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["suggest-intros", "--capacity", "1", "--threshold", "0", "--json"])
    assert result.exit_code == 0, result.output
    run = json.loads(result.stdout)
    names = [(p["a_name"], p["b_name"]) for p in run["pairs"]]
    members = [n for pair in names for n in pair]
    assert len(members) == len(set(members))  # capacity 1
    assert {frozenset(p) for p in names} >= {frozenset(("Carla Contact", "Quinn Quiet"))}  # the pin
    assert frozenset(("Carla Contact", "Rita Rival")) not in {frozenset(p) for p in names}
    assert run["members"] == 5 and run["batch_id"] and run["status"] == "optimal" and run["posted"] is None
    assert 0 < run["coverage"] <= 1 and run["worst_off_best_score"] is not None
    table = CliRunner().invoke(app, ["suggest-intros", "--capacity", "2"])
    assert table.exit_code == 0 and "worst-off member's best score" in table.output


def test_suggest_intros_bad_options_and_no_staff_channel(data_dir: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["suggest-intros", "--threshold", "2"]).exit_code == 2
    assert runner.invoke(app, ["suggest-intros", "--capacity", "0"]).exit_code == 2
    bad_mode = runner.invoke(app, ["suggest-intros", "--mode", "greedy"])
    assert bad_mode.exit_code == 2 and "coverage or total" in bad_mode.output
    posted = runner.invoke(app, ["suggest-intros", "--threshold", "0", "--post"])
    assert posted.exit_code == 1 and "SLACK_STAFF_CHANNEL" in posted.output


def test_report_intros_counts(data_dir: Path) -> None:
    container = bootstrap(Settings(data_dir=data_dir), embedder=HashingEmbedder())
    intros = container.intros
    intros.delivery.lookup = lambda platform: None  # nothing reaches a chat platform
    intros.request_intro(ActionRequest("slack", WS, "U-MARC", REQUEST_INTRO, "org:weldbot"))
    intros.request_intro(ActionRequest("slack", WS, "U-ANA", REQUEST_INTRO, "org:quietco"))
    intros.act(ActionRequest("slack", WS, "U-QUINN", t.INTRO_DECLINE, "intro:2"))
    container.engine.dispose()
    result = CliRunner().invoke(app, ["report", "intros", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["total"]["requested"] == 2 and report["total"]["declined"] == 1 and report["total"]["open"] == 1
    assert report["by_kind"]["manufacturer"]["declined"] == 1 and report["by_province"]["ON"]["requested"] == 2
    text = CliRunner().invoke(app, ["report", "intros"])
    assert text.exit_code == 0 and "By province" in text.output
    assert CliRunner().invoke(app, ["report", "intros", "--since", "yesterday"]).exit_code == 2


def test_consortium_command(data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["consortium", "robotic TIG welding of aluminium battery trays", "--json"])
    assert result.exit_code == 0, result.output
    teams = json.loads(result.stdout)
    assert teams and all({"Industrial lead", "Technology partner", "Research partner"} <= {m["role"] for m in team[
        "members"]} for team in teams)
    assert all(m["reason"] for team in teams for m in team["members"])
