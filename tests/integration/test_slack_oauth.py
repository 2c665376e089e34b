"""Multi-workspace mode: slack_sdk's SQLAlchemy stores on our migrated tables, over real HTTP."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import func, select

from bot.bootstrap import Container, bootstrap
from bot.config import Settings
from bot.slack.app import build_app
from bot.web import create_app
from matching.embeddings import HashingEmbedder
from models.db import make_engine
from models.slack import slack_bots, slack_installations, slack_oauth_states
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_harness import (
    SECRET,
    LiveServer,
    app_mention,
    clear_slack_env,
    event_request,
    payload,
    seed_directory,
    with_slack_app,
)

CLIENT_ID = "111.222"


@dataclass
class OAuthStack:
    fake: FakeSlackApi
    server: LiveServer
    container: Container
    app: App


@pytest.fixture
def oauth(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OAuthStack]:
    clear_slack_env(monkeypatch)
    with FakeSlackApi() as fake:
        settings = Settings(data_dir=tmp_path, slack_signing_secret=SECRET, slack_client_id=CLIENT_ID,
                            slack_client_secret="client-secret", slack_api_url=fake.api_url)
        container = bootstrap(settings, engine=make_engine(f"sqlite:///{tmp_path / 'oauth.sqlite3'}"),
                              embedder=HashingEmbedder())
        seed_directory(container.sessions)
        app = build_app(container, settings=settings)
        with LiveServer(create_app(settings, with_slack_app(container, app))) as server:
            yield OAuthStack(fake, server, container, app)
        container.engine.dispose()


def count(stack: OAuthStack, table: Any) -> int:
    with stack.container.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def install(stack: OAuthStack, team_id: str = "T111", token: str = "xoxb-installed") -> None:
    assert stack.app.installation_store is not None
    stack.app.installation_store.save(Installation(
        app_id="A111", enterprise_id="E111", team_id=team_id, bot_token=token, bot_id="B9", bot_user_id="U9",
        bot_scopes="chat:write,commands", user_id="W111",
    ))


def test_install_page_issues_a_state_in_our_table(oauth: OAuthStack) -> None:
    resp = oauth.server.client.get("/slack/install")
    assert resp.status_code == 200
    assert f"client_id={CLIENT_ID}" in resp.text and "scope=app_mentions:read,channels:read," in resp.text
    assert count(oauth, slack_oauth_states) == 1
    assert oauth.server.client.get("/healthz").json()["slack"] == "oauth"


def test_redirect_with_a_forged_state_installs_nothing(oauth: OAuthStack) -> None:
    resp = oauth.server.client.get("/slack/oauth_redirect", params={"code": "c1", "state": "forged"})
    assert resp.status_code >= 400
    assert oauth.fake.calls_to("oauth.v2.access") == [] and count(oauth, slack_installations) == 0


def test_events_use_the_token_stored_for_their_workspace(oauth: OAuthStack) -> None:
    install(oauth)
    assert count(oauth, slack_installations) == 1 and count(oauth, slack_bots) == 1
    oauth.server.post(*event_request(app_mention("<@U9> TIG welding automation", event_id="EvO1")))
    [call] = oauth.fake.wait_for("chat.postMessage")
    assert call.token == "xoxb-installed" and call.params["channel"] == "C111"
    assert oauth.fake.calls_to("auth.test") == []


def test_uninstall_removes_the_installation(oauth: OAuthStack) -> None:
    install(oauth)
    body = payload("test_events__app_uninstalled_body")
    body["event_id"] = "EvO2"
    assert oauth.server.post(*event_request(body)).status_code == 200
    assert count(oauth, slack_installations) == 0 and count(oauth, slack_bots) == 0
    # a later event from that workspace is not authorized: nothing is posted
    oauth.server.post(*event_request(app_mention("<@U9> welding", event_id="EvO3")))
    time.sleep(0.4)
    assert oauth.fake.calls_to("chat.postMessage") == []


def test_revoked_bot_token_is_deleted(oauth: OAuthStack) -> None:
    install(oauth)
    body = payload("test_events__tokens_revoked_body")
    body["event_id"] = "EvO4"
    assert oauth.server.post(*event_request(body)).status_code == 200
    assert count(oauth, slack_bots) == 0
