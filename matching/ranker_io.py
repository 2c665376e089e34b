"""The learned ranker on disk: JSON with the feature names, the weights, a checksum and where it came from.

JSON, not pickle: a model file is data, loading it runs no code, and a reviewer can read it. The checksum
covers everything else in the file, so a truncated or edited model is refused; the caller then falls back
to the formula (and says so in the log).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from matching.fallback import ChannelGate
from matching.features import FEATURES
from matching.ranker import LearnedRanker

__all__ = ["RankerFileError", "DEFAULT_RANKER", "save_ranker", "load_ranker", "file_sha256"]

#: The default model shipped with the package (trained by ``scripts/train_ranker.py`` on the shared sets).
DEFAULT_RANKER = Path(__file__).resolve().parent / "data" / "ranker-default.json"
FORMAT = 2  # 2: dense_first features and the per-question fallback gate


class RankerFileError(ValueError):
    """A model file is missing, unreadable, tampered with, or made for other features."""


def _digest(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes (training data provenance)."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def save_ranker(ranker: LearnedRanker, path: Path, *, meta: dict[str, Any] | None = None) -> Path:
    """Write ``ranker`` with ``meta`` (training sets and their checksums, figures) atomically."""
    body = {
        "format": FORMAT,
        "features": list(FEATURES),
        "params": ranker.get_params(),
        "mean": ranker.mean_.tolist(),
        "scale": ranker.scale_.tolist(),
        "coef": ranker.coef_.tolist(),
        "gate": gate.to_dict() if (gate := getattr(ranker, "gate_", None)) is not None else None,
        "meta": meta or {},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({**body, "sha256": _digest(body)}, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def load_ranker(path: Path = DEFAULT_RANKER) -> tuple[LearnedRanker, dict[str, Any]]:
    """The ranker in ``path`` and its metadata; :class:`RankerFileError` naming what is wrong otherwise."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RankerFileError(f"{path}: no such model file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RankerFileError(f"{path}: unreadable model file ({exc})") from None
    if not isinstance(doc, dict) or "sha256" not in doc:
        raise RankerFileError(f"{path}: not a ranker file (no checksum)")
    claimed = doc.pop("sha256")
    if _digest(doc) != claimed:
        raise RankerFileError(f"{path}: checksum mismatch (the file was changed or truncated)")
    if doc.get("format") != FORMAT or doc.get("features") != list(FEATURES):
        raise RankerFileError(f"{path}: made for other features or format {doc.get('format')!r}; retrain it")
    ranker = LearnedRanker(**{**doc["params"], "ignore": tuple(doc["params"].get("ignore", ()))})
    ranker.mean_ = np.asarray(doc["mean"], dtype=np.float64)
    ranker.scale_ = np.asarray(doc["scale"], dtype=np.float64)
    ranker.coef_ = np.asarray(doc["coef"], dtype=np.float64)
    ranker.n_features_in_ = len(FEATURES)
    if doc.get("gate") is not None:
        try:
            ranker.gate_ = ChannelGate.from_dict(doc["gate"])
        except (KeyError, TypeError, ValueError) as exc:
            raise RankerFileError(f"{path}: unusable fallback gate ({exc}); retrain it") from None
    return ranker, dict(doc.get("meta", {}))
