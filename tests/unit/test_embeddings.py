from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from matching.embeddings import (
    MODEL_SHA256,
    HashingEmbedder,
    ModelIntegrityError,
    SentenceTransformerEmbedder,
    default_model_path,
    verify_model_files,
)


def test_hashing_embedder_is_normalised_and_deterministic() -> None:
    e = HashingEmbedder()
    a = e.encode(["robotic welding of aluminium", "robotic welding of aluminium"])
    assert a.shape == (2, e.dim) and a.dtype == np.float32
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0)
    assert np.array_equal(a[0], a[1])
    assert e.encode([]).shape == (0, e.dim)


def test_tampered_weights_are_refused(tmp_path: Path) -> None:
    src = default_model_path()
    for name in MODEL_SHA256:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src / name, tmp_path / name)
    verify_model_files(tmp_path)  # the genuine copy passes
    with (tmp_path / "config.json").open("a") as fh:
        fh.write(" ")
    with pytest.raises(ModelIntegrityError, match="config.json"):
        verify_model_files(tmp_path)
    with pytest.raises(ModelIntegrityError, match="config.json"):
        SentenceTransformerEmbedder(tmp_path).encode(["x"])


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ModelIntegrityError, match="missing"):
        verify_model_files(tmp_path)


@pytest.mark.model
def test_real_model_embeds_related_texts_closer(real_embedder: SentenceTransformerEmbedder) -> None:
    v = real_embedder.encode(
        ["automating TIG welding of aluminium battery trays", "robotic arc welding cells", "sourdough bread recipes"]
    )
    assert v.shape == (3, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2


def test_thread_setting_is_read_and_checked() -> None:
    from bot.config import ConfigError, Settings

    assert Settings.from_env({"TORCH_THREADS": "2"}).torch_threads == 2
    with pytest.raises(ConfigError, match="TORCH_THREADS"):
        Settings.from_env({"TORCH_THREADS": "two"})
    with pytest.raises(ValueError, match="threads"):
        SentenceTransformerEmbedder(threads=-1)
