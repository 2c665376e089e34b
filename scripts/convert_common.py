"""Shared helpers for the dev-benchmark converters: paths and the eval-set writer (corpus, queries, qrels)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The shared evaluation data lives beside the repository, never inside it.
EVAL_DATA = ROOT.parent / "shared" / "eval-data"
OUT = ROOT / "var" / "devbench"


def write_set(
    name: str,
    corpus: Iterable[Mapping[str, str]],
    queries: Mapping[str, str],
    qrels: Mapping[str, Mapping[str, int]],
    out_root: Path = OUT,
) -> Path:
    """Write ``<out_root>/<name>/{corpus.jsonl,queries.jsonl,qrels.tsv}`` in the ``clustermatch eval`` format."""
    out = out_root / name
    out.mkdir(parents=True, exist_ok=True)
    with (out / "corpus.jsonl").open("w", encoding="utf-8") as fh:
        for doc in corpus:
            fh.write(json.dumps(dict(doc), ensure_ascii=False) + "\n")
    with (out / "queries.jsonl").open("w", encoding="utf-8") as fh:
        for qid, text in queries.items():
            fh.write(json.dumps({"id": qid, "text": text}, ensure_ascii=False) + "\n")
    with (out / "qrels.tsv").open("w", encoding="utf-8") as fh:
        fh.write("query_id\tdoc_id\tgrade\n")
        for qid, judged in qrels.items():
            for did, grade in judged.items():
                fh.write(f"{qid}\t{did}\t{grade}\n")
    n_rel = sum(len(j) for j in qrels.values())
    print(f"{name}: {sum(1 for _ in (out / 'corpus.jsonl').open())} docs, {len(queries)} queries, "
          f"{n_rel} judgements -> {out}")
    return out
