"""A small directory with known ages and deadlines, a member with needs, and a catalog over it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.bootstrap import digest_config
from bot.config import Settings
from bot.core.digest.composer import DigestComposer
from bot.core.digest.service import DigestService
from bot.core.directory.catalog import Catalog
from matching.embeddings import HashingEmbedder
from models.directory import Course, FundingStream, Need, Organization, Person, PlatformAccount
from models.repositories import DirectoryRepository

# Monday of the current week, 15:00 UTC (10:00 or 11:00 in Toronto): the catalog drops funding streams
# that closed before the real today, so the fake clock stays in the real week.
_today = datetime.now(UTC)
NOW = (_today - timedelta(days=_today.weekday())).replace(hour=15, minute=0, second=0, microsecond=0)
TODAY = NOW.date()
NEW = NOW - timedelta(days=2)
OLD = NOW - timedelta(days=90)

ORGS: dict[str, dict[str, Any]] = {
    "weldtech": dict(name="WeldTech Robotics", kind="technology_firm", province="ON", updated_at=NEW,
                     capabilities="Robotic TIG welding cells for aluminium battery trays and enclosures."),
    "alujoin": dict(name="AluJoin", kind="technology_firm", province="QC", updated_at=NEW,
                    capabilities="Automated TIG welding of aluminium battery trays with seam tracking."),
    "oldweld": dict(name="Old Weld Automation", kind="technology_firm", province="ON", updated_at=OLD,
                    capabilities="Automated TIG welding of aluminium battery trays, robotic cells."),
    "batteryco": dict(name="BatteryCo", kind="manufacturer", province="ON", updated_at=NEW,
                      capabilities="Stamping and assembly of battery trays for electric buses.",
                      needs="We need to automate TIG welding of aluminium battery trays."),
    "paintco": dict(name="PaintCo", kind="manufacturer", province="ON", updated_at=NEW,
                    capabilities="Powder coating lines."),
}
PEOPLE: dict[str, dict[str, Any]] = {
    "r-weld": dict(name="Dr. Ada Weld", role="researcher", province="QC", updated_at=NEW,
                   expertise="TIG welding of aluminium alloys for battery trays; weld quality monitoring."),
    "p-bea": dict(name="Bea Buyer", role="contact", expertise="Battery tray production planning.",
                  interests="Welding automation for aluminium battery trays.", updated_at=OLD),
}
COURSES: dict[str, dict[str, Any]] = {
    "c-weld": dict(title="Robotic TIG welding micro-credential", delivery="online", updated_at=OLD,
                   description="Program welding robots and tune TIG welding of aluminium battery trays."),
}
FUNDING: dict[str, dict[str, Any]] = {
    "f-soon": dict(name="Welding automation adoption stream", updated_at=OLD, closes_on=TODAY + timedelta(days=20),
                   description="Co-investment for SMEs automating TIG welding of aluminium battery trays."),
    "f-later": dict(name="Welding automation fund, later intake", updated_at=OLD,
                    closes_on=TODAY + timedelta(weeks=20),
                    description="Grants for automating TIG welding of aluminium battery trays."),
}


def seed(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        repo = DirectoryRepository(s)
        orgs = {ext: repo.upsert(Organization, ext, v)[0] for ext, v in ORGS.items()}
        s.flush()
        for ext, values in PEOPLE.items():
            extra = {"organization_id": orgs["batteryco"].id} if ext == "p-bea" else {}
            repo.upsert(Person, ext, {**values, **extra})
        for ext, values in COURSES.items():
            repo.upsert(Course, ext, values)
        for ext, values in FUNDING.items():
            repo.upsert(FundingStream, ext, values)
        repo.upsert(Need, "n-paint", dict(title="Robot programming for our coating line", updated_at=NEW,
                                          organization_id=orgs["paintco"].id,
                                          description="Looking for production planning of battery tray lines."))
        s.flush()
        bea = repo.get("person:p-bea")
        s.add(PlatformAccount(platform="slack", workspace_id="T1", user_id="U-BEA", person_id=bea.id,  # type: ignore[union-attr]
                              timezone="America/Toronto", display_name="Bea"))
        s.add(PlatformAccount(platform="slack", workspace_id="T1", user_id="U-NEW", timezone="Asia/Tokyo"))


@pytest.fixture
def seeded(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    seed(sessions)
    return sessions


@pytest.fixture
def settings() -> Settings:
    return Settings(digest_default_on=True, digest_max_items=4)


@pytest.fixture
def catalog(seeded: sessionmaker[Session]) -> Catalog:
    return Catalog(seeded, HashingEmbedder(), check_interval=0.0)


@pytest.fixture
def composer(catalog: Catalog, settings: Settings) -> DigestComposer:
    return DigestComposer(catalog=catalog, config=digest_config(settings))


@pytest.fixture
def service(seeded: sessionmaker[Session], catalog: Catalog, settings: Settings) -> DigestService:
    return DigestService(sessions=seeded, catalog=catalog, config=digest_config(settings))
