"""Typed repositories over a ``Session``. They never commit: the caller owns the transaction.

```python
with sessions.begin() as session:
    repo = DirectoryRepository(session)
    org, status = repo.upsert(Organization, "acme", {"name": "Acme Tooling", "kind": "manufacturer"})
```

Every write to the directory goes through ``bump_version()`` (once per transaction), so processes that
cache the directory (the matcher's catalog) see ``DirectoryVersion.version`` move and refresh.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal, TypeVar

import numpy as np
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.base import utcnow
from models.directory import (
    Course,
    DirectoryVersion,
    EmbeddingCache,
    FundingStream,
    Need,
    Organization,
    Person,
)

logger = logging.getLogger(__name__)

DirectoryItem = Organization | Person | Course | FundingStream | Need
T = TypeVar("T", Organization, Person, Course, FundingStream, Need)
UpsertStatus = Literal["created", "updated", "unchanged"]

#: Ref prefix ("org:<external_id>") -> model. The prefixes are part of the public contract.
REF_MODELS: dict[str, type[Any]] = {
    "org": Organization,
    "person": Person,
    "course": Course,
    "funding": FundingStream,
    "need": Need,
}
_PREFIX_OF: dict[type[Any], str] = {model: prefix for prefix, model in REF_MODELS.items()}
_VERSION_ROW_ID = 1
_BUMPED_KEY = "clustermatch.directory_bumped"
_IN_CHUNK = 500  # stay well under every database's bound-parameter limit


def ref_of(item: DirectoryItem) -> str:
    """The stable reference of a directory item, e.g. ``"org:acme"``."""
    return f"{_PREFIX_OF[type(item)]}:{item.external_id}"


def parse_ref(ref: str) -> tuple[type[Any], str]:
    """Split ``"kind:external_id"``; raise ``ValueError`` listing the valid prefixes otherwise."""
    prefix, sep, external_id = ref.partition(":")
    if not sep or not external_id or prefix not in REF_MODELS:
        valid = ", ".join(f"{p}:<external_id>" for p in REF_MODELS)
        raise ValueError(f"not a directory reference: {ref!r} (expected one of {valid})")
    return REF_MODELS[prefix], external_id


def content_hash(text: str) -> str:
    """The embedding-cache key of a text: SHA-256 of its UTF-8 bytes (64 hex characters)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _chunks(values: Sequence[str], size: int = _IN_CHUNK) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class DirectoryRepository:
    """Reads and writes organizations, people, courses, funding streams, needs and cached vectors."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # -- reads -----------------------------------------------------------------------------------
    def get(self, ref: str) -> DirectoryItem | None:
        """The item behind ``ref`` (``"org:acme"``, ``"person:p-12"``, ...), or ``None`` if absent."""
        model, external_id = parse_ref(ref)
        return self.get_by_external_id(model, external_id)

    def get_by_external_id(self, model: type[T], external_id: str) -> T | None:
        return self.session.scalars(select(model).where(model.external_id == external_id)).one_or_none()

    def get_many_by_external_id(self, model: type[T], external_ids: Iterable[str]) -> dict[str, T]:
        """``{external_id: item}`` for those of ``external_ids`` that exist (one query per 500 ids)."""
        wanted = sorted(set(external_ids))
        found: dict[str, T] = {}
        for chunk in _chunks(wanted):
            for item in self.session.scalars(select(model).where(model.external_id.in_(chunk))):
                found[item.external_id] = item
        return found

    def list_all(self, model: type[T]) -> list[T]:
        """Every row of ``model`` in external-id order, whatever its visibility (export, staff tools)."""
        return list(self.session.scalars(select(model).order_by(model.external_id)))

    def list_visible(self, model: type[T], *, include_staff: bool = False) -> list[T]:
        """Items members may be shown: ``public`` ones (plus ``staff`` ones for staff); open needs only.

        Needs have no visibility of their own: an open need is visible unless its organization is hidden
        from members (``staff``/``hidden``, the same rule as for the organization itself).
        """
        allowed = ("public", "staff") if include_staff else ("public",)
        stmt = select(model).order_by(model.external_id)
        if model is Need:
            stmt = stmt.outerjoin(Organization, Need.organization_id == Organization.id).where(
                Need.status == "open",
                (Organization.id.is_(None)) | Organization.visibility.in_(allowed),
            )
        else:
            stmt = stmt.where(getattr(model, "visibility").in_(allowed))
        return list(self.session.scalars(stmt))

    def count(self, model: type[Any]) -> int:
        return int(self.session.scalar(select(func.count()).select_from(model)) or 0)

    # -- writes ----------------------------------------------------------------------------------
    def upsert(self, model: type[T], external_id: str, values: Mapping[str, Any]) -> tuple[T, UpsertStatus]:
        """Create or update the ``model`` row with ``external_id`` so its columns equal ``values``.

        Returns the item and ``"created"``, ``"updated"`` or ``"unchanged"``. Only a real change writes
        (and bumps the directory version): re-importing the same data is free.
        """
        item = self.get_by_external_id(model, external_id)
        return self.apply(model, item, external_id, values)

    def apply(
        self, model: type[T], item: T | None, external_id: str, values: Mapping[str, Any]
    ) -> tuple[T, UpsertStatus]:
        """``upsert`` for a row the caller already fetched (``None``: create it); bulk imports prefetch."""
        if item is None:
            item = model(external_id=external_id, **values)
            self.session.add(item)
            self.bump_version()
            return item, "created"
        changed = False
        for key, value in values.items():
            if getattr(item, key) != value:
                setattr(item, key, value)
                changed = True
        if not changed:
            return item, "unchanged"
        self.bump_version()
        return item, "updated"

    def current_version(self) -> int:
        """The directory version (0 before the first write); cheap enough to poll before each search."""
        stmt = select(DirectoryVersion.version).where(DirectoryVersion.id == _VERSION_ROW_ID)
        return int(self.session.scalar(stmt) or 0)

    def bump_version(self) -> None:
        """Increment the directory version, at most once per transaction, with an atomic UPDATE."""
        transaction = self.session.get_transaction()
        if transaction is not None and self.session.info.get(_BUMPED_KEY) is transaction:
            return
        stmt = (
            update(DirectoryVersion)
            .where(DirectoryVersion.id == _VERSION_ROW_ID)
            .values(version=DirectoryVersion.version + 1, updated_at=utcnow())
        )
        if self.session.execute(stmt).rowcount == 0:  # type: ignore[attr-defined]
            try:
                with self.session.begin_nested():
                    self.session.add(DirectoryVersion(id=_VERSION_ROW_ID, version=1))
            except IntegrityError:  # another process created the row first
                self.session.execute(stmt)
        self.session.info[_BUMPED_KEY] = self.session.get_transaction()

    # -- embedding cache -------------------------------------------------------------------------
    def get_vectors(self, hashes: Iterable[str], model_id: str) -> dict[str, np.ndarray]:
        """Cached vectors ``{content_hash: (dim,) float32}`` for the hashes present for ``model_id``."""
        wanted = sorted(set(hashes))
        found: dict[str, np.ndarray] = {}
        for chunk in _chunks(wanted):
            stmt = select(EmbeddingCache).where(
                EmbeddingCache.model_id == model_id, EmbeddingCache.content_hash.in_(chunk)
            )
            for row in self.session.scalars(stmt):
                found[row.content_hash] = np.frombuffer(row.vector, dtype="<f4", count=row.dim).astype(np.float32)
        return found

    def put_vectors(self, vectors: Mapping[str, np.ndarray], model_id: str) -> int:
        """Store ``{content_hash: (dim,) vector}`` for ``model_id``; existing keys are kept. Returns rows added."""
        missing = [h for h in vectors if h not in self.get_vectors(vectors.keys(), model_id)]
        rows = []
        for h in missing:
            vec = np.ascontiguousarray(vectors[h], dtype="<f4").reshape(-1)
            rows.append(EmbeddingCache(content_hash=h, model_id=model_id, dim=int(vec.shape[0]), vector=vec.tobytes()))
        if not rows:
            return 0
        try:
            with self.session.begin_nested():
                self.session.add_all(rows)
        except IntegrityError:  # a concurrent writer stored some of them: fall back to one by one
            for row in rows:
                self.session.merge(row)
        return len(rows)

    def embed_cached(
        self, texts: Sequence[str], model_id: str, encode: Callable[[list[str]], np.ndarray]
    ) -> np.ndarray:
        """Vectors for ``texts``, shape ``(len(texts), dim)`` float32, encoding only texts not cached yet.

        ``encode`` is the embedder's ``encode`` (any callable list[str] -> (n, dim) array); new vectors are
        stored, so an unchanged directory is never embedded twice for the same model.
        """
        hashes = [content_hash(t) for t in texts]
        cached = self.get_vectors(hashes, model_id)
        todo: dict[str, str] = {}
        for h, text in zip(hashes, texts, strict=True):
            if h not in cached and h not in todo:
                todo[h] = text
        if todo:
            fresh = np.asarray(encode(list(todo.values())), dtype=np.float32)
            if fresh.ndim != 2 or fresh.shape[0] != len(todo):
                raise ValueError(f"encode returned shape {fresh.shape} for {len(todo)} texts")
            new = dict(zip(todo.keys(), fresh, strict=True))
            self.put_vectors(new, model_id)
            cached.update(new)
        if not hashes:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([cached[h] for h in hashes]).astype(np.float32, copy=False)

    # Names used in the shared contract.
    get_many = get_vectors
    put_many = put_vectors
