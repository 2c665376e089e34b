"""Embedding runtimes: each loads offline and agrees with torch; a tampered export is refused."""

from __future__ import annotations

import json
import logging
import shutil
import socket
from pathlib import Path

import numpy as np
import pytest

from bot.config import ConfigError, Settings
from matching import runtimes
from matching.embeddings import MODEL_ID, MODEL_SHA256, SentenceTransformerEmbedder
from matching.encoders import (
    BACKENDS,
    EXPORT_FOLDER,
    ExportedEmbedder,
    length_batches,
    make_embedder,
    runtime_model_id,
)
from matching.runtimes import EXPORTED, ExportIntegrityError, RuntimeUnavailable, verify_export

SENTENCES = [
    "automating TIG welding of aluminium battery trays",
    "robotic arc welding cells for heavy steel fabrication",
    "sourdough bread recipes",
    "We machine titanium implants on five-axis CNC centres and inspect them with CT scanning. " * 12,  # > 256
    "PLC",
]
#: Least cosine of a runtime's vector with torch fp32's for the same sentence.
TOLERANCE = {"onnx": 0.9999, "openvino": 0.9999, "onnx-int8": 0.98, "openvino-int8": 0.98, "torch-int8": 0.85}
SOURCE = MODEL_SHA256["model.safetensors"]


@pytest.fixture(scope="session")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder where each exported backend is built once for the session (from the checked weights)."""
    return tmp_path_factory.mktemp("data")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a network connection fails the test (loading must be offline)."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.model
@pytest.mark.parametrize("backend", [b for b in BACKENDS if b != "torch"])
def test_each_backend_loads_offline_and_agrees_with_torch(
    backend: str, exports: Path, real_embedder: SentenceTransformerEmbedder, no_network: None
) -> None:
    embedder = make_embedder(backend, data_dir=exports, threads=1)
    vectors = embedder.encode(SENTENCES)
    assert getattr(embedder, "backend") == backend, getattr(embedder, "fallback_reason", "")  # noqa: B009
    assert embedder.model_id == runtime_model_id(backend) != MODEL_ID
    assert vectors.shape == (len(SENTENCES), 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    reference = real_embedder.encode(SENTENCES)
    cosines = (vectors * reference).sum(axis=1)
    assert cosines.min() >= TOLERANCE[backend], cosines
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2  # same neighbours as torch's
    one = embedder.encode([SENTENCES[3]])[0]  # the one-text (question) path: no padding, the same vector
    # (dynamic int8 scales activations per batch, so a text's vector moves a little with its batch-mates)
    assert float(one @ vectors[3]) >= TOLERANCE[backend]


@pytest.mark.model
def test_tampered_export_is_refused_and_rebuilt(exports: Path, caplog: pytest.LogCaptureFixture) -> None:
    built = exports / EXPORT_FOLDER / "onnx"
    make_embedder("onnx", data_dir=exports).encode(["x"])  # built (or reused) and verified
    folder = exports.parent / "tampered" / "onnx"
    shutil.copytree(built, folder)
    verify_export(folder, "onnx", SOURCE)
    with (folder / "model.onnx").open("r+b") as fh:
        fh.seek(5000)
        byte = fh.read(1)
        fh.seek(5000)
        fh.write(bytes([byte[0] ^ 1]))
    with pytest.raises(ExportIntegrityError, match="model.onnx"):
        verify_export(folder, "onnx", SOURCE)

    with caplog.at_level(logging.WARNING, logger="matching.encoders"):
        refused = ExportedEmbedder("onnx", folder, build=False)
        assert refused.model_id == MODEL_ID and refused.backend == "torch"  # torch's space, torch's vectors
    assert "falling back to torch" in caplog.text and "model.onnx" in caplog.text

    rebuilt = ExportedEmbedder("onnx", folder)  # the default: rebuilt from the checked weights
    assert rebuilt.backend == "onnx"
    verify_export(folder, "onnx", SOURCE)


def test_exports_from_other_weights_or_exporters_are_refused(tmp_path: Path) -> None:
    (tmp_path / "model.onnx").write_bytes(b"not really a model")
    manifest = {"backend": "onnx", "exporter": runtimes.EXPORTER_VERSION, "source_sha256": SOURCE,
                "libraries": runtimes.library_versions("onnx"),
                "files": {"model.onnx": runtimes.sha256_file(tmp_path / "model.onnx")}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    verify_export(tmp_path, "onnx", SOURCE)  # consistent as written
    with pytest.raises(ExportIntegrityError, match="source_sha256"):
        verify_export(tmp_path, "onnx", "0" * 64)
    with pytest.raises(ExportIntegrityError, match="backend"):
        verify_export(tmp_path, "onnx-int8", SOURCE)
    (tmp_path / "manifest.json").write_text(json.dumps({**manifest, "exporter": "0"}))
    with pytest.raises(ExportIntegrityError, match="exporter"):
        verify_export(tmp_path, "onnx", SOURCE)
    (tmp_path / "manifest.json").write_text("{")
    with pytest.raises(ExportIntegrityError, match="unreadable"):
        verify_export(tmp_path, "onnx", SOURCE)
    with pytest.raises(ExportIntegrityError, match="missing"):
        verify_export(tmp_path / "nothing", "onnx", SOURCE)


def test_a_missing_runtime_library_falls_back_to_torch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def missing(backend: str) -> dict[str, str]:
        raise RuntimeUnavailable(f"EMBED_BACKEND={backend} needs the Python package 'openvino'")

    monkeypatch.setattr(runtimes, "library_versions", missing)
    embedder = ExportedEmbedder("openvino", tmp_path / "openvino")
    with caplog.at_level(logging.WARNING, logger="matching.encoders"):
        assert embedder.model_id == MODEL_ID
    assert isinstance(embedder.fallback, SentenceTransformerEmbedder)
    assert "needs the Python package 'openvino'" in caplog.text and not embedder.loaded
    assert not (tmp_path / "openvino").exists()  # nothing half-written


def test_length_batches_group_similar_lengths_within_the_token_budget() -> None:
    rng = np.random.default_rng(3)
    lengths = rng.integers(3, 257, size=1000).tolist()
    batches = length_batches(lengths, tokens=4096, texts=128)
    seen = np.concatenate(batches)
    assert sorted(seen.tolist()) == list(range(1000))  # every text exactly once
    for b in batches:
        widest = max(lengths[i] for i in b)
        assert b.size <= 128 and (b.size == 1 or b.size * widest <= 4096)
    flat = [lengths[i] for i in seen]
    assert flat == sorted(flat)  # padding is cut by sorting
    assert len(batches) < 1000 / 10  # and batches stay large


def test_embed_backend_setting_is_checked() -> None:
    assert Settings.from_env({"EMBED_BACKEND": "onnx-int8"}).embed_backend == "onnx-int8"
    assert Settings.from_env({}).embed_backend == "torch"
    with pytest.raises(ConfigError, match="EMBED_BACKEND"):
        Settings.from_env({"EMBED_BACKEND": "tensorrt"})
    with pytest.raises(ValueError, match="data folder"):
        make_embedder("onnx")
    assert {runtime_model_id(b) for b in BACKENDS} == {MODEL_ID} | {f"{MODEL_ID}+{b}" for b in BACKENDS[1:]}
    assert set(EXPORTED) < set(BACKENDS)
