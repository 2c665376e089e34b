"""SBIR Phase I: a firm's latest award abstract (the need) against 2,000 firms described by earlier awards.

Already in the ``clustermatch eval`` format (shared/eval-data/sbir-phase1-dev/README.md); copied under
var/devbench/ like the other sets so every dev benchmark reads from one place. Long, dense technical text on
both sides: the shape of real project descriptions.

    .venv/bin/python scripts/convert_sbir.py
"""

from __future__ import annotations

import shutil
from pathlib import Path

from convert_common import EVAL_DATA, OUT

NAME = "sbir-phase1-dev"
FILES = ("corpus.jsonl", "queries.jsonl", "qrels.tsv")


def convert(folder: Path = EVAL_DATA / NAME, out_root: Path = OUT) -> Path:
    out = out_root / NAME
    out.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        shutil.copyfile(folder / name, out / name)
    print(f"{NAME}: copied {', '.join(FILES)} -> {out}")
    return out


if __name__ == "__main__":
    convert()
