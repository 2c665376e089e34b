from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.core.directory.importer import MAX_PROBLEMS_KEPT, ImportFailed, import_file, import_files
from models.directory import Course, Need, Organization, Person
from models.repositories import DirectoryRepository
from tests.unit.directory.snapshot import counts, snapshot

ROWS: list[dict[str, Any]] = [
    {"kind": "manufacturer", "external_id": "acme", "name": "Acme Tooling", "province": "ON",
     "sectors": ["automotive", "aerospace"], "capabilities": "5-axis machining", "languages": ["en", "fr"]},
    {"kind": "research_institution", "external_id": "uni", "name": "Tamarack University", "province": "Québec"},
    {"kind": "researcher", "external_id": "p1", "name": "Ada Lin", "organization": "uni",
     "expertise": "automated gas tungsten arc joining of lightweight alloys"},
    {"kind": "person", "external_id": "p2", "name": "Bo Ng", "role": "contact", "organization": "org:acme",
     "email": "bo@example.org"},
    {"kind": "course", "external_id": "c1", "title": "PLC programming", "provider": "uni", "skills": ["PLC", "OPC UA"],
     "duration_hours": "40", "cost_cad": 1200, "delivery": "hybrid", "language": "fr"},
    {"kind": "funding_stream", "external_id": "f1", "name": "Net-zero stream", "opens_on": "2026-04-01",
     "closes_on": "2027-03-31", "max_contribution_cad": 500000},
    {"kind": "need", "external_id": "n1", "title": "Robotic TIG welding of aluminium battery trays",
     "organization": "acme", "person": "p2", "anonymous": "yes"},
]


def write(path: Path, rows: list[dict[str, Any]]) -> Path:
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    elif path.suffix == ".json":
        path.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    else:
        columns = sorted({k for r in rows for k in r})
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns)
            writer.writeheader()
            for r in rows:
                writer.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in r.items()})
    return path


def version(sessions: sessionmaker[Session]) -> int:
    with sessions() as s:
        return DirectoryRepository(s).current_version()


