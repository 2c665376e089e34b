"""Vectors of a catalog build: half precision in memory, shared when nothing moved, reused when texts move."""

from __future__ import annotations

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from bot.core.vectors import VectorSource, _keys
from matching.embeddings import HashingEmbedder
from models.repositories import content_hash
from tests.unit.core.conftest import CountingEmbedder

TEXTS = ["robotic TIG welding", "machine vision", "laser cladding", "robotic TIG welding", "PLC training"]


def test_build_encodes_each_distinct_text_once_and_keeps_half_precision(sessions: sessionmaker[Session]) -> None:
    embedder = CountingEmbedder(HashingEmbedder(64))
    source = VectorSource.build(TEXTS, embedder, sessions)
    assert source.matrix.dtype == np.float16 and source.matrix.shape == (5, 64)
    assert embedder.texts_encoded == 4 and source.encoded == 4  # the repeated text is copied, not encoded
    exact = HashingEmbedder(64).encode(TEXTS)
    np.testing.assert_allclose(source.matrix.astype(np.float32), exact, atol=1e-3)
    np.testing.assert_array_equal(source.matrix[3], source.matrix[0])


def test_rebuild_shares_an_identical_matrix_and_moves_rows_otherwise(sessions: sessionmaker[Session]) -> None:
    embedder = CountingEmbedder(HashingEmbedder(64))
    first = VectorSource.build(TEXTS, embedder, sessions)
    same = VectorSource.build(list(TEXTS), embedder, sessions, previous=first)
    assert same.matrix is first.matrix and same.encoded == 0
    moved = ["new text about hydrogen", *reversed(TEXTS)]
    before = embedder.texts_encoded
    second = VectorSource.build(moved, embedder, sessions, previous=first)
    assert embedder.texts_encoded - before == 1 and second.encoded == 1
    np.testing.assert_array_equal(second.matrix[1:], first.matrix[::-1])


def test_rows_of_finds_present_hashes_and_marks_absent_ones() -> None:
    source = VectorSource(
        matrix=np.zeros((3, 2), np.float16), keys=_keys([content_hash(t) for t in ("a", "b", "c")]), model_id="m"
    )
    wanted = _keys([content_hash(t) for t in ("c", "zz", "a", "b")])
    assert source.rows_of(wanted).tolist() == [2, -1, 0, 1]
    empty = VectorSource(matrix=np.zeros((0, 2), np.float16), keys=_keys([]), model_id="m")
    assert empty.rows_of(wanted).tolist() == [-1, -1, -1, -1]
