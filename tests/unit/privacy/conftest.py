"""Fixtures: the seeded world (``world.py``) and the privacy service on a fixed clock."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.core.privacy.service import PrivacyService
from tests.unit.privacy.world import NOW, World, build


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> World:
    return build(sessions)


@pytest.fixture
def privacy(sessions: sessionmaker[Session]) -> PrivacyService:
    return PrivacyService(sessions=sessions, clock=lambda: NOW)
