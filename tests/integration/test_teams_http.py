"""``POST /api/messages`` on the real web app (``create_app``): anonymous local mode and JWT-protected mode.

Outgoing connector calls go to a local fake Bot Connector (the activity's ``serviceUrl``); a guard makes any
attempt to resolve or reach a host other than 127.0.0.1 fail the test, so nothing can reach Microsoft.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.bootstrap import Container, bootstrap
from bot.config import Settings
from bot.web import create_app
from matching.embeddings import HashingEmbedder
from models.directory import PlatformAccount
from tests.unit.core.conftest import seed_directory
from tests.unit.teams.cards import assert_valid_card, cards_in, texts_of
from tests.unit.teams.fake_connector import FakeConnector
from tests.unit.teams.support import BOT_APP_ID, load_sample

pytestmark = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
PAYLOAD = "agents-sdk-samples/teams_personal_message_activity.payload.json"
LOCAL = {"127.0.0.1", "localhost", "testserver", "::1"}


@pytest.fixture(autouse=True)
def no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly on any name lookup or connection that is not local."""
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in LOCAL:
            raise AssertionError(f"test tried to resolve {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(self: socket.socket, address: Any) -> Any:
        if isinstance(address, tuple) and address[0] not in LOCAL:
            raise AssertionError(f"test tried to connect to {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture
def connector() -> Iterator[FakeConnector]:
    with FakeConnector() as fake:
        yield fake


def _container(settings: Settings, engine: Engine) -> Container:
    container = bootstrap(settings, engine=engine, embedder=HashingEmbedder(), run_migrations=False)
    seed_directory(container.sessions)
    return container


@contextmanager
def _client(container: Container) -> Iterator[TestClient]:
    """The real app under TestClient, once the catalog's warm-up thread is done.

    The in-memory SQLite of these tests is one connection shared by every thread (``StaticPool``): a warm-up
    session closing (ROLLBACK) while a turn has an account insert in flight would undo the insert, so the
    requests wait for the warm-up (file SQLite and PostgreSQL give each session its own connection).
    """
    with TestClient(create_app(container.settings, container)) as client:
        client.app.state.warm_up.join(timeout=60)  # type: ignore[attr-defined]
        yield client
    container.catalog.start_warm_up().join(timeout=60)


def _accounts(sessions: sessionmaker[Session]) -> list[PlatformAccount]:
    with sessions() as session:
        return list(session.scalars(select(PlatformAccount).where(PlatformAccount.platform == "teams")))


def test_anonymous_mode_answers_the_sample_payload_with_expected_replies(engine: Engine, tmp_path: Path) -> None:
    container = _container(Settings(teams_anonymous=True, data_dir=tmp_path), engine)
    with _client(container) as client:
        response = client.post("/api/messages", json=load_sample(PAYLOAD))

    assert response.status_code == 200  # expectReplies: the replies come back in the HTTP response
    messages = [a for a in response.json()["activities"] if a["type"] == "message"]
    [card] = cards_in(messages[-1])
    assert_valid_card(card)
    [account] = _accounts(container.sessions)
    assert account.user_id == "00000000-0000-0000-0000-0000000000020"
    assert account.conversation_ref is not None
    assert account.conversation_ref["serviceUrl"] == "http://localhost:49231/_connector"


def test_anonymous_mode_posts_the_answer_card_to_the_connector(
    engine: Engine, tmp_path: Path, connector: FakeConnector
) -> None:
    container = _container(Settings(teams_anonymous=True, data_dir=tmp_path), engine)
    activity = load_sample(PAYLOAD)
    del activity["delivery_mode"]
    activity.update(serviceUrl=connector.url, text="we need help automating TIG welding of aluminium battery trays")
    with _client(container) as client:
        response = client.post("/api/messages", json=activity)

    assert response.status_code == 202
    [reply] = connector.messages
    assert reply.path == "/v3/conversations/personal-chat-id/activities"
    assert reply.card is not None
    assert_valid_card(reply.card)
    assert "WeldTech Robotics" in texts_of(reply.card)
    assert reply.body["summary"].startswith('Here is what matches "we need help automating TIG welding')


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-jwt", "Basic dXNlcjpwYXNz", "Bearer"])
def test_without_a_valid_token_the_request_is_refused(
    engine: Engine, tmp_path: Path, connector: FakeConnector, authorization: str | None
) -> None:
    settings = Settings(
        teams_app_id=BOT_APP_ID, teams_app_password="not-a-real-secret", teams_tenant_id="tenant", data_dir=tmp_path
    )
    container = _container(settings, engine)
    activity = load_sample(PAYLOAD)
    activity.update(serviceUrl=connector.url, text="TIG welding")
    headers = {"Authorization": authorization} if authorization else {}
    with _client(container) as client:
        response = client.post("/api/messages", json=activity, headers=headers)

    assert response.status_code == 401
    assert connector.calls == [] and _accounts(container.sessions) == []
    with container.sessions() as session:
        assert session.scalar(select(func.count()).select_from(PlatformAccount)) == 1  # only the seeded Slack one


def test_no_teams_route_when_teams_is_not_configured(engine: Engine, tmp_path: Path) -> None:
    container = _container(Settings(data_dir=tmp_path), engine)
    with _client(container) as client:
        assert client.post("/api/messages", json=load_sample(PAYLOAD)).status_code in (404, 405)
