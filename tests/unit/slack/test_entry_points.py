from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from bot.bootstrap import bootstrap
from bot.cli import app as cli
from bot.config import ConfigError, Settings
from bot.slack.app import build_app
from bot.web import create_app
from matching.embeddings import HashingEmbedder


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_without_slack_settings_there_are_no_slack_routes(engine: Engine) -> None:
    container = bootstrap(Settings(), engine=engine, embedder=HashingEmbedder())
    assert container.platforms == {}
    with TestClient(create_app(Settings(), container)) as client:
        assert client.post("/slack/events", content=b"{}").status_code == 404
        health = client.get("/healthz").json()
        assert health["status"] == "ok" and "slack" not in health


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_token_without_signing_secret_says_which_variable_is_missing(engine: Engine) -> None:
    settings = Settings(slack_bot_token="xoxb-1")  # enough to send digests from the clock, not to receive
    container = bootstrap(settings, engine=engine, embedder=HashingEmbedder())
    with TestClient(create_app(settings, container)) as client:
        for resp in (client.post("/slack/events", content=b"{}"), client.get("/slack/install")):
            assert resp.status_code == 503 and "SLACK_SIGNING_SECRET" in resp.text
        assert client.get("/healthz").json()["slack"] == "off"


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_oauth_pages_are_404_in_single_workspace_mode(engine: Engine) -> None:
    settings = Settings(slack_signing_secret="s", slack_bot_token="xoxb-1")
    container = bootstrap(settings, engine=engine, embedder=HashingEmbedder())
    with TestClient(create_app(settings, container)) as client:
        resp = client.get("/slack/install")
        assert resp.status_code == 404 and "SLACK_CLIENT_ID" in resp.text
        assert client.get("/healthz").json()["slack"] == "single-workspace"


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_build_app_names_the_missing_variable(engine: Engine) -> None:
    container = bootstrap(Settings(), engine=engine, embedder=HashingEmbedder())
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        build_app(container, settings=Settings(slack_bot_token="xoxb-1"))
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
        build_app(container, settings=Settings(slack_signing_secret="s"))
    app = build_app(container, settings=Settings(slack_bot_token="xoxb-1"), socket_mode=True)  # no secret needed
    assert app.oauth_flow is None


def test_serve_runs_the_procfile_factory_on_port(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: seen.update(target=target, **kw))
    monkeypatch.setenv("PORT", "4321")
    result = CliRunner().invoke(cli, ["serve", "--host", "127.0.0.1"])
    assert result.exit_code == 0, result.output
    assert seen["target"] == "bot.web:create_app" and seen["factory"] is True
    assert (seen["host"], seen["port"], seen["workers"]) == ("127.0.0.1", 4321, 1)
    assert "Slack is off" in result.output
    monkeypatch.delenv("PORT")
    CliRunner().invoke(cli, ["serve", "--host", "127.0.0.1"])
    assert seen["port"] == 3000


def test_socket_mode_needs_an_app_token() -> None:
    result = CliRunner().invoke(cli, ["socket"])
    assert result.exit_code == 2 and "SLACK_APP_TOKEN" in result.output
