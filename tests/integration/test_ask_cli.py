"""``clustermatch ask --json`` and ``clustermatch chat`` (piped input) end to end, real model, SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.bootstrap import bootstrap
from bot.cli import app
from bot.config import Settings
from matching.embeddings import HashingEmbedder
from tests.unit.core.conftest import seed_directory

pytestmark = pytest.mark.model


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A seeded SQLite directory in DATA_DIR, the way the CLI finds it (settings from the environment)."""
    for name in ("DATABASE_URL", "SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "TEAMS_APP_ID", "TEAMS_ANONYMOUS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    container = bootstrap(Settings(data_dir=tmp_path), embedder=HashingEmbedder())
    seed_directory(container.sessions)
    container.engine.dispose()
    return tmp_path


def test_ask_json(data_dir: Path) -> None:
    result = CliRunner().invoke(
        app, ["ask", "we need help automating TIG welding of aluminium battery trays", "--json"]
    )
    assert result.exit_code == 0, result.output
    reply = json.loads(result.stdout)
    refs = [s["ref"] for section in reply["sections"] for s in section["suggestions"]]
    assert {"org:weldtech", "person:r-weld"} <= set(refs)
    scores = {s["ref"]: s["score"] for section in reply["sections"] for s in section["suggestions"]}
    assert scores["org:weldtech"] == max(scores.values())
    assert reply["query_id"] and reply["suggestion_count"] == len(refs)
    first = reply["sections"][0]["suggestions"][0]
    assert first["reason"] and set(first) >= {"ref", "kind", "title", "subtitle", "reason", "shared_terms", "actions"}


@pytest.mark.parametrize("ranker", ["formula", "learned"])
def test_ask_explain_gives_feature_contributions_that_add_up(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, ranker: str
) -> None:
    monkeypatch.setenv("RANKER", ranker)
    question = "we need help automating TIG welding of aluminium battery trays"
    result = CliRunner().invoke(app, ["ask", question, "--json", "--explain"])
    assert result.exit_code == 0, result.output
    reply = json.loads(result.stdout)
    refs = [s["ref"] for section in reply["sections"] for s in section["suggestions"]]
    assert set(reply["explain"]) == set(refs) and refs
    from matching.features import FEATURES
    from matching.ranker_io import load_ranker

    top = reply["explain"]["org:weldtech"]
    assert len(top) == 5 and set(top) <= set(FEATURES)
    assert list(map(abs, top.values())) == sorted(map(abs, top.values()), reverse=True)
    assert load_ranker()[0].coef_.shape == (len(FEATURES),)


def test_ask_kind_option_and_bad_kind(data_dir: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["ask", "TIG welding of aluminium", "--kind", "courses", "--json"])
    assert result.exit_code == 0, result.output
    kinds = {s["kind"] for sec in json.loads(result.stdout)["sections"] for s in sec["suggestions"]}
    assert kinds == {"course"}
    bad = runner.invoke(app, ["ask", "welding", "--kind", "spaceships"])
    assert bad.exit_code == 2 and "spaceships" in bad.output and "researchers" in bad.output


def test_chat_reads_piped_lines_until_end_of_input(data_dir: Path) -> None:
    lines = "help\nTIG welding of aluminium battery trays\nsave 1\nnot 2\nsaved\n"  # no "quit": EOF ends it
    result = CliRunner().invoke(app, ["chat"], input=lines)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "> TIG welding of aluminium battery trays" in out
    assert " 1. " in out and "Why: " in out
    assert "Saved " in out and "will not show" in out and "Saved matches" in out


def test_run_without_credentials_is_the_terminal_chat(data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["run"], input="laser cladding of turbine blades\nquit\n")
    assert result.exit_code == 0, result.output
    assert "starting the terminal chat" in result.output
    assert "Polytechnique Lab" in result.stdout


def test_ranker_setting_picks_the_ranking_and_a_bad_model_file_falls_back(data_dir: Path, tmp_path: Path) -> None:
    question = "we need help automating TIG welding of aluminium battery trays"
    bad = tmp_path / "bad-ranker.json"
    bad.write_text("{}")
    answers = {}
    for name, settings in {
        "formula": Settings(data_dir=data_dir),
        "learned": Settings(data_dir=data_dir, ranker="learned"),
        "broken": Settings(data_dir=data_dir, ranker="learned", ranker_path=str(bad)),
    }.items():
        container = bootstrap(settings, embedder=HashingEmbedder())
        answers[name] = (container.catalog.ranker is not None, [s.score for s in container.catalog.search(question)])
        container.engine.dispose()
    assert answers["formula"][0] is False and answers["learned"][0] is True and answers["broken"][0] is False
    assert answers["broken"][1] == answers["formula"][1]  # the formula answered
    assert answers["learned"][1] != answers["formula"][1]  # learned scores are the ranker's, not the formula's
