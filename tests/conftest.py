"""Shared fixtures: one real model per session, a fake embedder, a migrated in-memory database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from matching.embeddings import HashingEmbedder, SentenceTransformerEmbedder  # noqa: E402
from models.db import make_engine, migrate, session_factory  # noqa: E402

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
SAMPLES = SHARED / "eval-data" / "slack-teams-samples"


@pytest.fixture(scope="session")
def real_embedder() -> SentenceTransformerEmbedder:
    """The real all-MiniLM-L6-v2, checked and loaded once for the whole session. A missing model fails."""
    embedder = SentenceTransformerEmbedder()
    embedder.warm_up()
    return embedder


@pytest.fixture
def fake_embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture
def engine() -> Iterator[Engine]:
    """A migrated in-memory SQLite database shared across threads (Bolt runs listeners on a pool)."""
    eng = make_engine("sqlite://")
    migrate(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    if not SAMPLES.is_dir():
        pytest.fail(f"shared samples not found at {SAMPLES}")
    return SAMPLES
