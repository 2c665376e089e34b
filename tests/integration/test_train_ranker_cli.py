"""``clustermatch train-ranker`` on a SQLite file: fits, stores and lists workspace signal models."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.bootstrap import bootstrap
from bot.cli import app
from bot.config import Settings
from bot.core.directory.importer import import_files
from bot.demo import demo_files
from matching.embeddings import HashingEmbedder
from tests.unit.signals.test_signal_service import use_the_bot


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("DATABASE_URL", "SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "TEAMS_APP_ID", "SLACK_CLIENT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setattr("bot.bootstrap.embedder_from_settings", lambda *args, **kwargs: HashingEmbedder())
    return tmp_path


def test_nothing_to_fit_then_a_kept_version_listed(data_dir: Path) -> None:
    runner = CliRunner()
    empty = runner.invoke(app, ["train-ranker"])
    assert empty.exit_code == 0, empty.output
    assert "nothing to fit" in empty.output

    container = bootstrap(Settings(data_dir=data_dir), embedder=HashingEmbedder())
    import_files(demo_files(), sessions=container.sessions)
    container.catalog.warm_up()
    use_the_bot(container.ask)  # six members, three answers each: enough to keep a model
    container.engine.dispose()

    fit = runner.invoke(app, ["train-ranker", "--workspace", "slack:T1"], env={"COLUMNS": "250"})
    assert fit.exit_code == 0, fit.output
    assert "slack:T1" in fit.output and "│ yes" in fit.output and "kept: better" in fit.output
    listed = runner.invoke(app, ["train-ranker", "--list"], env={"COLUMNS": "250"})
    assert listed.exit_code == 0 and "│ 1       │ True   │ True" in listed.output
    bad = runner.invoke(app, ["train-ranker", "--workspace", "T1"])
    assert bad.exit_code == 2 and "<platform>:<workspace id>" in bad.output
