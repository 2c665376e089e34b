"""Import directory files (CSV, JSON, JSON Lines): all or nothing, idempotent, with precise errors.

```python
report = import_file(Path("members.csv"), sessions=container.sessions)
print(report.totals)  # {"created": 12, "updated": 0, "unchanged": 140}
```

Every row is checked (kind, required fields, types, provinces, duplicate ids, references) before anything
is written; a single problem anywhere means nothing is written and ``ImportFailed`` lists the problems.
Rows are upserted by external id, so re-importing an unchanged file writes nothing and leaves the
directory version (and therefore every cached embedding and index) alone.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.core.directory.files import FileProblem, Problem, RawRow, read_rows
from bot.core.directory.schema import (
    FIELDS,
    MODEL_ORDER,
    ROW_KINDS,
    FieldError,
    coerce,
    default_of,
    is_blank,
    kind_of,
    model_for_kind,
    normalise_kind,
)
from models.directory import FundingStream, Need, Organization, Person
from models.repositories import DirectoryRepository

logger = logging.getLogger(__name__)

MAX_PROBLEMS_KEPT = 200  # all are counted; this many are kept for the report
ProgressFn = Callable[[str, int, int], None]  # (stage, done, total)
_NOUN = {Organization: "organization", Person: "person"}


@dataclass
class ImportReport:
    """What an import did (or, with ``dry_run``, would do), per row kind."""

    files: list[str]
    dry_run: bool = False
    counts: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    version_before: int = 0
    version_after: int = 0

    def add(self, kind: str, status: str) -> None:
        self.counts[kind][status] += 1

    @property
    def totals(self) -> dict[str, int]:
        return {s: sum(c.get(s, 0) for c in self.counts.values()) for s in ("created", "updated", "unchanged")}

    @property
    def rows(self) -> int:
        return sum(self.totals.values())

    @property
    def changed(self) -> bool:
        totals = self.totals
        return bool(totals["created"] or totals["updated"])


class ImportFailed(ValueError):
    """The files have problems; nothing was written. ``problems`` holds the first ``MAX_PROBLEMS_KEPT``."""

    def __init__(self, problems: Sequence[Problem], total: int | None = None) -> None:
        self.problems = list(problems)[:MAX_PROBLEMS_KEPT]
        self.total = len(problems) if total is None else total
        super().__init__(self.summary())

    def summary(self, limit: int = 20) -> str:
        lines = [f"{self.total} problem(s) found; nothing was imported."]
        lines += [f"  {p}" for p in self.problems[:limit]]
        if self.total > limit:
            lines.append(f"  ... and {self.total - limit} more")
        return "\n".join(lines)


@dataclass
class _Row:
    raw: RawRow
    kind: str
    model: type[Any]
    external_id: str
    values: dict[str, Any]
    refs: dict[str, tuple[type[Any], str]]  # field name -> (model, external id)


def import_file(path: Path, *, sessions: sessionmaker[Session], **options: Any) -> ImportReport:
    """Import one file in one transaction (see ``import_files``)."""
    return import_files([path], sessions=sessions, **options)


def import_files(
    paths: Sequence[Path],
    *,
    sessions: sessionmaker[Session],
    kind: str | None = None,
    dry_run: bool = False,
    progress: ProgressFn | None = None,
) -> ImportReport:
    """Validate every row of ``paths``, then upsert them all in one transaction, or raise ``ImportFailed``.

    Args:
        paths: CSV, JSON (array of objects) or JSON Lines files; references may point across them.
        sessions: the session factory; this function owns the transaction.
        kind: the kind of rows that have no ``kind`` field (one of ``ROW_KINDS``).
        dry_run: validate and count what would change, then roll back.
        progress: called as ``progress(stage, done, total)`` while checking and writing.
    """
    forced = None
    if kind is not None:
        try:
            forced = normalise_kind(kind)
        except FieldError as exc:
            raise ImportFailed([Problem("--kind", str(exc))]) from None
    problems: list[Problem] = []
    raw_rows: list[RawRow] = []
    for path in paths:
        if not path.is_file():
            problems.append(Problem(str(path), "no such file"))
            continue
        try:
            raw_rows += read_rows(path, problems)
        except FileProblem as exc:
            problems.append(exc.problem)
    rows: list[_Row] = []
    for i, raw in enumerate(raw_rows, start=1):
        row = _validate(raw, forced, problems)
        if row is not None:
            rows.append(row)
        if progress and (i % 500 == 0 or i == len(raw_rows)):
            progress("checking", i, len(raw_rows))
    _check_duplicates(rows, problems)
    declared = _declared(raw_rows, forced)
    report = ImportReport(files=[p.name for p in paths], dry_run=dry_run)
    with sessions() as session:
        transaction = session.begin()
        try:
            repo = DirectoryRepository(session)
            _check_references(rows, declared, repo, problems)
            if problems:
                raise ImportFailed(problems)
            report.version_before = repo.current_version()
            _write(rows, repo, report, progress)
            report.version_after = repo.current_version()
        except BaseException:
            transaction.rollback()
            raise
        if dry_run:
            transaction.rollback()
        else:
            transaction.commit()
    logger.info("imported %s: %s%s", ", ".join(report.files), report.totals, " (dry run)" if dry_run else "")
    return report


def _validate(raw: RawRow, forced: str | None, problems: list[Problem]) -> _Row | None:
    def problem(message: str, fld: str | None) -> None:
        problems.append(Problem(raw.file, message, row=raw.row, line=raw.line, field=fld))

    before = len(problems)
    raw_kind = raw.values.get("kind")
    if is_blank(raw_kind):
        if forced is None:
            problem(f"missing; give every row a kind or pass --kind (one of {', '.join(ROW_KINDS)})", "kind")
            return None
        kind = forced
    else:
        try:
            kind = normalise_kind(raw_kind)
        except FieldError as exc:
            problem(str(exc), "kind")
            return None
        if forced is not None and kind != forced:
            problem(f"the row says {kind!r} but --kind is {forced!r}", "kind")
            return None
    model = model_for_kind(kind)
    fields = FIELDS[model]
    known = {"kind", "external_id", *(f.name for f in fields)}
    for name, value in raw.values.items():
        if name not in known and not is_blank(value):
            problem(f"unknown field for kind {kind!r}; valid fields: {', '.join(sorted(known))}", str(name))
    external_id = raw.values.get("external_id")
    if is_blank(external_id):
        problem("missing (every row needs a stable external_id)", "external_id")
    elif not isinstance(external_id, str | int) or isinstance(external_id, bool) or len(str(external_id)) > 128:
        problem("must be text of at most 128 characters", "external_id")
    values: dict[str, Any] = {}
    refs: dict[str, tuple[type[Any], str]] = {}
    for f in fields:
        value = raw.values.get(f.name)
        if is_blank(value):
            if f.required:
                problem(f"missing (required for kind {kind!r})", f.name)
            values[f.attr] = default_of(f)
            continue
        try:
            values[f.attr] = coerce(f, value)
        except FieldError as exc:
            problem(str(exc), f.name)
            continue
        if f.shape == "ref" and f.ref is not None:
            refs[f.name] = (f.ref, values[f.attr])
    if len(problems) > before:
        return None
    ext = str(external_id).strip()
    if model is Organization:
        values["kind"] = kind
        if ext in values["competitors"]:
            problem("an organization cannot be its own competitor", "competitors")
    elif kind == "researcher":
        if str(raw.values.get("role") or "researcher").strip().lower() != "researcher":
            problem(f"kind 'researcher' cannot have role {raw.values['role']!r}", "role")
        values["role"] = "researcher"
    elif model is Need and not refs:
        problem("a need belongs to an organization or a person; give one of them", "organization")
    elif model is FundingStream and values["opens_on"] and values["closes_on"]:
        if values["closes_on"] < values["opens_on"]:
            problem(f"closes before it opens ({values['opens_on']})", "closes_on")
    if len(problems) > before:
        return None
    return _Row(raw, kind, model, ext, values, refs)


def _check_duplicates(rows: Iterable[_Row], problems: list[Problem]) -> None:
    seen: dict[tuple[type[Any], str], _Row] = {}
    for row in rows:
        first = seen.setdefault((row.model, row.external_id), row)
        if first is not row:
            problems.append(Problem(row.raw.file, f"duplicate external_id {row.external_id!r} (first used in "
                                    f"{first.raw.file} row {first.raw.row})", row=row.raw.row, line=row.raw.line,
                                    field="external_id"))


def _declared(raw_rows: Iterable[RawRow], forced: str | None) -> set[tuple[type[Any], str]]:
    """``(model, external_id)`` of every row with a readable kind and id, valid or not.

    References to a row that failed for another reason are not reported again as dangling.
    """
    declared: set[tuple[type[Any], str]] = set()
    for raw in raw_rows:
        kind, ext = raw.values.get("kind") or forced, raw.values.get("external_id")
        try:
            if not is_blank(kind) and not is_blank(ext):
                declared.add((model_for_kind(normalise_kind(kind)), str(ext).strip()))
        except FieldError:
            continue
    return declared


def _check_references(
    rows: Sequence[_Row], in_files: set[tuple[type[Any], str]], repo: DirectoryRepository, problems: list[Problem]
) -> None:
    """Every referenced organization/person exists in these files or already in the directory."""
    wanted: dict[type[Any], set[str]] = defaultdict(set)
    for row in rows:
        for model, ext in row.refs.values():
            wanted[model].add(ext)
        if row.model is Organization:
            wanted[Organization].update(row.values["competitors"])
    known = set(in_files)
    for model, ids in wanted.items():
        missing = [ext for ext in ids if (model, ext) not in in_files]
        known |= {(model, ext) for ext in repo.get_many_by_external_id(model, missing)}
    for row in rows:
        pairs = [(name, model, ext) for name, (model, ext) in row.refs.items()]
        if row.model is Organization:
            pairs += [("competitors", Organization, ext) for ext in row.values["competitors"]]
        for name, model, ext in pairs:
            if (model, ext) not in known:
                problems.append(Problem(row.raw.file, f"no {_NOUN[model]} with external_id {ext!r} in these files "
                                        "or in the directory", row=row.raw.row, line=row.raw.line, field=name))


def _write(rows: Sequence[_Row], repo: DirectoryRepository, report: ImportReport, progress: ProgressFn | None) -> None:
    done = 0
    for model, _stem in MODEL_ORDER:
        batch = [row for row in rows if row.model is model]
        if not batch:
            continue
        existing = repo.get_many_by_external_id(model, [row.external_id for row in batch])
        ids = _ids_for_refs(batch, repo)
        for row in batch:
            values = dict(row.values)
            for f in FIELDS[model]:
                if f.name in row.refs:
                    values[f.attr] = ids[row.refs[f.name]]
            item, status = repo.apply(model, existing.get(row.external_id), row.external_id, values)
            report.add(kind_of(item), status)
            done += 1
            if progress and (done % 500 == 0 or done == len(rows)):
                progress("writing", done, len(rows))
        repo.session.flush()


def _ids_for_refs(batch: Sequence[_Row], repo: DirectoryRepository) -> dict[tuple[type[Any], str], int]:
    wanted: dict[type[Any], set[str]] = defaultdict(set)
    for row in batch:
        for model, ext in row.refs.values():
            wanted[model].add(ext)
    ids: dict[tuple[type[Any], str], int] = {}
    for model, exts in wanted.items():
        for ext, item in repo.get_many_by_external_id(model, exts).items():
            ids[(model, ext)] = item.id
    return ids
