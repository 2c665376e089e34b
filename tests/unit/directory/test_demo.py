"""The shipped demo directory: valid, big and varied enough, fictional, and in step with its generator."""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.directory.importer import import_files
from bot.demo import DEMO_DIR, demo_files
from models.db import make_engine, migrate, session_factory
from models.directory import ORGANIZATION_KINDS, PROVINCES, Course, FundingStream, Need, Organization, Person
from models.repositories import DirectoryRepository

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def demo() -> Iterator[sessionmaker[Session]]:
    """The demo loaded once into SQLite for these read-only checks (importer tests cover PostgreSQL)."""
    engine = make_engine("sqlite://")
    migrate(engine)
    sessions = session_factory(engine)
    report = import_files(demo_files(), sessions=sessions)
    assert report.totals["created"] == report.rows > 400
    yield sessions
    engine.dispose()


def test_demo_meets_the_counts(demo: sessionmaker[Session]) -> None:
    with demo() as s:
        orgs = list(s.scalars(select(Organization)))
        people = list(s.scalars(select(Person)))
        courses = list(s.scalars(select(Course)))
        funding = list(s.scalars(select(FundingStream)))
        needs = list(s.scalars(select(Need)))
    assert len(orgs) >= 150
    kinds = Counter(o.kind for o in orgs)
    assert set(kinds) == set(ORGANIZATION_KINDS) and min(kinds.values()) >= 10
    assert {o.province for o in orgs} == set(PROVINCES)
    provinces = Counter(o.province for o in orgs)
    assert {p for p, _ in provinces.most_common(4)} == {"ON", "QC", "AB", "BC"}
    assert sum(p.role == "researcher" for p in people) >= 60
    assert len(courses) >= 100
    streams = [f for f in funding if f.kind == "project_stream" and f.visibility == "public"]
    assert len(streams) >= 4 and sum(f.kind == "workforce_program" for f in funding) >= 4
    assert sum(n.status == "open" for n in needs) >= 30
    assert all(n.organization_id is not None for n in needs)


def test_demo_is_varied_bilingual_and_multi_format(demo: sessionmaker[Session]) -> None:
    with demo() as s:
        courses = list(s.scalars(select(Course)))
        orgs = list(s.scalars(select(Organization)))
        needs = list(s.scalars(select(Need)))
        funding = list(s.scalars(select(FundingStream)))
    assert {c.delivery for c in courses} == {"online", "in-person", "hybrid"}
    assert sum(c.language == "fr" for c in courses) >= 8
    assert {"wil placement", "micro-credential"} <= {c.format for c in courses}
    assert any((c.cost_cad or 0) == 0 for c in courses) and max(c.cost_cad or 0 for c in courses) >= 3000
    assert sum("fr" in o.languages[:1] for o in orgs) >= 10
    assert any(re.search(r"[éèàç]", n.title) for n in needs)
    manufacturers = [o for o in orgs if o.kind == "manufacturer"]
    assert sum(bool(o.capabilities) and bool(o.needs) for o in manufacturers) >= 0.9 * len(manufacturers)
    for f in funding:
        assert f.opens_on and f.closes_on and date(2026, 1, 1) <= f.opens_on < f.closes_on <= date(2027, 12, 31)


def test_demo_names_are_unique_and_addresses_fictional(demo: sessionmaker[Session]) -> None:
    with demo() as s:
        names = [o.name for o in s.scalars(select(Organization))] + [p.name for p in s.scalars(select(Person))]
        urls = [o.website for o in s.scalars(select(Organization))] + [c.url for c in s.scalars(select(Course))]
        emails = [p.email for p in s.scalars(select(Person))]
        offers = Counter((c.title, c.provider_id) for c in s.scalars(select(Course)))
    assert len(names) == len(set(names))
    assert max(offers.values()) == 1  # the same course title is never listed twice by one provider
    assert all(u and re.match(r"https://[a-z0-9.-]+\.example(/|$)", u) for u in urls)
    assert all(e and e.endswith(".example") for e in emails)


def test_researchers_belong_to_research_institutions(demo: sessionmaker[Session]) -> None:
    with demo() as s:
        for person in s.scalars(select(Person).where(Person.role == "researcher")):
            assert person.organization is not None and person.organization.kind == "research_institution"
            assert len(person.expertise) > 60


def test_topic_index_points_at_real_entries(demo: sessionmaker[Session]) -> None:
    index = json.loads((DEMO_DIR / "topics.json").read_text(encoding="utf-8"))
    with demo() as s:
        repo = DirectoryRepository(s)
        refs = {r for t in index["topics"].values() for r in t["refs"]} | set(index["needs"])
        assert all(repo.get(ref) is not None for ref in refs)
        assert len(index["needs"]) == repo.count(Need)
    assert all(entry["relevant"] for entry in index["needs"].values())


def test_matching_the_demo_needs_more_than_shared_words(demo: sessionmaker[Session]) -> None:
    """A need about robotic TIG welding of aluminium is answered by experts who never say "TIG" or "weld"."""
    index = json.loads((DEMO_DIR / "topics.json").read_text(encoding="utf-8"))
    with demo() as s:
        repo = DirectoryRepository(s)
        need = s.scalars(select(Need).where(Need.title.like("%TIG welding of aluminium%"))).one()
        relevant = [repo.get(r) for r in index["needs"][f"need:{need.external_id}"]["relevant"]]
        experts = [p for p in relevant if isinstance(p, Person)]
        assert any("weld" not in p.expertise.lower() and "TIG" not in p.expertise for p in experts)


def test_generated_files_are_up_to_date() -> None:
    spec = importlib.util.spec_from_file_location("make_demo", ROOT / "scripts" / "make_demo.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    files = module.render(module.build())
    for name, text in files.items():
        assert (DEMO_DIR / name).read_text(encoding="utf-8") == text, f"{name} is stale: run scripts/make_demo.py"
