"""A seeded directory with chat accounts, a recording messenger and a fake clock for introduction tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.bootstrap import intro_config
from bot.config import Settings
from bot.core.directory.catalog import Catalog
from bot.core.intros.delivery import Address
from bot.core.intros.messages import IntroMessage
from bot.core.intros.service import IntroService
from bot.core.messages import ActionRequest
from matching.embeddings import HashingEmbedder
from models.directory import Course, FundingStream, Need, Organization, Person, PlatformAccount
from models.repositories import DirectoryRepository

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WS = "T1"

ORGS: dict[str, dict[str, Any]] = {
    "weldbot": dict(name="WeldBot Automation", kind="technology_firm", province="ON",
                    capabilities="Robotic TIG welding cells for aluminium battery trays and enclosures.",
                    needs="Manufacturers willing to pilot collaborative welding robots on their lines.",
                    website="https://weldbot.example"),
    "alumaker": dict(name="AluMaker Trays", kind="manufacturer", province="QC",
                     capabilities="Stamping and assembly of aluminium battery trays for electric buses. Our two lines "
                     "are open to pilot collaborative welding robots.",
                     needs="We need to automate TIG welding of aluminium battery trays."),
    "rivalweld": dict(name="RivalWeld Systems", kind="technology_firm", province="ON",
                      capabilities="Robotic TIG welding cells for aluminium battery trays, seam tracking.",
                      needs="Manufacturers willing to pilot welding robots for battery trays.",
                      competitors=["weldbot"]),
    "quietco": dict(name="Quiet Co", kind="manufacturer", province="ON",
                    capabilities="Machining of aluminium housings.", needs="Welding robots for aluminium housings."),
    "college": dict(name="Lakeshore College", kind="training_provider", province="ON",
                    capabilities="Training operators on robotic welding cells and PLC programming."),
}
PEOPLE: dict[str, dict[str, Any]] = {
    "carla": dict(name="Carla Contact", role="contact", org="weldbot", title="Sales engineer",
                  email="carla@weldbot.example"),
    "marc": dict(name="Marc Maker", role="contact", org="alumaker", title="Plant manager",
                 email="marc.private@alumaker.example"),
    "rita": dict(name="Rita Rival", role="contact", org="rivalweld", email="rita@rivalweld.example"),
    "ana": dict(name="Dr. Ana Laser", role="researcher", province="QC", email="ana@uni.example",
                expertise="Laser cladding and TIG welding metallurgy of aluminium alloys for battery trays.",
                interests="An industrial partner to run aluminium welding trials on a production line."),
    "quinn": dict(name="Quinn Quiet", role="contact", org="quietco", email="quinn@quiet.example"),
    "otto": dict(name="Otto Offline", role="contact", org="college", email="otto@college.example"),
}
ACCOUNTS = {"carla": "U-CARLA", "marc": "U-MARC", "rita": "U-RITA", "ana": "U-ANA", "quinn": "U-QUINN"}


@dataclass
class FakeMessenger:
    """Records what would be sent; ``fail_for`` user ids are unreachable."""

    sent: list[tuple[Address, IntroMessage]] = field(default_factory=list)
    groups: list[tuple[list[Address], IntroMessage]] = field(default_factory=list)
    staff: list[tuple[list[IntroMessage], str, str]] = field(default_factory=list)
    fail_for: set[str] = field(default_factory=set)

    def send(self, to: Address, message: IntroMessage) -> bool:
        if to.user_id in self.fail_for:
            return False
        self.sent.append((to, message))
        return True

    def connect(self, people: Sequence[Address], message: IntroMessage) -> str | None:
        self.groups.append((list(people), message))
        return "G-" + "-".join(p.user_id for p in people)

    def post_staff(self, items: Sequence[IntroMessage], *, title: str, summary: str) -> list[str | None]:
        self.staff.append((list(items), title, summary))
        return [f"CSTAFF {len(self.staff)}.000" for _ in items]

    def to(self, user_id: str) -> list[IntroMessage]:
        return [m for a, m in self.sent if a.user_id == user_id]


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


def seed(sessions: sessionmaker[Session], workspace: str = WS) -> dict[str, int]:
    """The directory above, chat accounts in ``workspace``; returns person ids by key."""
    ids: dict[str, int] = {}
    with sessions.begin() as s:
        repo = DirectoryRepository(s)
        orgs = {key: repo.upsert(Organization, key, values)[0] for key, values in ORGS.items()}
        s.flush()
        for key, values in PEOPLE.items():
            row = dict(values)
            org = row.pop("org", None)
            if org:
                row["organization_id"] = orgs[org].id
            person, _ = repo.upsert(Person, key, row)
            s.flush()
            ids[key] = person.id
            if key in ACCOUNTS:
                s.add(PlatformAccount(person_id=person.id, platform="slack", workspace_id=workspace,
                                      user_id=ACCOUNTS[key], display_name=values["name"]))
        s.add(PlatformAccount(platform="slack", workspace_id=workspace, user_id="U-STAFF", display_name="Sam Staff",
                              is_staff=True))
        s.add(PlatformAccount(platform="slack", workspace_id=workspace, user_id="U-NOBODY"))
        repo.upsert(Course, "c-plc", dict(title="PLC programming micro-credential", delivery="online",
                                          description="Programming PLCs for robotic welding cells.",
                                          url="https://college.example/plc"))
        repo.upsert(FundingStream, "f-auto", dict(
            name="Automation pilot fund",
            description="Funding for robotic TIG welding automation pilots on aluminium battery tray lines, with "
                        "research on welding metallurgy and training for operators of welding cells."))
        repo.upsert(Need, "n-anon", dict(title="Weld inspection for aluminium trays", anonymous=True,
                                         organization_id=orgs["alumaker"].id,
                                         description="Looking for automated weld inspection."))
    return ids


@dataclass
class World:
    service: IntroService
    messenger: FakeMessenger
    clock: Clock
    ids: dict[str, int]
    sessions: sessionmaker[Session]

    def press(self, user: str, action: str, ref: str, *, query_id: str | None = None,
              note: str | None = None) -> ActionRequest:
        return ActionRequest(platform="slack", workspace_id=WS, user_id=user, action=action, ref=ref,
                             query_id=query_id, note=note)

    def account_id(self, user: str) -> int:
        with self.sessions() as s:
            return int(s.scalar(select(PlatformAccount.id).where(PlatformAccount.user_id == user)))


def make_world(sessions: sessionmaker[Session], **settings: Any) -> World:
    ids = seed(sessions)
    messenger, clock = FakeMessenger(), Clock()
    catalog = Catalog(sessions, HashingEmbedder(), check_interval=0.0)
    service = IntroService(sessions=sessions, catalog=catalog, config=intro_config(Settings(**settings)),
                           messengers={"slack": messenger}.get, staff_boards=lambda: [messenger], clock=clock)
    return World(service, messenger, clock, ids, sessions)


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> World:
    return make_world(sessions)
