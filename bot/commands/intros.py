"""``clustermatch suggest-intros``, ``clustermatch report intros``, ``clustermatch consortium`` and
``clustermatch bench-intros``.

``report`` is a command group: other areas add their reports with ``report_app.command("<name>")``.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.config import ConfigError, Settings
from bot.container import Container
from bot.core.errors import UserFacingError

logger = logging.getLogger(__name__)
console = Console()
errors = Console(stderr=True)
report_app = typer.Typer(help="Figures for the cluster staff.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("suggest-intros")(suggest_command)
    app.command("consortium")(consortium_command)
    app.command("bench-intros")(bench_command)
    report_app.command("intros")(report_command)
    app.add_typer(report_app, name="report")


def _container() -> Container:
    from bot.bootstrap import bootstrap

    try:
        return bootstrap(Settings.from_env())
    except ConfigError as exc:
        errors.print(f"[red]Bad setting:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None


def suggest_command(
    capacity: Annotated[int | None, typer.Option(min=1, help="Most introductions per member this period "
                                                 "(default INTRO_CAPACITY_PER_PERIOD).")] = None,
    threshold: Annotated[float, typer.Option(min=0.0, max=1.0, help="Lowest reciprocal score suggested.")] = 0.3,
    mode: Annotated[str, typer.Option(help="coverage: most members first, then most total fit; total: most fit.")]
    = "coverage",
    post: Annotated[bool, typer.Option("--post", help="Post the batch to the staff channel for review.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the suggestions and figures as JSON.")] = False,
    include_unlinked: Annotated[bool, typer.Option("--include-unlinked", help="Also people without a chat "
                                                   "account (for planning; they cannot be asked in chat).")] = False,
) -> None:
    """Suggest introductions across the whole membership: reciprocal fit, capacity, exclusions, pins, solved
    optimally. The batch is stored; --post sends it to the staff channel with Approve / Edit note / Skip."""
    from bot.core.intros.suggest import suggest

    if mode not in ("coverage", "total"):
        errors.print(f"[red]--mode must be coverage or total, got {mode!r}[/red]")
        raise typer.Exit(2)
    container = _container()
    run = suggest(container.intros, capacity=capacity, threshold=threshold, mode=mode, created_by="cli",
                  include_unlinked=include_unlinked)
    posted = None
    if post and run.batch_id is not None:
        try:
            posted = container.intros.staff.post_batch(run.batch_id)
        except UserFacingError as exc:
            errors.print(f"[red]{exc.message}[/red]")
            raise typer.Exit(1) from None
    if as_json:
        print(json.dumps({**run.to_dict(), "posted": posted}, indent=2))
        return
    table = Table(title=f"Suggested introductions (batch {run.batch_id})")
    for column in ("member", "member", "score", "why (B for A)", "why (A for B)"):
        table.add_column(column, overflow="fold")
    for p in run.pairs:
        table.add_row(p.a_name, p.b_name, f"{p.score:.3f}" + (" pin" if p.pinned else ""), p.why_a[:120],
                      p.why_b[:120])
    console.print(table)
    coverage = "n/a" if run.coverage is None else f"{run.coverage:.1%}"
    worst = "n/a" if run.worst_off_best_score is None else f"{run.worst_off_best_score:.3f}"
    console.print(f"{run.members} members, {len(run.pairs)} pairs, capacity {run.capacity}, threshold "
                  f"{run.threshold}, mode {run.mode}. Coverage {coverage}; worst-off member's best score {worst}. "
                  f"{run.solver} ({run.status}) in {run.seconds} s.", highlight=False)
    for pin in run.skipped_pins:
        errors.print(f"[yellow]Pin not used (excluded or no capacity left): {pin}[/yellow]")
    if posted is not None:
        console.print(f"Posted {posted} suggestions to the staff channel.")


def report_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    since: Annotated[str | None, typer.Option(metavar="YYYY-MM-DD", help="Only introductions requested since.")]
    = None,
) -> None:
    """Introductions requested, accepted, declined, expired, met and projects started, by kind and province
    (of the person asked)."""
    start = None
    if since:
        try:
            start = datetime.fromisoformat(since).replace(tzinfo=UTC)
        except ValueError:
            errors.print(f"[red]--since must be a date such as 2026-01-01, got {since!r}[/red]")
            raise typer.Exit(2) from None
    report = _container().intros.outcomes.report(since=start)
    if as_json:
        print(json.dumps(report, indent=2))
        return
    columns = list(report["total"])
    for title, rows in (("All introductions", {"total": report["total"]}), ("By kind", report["by_kind"]),
                        ("By province", report["by_province"]), ("By origin", report["by_origin"])):
        table = Table(title=title)
        table.add_column("")
        for column in columns:
            table.add_column(column.replace("_", " "), justify="right")
        for name, figures in rows.items():
            table.add_row(name, *(str(figures[c]) for c in columns))
        console.print(table)


def consortium_command(
    target: Annotated[str, typer.Argument(help="A funding stream (name or ref) or a challenge in a sentence.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the teams as JSON.")] = False,
) -> None:
    """Propose teams of 3-5 with complementary roles for a funding stream or challenge, each member with why."""
    from bot.core.intros.consortium import propose
    from bot.core.messages import IncomingMessage

    container = _container()
    try:
        reply = propose(container.catalog, container.sessions,
                        IncomingMessage(platform="terminal", workspace_id="local", user_id="cli", conversation_id="",
                                        text=target), target)
    except UserFacingError as exc:
        errors.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    if as_json:
        print(json.dumps([{"team": s.heading, "members": [
            {"ref": m.ref, "title": m.title, "role": m.subtitle.split(" · ")[0], "reason": m.reason, "score": m.score}
            for m in s.suggestions]} for s in reply.sections], indent=2))
        return
    console.print(reply.text, markup=False, highlight=False)


def bench_command(
    members: Annotated[int, typer.Option(min=10, help="Members in the end-to-end run (seeded database).")] = 5000,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    solvers: Annotated[bool, typer.Option(help="Also the solver benchmarks on synthetic vectors.")] = True,
) -> None:
    """Introduction benchmarks: the solvers (1,000 x 2,000 bipartite; 5,000-member b-matching) and
    suggest-intros end to end on a seeded database of MEMBERS members."""
    from benchmarks.intros import run_intro_bench

    figures = run_intro_bench(members=members, solvers=solvers, progress=errors.print)
    if as_json:
        print(json.dumps(figures, indent=2))
        return
    console.print_json(json.dumps(figures))
