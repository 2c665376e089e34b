"""Cranfield 1400: aerodynamics questions against abstracts, graded by experts.

Protocol (shared/eval-data/cranfield/README.md): corpus = .T title + .W abstract; the k-th query in cran.qry
is qrel query k (the .I numbers skip); cranqrel codes 1-4 are relevant with grade 5 - code, -1 lines dropped.

    .venv/bin/python scripts/convert_cranfield.py [--src DIR]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from convert_common import EVAL_DATA, write_set

_FIELD = re.compile(r"^\.([ITABW])\b\s*(.*)$")


def parse_smart(path: Path) -> list[dict[str, str]]:
    """Records of a SMART file as {field letter: text}; .I keeps its number."""
    records: list[dict[str, str]] = []
    current: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _FIELD.match(line)
        if m:
            current = m.group(1)
            if current == "I":
                records.append({"I": m.group(2).strip()})
                current = None
            continue
        if current and records:
            records[-1][current] = (records[-1].get(current, "") + " " + line.strip()).strip()
    return records


def convert(src: Path) -> Path:
    docs = parse_smart(src / "cran.all.1400")
    corpus = [{"id": f"d{d['I']}", "title": d.get("T", ""), "text": d.get("W", ""), "kind": "organization"}
              for d in docs]
    queries = {f"q{k}": q.get("W", "") for k, q in enumerate(parse_smart(src / "cran.qry"), start=1)}
    qrels: dict[str, dict[str, int]] = {}
    for line in (src / "cranqrel").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) != 3:
            continue
        q, d, code = parts[0], parts[1], int(parts[2])
        if 1 <= code <= 4:
            qrels.setdefault(f"q{int(q)}", {})[f"d{int(d)}"] = 5 - code
    return write_set("cranfield", corpus, queries, qrels)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=EVAL_DATA / "cranfield")
    convert(parser.parse_args().src)
