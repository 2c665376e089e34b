"""Random directory files (CSV, JSON, JSON Lines): a full import or a clear ``ImportFailed``, nothing between.

Rows mix plausible values (known kinds, provinces, dates, references to other rows) with wrong ones
(unknown fields, bad types, huge or control-character text, duplicate ids, missing references); whole files
may be broken (bad UTF-8, truncated JSON). On failure the database is byte-for-byte as before and every
problem names its file; on success every row is there and importing the same files again changes nothing.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.core.directory.importer import ImportFailed, import_files
from models.directory import PROVINCES, VISIBILITIES
from tests.fuzz.support import db_snapshot

FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
KINDS = ["manufacturer", "technology_firm", "research_institution", "person", "researcher", "course",
         "funding_stream", "need", "organisation", "Course ", ""]
FIELDS = ["name", "title", "province", "visibility", "expertise", "capabilities", "description", "organization",
          "provider", "closes_on", "opens_on", "cost_cad", "duration_hours", "languages", "sectors", "email",
          "website", "url", "role", "delivery", "language", "status", "anonymous", "competitors", "bogus"]
odd_text = st.text(max_size=30) | st.sampled_from([
    "<!channel> & <@U1>", "\x00\x07\x1b", "x" * 4000, "é ü 中文 🙂", "  ", "2026-02-30", "1e309", "NaN", "-5",
])
values = (odd_text | st.sampled_from([*PROVINCES, *VISIBILITIES, "2026-06-30", "12.5", "o-1", "o-2", "p-1", "fr",
                                      "en;fr", "https://example.org"])
          | st.integers(-10, 10**6) | st.floats(allow_nan=True) | st.booleans() | st.none()
          | st.lists(st.text(max_size=8), max_size=3))


names = st.text(st.characters(categories=("L", "N", "P", "Zs", "So")), max_size=40).map(lambda x: f"N{x}")
free_text = st.text(max_size=300) | odd_text


@st.composite
def valid_row(draw: st.DrawFn, i: int) -> dict[str, Any]:
    """A row that should import: a kind with its required fields, optional fields with allowed values.

    Row 0 is always an organization, which later needs belong to.
    """
    kind = draw(st.sampled_from(["manufacturer", "technology_firm"] if i == 0 else [
        "manufacturer", "technology_firm", "researcher", "person", "course", "funding_stream", "need"]))
    row: dict[str, Any] = {"kind": kind, "external_id": f"{kind[:3]}-{i}"}
    if kind in ("manufacturer", "technology_firm"):
        row.update(name=draw(names), capabilities=draw(free_text), province=draw(st.sampled_from(PROVINCES)))
    elif kind in ("researcher", "person"):
        row.update(name=draw(names), expertise=draw(free_text))
    elif kind == "course":
        row.update(title=draw(names), description=draw(free_text), cost_cad=draw(st.integers(0, 9000)))
    elif kind == "funding_stream":
        row.update(name=draw(names), closes_on=draw(st.dates().map(str)))
    else:
        row.update(title=draw(names), description=draw(free_text))
    if kind != "need" and draw(st.booleans()):
        row["visibility"] = draw(st.sampled_from(VISIBILITIES))
    return row


@st.composite
def rows(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Mostly valid rows; sometimes one of them broken (a wrong value, an unknown field, a duplicate id)."""
    out = [draw(valid_row(i)) for i in range(draw(st.integers(0, 6)))]
    for row in out:
        if row["kind"] == "need":
            row["organization"] = out[0]["external_id"]
    if out and draw(st.integers(0, 2)) == 0:
        victim = out[draw(st.integers(0, len(out) - 1))]
        victim[draw(st.sampled_from(FIELDS + ["kind", "external_id"]))] = draw(values)
    if out and draw(st.integers(0, 5)) == 0:
        out.append(dict(out[0]))  # the same external id twice
    return out


def write(folder: Path, fmt: str, data: list[dict[str, Any]], damage: str) -> Path:
    path = folder / f"rows.{fmt}"
    if fmt == "json":
        text = json.dumps(data)
    elif fmt == "jsonl":
        text = "\n".join(json.dumps(r) for r in data)
    else:
        buffer = io.StringIO()
        keys = sorted({k for r in data for k in r})
        writer = csv.DictWriter(buffer, fieldnames=keys or ["kind"])
        writer.writeheader()
        for r in data:
            writer.writerow({k: json.dumps(v) if isinstance(v, list) else v for k, v in r.items()})
        text = buffer.getvalue()
    raw = text.encode("utf-8")
    if damage == "truncate" and len(raw) > 3:
        raw = raw[: len(raw) // 2]
    elif damage == "latin1":
        raw = raw + "café".encode("latin-1")
    path.write_bytes(raw)
    return path


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
@FUZZ
@given(data=rows(), fmt=st.sampled_from(["csv", "json", "jsonl"]),
       damage=st.sampled_from(["none", "none", "none", "truncate", "latin1"]))
def test_import_is_all_or_nothing(engine: Engine, sessions: sessionmaker[Session], data: list[dict[str, Any]],
                                  fmt: str, damage: str) -> None:
    with TemporaryDirectory() as tmp:
        path = write(Path(tmp), fmt, data, damage)
        before = db_snapshot(engine)
        try:
            report = import_files([path], sessions=sessions)
        except ImportFailed as exc:
            assert exc.problems and all(p.file == path.name for p in exc.problems), exc.problems
            assert all(str(p) for p in exc.problems)
            assert db_snapshot(engine) == before, "a failed import wrote to the database"
            event("refused")
            return
        event("imported" if data else "empty file imported")
        assert report.rows == len(data) or damage != "none"  # a cut CSV can still be a valid, shorter CSV
        again = import_files([path], sessions=sessions)
        assert not again.changed and again.totals["unchanged"] == report.rows
