"""Write ``matching/data/esco_skills.txt``: the ESCO skill labels that fit the demo directory's offers.

Development only (reads ``../shared``, absent in CI); the output is committed. A label is kept when its
cosine to some offer snippet of the demo directory (organizations' capabilities, researchers' expertise,
course outlines) reaches ``--min-cosine``: ESCO as the vocabulary "where it fits" an advanced-manufacturing
cluster, not its 13,896 labels about every trade.

    .venv/bin/python scripts/make_esco_vocabulary.py
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from matching.embeddings import SentenceTransformerEmbedder
from matching.evidence import split_evidence

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT.parent / "shared" / "eval-data" / "esco-skill-extraction" / "data" / "skills_en_label.txt"
OUT = ROOT / "matching" / "data" / "esco_skills.txt"
HEADER = """# ESCO v1.1.0 skill preferred labels (European Commission, https://esco.ec.europa.eu), a subset: the labels
# whose embedding cosine to an offer of the demo directory is at least {cos} (scripts/make_esco_vocabulary.py).
# Reuse authorised under Commission Decision 2011/833/EU with attribution: "ESCO, European Commission".
# Taken from the label list of github.com/jensjorisdecorte/Skill-Extraction-benchmark@19305c85 (data/).
"""


def demo_snippets() -> list[str]:
    demo = ROOT / "bot" / "demo"
    texts: list[str] = []
    for line in (demo / "organizations.jsonl").read_text().splitlines():
        texts.append(json.loads(line).get("capabilities") or "")
    for line in (demo / "people.jsonl").read_text().splitlines():
        texts.append(json.loads(line).get("expertise") or "")
    for line in (demo / "courses.jsonl").read_text().splitlines():
        row = json.loads(line)
        texts.append(f"{row['title']}. {row.get('description') or ''}")
    return sorted({s for t in texts for s in split_evidence(t, 40)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-cosine", type=float, default=0.55)
    args = parser.parse_args()
    labels = [line.strip() for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    embedder = SentenceTransformerEmbedder(None, threads=1)
    best = (embedder.encode(labels) @ embedder.encode(demo_snippets()).T).max(axis=1)
    kept = sorted(label for label, cos in zip(labels, best, strict=True) if cos >= args.min_cosine)
    OUT.write_text(HEADER.format(cos=args.min_cosine) + "\n".join(kept) + "\n", encoding="utf-8")
    print(f"{len(kept)} of {len(labels)} ESCO labels kept (cosine >= {args.min_cosine}) -> {OUT}")
    print("examples:", ", ".join(np.random.default_rng(0).choice(kept, 8, replace=False)))


if __name__ == "__main__":
    main()
