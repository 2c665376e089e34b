"""``clustermatch bench --encoders`` and ``--first-import N``: the runtimes' figures as tables (or JSON)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from benchmarks.eval_data import EvalDataError, EvalSet, load_eval_set
from bot.config import Settings
from matching.encoders import BACKENDS

console = Console(stderr=True)


def parse_backends(raw: str) -> list[str]:
    """``--backends`` as a list, every name checked (exit 2 naming an unknown one)."""
    names = [b.strip() for b in raw.split(",") if b.strip()]
    unknown = [b for b in names if b not in BACKENDS]
    if unknown or not names:
        console.print(f"[red]--backends takes names among {', '.join(BACKENDS)}; got {raw!r}[/red]")
        raise typer.Exit(2)
    return names


def eval_sets(folders: list[Path]) -> dict[str, EvalSet]:
    """The demo directory's needs, and each ``--eval-set`` folder (corpus.jsonl, queries.jsonl, qrels.tsv)."""
    from benchmarks.encoders import demo_needs_set

    sets = {"demo-needs": demo_needs_set()}
    for folder in folders:
        try:
            sets[folder.name] = load_eval_set(folder / "corpus.jsonl", folder / "queries.jsonl", folder / "qrels.tsv")
        except EvalDataError as exc:
            console.print(f"[red]--eval-set {folder}: {exc}[/red]", highlight=False)
            raise typer.Exit(2) from None
    return sets


def run_encoders(settings: Settings, backends: list[str], threads: int, folders: list[Path], as_json: bool,
                 questions: list[str]) -> None:
    from benchmarks.encoders import TARGETS, run_encoder_bench

    sets = eval_sets(folders)
    with tempfile.TemporaryDirectory(prefix="clustermatch-encoders-") as tmp:
        result = run_encoder_bench(backends, threads=threads, data_dir=settings.data_dir, workdir=Path(tmp),
                                   questions=questions, sets=sets, progress=console.print)
    if as_json:
        print(json.dumps(result, indent=2))
        return
    table = Table(title=f"embedding runtimes, {threads or 'default'} thread(s), load {result['load_average']} "
                        f"-> {result['load_average_after']}")
    for col in ("backend", "short /s", "windows /s", "question p50 / p95 ms", "peak RSS MB", "mean cos",
                "top-10 overlap", "engine nDCG@10 delta", "gate", "targets"):
        table.add_column(col, justify="left" if col in ("backend", "top-10 overlap", "engine nDCG@10 delta")
                         else "right")
    for name, f in result["backends"].items():
        ran = name if f["backend"] == name else f"{name} (fell back to {f['backend']})"
        if name == "torch":
            ndcg = ", ".join(f"{s} {v['engine']:.4f}" for s, v in f["ndcg@10"].items())
            table.add_row(ran, f"{f['short_per_s']:,.0f}", f"{f['window_per_s']:,.1f}",
                          f"{f['question_ms']['p50']} / {f['question_ms']['p95']}", f"{f['peak_rss_mb']:,.0f}",
                          "1", "(reference)", ndcg, "", "")
            continue
        table.add_row(
            ran, f"{f['short_per_s']:,.0f} ({f['short_speedup']}x)",
            f"{f['window_per_s']:,.1f} ({f['window_speedup']}x)",
            f"{f['question_ms']['p50']} / {f['question_ms']['p95']} ({f['question_p95_ratio']}x)",
            f"{f['peak_rss_mb']:,.0f}", f"{f['mean_cosine']:.4f}",
            ", ".join(f"{s} {v:.3f}" for s, v in f["overlap@10"].items()),
            ", ".join(f"{s} {v:+.4f}" for s, v in f["ndcg_delta"].items()),
            "pass" if f["quality_gate"] else "fail", "met" if f["meets_targets"] else "not met",
        )
    out = Console()
    out.print(table)
    out.print(f"Targets for a default: windows >= {TARGETS['window_speedup']}x torch, question p95 <= "
              f"{TARGETS['question_p95_ratio']}x, top-10 overlap >= {TARGETS['overlap']} and |nDCG@10 delta| <= "
              f"{TARGETS['ndcg_delta']} on every set ({', '.join(result['sets'])}).")


def run_first_import_bench(settings: Settings, n: int, backends: list[str], threads: int, as_json: bool,
                           question: str) -> None:
    from benchmarks.first_import import run_first_import

    with tempfile.TemporaryDirectory(prefix="clustermatch-first-import-") as tmp:
        result: dict[str, Any] = run_first_import(n, backends, threads=threads, data_dir=settings.data_dir,
                                                  workdir=Path(tmp), question=question, progress=console.print)
    if as_json:
        print(json.dumps(result, indent=2))
        return
    table = Table(title=f"first import of {n:,} generated profiles to the first answer, {threads or 'default'} "
                        f"thread(s) (rows written in {result['rows_written_s']} s, not counted)")
    for col in ("backend", "profiles", "distinct texts encoded", "encoded /s", "model load s", "wall s", "x torch"):
        table.add_column(col, justify="left" if col == "backend" else "right")
    for name, f in result["backends"].items():
        table.add_row(name if f["backend"] == name else f"{name} (fell back to {f['backend']})", f"{f['profiles']:,}",
                      f"{f['distinct_texts_encoded']:,}", f"{f['encoded_per_s']:,.0f}", f"{f['load_s']}",
                      f"{f['wall_s']:,.0f}", f"{f['wall_ratio']}")
    Console().print(table)
