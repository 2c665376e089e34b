"""Vectors of a catalog build: one float16 row per distinct text in an arena successive builds share."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.core.directory import vectors as vectors_module
from bot.core.directory.vectors import VectorSource, _keys
from matching.embeddings import HashingEmbedder
from matching.vecstore import dot, take
from models.repositories import DirectoryRepository, content_hash
from tests.unit.core.conftest import CountingEmbedder

TEXTS = ["robotic TIG welding", "machine vision", "laser cladding", "robotic TIG welding", "PLC training"]


def dense(source: VectorSource) -> np.ndarray:
    return take(source.matrix, slice(None))


def test_build_stores_each_distinct_text_once_in_half_precision(sessions: sessionmaker[Session]) -> None:
    embedder = CountingEmbedder(HashingEmbedder(64))
    source = VectorSource.build(TEXTS, embedder, sessions)
    assert source.arena.data.dtype == np.float16 and source.matrix.shape == (5, 64)
    assert embedder.texts_encoded == 4 and source.encoded == 4 and source.arena.used == 4
    assert source.rows[3] == source.rows[0]  # the repeated text shares its row
    exact = HashingEmbedder(64).encode(TEXTS)
    np.testing.assert_allclose(dense(source), exact, atol=1e-3)
    q = exact[1]
    np.testing.assert_allclose(dot(source.matrix, q), exact @ q, atol=2e-3)
    np.testing.assert_allclose(take(source.view(1, 3), [1]), exact[2:3], atol=1e-3)


def test_rebuild_shares_the_arena_and_appends_only_new_texts(sessions: sessionmaker[Session]) -> None:
    embedder = CountingEmbedder(HashingEmbedder(64))
    first = VectorSource.build(TEXTS, embedder, sessions)
    same = VectorSource.build(list(TEXTS), embedder, sessions, previous=first)
    assert same.arena is first.arena and same.rows is first.rows and same.encoded == 0
    frozen = dense(first).copy()
    moved = ["new text about hydrogen", *reversed(TEXTS)]
    before = embedder.texts_encoded
    second = VectorSource.build(moved, embedder, sessions, previous=first)
    assert embedder.texts_encoded - before == 1 and second.encoded == 1
    assert second.arena is first.arena and first.arena.used == 5  # one row appended, nothing copied
    np.testing.assert_array_equal(dense(second)[1:], frozen[::-1])
    np.testing.assert_array_equal(dense(first), frozen)  # the previous build still reads what it read


def test_a_full_arena_moves_live_rows_to_a_new_one(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vectors_module, "SPARE_ROWS", 0)
    monkeypatch.setattr(vectors_module, "SPARE_SHARE", 0.0)
    embedder = HashingEmbedder(64)
    first = VectorSource.build(TEXTS, embedder, sessions)
    assert first.arena.free == 0
    second = VectorSource.build([*TEXTS[1:], "a brand new capability"], embedder, sessions, previous=first)
    assert second.arena is not first.arena and second.arena.used == 5
    np.testing.assert_array_equal(dense(second)[:4], dense(first)[1:])
    np.testing.assert_allclose(dense(second)[4], embedder.encode(["a brand new capability"])[0], atol=1e-3)


def test_a_restart_reads_the_cache_instead_of_encoding(sessions: sessionmaker[Session]) -> None:
    VectorSource.build(TEXTS, HashingEmbedder(64), sessions)
    embedder = CountingEmbedder(HashingEmbedder(64))
    again = VectorSource.build(TEXTS, embedder, sessions)
    assert embedder.texts_encoded == 0 and again.from_cache == 4 and again.encoded == 0
    np.testing.assert_allclose(dense(again), HashingEmbedder(64).encode(TEXTS), atol=1e-3)


def test_rows_of_finds_present_hashes_and_marks_absent_ones(sessions: sessionmaker[Session]) -> None:
    source = VectorSource.build(["a", "b", "c"], HashingEmbedder(16), sessions)
    wanted = _keys([content_hash(t) for t in ("c", "zz", "a", "b")])
    got = source.rows_of(wanted)
    assert got[1] == -1 and sorted(got[[0, 2, 3]].tolist()) == [0, 1, 2]
    assert got[0] == source.rows[2] and got[2] == source.rows[0]


def test_encoding_streams_shortest_first_in_chunks_of_similar_work(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    calls: list[list[str]] = []

    class Recording(HashingEmbedder):
        def encode(self, texts):  # type: ignore[no-untyped-def]
            calls.append(list(texts))
            return super().encode(texts)

    monkeypatch.setattr(vectors_module, "ENCODE_WORDS", 60)
    monkeypatch.setattr(vectors_module, "PROGRESS_FROM", 1)
    rng = np.random.default_rng(2)
    texts = [" ".join(f"w{i}x{j}" for j in range(int(n))) for i, n in enumerate(rng.integers(1, 40, size=80))]
    with caplog.at_level(logging.INFO, logger="bot.core.directory.vectors"):
        source = VectorSource.build(texts, Recording(64), sessions, show_progress=True)
    lengths = [len(t.split()) for call in calls for t in call]
    assert sorted(lengths) == lengths and len(lengths) == 80  # every text once, shortest first
    assert all(sum(len(t.split()) for t in call[:-1]) < 60 for call in calls)  # a chunk closes at the budget
    np.testing.assert_allclose(take(source.matrix, slice(None)), HashingEmbedder(64).encode(texts), atol=1e-3)
    assert "encoded 80 snippets in" in caplog.text and "texts/s" in caplog.text
    with sessions() as s:  # every chunk was written to the cache as it was done
        assert len(DirectoryRepository(s).get_vectors([content_hash(t) for t in texts], "hashing-64")) == 80
