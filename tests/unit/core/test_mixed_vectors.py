"""Vectors of two runtimes (model ids) never enter one index: arenas, builds, the cache and owner indexes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.directory.vector_search import ExactVectorSearch, OwnerVectors, stored_hash
from bot.core.directory.vectors import Arena, MixedVectorsError, VectorSource
from matching.embeddings import MODEL_ID, HashingEmbedder
from matching.vecstore import take
from models.directory import EmbeddingCache
from tests.unit.core.conftest import CountingEmbedder

TEXTS = ["robotic TIG welding", "machine vision", "laser cladding", "PLC training"]


class OtherRuntime:
    """The same texts, another runtime: vectors a little different, another model id."""

    def __init__(self, inner: HashingEmbedder, model_id: str) -> None:
        self.inner, self.model_id, self.dim = inner, model_id, inner.dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        v = self.inner.encode(texts) + 0.05
        return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def test_an_arena_refuses_vectors_of_another_runtime() -> None:
    arena = Arena(4, 8, "model+onnx")
    arena.append(np.eye(4, dtype=np.float32)[:2], "model+onnx")
    with pytest.raises(MixedVectorsError, match="model\\+openvino"):
        arena.append(np.eye(4, dtype=np.float32)[2:], "model+openvino")
    assert arena.used == 2  # nothing written


def test_a_build_for_another_runtime_reuses_no_vector_and_caches_apart(sessions: sessionmaker[Session]) -> None:
    torch_like = CountingEmbedder(HashingEmbedder(64))
    first = VectorSource.build(TEXTS, torch_like, sessions)
    other = CountingEmbedder(OtherRuntime(HashingEmbedder(64), f"{torch_like.model_id}+onnx"))
    second = VectorSource.build(TEXTS, other, sessions, previous=first)
    assert other.texts_encoded == len(TEXTS) and second.encoded == len(TEXTS)  # every text re-encoded
    assert second.arena is not first.arena and second.arena.model_id == other.model_id
    np.testing.assert_allclose(take(second.matrix, slice(None)), other.encode(TEXTS), atol=1e-3)
    with sessions() as s:
        rows = s.execute(select(EmbeddingCache.model_id, func.count()).group_by(EmbeddingCache.model_id)).all()
        per_model = {m: n for m, n in rows}
    assert per_model == {torch_like.model_id: len(TEXTS), other.model_id: len(TEXTS)}
    again = VectorSource.build(TEXTS, CountingEmbedder(HashingEmbedder(64)), sessions, previous=second)
    assert again.encoded == 0 and again.from_cache == len(TEXTS)  # back to the first runtime: its own cache rows
    np.testing.assert_allclose(take(again.matrix, slice(None)), HashingEmbedder(64).encode(TEXTS), atol=1e-3)


def _owners(model_id: str, shift: float) -> list[OwnerVectors]:
    rng = np.random.default_rng(5)
    out = []
    for i in range(6):
        v = rng.normal(size=(2, 16)) + shift
        out.append(OwnerVectors(f"org:{i}", "org", (f"h{i}a", f"h{i}b"),
                                (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32), model_id))
    return out


def test_the_exact_index_refuses_another_runtime_and_a_sync_replaces_it_whole() -> None:
    index = ExactVectorSearch()
    torch_owners, onnx_owners = _owners(MODEL_ID, 0.0), _owners(f"{MODEL_ID}+onnx", 0.3)
    index.sync(None, torch_owners)  # type: ignore[arg-type]
    assert index.model_id == MODEL_ID
    with pytest.raises(MixedVectorsError):
        index.upsert(None, onnx_owners[:1])  # type: ignore[arg-type]
    with pytest.raises(MixedVectorsError, match="2 models"):
        index.sync(None, [torch_owners[0], onnx_owners[1]])  # type: ignore[arg-type]
    report = index.sync(None, onnx_owners)  # type: ignore[arg-type]  # same owners and hashes, other runtime
    assert report.written == len(onnx_owners) and index.model_id == onnx_owners[0].model_id
    query = onnx_owners[3].vectors[1]
    best = index.search(None, query, k=1)[0]  # type: ignore[arg-type]
    assert best.owner == "org:3" and best.score == pytest.approx(1.0, abs=1e-5)  # the new runtime's vectors


def test_shared_index_keys_differ_per_runtime_but_not_for_the_default() -> None:
    h = "ab" * 16
    assert stored_hash(h, MODEL_ID) == h
    onnx, ov = stored_hash(h, f"{MODEL_ID}+onnx"), stored_hash(h, f"{MODEL_ID}+openvino")
    assert len(onnx) == len(h) and len({h, onnx, ov}) == 3
