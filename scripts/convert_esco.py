"""ESCO skill extraction: job-ad sentences against the 13,896 ESCO skill labels.

Protocol (shared/eval-data/esco-skill-extraction/README.md): corpus = every label of skills_en_label.txt
(title only); query = a sentence; relevant = its annotated labels, ignoring LABEL NOT PRESENT and
UNDERSPECIFIED. One set per split: esco-{tech,house,techwolf}-test, esco-{tech,house}-validation (tune on
validation only). Labels that match no corpus entry even after whitespace normalisation are dropped and counted.

    .venv/bin/python scripts/convert_esco.py [--src DIR]
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from convert_common import EVAL_DATA, write_set

SPLITS = ("tech_test", "house_test", "techwolf_test", "tech_validation", "house_validation")
IGNORED = {"LABEL NOT PRESENT", "UNDERSPECIFIED"}


def _norm(label: str) -> str:
    return " ".join(label.split()).casefold()


def convert(src: Path) -> list[Path]:
    labels = [line.strip() for line in (src / "skills_en_label.txt").read_text(encoding="utf-8").splitlines()]
    labels = [lab for lab in labels if lab]
    corpus = [{"id": f"esco-{i:05d}", "title": lab, "text": "", "kind": "skill"} for i, lab in enumerate(labels)]
    by_label = {_norm(lab): f"esco-{i:05d}" for i, lab in enumerate(labels)}
    outputs = []
    for split in SPLITS:
        sentences: dict[str, set[str]] = {}
        dropped = set()
        with (src / f"{split}_annotations.csv").open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                sentence, label = row["sentence"].strip(), row["label"].strip()
                if not sentence or not label or label in IGNORED:
                    continue
                doc = by_label.get(_norm(label))
                if doc is None:
                    dropped.add(label)
                    continue
                sentences.setdefault(sentence, set()).add(doc)
        queries = {f"s{i:04d}": s for i, s in enumerate(sentences)}
        qrels = {f"s{i:04d}": {d: 1 for d in sorted(docs)} for i, docs in enumerate(sentences.values())}
        if dropped:
            print(f"{split}: {len(dropped)} label(s) not in the ESCO list, dropped: {sorted(dropped)}")
        outputs.append(write_set(f"esco-{split.replace('_', '-')}", corpus, queries, qrels))
    return outputs


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=EVAL_DATA / "esco-skill-extraction" / "data")
    convert(parser.parse_args().src)
