"""A small seeded directory and counting embedder for the core's unit tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import pytest
from sqlalchemy.orm import Session, sessionmaker

from matching.embeddings import Embedder, HashingEmbedder
from models.directory import Course, FundingStream, Need, Organization, Person, PlatformAccount
from models.repositories import DirectoryRepository

ORGS: dict[str, dict[str, Any]] = {
    "weldtech": dict(
        name="WeldTech Robotics",
        kind="technology_firm",
        province="ON",
        capabilities="Robotic TIG and MIG welding cells for aluminium battery enclosures. "
        "Seam tracking with laser sensors for thin aluminium sheet.",
        description="Integrator of welding automation for EV suppliers.",
    ),
    "visionco": dict(
        name="VisionCo",
        kind="technology_firm",
        province="QC",
        languages=["fr"],
        capabilities="Machine vision inspection of painted surfaces and paint defects on car bodies.",
    ),
    "polyu": dict(
        name="Polytechnique Lab",
        kind="research_institution",
        province="QC",
        languages=["fr", "en"],
        capabilities="Laser cladding and additive repair of turbine blades.",
    ),
    "batteryco": dict(
        name="BatteryCo",
        kind="manufacturer",
        province="ON",
        capabilities="Stamping and assembly of battery trays for electric buses.",
        needs="We need to automate TIG welding of aluminium battery trays.",
    ),
    "hiddenco": dict(
        name="Hidden Welding Inc",
        kind="technology_firm",
        province="ON",
        visibility="hidden",
        capabilities="Robotic TIG welding of aluminium battery trays.",
    ),
}
PEOPLE: dict[str, dict[str, Any]] = {
    "r-weld": dict(
        name="Dr. Ada Weld",
        role="researcher",
        province="QC",
        expertise="Friction stir welding and TIG welding of aluminium alloys; weld quality monitoring.",
    ),
    "r-ai": dict(
        name="Dr. Max Learner",
        role="researcher",
        province="ON",
        expertise="Deep learning for predictive maintenance of CNC machine spindles.",
    ),
    "p-battery": dict(name="Bea Buyer", role="contact", expertise="Battery tray production planning."),
    "s-staff": dict(name="Sam Staff", role="staff", expertise="Cluster staff, welding programmes."),
}
COURSES: dict[str, dict[str, Any]] = {
    "c-weld": dict(
        title="Robotic welding micro-credential",
        delivery="online",
        credential="micro-credential",
        language="en",
        province="ON",
        skills=["TIG welding", "robot programming"],
        description="Program welding robots and tune TIG parameters for aluminium.",
    ),
    "c-plc": dict(
        title="Programmation d'automates",
        delivery="in-person",
        language="fr",
        province="QC",
        description="Programmation des automates programmables (PLC) pour la fabrication.",
    ),
}
FUNDING: dict[str, dict[str, Any]] = {
    "f-auto": dict(
        name="Automation adoption stream",
        description="Co-investment for manufacturing SMEs adopting robotics and welding automation.",
    ),
    "f-old": dict(name="Closed welding fund", description="Welding automation grants.", closes_on=date(2020, 1, 1)),
}


def seed_directory(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        repo = DirectoryRepository(s)
        orgs = {ext: repo.upsert(Organization, ext, values)[0] for ext, values in ORGS.items()}
        s.flush()
        for ext, values in PEOPLE.items():
            values = dict(values)  # noqa: PLW2901
            if ext == "p-battery":
                values["organization_id"] = orgs["batteryco"].id
            if ext == "r-weld":
                values["organization_id"] = orgs["polyu"].id
            repo.upsert(Person, ext, values)
        for ext, values in COURSES.items():
            repo.upsert(Course, ext, values)
        for ext, values in FUNDING.items():
            repo.upsert(FundingStream, ext, values)
        repo.upsert(
            Need,
            "n-vision",
            dict(
                title="Inline inspection of weld seams",
                organization_id=orgs["batteryco"].id,
                description="Looking for camera-based weld seam inspection.",
            ),
        )
        s.flush()
        person = repo.get("person:p-battery")
        s.add(PlatformAccount(platform="slack", workspace_id="T1", user_id="U-BEA", person_id=person.id))  # type: ignore[union-attr]


class CountingEmbedder:
    """Wraps an embedder and counts the texts it was asked to encode."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        self.calls: list[int] = []

    @property
    def texts_encoded(self) -> int:
        return sum(self.calls)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(len(texts))
        return self.inner.encode(texts)


@pytest.fixture
def seeded(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    seed_directory(sessions)
    return sessions


@pytest.fixture
def counting_embedder() -> CountingEmbedder:
    return CountingEmbedder(HashingEmbedder())
