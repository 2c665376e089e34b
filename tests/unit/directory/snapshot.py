"""A database-independent picture of the directory, for comparing two databases row by row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, sessionmaker

from models.directory import Course, FundingStream, Need, Organization, Person

_SKIP = {"id", "created_at", "updated_at"}
_FKS = {"organization_id": Organization, "provider_id": Organization, "person_id": Person}


def snapshot(sessions: sessionmaker[Session]) -> dict[str, dict[str, dict[str, Any]]]:
    """``{table: {external_id: {column: value}}}`` with foreign keys replaced by external ids."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    with sessions() as s:
        ext = {
            (model, item.id): item.external_id
            for model in (Organization, Person)
            for item in s.scalars(select(model))
        }
        for model in (Organization, Person, Course, FundingStream, Need):
            rows: dict[str, dict[str, Any]] = {}
            for item in s.scalars(select(model)):
                row = {}
                for col in inspect(model).columns:
                    if col.key in _SKIP:
                        continue
                    value = getattr(item, col.key)
                    if col.key in _FKS and value is not None:
                        value = ext[(_FKS[col.key], value)]
                    row[col.key] = value
                rows[item.external_id] = row
            out[model.__tablename__] = rows
    return out


def counts(sessions: sessionmaker[Session]) -> dict[str, int]:
    return {table: len(rows) for table, rows in snapshot(sessions).items()}
