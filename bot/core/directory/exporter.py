"""Export the directory as files that ``import`` turns back into exactly the same directory.

One file per table (``organizations``, ``people``, ``courses``, ``funding_streams``, ``needs``), as JSON
Lines or CSV, with the same field names the importer reads; references are written as external ids.
"""

from __future__ import annotations

import csv
import json
import logging
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.core.directory.schema import FIELDS, MODEL_ORDER, kind_of
from models.repositories import DirectoryRepository

logger = logging.getLogger(__name__)

FORMATS = ("jsonl", "csv")


class ExportError(ValueError):
    """The directory cannot be written in the requested format without losing information."""


def export_directory(sessions: sessionmaker[Session], out_dir: Path, *, fmt: str = "jsonl") -> dict[Path, int]:
    """Write one file per table into ``out_dir``; returns ``{path: rows written}``.

    CSV separates list items with ``;``, so an item that itself contains ``;`` cannot go to CSV: that
    raises ``ExportError`` (before any file is written) rather than silently splitting the item.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    tables: list[tuple[str, list[dict[str, Any]]]] = []
    with sessions() as session:
        repo = DirectoryRepository(session)
        items = {model: repo.list_all(model) for model, _stem in MODEL_ORDER}
        external_ids = {(type(item), item.id): item.external_id for batch in items.values() for item in batch}
        for model, stem in MODEL_ORDER:
            tables.append((stem, [to_row(item, external_ids) for item in items[model]]))
    if fmt == "csv":
        _check_csv_safe(tables)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[Path, int] = {}
    for stem, rows in tables:
        path = out_dir / f"{stem}.{fmt}"
        if fmt == "jsonl":
            _write_jsonl(path, rows)
        else:
            _write_csv(path, rows, _columns(stem))
        written[path] = len(rows)
    logger.info("exported %d rows to %s", sum(written.values()), out_dir)
    return written


def to_row(item: Any, external_ids: dict[tuple[type[Any], int], str]) -> dict[str, Any]:
    """The file row of a directory item: kind, external_id, then every non-empty field.

    ``external_ids`` maps ``(model, primary key)`` to external id, to write references the way they are read.
    """
    row: dict[str, Any] = {"kind": kind_of(item), "external_id": item.external_id}
    for f in FIELDS[type(item)]:
        value = getattr(item, f.attr)
        if f.shape == "ref" and value is not None and f.ref is not None:
            value = external_ids[(f.ref, value)]
        if isinstance(value, date):
            value = value.isoformat()
        if value is None or value == "" or value == []:
            continue
        row[f.name] = list(value) if isinstance(value, list) else value
    return row


def _columns(stem: str) -> list[str]:
    model = next(m for m, s in MODEL_ORDER if s == stem)
    return ["kind", "external_id", *(f.name for f in FIELDS[model])]


def _check_csv_safe(tables: list[tuple[str, list[dict[str, Any]]]]) -> None:
    for stem, rows in tables:
        for row in rows:
            for name, value in row.items():
                if isinstance(value, list) and any(";" in item for item in value):
                    raise ExportError(f"{stem}: {row['external_id']!r} field {name!r} has an item containing ';', "
                                      "which CSV lists cannot hold; export as jsonl instead")


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def _write_csv(path: Path, rows: list[dict[str, Any]], columns: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _csv_cell(v) for k, v in row.items()})


def _csv_cell(value: Any) -> str:
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)
