"""PostgreSQL with pgvector: a forgotten (or hidden) member's snippet vectors leave the shared HNSW index."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.privacy.service import PrivacyService
from models import vectors as pg
from models.db import session_factory
from tests.unit.privacy.world import MARIA, MARIA_NEED, NOW, build

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_sessions(pg_engine: Engine) -> sessionmaker[Session]:
    with pg_engine.begin() as conn:
        assert pg.ensure_vector_table(conn), "pgvector must be available to the test server"
    sessions = session_factory(pg_engine)
    build(sessions)
    rng = np.random.default_rng(0)
    rows = [(MARIA, 0, "person", "h1"), (MARIA, 1, "person", "h2"), (MARIA_NEED, 0, "need", "h3"),
            ("org:weldco", 0, "technology_firm", "h4"), ("person:p-omar", 0, "researcher", "h5"),
            ("org:weldco", 1, "technology_firm", "h2")]  # a sentence of hers that weldco's profile repeats
    vectors = rng.normal(size=(len(rows), pg.VECTOR_DIM)).astype(np.float32)
    with sessions.begin() as s:
        pg.insert_rows(s, rows, vectors / np.linalg.norm(vectors, axis=1, keepdims=True))
    return sessions


def owners(sessions: sessionmaker[Session]) -> set[str]:
    with sessions() as s:
        return set(s.scalars(select(pg.SnippetVector.owner_ref)))


def texts(sessions: sessionmaker[Session]) -> set[str]:
    with sessions() as s:
        return set(s.scalars(select(pg.TextVector.content_hash)))


def test_forget_removes_her_snippet_vectors_only(pg_sessions: sessionmaker[Session]) -> None:
    report = PrivacyService(sessions=pg_sessions, clock=lambda: NOW).forget(MARIA, actor="cli:staff")
    assert report.deleted["snippet_vectors"] == 2  # her profile and her need
    assert owners(pg_sessions) == {"org:weldco", "person:p-omar"}
    assert texts(pg_sessions) == {"h2", "h4", "h5"}  # her own texts' vectors are gone; the shared one stays


def test_hiding_a_profile_removes_its_vectors_at_once(pg_sessions: sessionmaker[Session]) -> None:
    PrivacyService(sessions=pg_sessions).set_visibility("person:p-omar", "hidden", actor="cli:staff")
    assert "person:p-omar" not in owners(pg_sessions) and MARIA in owners(pg_sessions)
