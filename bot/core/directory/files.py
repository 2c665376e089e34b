"""Reading directory files (CSV, JSON array, JSON Lines) into rows that remember where they came from.

Every row keeps its file, its 1-based row number and the line it starts on, so a validation error can
say exactly where to look ("members.csv: row 12 (line 13): field 'province': ...").
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SUFFIXES = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file; ``row``/``line``/``field`` are ``None`` when not applicable."""

    file: str
    message: str
    row: int | None = None
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f": row {self.row}" + (f" (line {self.line})" if self.line is not None else "")
        elif self.line is not None:
            where += f": line {self.line}"
        if self.field:
            where += f": field {self.field!r}"
        return f"{where}: {self.message}"


@dataclass
class RawRow:
    file: str
    row: int
    line: int
    values: dict[str, Any] = field(default_factory=dict)


class FileProblem(ValueError):
    """The file as a whole cannot be read (encoding, syntax, shape)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def file_format(path: Path) -> str:
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise FileProblem(Problem(path.name, f"unsupported file type {path.suffix or '(none)'!r}; "
                                             f"use one of {', '.join(SUFFIXES)}"))
    return fmt


def decode(path: Path) -> str:
    """The file's text; a non-UTF-8 file fails naming the byte offset and line of the first bad byte."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 1].hex()
        raise FileProblem(Problem(
            path.name, f"not valid UTF-8: byte 0x{bad} at byte offset {exc.start}; save the file as UTF-8",
            line=line,
        )) from None


def read_rows(path: Path, problems: list[Problem]) -> list[RawRow]:
    """All rows of ``path``; problems with single rows are appended, whole-file problems raise ``FileProblem``."""
    fmt = file_format(path)
    text = decode(path)
    reader = {"csv": _csv_rows, "json": _json_rows, "jsonl": _jsonl_rows}[fmt]
    return list(reader(path.name, text, problems))


def _csv_rows(name: str, text: str, problems: list[Problem]) -> Iterator[RawRow]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise FileProblem(Problem(name, f"unreadable CSV header: {exc}", line=1)) from None
    columns = [h.strip().lower() for h in header]
    duplicates = sorted({c for c in columns if columns.count(c) > 1 and c})
    if duplicates:
        raise FileProblem(Problem(name, f"the header repeats column(s) {', '.join(duplicates)}", line=1))
    row_number = 0
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise FileProblem(Problem(name, f"unreadable CSV: {exc}", line=start)) from None
        if not cells or all(not c.strip() for c in cells):
            continue
        row_number += 1
        if len(cells) > len(columns):
            problems.append(Problem(name, f"has {len(cells)} values but the header has {len(columns)} columns",
                                    row=row_number, line=start))
            continue
        values = {col: cell for col, cell in zip(columns, cells, strict=False) if col}
        yield RawRow(name, row_number, start, values)


def _json_rows(name: str, text: str, problems: list[Problem]) -> Iterator[RawRow]:
    """Walk the top-level array element by element (``raw_decode``), so each row knows its line."""
    decoder = json.JSONDecoder()
    pos = _skip_ws(text, 0)
    if pos >= len(text) or text[pos] != "[":
        raise FileProblem(Problem(name, "expected a JSON array of objects ([{...}, ...]); "
                                        "for one object per line name the file .jsonl", line=_line(text, pos)))
    pos = _skip_ws(text, pos + 1)
    row_number = 0
    line, line_pos = 1, 0
    while pos < len(text) and text[pos] != "]":
        line += text.count("\n", line_pos, pos)
        line_pos = pos
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise FileProblem(Problem(name, f"invalid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno)) from None
        row_number += 1
        if isinstance(value, dict):
            yield RawRow(name, row_number, line, value)
        else:
            problems.append(Problem(name, f"expected an object, got {type(value).__name__}", row=row_number, line=line))
        pos = _skip_ws(text, end)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
        elif pos < len(text) and text[pos] != "]":
            raise FileProblem(Problem(name, "invalid JSON: expected ',' or ']' after a value", line=_line(text, pos)))
    if pos >= len(text):
        raise FileProblem(Problem(name, "invalid JSON: the array is not closed with ']'", line=_line(text, pos)))
    if _skip_ws(text, pos + 1) < len(text):
        raise FileProblem(Problem(name, "invalid JSON: extra data after the array", line=_line(text, pos + 1)))


def _jsonl_rows(name: str, text: str, problems: list[Problem]) -> Iterator[RawRow]:
    row_number = 0
    for line_number, raw in enumerate(text.split("\n"), start=1):  # not splitlines: JSON allows U+2028
        if not raw.strip():
            continue
        row_number += 1
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.append(Problem(name, f"invalid JSON: {exc.msg} (column {exc.colno})",
                                    row=row_number, line=line_number))
            continue
        if not isinstance(value, dict):
            problems.append(Problem(name, f"expected an object, got {type(value).__name__}",
                                    row=row_number, line=line_number))
            continue
        yield RawRow(name, row_number, line_number, value)


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1
