"""Teams test fixtures: the production Teams wiring around a fake core, a real database, a fake connector."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.teams.app import TeamsRuntime, build_teams
from bot.teams.proactive import RetryPolicy
from tests.unit.teams.fake_connector import FakeConnector
from tests.unit.teams.support import FakeCore, anonymous_connections, teams_container

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(autouse=True)
def no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any name lookup or connection to a non-local host fails the test: nothing may reach Microsoft."""
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in LOCAL_HOSTS:
            raise AssertionError(f"test tried to resolve {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(self: socket.socket, address: Any) -> Any:
        if isinstance(address, tuple) and address[0] not in LOCAL_HOSTS:
            raise AssertionError(f"test tried to connect to {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture
def fake_core() -> FakeCore:
    return FakeCore()


@pytest.fixture
def teams_settings() -> Settings:
    return Settings(teams_anonymous=True)


@pytest.fixture
def runtime(fake_core: FakeCore, sessions: sessionmaker[Session], teams_settings: Settings) -> TeamsRuntime:
    """The production wiring (routes, hooks, sender) around the fake core and a real database."""
    container = teams_container(sessions, teams_settings, fake_core)
    return build_teams(container, connections=anonymous_connections(), policy=RetryPolicy(min_interval=0))


@pytest.fixture
def connector() -> Iterator[FakeConnector]:
    with FakeConnector() as fake:
        yield fake
