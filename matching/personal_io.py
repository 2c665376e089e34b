"""A workspace's signal model as data: feature names, weights and a checksum, stored in ``ranker_models``.

Plain JSON like the shipped learned ranker (``matching.ranker_io``): loading runs no code, and a row edited or
written for other features is refused, so the caller answers with the base ranking instead.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np

from matching.personal import PERSONAL_FEATURES, PersonalRanker

__all__ = ["PersonalModelError", "dump_personal", "load_personal"]

FORMAT = 1


class PersonalModelError(ValueError):
    """Stored parameters that are tampered with, incomplete, or made for other features."""


def _digest(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()


def dump_personal(ranker: PersonalRanker) -> dict[str, Any]:
    """JSON-ready parameters of a fitted ``ranker``."""
    body = {
        "format": FORMAT,
        "features": list(PERSONAL_FEATURES),
        "params": ranker.get_params(),
        "coef": [float(c) for c in ranker.coef_],
        "position_coef": float(ranker.position_coef_),
    }
    return {**body, "sha256": _digest(body)}


def load_personal(params: dict[str, Any]) -> PersonalRanker:
    """The ranker ``params`` describe; raises ``PersonalModelError`` naming what is wrong."""
    body = {k: v for k, v in params.items() if k != "sha256"}
    if params.get("sha256") != _digest(body):
        raise PersonalModelError("checksum does not match the parameters (edited or truncated)")
    if body.get("format") != FORMAT:
        raise PersonalModelError(f"unknown format {body.get('format')!r} (expected {FORMAT})")
    if body.get("features") != list(PERSONAL_FEATURES):
        raise PersonalModelError("made for other features than this version's")
    coef = np.asarray(body.get("coef", []), dtype=np.float64)
    if coef.shape != (len(PERSONAL_FEATURES),) or not np.isfinite(coef).all():
        raise PersonalModelError(f"expected {len(PERSONAL_FEATURES)} finite weights")
    ranker = PersonalRanker(**body.get("params", {}))
    ranker.coef_ = coef
    ranker.position_coef_ = float(body.get("position_coef", 0.0))
    ranker.n_features_in_ = len(PERSONAL_FEATURES)
    if not ranker.usable:
        raise PersonalModelError("its base-order weight is not positive")
    return ranker
