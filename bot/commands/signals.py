"""``clustermatch train-ranker``: refit each workspace's signal model now (the weekly job does it on the clock).

Every version is stored with its figures whether kept or not; ``--list`` shows them. A workspace keeps its
current model (or the plain ranking) unless the new one is better on its newest held-out answers.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.bootstrap import bootstrap
from bot.core.signals.service import RefitReport

console = Console()
errors = Console(stderr=True)


def register(app: typer.Typer) -> None:
    app.command("train-ranker")(train_ranker_command)


def _split(workspace: str) -> tuple[str, str]:
    platform, _, ws = workspace.partition(":")
    if not platform or not ws:
        errors.print(f"[red]--workspace must be <platform>:<workspace id>, got {workspace!r}[/red]", highlight=False)
        raise typer.Exit(2)
    return platform, ws


def _fmt(value: object) -> str:
    return "-" if value is None else str(value)


def train_ranker_command(
    workspace: Annotated[str | None, typer.Option(help="One workspace, <platform>:<id> (default: every one)")] = None,
    list_versions: Annotated[bool, typer.Option("--list", help="Show stored versions instead of fitting")] = False,
) -> None:
    """Refit workspaces' signal models on members' saves, dismissals, introductions and outcomes."""
    container = bootstrap()
    signals = container.signals
    if list_versions:
        targets = [_split(workspace)] if workspace else signals.workspaces()
        table = Table("workspace", "version", "active", "kept", "answers", "new", "current", "base", "created")
        for p, w in targets:
            for v in signals.versions(p, w):
                table.add_row(f"{p}:{w}", str(v["version"]), str(v["active"]), str(v["kept"]), _fmt(v.get("answers")),
                              _fmt(v.get("ndcg_new")), _fmt(v.get("ndcg_current")), _fmt(v.get("ndcg_base")),
                              str(v["created_at"])[:19])
        console.print(table)
        return
    container.catalog.warm_up()
    reports: list[RefitReport] = [signals.refit(*_split(workspace))] if workspace else signals.refit_all()
    if not reports:
        console.print("No workspace has answers with signals yet: nothing to fit.")
        return
    table = Table("workspace", "version", "kept", "answers", "rows", "held-out nDCG@10 new / current / base",
                  "seconds", "why")
    for r in reports:
        table.add_row(f"{r.platform}:{r.workspace_id}", _fmt(r.version), "yes" if r.kept else "no", str(r.answers),
                      str(r.rows), f"{_fmt(r.ndcg_new)} / {_fmt(r.ndcg_current)} / {_fmt(r.ndcg_base)}",
                      str(r.seconds), r.reason)
    console.print(table)
