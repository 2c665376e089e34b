"""``clustermatch eval``: retrieval quality of every ranking method on a judged set, side by side."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from benchmarks.eval_data import EvalDataError, load_eval_set
from benchmarks.evaluation import METRICS, EvalReport, evaluate
from bot.config import ConfigError, Settings
from matching.embeddings import Embedder, ModelIntegrityError
from matching.ranker import LearnedRanker
from matching.ranker_io import DEFAULT_RANKER, RankerFileError, load_ranker

logger = logging.getLogger(__name__)
console = Console()
errors = Console(stderr=True)

_HELP = {
    "corpus": 'JSON Lines: {"id", "title", "text", "kind"?} per line (kind defaults to organization).',
    "queries": 'JSON Lines: {"id", "text"} per line.',
    "qrels": "TSV: query_id, doc_id, grade (grade >= 1 is relevant); an optional header line.",
}


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_command)


def make_embedder(settings: Settings) -> Embedder:
    """The production embedder, as the bot builds it (checked weights, CPU, ``EMBED_BACKEND``)."""
    from bot.bootstrap import embedder_from_settings

    return embedder_from_settings(settings.with_(torch_threads=0))  # every core for an offline evaluation


def _fail(message: str) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


def eval_command(
    corpus: Annotated[Path, typer.Option("--corpus", help=_HELP["corpus"])],
    queries: Annotated[Path, typer.Option("--queries", help=_HELP["queries"])],
    qrels: Annotated[Path, typer.Option("--qrels", help=_HELP["qrels"])],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")] = False,
    ranker: Annotated[Path, typer.Option("--ranker", help="Learned ranker model for the 'learned' method.")] = (
        DEFAULT_RANKER
    ),
) -> None:
    """Index CORPUS with the production pipeline and score lexical, dense, hybrid, engine and learned rankings.

    Metrics: nDCG@10, Recall@10, Recall@100, MRR@10, averaged over the queries with a relevant judgement.
    The shipped ranker was trained on the shared benchmark sets: for figures on a set it never saw, use
    scripts/train_ranker.py (leave-one-dataset-out).
    """
    try:
        data = load_eval_set(corpus, queries, qrels)
        embedder = make_embedder(Settings.from_env())
    except (EvalDataError, ConfigError) as exc:
        raise _fail(str(exc)) from None
    try:
        model, _ = load_ranker(ranker)
    except RankerFileError as exc:
        errors.print(f"[yellow]warning:[/] {exc}; the 'learned' method is left out", highlight=False)
        model = None
    try:
        report = _run(data, embedder, model)
    except ModelIntegrityError as exc:
        raise _fail(f"embedding model: {exc}") from None
    if as_json:
        typer.echo(json.dumps(report.to_json()))
    else:
        _print_table(report, corpus)


def _quiet_model_loading() -> None:
    """The weights loader draws its own progress bar; ours already shows what is going on."""
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover - transformers comes with sentence-transformers
        pass


def _run(data: object, embedder: Embedder, ranker: LearnedRanker | None) -> EvalReport:
    _quiet_model_loading()
    tasks: dict[str, TaskID] = {}
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=errors, transient=True,
    ) as bar:

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done)

        return evaluate(data, embedder, progress=progress, matcher_params={"ranker": ranker})  # type: ignore[arg-type]


def _print_table(report: EvalReport, corpus: Path) -> None:
    table = Table(title=f"{corpus.parent.name or corpus.name}: {report.queries} queries, {report.corpus} documents")
    table.add_column("method")
    for m in METRICS:
        table.add_column(m, justify="right")
    best = {m: max(v[m] for v in report.methods.values()) for m in METRICS}
    for method, values in report.methods.items():
        cells = [f"[bold]{values[m]:.4f}[/]" if values[m] == best[m] else f"{values[m]:.4f}" for m in METRICS]
        table.add_row(method, *cells)
    console.print(table)
