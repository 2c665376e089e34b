"""Directory commands: ``import``, ``export``, ``load-demo`` and ``migrate``."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from bot.bootstrap import Container, bootstrap
from bot.config import Settings
from bot.core.directory.exporter import FORMATS, ExportError, export_directory
from bot.core.directory.importer import ImportFailed, ImportReport, ProgressFn, import_files
from bot.core.directory.schema import ROW_KINDS
from bot.demo import demo_files, rows_not_from_demo

logger = logging.getLogger(__name__)
console = Console()
errors = Console(stderr=True)


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
    app.command("export")(export_command)
    app.command("load-demo")(load_demo_command)
    app.command("migrate")(migrate_command)


def _container() -> Container:
    return bootstrap()  # settings are read once, here at the edge; bootstrap also migrates


def import_command(
    files: Annotated[list[Path], typer.Argument(help="CSV, JSON (array) or JSON Lines files, imported together.")],
    kind: Annotated[
        str | None, typer.Option(help=f"Kind of rows without a 'kind' field: {', '.join(ROW_KINDS)}.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and count, write nothing.")] = False,
) -> None:
    """Import directory rows: all or nothing, upserted by external_id (re-importing is safe)."""
    container = _container()
    _run_import(container, files, kind=kind, dry_run=dry_run)


def load_demo_command(
    force: Annotated[
        bool, typer.Option("--force", help="Load it even into a directory holding other data (DEMO_LOAD=force).")
    ] = False,
) -> None:
    """Load the shipped demo directory (fictional members); safe to run again. Refuses a directory with other data.

    DEMO_LOAD: ``auto`` (default) loads into an empty or demo-only directory and refuses any other; ``force``
    (or --force) loads anyway; ``skip`` loads nothing (``make run DEMO_LOAD=skip`` starts the bot on real data).
    """
    settings = Settings.from_env()
    mode = "force" if force else settings.demo_load
    if mode == "skip":
        console.print("DEMO_LOAD=skip: the demo directory was not loaded.")
        return
    container = bootstrap(settings)
    if mode == "auto":
        with container.sessions() as session:
            foreign = rows_not_from_demo(session)
        if foreign:
            _refuse_demo(container, foreign)
    _run_import(container, demo_files(), kind=None, dry_run=False)


def _refuse_demo(container: Container, foreign: dict[str, int]) -> NoReturn:
    url = container.engine.url.render_as_string(hide_password=True)
    rows = ", ".join(f"{table}: {count}" for table, count in foreign.items())
    errors.print(
        f"The directory in {url} already holds rows that are not the demo's ({rows}), e.g. imported members "
        "or profiles saved in chat. Loading the demo would mix fictional members into them, so nothing was "
        "written.\n"
        "To load it anyway: clustermatch load-demo --force, or set DEMO_LOAD=force (make run DEMO_LOAD=force).\n"
        "To start the bot without loading it: set DEMO_LOAD=skip (make run DEMO_LOAD=skip).",
        highlight=False, markup=False, soft_wrap=True,
    )
    raise typer.Exit(1)


def export_command(
    out: Annotated[Path, typer.Option("--out", help="Folder to write into.")] = Path("export"),
    fmt: Annotated[str, typer.Option("--format", help=f"One of {', '.join(FORMATS)}.")] = "jsonl",
) -> None:
    """Write the directory as files that `clustermatch import` reads back to the same state."""
    container = _container()
    try:
        written = export_directory(container.sessions, out, fmt=fmt)
    except ExportError as exc:
        errors.print(f"[red]Export failed:[/red] {exc}", highlight=False)
        raise typer.Exit(1) from None
    for path, count in written.items():
        console.print(f"{count:>6} rows  {path}", highlight=False)


def migrate_command() -> None:
    """Bring the database schema up to date (every Alembic head)."""
    from alembic.migration import MigrationContext

    container = bootstrap(run_migrations=True)
    with container.engine.connect() as conn:
        heads = sorted(MigrationContext.configure(conn).get_current_heads())
    url = container.engine.url.render_as_string(hide_password=True)
    console.print(f"Database {url} is at {', '.join(heads) or '(empty)'}", highlight=False)


def _run_import(container: Container, files: list[Path], *, kind: str | None, dry_run: bool) -> None:
    try:
        with _progress() as progress:
            report = import_files(files, sessions=container.sessions, kind=kind, dry_run=dry_run, progress=progress)
    except ImportFailed as exc:
        errors.print(f"[red]{exc.total} problem(s) found; nothing was imported.[/red]", highlight=False)
        for problem in exc.problems[:50]:
            errors.print(f"  {problem}", highlight=False, markup=False, soft_wrap=True)
        if exc.total > 50:
            errors.print(f"  ... and {exc.total - 50} more", highlight=False)
        raise typer.Exit(1) from None
    if not dry_run:
        _audit_import(container, files, report)
    print_report(report)


def _audit_import(container: Container, files: list[Path], report: ImportReport) -> None:
    """An import is a staff action: the audit log keeps who ran it, on which files, and what changed."""
    from bot.commands.member import operator
    from models.privacy import audit

    with container.sessions.begin() as session:
        audit(session, operator(), "import.run", None, {
            "files": [p.name for p in files], "totals": report.totals,
            "version": [report.version_before, report.version_after]})


def print_report(report: ImportReport) -> None:
    table = Table(title=f"{'Dry run of ' if report.dry_run else ''}import of {', '.join(report.files)}")
    table.add_column("kind")
    for status in ("created", "updated", "unchanged"):
        table.add_column(status, justify="right")
    for kind in sorted(report.counts):
        counts = report.counts[kind]
        table.add_row(kind, *(str(counts.get(s, 0)) for s in ("created", "updated", "unchanged")))
    totals = report.totals
    table.add_row("total", *(str(totals[s]) for s in ("created", "updated", "unchanged")), style="bold")
    console.print(table)
    if report.dry_run:
        console.print("Dry run: nothing was written.")
    elif report.changed:
        console.print(f"Directory version {report.version_before} -> {report.version_after}.", highlight=False)
    else:
        console.print("Nothing changed; the directory version stays at "
                      f"{report.version_after}.", highlight=False)


@contextmanager
def _progress() -> Iterator[ProgressFn | None]:
    """A progress bar on terminals (big files take a while); silent when output is redirected."""
    if not errors.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=errors, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage.capitalize(), total=total)
            bar.update(tasks[stage], completed=done)

        yield update
