"""The test suite stands alone: its samples live in ``tests/fixtures/``, each one listed with its source and licence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.fixtures_paths import FIXTURES

TESTS = Path(__file__).resolve().parents[1]
README = FIXTURES / "README.md"

#: A folder beside the repository, named as a relative path, a path fragment, or a ``/ "shared"`` path join.
OUTSIDE = re.compile(r"\.\./shared|shared/eval-data|eval-data|slack-teams-samples|/\s*[\"']shared[\"']")
#: Paths the README lists: in backticks, relative to tests/fixtures/.
LISTED = re.compile(r"`((?:slack|teams)/[^`\s]+)`")


def _sources() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if p != Path(__file__).resolve())


def test_the_scan_sees_the_test_sources() -> None:
    names = {p.relative_to(TESTS).as_posix() for p in _sources()}
    assert {"conftest.py", "fixtures_paths.py", "fakes/slack_api.py", "unit/teams/cards.py"} <= names


@pytest.mark.parametrize("path", _sources(), ids=lambda p: p.relative_to(TESTS).as_posix())
def test_no_test_code_names_a_folder_outside_the_repository(path: Path) -> None:
    found = [f"line {n}: {line.strip()}" for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if OUTSIDE.search(line)]
    assert found == [], "read samples from tests/fixtures/ (tests.fixtures_paths) instead"


def test_the_pattern_catches_the_ways_a_path_outside_was_written() -> None:
    for line in ('ROOT / "../shared/x"', 'parents[3] / "shared/eval-data/slack-teams-samples/slack"',
                 'ROOT.parent / "shared" / "eval-data"', "SAMPLES = SHARED / 'eval-data'"):
        assert OUTSIDE.search(line), line
    for line in ('shared=["tig"]', 'hit.shared_terms', '"shared_buffers": "256MB"'):
        assert not OUTSIDE.search(line), line


def test_every_path_the_readme_lists_exists() -> None:
    listed = LISTED.findall(README.read_text(encoding="utf-8"))
    assert len(listed) >= 60
    assert [p for p in listed if not (FIXTURES / p).is_file()] == []


def test_every_fixture_is_listed_in_the_readme() -> None:
    listed = set(LISTED.findall(README.read_text(encoding="utf-8")))
    files = {p.relative_to(FIXTURES).as_posix() for p in FIXTURES.rglob("*") if p.is_file() and p != README}
    assert sorted(files - listed) == [], "name each new fixture's source and licence in tests/fixtures/README.md"


def test_every_source_folder_keeps_its_licence() -> None:
    folders = sorted(p for platform in ("slack", "teams") for p in (FIXTURES / platform).iterdir() if p.is_dir())
    assert len(folders) == 7
    assert [f.name for f in folders if not ((f / "LICENSE").is_file() or (f / "NOTICE.md").is_file())] == []
