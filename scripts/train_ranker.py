"""Train the learned ranker on the shared sets and measure it leave-one-dataset-out, side by side.

For every shared set: a ranker fitted on the *other* sets is scored on it through ``clustermatch eval``'s own
code (``benchmarks.evaluation.evaluate``, method "learned", the engine's candidates and diversification), next
to lexical, dense, hybrid and engine. Then one ranker is fitted on all sets and written, with the training
files' SHA-256 and the LODO figures, to ``matching/data/ranker-default.json`` (the shipped default).
Each ranker carries its fallback gate (``matching.fallback``), fitted leave-one-dataset-out as well: the one
scored on a set has seen none of its rows, and nor have the rankers that produced the gate's training rows.

    .venv/bin/python scripts/train_ranker.py [--sets a,b,...] [--out PATH] [--json var/devbench/learned.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from convert_common import OUT  # noqa: E402
from dev_benchmarks import REPORTED, CachedEmbedder, convert_all, markdown  # noqa: E402

from benchmarks.eval_data import load_eval_set  # noqa: E402
from benchmarks.evaluation import collect_features, evaluate, index_set  # noqa: E402
from benchmarks.fallback_train import fit_gate, ideal_dcg  # noqa: E402
from benchmarks.ranker_train import Rows, fit_sets, lodo_splits  # noqa: E402
from matching.embeddings import SentenceTransformerEmbedder  # noqa: E402
from matching.ranker import LearnedRanker  # noqa: E402
from matching.ranker_io import DEFAULT_RANKER, file_sha256, save_ranker  # noqa: E402

FILES = ("corpus.jsonl", "queries.jsonl", "qrels.tsv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(REPORTED))
    parser.add_argument("--out", type=Path, default=DEFAULT_RANKER, help="where the model trained on all sets goes")
    parser.add_argument("--json", type=Path, default=OUT / "learned.json", help="where the LODO figures go")
    parser.add_argument("--no-gate", action="store_true", help="rankers without the per-question fallback")
    args = parser.parse_args()
    names = args.sets.split(",")
    convert_all()
    embedder = CachedEmbedder(SentenceTransformerEmbedder(), OUT / "embedding-cache.npz")
    data, indexed, rows, ideal = {}, {}, {}, {}
    for name in names:
        folder = OUT / name
        data[name] = load_eval_set(*(folder / f for f in FILES))
        indexed[name] = index_set(data[name], embedder)
        X, y, g = collect_features(data[name], indexed[name])
        rows[name] = Rows(X, y, g)
        ideal[name] = ideal_dcg([data[name].qrels[q] for q in indexed[name].judged])
        embedder.save()
        print(f"{name}: {X.shape[0]} candidate rows from {len(indexed[name].judged)} questions", flush=True)
    fits: dict[tuple[str, ...], LearnedRanker] = {}

    def fit_cached(sets: Mapping[str, Rows], leave_out: str | None) -> LearnedRanker:
        key = tuple(sorted(n for n in sets if n != leave_out))
        if key not in fits:
            fits[key] = fit_sets(sets, leave_out=leave_out)
        return fits[key]

    def with_gate(ranker: LearnedRanker, leave_out: str | None) -> LearnedRanker:
        if not args.no_gate:
            ranker.gate_ = fit_gate(rows, ideal, leave_out=leave_out, fit_ranker=fit_cached)
            assert leave_out not in ranker.gate_.trained_on_
        return ranker

    results: dict[str, dict[str, object]] = {}
    for held, training in lodo_splits(names):
        started = time.perf_counter()
        ranker = with_gate(fit_cached(rows, held), held)
        assert held not in ranker.trained_on_ and set(ranker.trained_on_) == set(training)
        ix = indexed[held]
        ix.matcher.set_params(ranker=ranker)
        report = evaluate(data[held], embedder, methods=["lexical", "dense", "hybrid", "engine", "learned"],
                          indexed=ix)
        results[held] = report.to_json()
        m = report.methods
        best = max(m["lexical"]["ndcg@10"], m["dense"]["ndcg@10"])
        print(f"{held}: learned {m['learned']['ndcg@10']:.4f} vs best channel {best:.4f} "
              f"(x{m['learned']['ndcg@10'] / best:.3f}), engine {m['engine']['ndcg@10']:.4f} "
              f"[{time.perf_counter() - started:.0f} s]", flush=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    started = time.perf_counter()
    final = with_gate(fit_sets(rows), None)
    n_rows = sum(r.y.shape[0] for r in rows.values())
    print(f"final fit: {n_rows} candidate rows, {time.perf_counter() - started:.1f} s", flush=True)
    meta = {
        "trained_on": {n: {f: file_sha256(OUT / n / f) for f in FILES} for n in names},
        "rows": {n: int(rows[n].y.shape[0]) for n in names},
        "lodo_ndcg@10": {n: {k: v["ndcg@10"] for k, v in r["methods"].items()}  # type: ignore[attr-defined]
                         for n, r in results.items()},
    }
    save_ranker(final, args.out, meta=meta)
    print(f"\nwrote {args.out}\n")
    print(markdown(results))


if __name__ == "__main__":
    main()