def test_import_creates_everything_with_resolved_references(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    report = import_file(write(tmp_path / "d.jsonl", ROWS), sessions=sessions)
    assert report.totals == {"created": 7, "updated": 0, "unchanged": 0}
    assert report.counts["researcher"]["created"] == 1 and report.counts["person"]["created"] == 1
    with sessions() as s:
        repo = DirectoryRepository(s)
        uni = repo.get("org:uni")
        assert isinstance(uni, Organization) and uni.province == "QC"  # province names are accepted
        p1 = repo.get("person:p1")
        assert isinstance(p1, Person) and p1.role == "researcher" and p1.organization_id == uni.id
        course = repo.get("course:c1")
        assert isinstance(course, Course) and course.provider_id == uni.id and course.duration_hours == 40.0
        assert course.skills == ["PLC", "OPC UA"]
        need = repo.get("need:n1")
        assert isinstance(need, Need) and need.anonymous is True and need.person_id is not None
        funding = repo.get("funding:f1")
        assert funding is not None and funding.closes_on == date(2027, 3, 31)  # type: ignore[union-attr]
    assert version(sessions) == 1


@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_csv_json_and_jsonl_import_to_the_same_state(
    sessions: sessionmaker[Session], engine: Any, tmp_path: Path, suffix: str
) -> None:
    from models.db import make_engine, migrate, session_factory

    import_file(write(tmp_path / "d.jsonl", ROWS), sessions=sessions)
    other_engine = make_engine("sqlite://")
    migrate(other_engine)
    other = session_factory(other_engine)
    import_file(write(tmp_path / f"d{suffix}", ROWS), sessions=other)
    assert snapshot(other) == snapshot(sessions)
    # and the other format re-imported over the first is a no-op
    report = import_file(tmp_path / f"d{suffix}", sessions=sessions)
    assert report.totals["unchanged"] == len(ROWS) and not report.changed


def test_reimport_is_idempotent_and_changes_bump_the_version(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", ROWS)
    import_file(path, sessions=sessions)
    before = snapshot(sessions)
    again = import_file(path, sessions=sessions)
    assert again.totals == {"created": 0, "updated": 0, "unchanged": 7}
    assert version(sessions) == 1 and snapshot(sessions) == before
    changed = [dict(r) for r in ROWS]
    changed[0]["capabilities"] = "5-axis machining and robotic deburring"
    del changed[0]["sectors"]  # a removed field goes back to its default
    report = import_file(write(tmp_path / "d2.csv", changed), sessions=sessions)
    assert report.totals == {"created": 0, "updated": 1, "unchanged": 6}
    assert version(sessions) == 2
    with sessions() as s:
        acme = DirectoryRepository(s).get("org:acme")
        assert isinstance(acme, Organization) and acme.sectors == [] and "deburring" in acme.capabilities


def test_dry_run_counts_but_writes_nothing(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    report = import_file(write(tmp_path / "d.json", ROWS), sessions=sessions, dry_run=True)
    assert report.dry_run and report.totals["created"] == 7
    assert sum(counts(sessions).values()) == 0 and version(sessions) == 0


def test_one_bad_row_writes_nothing_and_all_problems_are_reported(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    rows = [dict(r) for r in ROWS]
    rows[1]["province"] = "Ontari"
    rows[4]["cost_cad"] = "$1,200"
    rows[5]["closes_on"] = "2027-02-30"
    path = write(tmp_path / "members.jsonl", rows)
    with pytest.raises(ImportFailed) as info:
        import_file(path, sessions=sessions)
    problems = [str(p) for p in info.value.problems]
    assert info.value.total == 3
    assert problems[0].startswith("members.jsonl: row 2 (line 2): field 'province': 'Ontari' is not")
    assert "AB, BC, MB" in problems[0]
    assert problems[1].startswith("members.jsonl: row 5 (line 5): field 'cost_cad': expected a number")
    assert problems[2].startswith("members.jsonl: row 6 (line 6): field 'closes_on': expected a date")
    assert sum(counts(sessions).values()) == 0 and version(sessions) == 0


@pytest.mark.parametrize(
    ("row", "field", "needle"),
    [
        ({"kind": "supplier", "external_id": "x", "name": "X"}, "kind", "valid kinds: manufacturer, technology_firm"),
        ({"external_id": "x", "name": "X"}, "kind", "pass --kind"),
        ({"kind": "manufacturer", "name": "X"}, "external_id", "missing"),
        ({"kind": "manufacturer", "external_id": "x"}, "name", "missing (required for kind 'manufacturer')"),
        ({"kind": "course", "external_id": "x", "title": "T", "duration_hours": "12 hours"}, "duration_hours",
         "expected a number"),
        ({"kind": "course", "external_id": "x", "title": "T", "delivery": "remote"}, "delivery",
         "use one of online, in-person, hybrid"),
        ({"kind": "course", "external_id": "x", "title": "T", "url": "www.x.ca"}, "url", "https://"),
        ({"kind": "need", "external_id": "x", "title": "T", "organization": "acme", "anonymous": "maybe"},
         "anonymous", "true or false"),
        ({"kind": "need", "external_id": "x", "title": "T"}, "organization", "belongs to an organization"),
        ({"kind": "funding_stream", "external_id": "x", "name": "F", "opens_on": "2027-01-01",
          "closes_on": "2026-01-01"}, "closes_on", "closes before it opens"),
        ({"kind": "manufacturer", "external_id": "x", "name": "X", "provence": "ON"}, "provence", "valid fields:"),
        ({"kind": "researcher", "external_id": "x", "name": "X", "organization": "nobody"}, "organization",
         "no organization with external_id 'nobody'"),
        ({"kind": "manufacturer", "external_id": "x", "name": "X", "languages": ["English"]}, "languages",
         "not a language code"),
        ({"kind": "person", "external_id": "x", "name": "X", "email": "not-an-email"}, "email", "not an email"),
        ({"kind": "manufacturer", "external_id": "x", "name": "X" * 301}, "name", "the limit is 300"),
        ({"kind": "manufacturer", "external_id": "x", "name": "X", "competitors": ["x"]}, "competitors",
         "its own competitor"),
    ],
)
def test_each_problem_names_file_row_and_field(
    sessions: sessionmaker[Session], tmp_path: Path, row: dict[str, Any], field: str, needle: str
) -> None:
    path = write(tmp_path / "one.jsonl", [ROWS[0], row])
    with pytest.raises(ImportFailed) as info:
        import_file(path, sessions=sessions)
    (problem,) = info.value.problems
    assert (problem.file, problem.row, problem.line, problem.field) == ("one.jsonl", 2, 2, field)
    assert needle in problem.message
    assert counts(sessions)["organizations"] == 0


def test_duplicate_external_ids_in_one_file(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    rows = [*ROWS, {"kind": "technology_firm", "external_id": "acme", "name": "Other Acme"}]
    with pytest.raises(ImportFailed) as info:
        import_file(write(tmp_path / "d.csv", rows), sessions=sessions)
    (problem,) = info.value.problems
    assert problem.row == 8 and problem.line == 9 and problem.field == "external_id"
    assert "duplicate external_id 'acme' (first used in d.csv row 1)" in problem.message


def test_same_external_id_in_different_tables_is_fine(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    rows = [ROWS[0], {"kind": "course", "external_id": "acme", "title": "Acme's own course", "provider": "acme"}]
    assert import_file(write(tmp_path / "d.jsonl", rows), sessions=sessions).totals["created"] == 2


def test_non_utf8_file_names_the_byte_offset(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("kind,external_id,name\nmanufacturer,m1,Usinage Rivière\n".encode("latin-1"))
    with pytest.raises(ImportFailed) as info:
        import_file(path, sessions=sessions)
    (problem,) = info.value.problems
    offset = len(b"kind,external_id,name\nmanufacturer,m1,Usinage Rivi")
    assert problem.file == "latin.csv" and problem.line == 2
    assert f"byte 0xe8 at byte offset {offset}" in problem.message and "UTF-8" in problem.message


def test_utf8_bom_and_french_text_are_fine(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("kind,external_id,name\nmanufacturer,m1,Usinage Rivière\n".encode("utf-8-sig"))
    import_file(path, sessions=sessions)
    with sessions() as s:
        assert DirectoryRepository(s).get("org:m1").name == "Usinage Rivière"  # type: ignore[union-attr]


def test_references_resolve_against_the_database(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    import_file(write(tmp_path / "orgs.jsonl", ROWS[:2]), sessions=sessions)
    people = write(tmp_path / "people.csv", [ROWS[2]])
    assert import_file(people, sessions=sessions).totals["created"] == 1


def test_kind_option_fills_rows_without_kind_and_conflicts_are_reported(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    rows = [{"external_id": "c9", "title": "Cobot safety"}, {"kind": "need", "external_id": "c10", "title": "x"}]
    with pytest.raises(ImportFailed) as info:
        import_file(write(tmp_path / "c.jsonl", rows), sessions=sessions, kind="course")
    (problem,) = info.value.problems
    assert problem.row == 2 and "the row says 'need' but --kind is 'course'" in problem.message
    report = import_file(write(tmp_path / "c2.jsonl", rows[:1]), sessions=sessions, kind="Course")
    assert report.counts["course"]["created"] == 1
    with pytest.raises(ImportFailed, match="valid kinds"):
        import_file(tmp_path / "c2.jsonl", sessions=sessions, kind="widget")


def test_json_array_rows_know_their_lines_and_syntax_errors_name_the_line(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    rows = [dict(r) for r in ROWS[:3]]
    rows[2]["province"] = "XX"
    with pytest.raises(ImportFailed) as info:
        import_file(write(tmp_path / "d.json", rows), sessions=sessions)
    (problem,) = info.value.problems
    text = (tmp_path / "d.json").read_text().splitlines()
    assert problem.row == 3 and text[problem.line - 1].strip() == "{"  # type: ignore[operator]
    assert '"external_id": "p1"' in text[problem.line + 1]  # type: ignore[operator]
    broken = tmp_path / "broken.json"
    broken.write_text('[\n{"kind": "manufacturer",\n "external_id": "a" "name": "A"}\n]')
    with pytest.raises(ImportFailed) as info:
        import_file(broken, sessions=sessions)
    assert info.value.problems[0].line == 3 and "invalid JSON" in info.value.problems[0].message
    (tmp_path / "obj.json").write_text('{"kind": "manufacturer"}')
    with pytest.raises(ImportFailed, match="expected a JSON array"):
        import_file(tmp_path / "obj.json", sessions=sessions)


def test_file_level_problems(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").write_bytes(b"PK")
    (tmp_path / "wide.csv").write_text("kind,external_id,name\nmanufacturer,a,A,extra\n")
    (tmp_path / "bad.jsonl").write_text('{"kind": "manufacturer", "external_id": "a", "name": "A"}\n[1]\n{oops\n')
    with pytest.raises(ImportFailed) as info:
        import_files([tmp_path / p for p in ("x.xlsx", "wide.csv", "bad.jsonl", "missing.csv")], sessions=sessions)
    messages = [str(p) for p in info.value.problems]
    assert any(m.startswith("x.xlsx: unsupported file type '.xlsx'") for m in messages)
    assert "wide.csv: row 1 (line 2): has 4 values but the header has 3 columns" in messages
    assert "bad.jsonl: row 2 (line 2): expected an object, got list" in messages
    assert any(m.startswith("bad.jsonl: row 3 (line 3): invalid JSON") for m in messages)
    assert any("missing.csv: no such file" in m for m in messages)


def test_many_bad_rows_are_counted_and_capped(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    rows = [{"kind": "manufacturer", "external_id": f"m{i}", "name": f"M{i}", "province": "ZZ"} for i in range(450)]
    with pytest.raises(ImportFailed) as info:
        import_file(write(tmp_path / "big.csv", rows), sessions=sessions)
    assert info.value.total == 450 and len(info.value.problems) == MAX_PROBLEMS_KEPT
    assert "... and 430 more" in str(info.value)
    assert counts(sessions)["organizations"] == 0


def test_progress_is_reported(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    import_file(write(tmp_path / "d.jsonl", ROWS), sessions=sessions, progress=lambda *a: seen.append(a))
    assert ("checking", 7, 7) in seen and ("writing", 7, 7) in seen
