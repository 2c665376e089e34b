"""Train the learned ranker on the shared sets and measure it leave-one-dataset-out, side by side.

For every shared set: a ranker fitted on the *other* sets is scored on it through ``clustermatch eval``'s own
code (``benchmarks.evaluation.evaluate``, method "learned", the engine's candidates and diversification), next
to lexical, dense, hybrid and engine. Then one ranker is fitted on all sets and written, with the training
files' SHA-256 and the LODO figures, to ``matching/data/ranker-default.json`` (the shipped default).

    .venv/bin/python scripts/train_ranker.py [--sets a,b,...] [--out PATH] [--json var/devbench/learned.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from convert_common import OUT  # noqa: E402
from dev_benchmarks import REPORTED, CachedEmbedder, convert_all, markdown  # noqa: E402

from benchmarks.eval_data import load_eval_set  # noqa: E402
from benchmarks.evaluation import collect_features, evaluate, index_set  # noqa: E402
from benchmarks.ranker_train import Rows, fit_sets, lodo_splits  # noqa: E402
from matching.embeddings import SentenceTransformerEmbedder  # noqa: E402
from matching.ranker_io import DEFAULT_RANKER, file_sha256, save_ranker  # noqa: E402

FILES = ("corpus.jsonl", "queries.jsonl", "qrels.tsv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(REPORTED))
    parser.add_argument("--out", type=Path, default=DEFAULT_RANKER, help="where the model trained on all sets goes")
    parser.add_argument("--json", type=Path, default=OUT / "learned.json", help="where the LODO figures go")
    args = parser.parse_args()
    names = args.sets.split(",")
    convert_all()
    embedder = CachedEmbedder(SentenceTransformerEmbedder(), OUT / "embedding-cache.npz")
    data, indexed, rows = {}, {}, {}
    for name in names:
        folder = OUT / name
        data[name] = load_eval_set(*(folder / f for f in FILES))
        indexed[name] = index_set(data[name], embedder)
        X, y, g = collect_features(data[name], indexed[name])
        rows[name] = Rows(X, y, g)
        embedder.save()
        print(f"{name}: {X.shape[0]} candidate rows from {len(indexed[name].judged)} questions", flush=True)
    results: dict[str, dict[str, object]] = {}
    for held, training in lodo_splits(names):
        started = time.perf_counter()
        ranker = fit_sets(rows, leave_out=held)
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
    final = fit_sets(rows)
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
