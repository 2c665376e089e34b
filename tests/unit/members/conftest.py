"""A small directory with imported people (some sharing an e-mail) for the members' unit tests."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from models.directory import Organization, Person
from models.repositories import DirectoryRepository


def seed_members(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        repo = DirectoryRepository(s)
        acme, _ = repo.upsert(Organization, "acme", {"name": "Acme Tooling", "kind": "manufacturer",
                                                    "capabilities": "Deep drawing of aluminium trays.",
                                                    "needs": "Welding automation."})
        other, _ = repo.upsert(Organization, "weldco", {"name": "WeldCo", "kind": "technology_firm",
                                                       "capabilities": "Robotic welding cells."})
        s.flush()
        repo.upsert(Person, "p-ana", {"name": "Ana Ruiz", "organization_id": acme.id, "email": " Ana@Acme.example "})
        repo.upsert(Person, "p-lee", {"name": "Lee Chan", "organization_id": other.id, "email": "info@shared.example"})
        repo.upsert(Person, "p-kim", {"name": "Kim Roy", "organization_id": other.id, "email": "INFO@shared.example"})


@pytest.fixture
def seeded(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    seed_members(sessions)
    return sessions
