"""A synthetic scale-up of a directory, for ``clustermatch bench``: search cost at 10k-100k profiles.

Rows are copies of the seed directory's rows with their sentences shuffled and mixed between rows, so
texts (and content hashes) differ while staying realistic. ``ScaleEmbedder`` gives each new snippet the
mean of its sentences' real vectors plus a little noise, so the embedding cache can be filled in seconds
instead of hours: the benchmark measures indexing from the cache and searching, not encoding.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from models.directory import Course, FundingStream, Need, Organization, Person

_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\s*\n+\s*")
_SKIP = {"id", "created_at", "updated_at", "organization_id", "provider_id", "person_id"}
_TEXT_FIELDS = {
    Organization: ("capabilities", "description", "needs"),
    Person: ("expertise", "interests"),
    Course: ("description",),
    FundingStream: ("description", "eligibility"),
    Need: ("description",),
}
_NAME_FIELD = {Organization: "name", Person: "name"}


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text or "") if s and s.strip()]


def seed_rows(sessions: sessionmaker[Session]) -> dict[type[Any], list[dict[str, Any]]]:
    """The seed directory's visible rows as plain dicts (columns only, no ids)."""
    rows: dict[type[Any], list[dict[str, Any]]] = {}
    with sessions() as session:
        for model in _TEXT_FIELDS:
            cols = [c.key for c in model.__table__.columns if c.key not in _SKIP]
            items = session.scalars(select(model)).all()
            rows[model] = [
                {c: getattr(item, c) for c in cols}
                for item in items
                if getattr(item, "visibility", "public") == "public" and getattr(item, "role", "") != "staff"
            ]
    return rows


def _perturb(text: str, pool: Sequence[str], rng: random.Random) -> str:
    parts = sentences(text)
    rng.shuffle(parts)
    if pool and rng.random() < 0.6:
        parts.append(rng.choice(pool))
    return " ".join(parts)


def build_scaled(sessions: sessionmaker[Session], seed: dict[type[Any], list[dict[str, Any]]], n: int) -> int:
    """Insert ``n`` synthetic profiles in the seed's proportions; returns how many rows were written."""
    rng = random.Random(n)
    total_seed = sum(len(v) for v in seed.values())
    pools = {
        (model, f): [s for row in rows for s in sentences(row.get(f) or "")]
        for model, rows in seed.items()
        for f in _TEXT_FIELDS[model]
    }
    written = 0
    org_ids: list[int] = []
    with sessions.begin() as session:
        for model in (Organization, Person, Course, FundingStream, Need):
            rows = seed.get(model) or []
            count = round(n * len(rows) / total_seed) if model is not Need else n - written
            batch = []
            for i in range(max(count, 0)):
                row = dict(rows[i % len(rows)]) if rows else None
                if row is None:
                    break
                row["external_id"] = f"{row['external_id']}-x{i}"
                if model in _NAME_FIELD:
                    row[_NAME_FIELD[model]] = f"{row[_NAME_FIELD[model]]} {i}"
                for f in _TEXT_FIELDS[model]:
                    row[f] = _perturb(row.get(f) or "", pools[(model, f)], rng)
                if model is Person and org_ids:
                    row["organization_id"] = rng.choice(org_ids)
                if model is Need and org_ids:
                    row["organization_id"] = rng.choice(org_ids)
                if model is FundingStream:
                    row["closes_on"] = None
                batch.append(row)
            for start in range(0, len(batch), 5000):
                session.execute(insert(model), batch[start : start + 5000])
            written += len(batch)
            if model is Organization:
                org_ids = list(session.scalars(select(Organization.id)))
    return written


class ScaleEmbedder:
    """Vectors for synthetic snippets from the real vectors of the sentences they are made of."""

    def __init__(self, model_id: str, dim: int, sentence_vectors: dict[str, np.ndarray], noise: float = 0.15) -> None:
        self.model_id = model_id
        self.dim = dim
        self._vectors = sentence_vectors
        self._fallback = np.stack(list(sentence_vectors.values())) if sentence_vectors else np.eye(1, dim)
        self.noise = noise

    @classmethod
    def from_snippets(cls, model_id: str, snippets: Sequence[str], vectors: np.ndarray) -> ScaleEmbedder:
        table: dict[str, np.ndarray] = {}
        for text, vec in zip(snippets, vectors, strict=True):
            for s in sentences(text):
                table.setdefault(s, vec)
            table.setdefault(text, vec)
        return cls(model_id, int(vectors.shape[1]), table)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
            rng = np.random.default_rng(seed)
            found = [self._vectors[s] for s in sentences(text) if s in self._vectors] or [
                self._vectors.get(text, self._fallback[seed % len(self._fallback)])
            ]
            v = np.mean(found, axis=0) + rng.normal(0.0, self.noise / np.sqrt(self.dim), self.dim)  # |noise| ~ 0.15
            out[row] = v / max(float(np.linalg.norm(v)), 1e-12)
        return out
