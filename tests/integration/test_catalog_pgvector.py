"""The catalog with VECTOR_BACKEND=pgvector on a real PostgreSQL: the HNSW index supplies the dense channel's
candidates, answers match the exact search, and the index follows the directory without a restart."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.directory.ann_pool import AnnPool
from bot.core.directory.catalog import Catalog
from bot.core.directory.importer import import_files
from bot.core.directory.vector_search import PgVectorSearch, build_vector_search
from bot.demo import demo_files
from matching.ann import recall_at_k
from matching.embeddings import HashingEmbedder
from models import vectors as pgv
from models.db import session_factory
from models.directory import Organization
from models.repositories import DirectoryRepository

pytestmark = pytest.mark.postgres

QUESTIONS = [
    "robotic welding of aluminium battery trays",
    "machine vision inspection of painted parts",
    "micro-credential in industrial automation",
    "funding to adopt robotics in a small machine shop",
    "recycling composite scrap",
    "hydrogen fuel cell components",
    "digital twin of an injection moulding line",
    "predictive maintenance with vibration sensors",
]


@pytest.fixture
def demo(pg_engine: Engine) -> sessionmaker[Session]:
    sessions = session_factory(pg_engine)
    import_files(list(demo_files()), sessions=sessions)
    return sessions


def owners_in_index(sessions: sessionmaker[Session]) -> set[str]:
    with sessions() as s:
        return set(s.scalars(select(pgv.SnippetVector.owner_ref).distinct()))


def need_texts(limit: int = 40) -> list[str]:
    path = next(p for p in demo_files() if p.name.startswith("needs"))
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [f"{r['title']}. {r.get('description', '')}" for r in rows[:limit]]


def test_pgvector_candidates_give_the_exact_answers(demo: sessionmaker[Session], pg_engine: Engine) -> None:
    embedder = HashingEmbedder(pgv.VECTOR_DIM)
    search = build_vector_search("pgvector", pg_engine)
    assert isinstance(search, PgVectorSearch)
    ann = AnnPool(search, demo)
    approx = Catalog(demo, embedder, ann=ann)
    exact = Catalog(demo, embedder)
    approx.warm_up()
    assert ann.wait(120) and ann.ready_for(approx.snapshot)
    assert owners_in_index(demo) == {p.ref for p in approx.snapshot.profiles}

    questions = QUESTIONS + need_texts()
    got = [[s.ref for s in approx.search(q, k=10)] for q in questions]
    want = [[s.ref for s in exact.search(q, k=10)] for q in questions]
    assert ann.queries == 2 * len(questions)  # both passes of every answer (question, then feedback) asked the index
    assert recall_at_k(got, want) >= 0.98
    assert sum(g == w for g, w in zip(got, want, strict=True)) >= 0.9 * len(questions)  # mostly the same order
    kinds = [[s.kind for s in approx.search(q, k=10, kinds=["course"])] for q in QUESTIONS]
    assert all(k and set(k) == {"course"} for k in kinds)


def test_index_follows_directory_changes_and_skips_untexted_ones(demo: sessionmaker[Session]) -> None:
    ann = AnnPool(PgVectorSearch(), demo)
    catalog = Catalog(demo, HashingEmbedder(pgv.VECTOR_DIM), ann=ann, check_interval=0)
    catalog.warm_up()
    assert ann.wait(120)
    with demo.begin() as s:
        DirectoryRepository(s).upsert(Organization, "cryoweld", {
            "name": "CryoWeld", "kind": "technology_firm", "capabilities": "Cryogenic friction stir welding of "
            "magnesium battery housings."})
    question = "friction stir welding magnesium housings"
    first = catalog.search(question, k=3)  # rebuilt on the version change; exact until the index catches up
    assert ann.wait(60) and ann.ready_for(catalog.snapshot)
    assert "org:cryoweld" in owners_in_index(demo)
    answered = ann.queries
    assert catalog.search(question, k=3)[0].ref == first[0].ref == "org:cryoweld"
    assert ann.queries == answered + 2  # the question, then the feedback-moved question

    before = catalog.snapshot
    with demo.begin() as s:  # a field the index does not read: same fit, nothing to write
        org = DirectoryRepository(s).get_by_external_id(Organization, "cryoweld")
        assert org is not None
        org.website = "https://cryoweld.example"
        DirectoryRepository(s).bump_version()
    catalog.search("anything", k=1)
    assert catalog.snapshot is not before and catalog.snapshot.matcher is before.matcher
    assert ann.ready_for(catalog.snapshot)  # carried over without a sync

    with demo.begin() as s:
        org = DirectoryRepository(s).get_by_external_id(Organization, "cryoweld")
        assert org is not None
        org.visibility = "hidden"
        DirectoryRepository(s).bump_version()
    catalog.search("anything", k=1)
    assert ann.wait(60)
    assert "org:cryoweld" not in owners_in_index(demo)


def test_a_failing_index_leaves_search_exact(demo: sessionmaker[Session]) -> None:
    class Broken(PgVectorSearch):
        def sync(self, session, owners):  # type: ignore[no-untyped-def]
            raise RuntimeError("disk full")

    ann = AnnPool(Broken(), demo)
    catalog = Catalog(demo, HashingEmbedder(pgv.VECTOR_DIM), ann=ann)
    exact = Catalog(demo, HashingEmbedder(pgv.VECTOR_DIM))
    catalog.warm_up()
    assert ann.wait(60) and not ann.ready_for(catalog.snapshot)
    assert [s.ref for s in catalog.search(QUESTIONS[0], k=5)] == [s.ref for s in exact.search(QUESTIONS[0], k=5)]
    assert ann.queries == 0
    with demo() as s:
        assert s.scalar(select(func.count()).select_from(pgv.SnippetVector)) == 0
