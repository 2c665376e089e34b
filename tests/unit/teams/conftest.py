"""Teams test fixtures: the production Teams wiring around a fake core, a real database, a fake connector."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.teams.app import TeamsRuntime, build_teams
from bot.teams.proactive import RetryPolicy
from tests.unit.teams.fake_connector import FakeConnector
from tests.unit.teams.support import FakeCore, anonymous_connections


@pytest.fixture
def fake_core() -> FakeCore:
    return FakeCore()


@pytest.fixture
def teams_settings() -> Settings:
    return Settings(teams_anonymous=True)


@pytest.fixture
def runtime(fake_core: FakeCore, sessions: sessionmaker[Session], teams_settings: Settings) -> TeamsRuntime:
    """The production wiring (routes, hooks, sender) around the fake core and a real database."""
    container = SimpleNamespace(
        settings=teams_settings, sessions=sessions, services={}, ask=fake_core.ask, act=fake_core.act
    )
    return build_teams(container, connections=anonymous_connections(), policy=RetryPolicy(min_interval=0))


@pytest.fixture
def connector() -> Iterator[FakeConnector]:
    with FakeConnector() as fake:
        yield fake
