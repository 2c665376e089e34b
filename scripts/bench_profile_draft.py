"""Drafted profiles on the demo: are the topics of each need author's organization among its top phrases?

For each organization that posted one of the demo's 50 needs, the member's text is their needs (title and
description) and, in the second setting, also what their organization's imported texts say (what a member
typically repeats in chat). The expected phrases are the topics ``bot/demo/topics.json`` lists for that
organization and for its needs. The vocabulary is grounded in the directory's offers minus the
organization's own, so an organization's text never helps its own terms. Prints the share of expected
topics found in the top-k capability/need phrases, and in the top-k phrases of every group together.

    .venv/bin/python scripts/bench_profile_draft.py            (make bench-profile-draft)
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.core.directory.draft_vocabulary import CAPABILITY, assemble, esco_labels, taxonomy_labels
from matching.embeddings import SentenceTransformerEmbedder
from matching.keyphrases import PhraseDrafter

DEMO = Path(__file__).resolve().parent.parent / "bot" / "demo"


def rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (DEMO / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]


class CachedEncoder:
    """The model's ``encode`` with a memory: the vocabulary is refitted per organization from cached vectors."""

    def __init__(self, embedder: SentenceTransformerEmbedder) -> None:
        self.embedder, self.memory = embedder, {}  # type: ignore[var-annotated]

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self.memory]
        if todo:
            self.memory.update(zip(todo, self.embedder.encode(todo), strict=True))
        return np.stack([self.memory[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--torch-threads", type=int, default=1)
    args = parser.parse_args()
    topics = json.loads((DEMO / "topics.json").read_text(encoding="utf-8"))
    orgs = {o["external_id"]: o for o in rows("organizations")}
    people, courses, needs = rows("people"), rows("courses"), rows("needs")
    label = {key: t["label"] for key, t in topics["topics"].items()}
    sectors = sorted({s for o in orgs.values() for s in o.get("sectors") or []})
    skills = sorted({s for c in courses for s in c.get("skills") or []})
    offers_of: dict[str | None, list[str]] = {}
    for o in orgs.values():
        offers_of.setdefault(o["external_id"], []).append(o.get("capabilities") or "")
    for p in people:
        offers_of.setdefault(p.get("organization"), []).append(p.get("expertise") or "")
    for c in courses:
        offers_of.setdefault(c.get("provider"), []).append(f"{c['title']}. {c.get('description') or ''}")
    by_org: dict[str, list[dict]] = {}
    for need in needs:
        by_org.setdefault(need["organization"], []).append(need)
    encode = CachedEncoder(SentenceTransformerEmbedder(None, threads=args.torch_threads))
    started = time.perf_counter()
    for setting in ("needs only", "needs + organization texts"):
        found = {"capability/need phrases": [0, 0], "all phrases": [0, 0]}
        full = 0
        for org_id, posted in by_org.items():
            expected = {label[k] for k, t in topics["topics"].items() if f"org:{org_id}" in t["refs"]}
            for need in posted:
                expected |= {label[k] for k in topics["needs"][f"need:{need['external_id']}"]["topics"]}
            texts = [f"{n['title']}. {n['description']}" for n in posted]
            if setting != "needs only":
                texts += [orgs[org_id].get("capabilities") or "", orgs[org_id].get("needs") or ""]
            others = [t for owner, ts in offers_of.items() if owner != org_id for t in ts]
            vocab = assemble(taxonomy_labels(), sectors, [*skills, *esco_labels()], others)
            drafter = PhraseDrafter(encode).fit(vocab.terms, vocab.groups, vocab.snippets)
            for name, groups in (("capability/need phrases", [CAPABILITY]), ("all phrases", None)):
                top = {p.phrase for p in drafter.propose(texts, k=args.k, groups=groups)}
                found[name][0] += len(expected & top)
                found[name][1] += len(expected)
                if groups is not None and expected <= top:
                    full += 1
        print(f"{setting}: {len(by_org)} organizations, {found['all phrases'][1]} expected topics")
        for name, (hit, total) in found.items():
            print(f"  in the top {args.k} {name}: {hit}/{total} = {100 * hit / total:.1f} %")
        print(f"  organizations with every topic in the top {args.k} capability/need phrases: {full}/{len(by_org)}")
    print(f"time: {time.perf_counter() - started:.1f} s (vocabulary {len(vocab.terms)} terms, "
          f"{len(vocab.snippets)} grounding snippets)")


if __name__ == "__main__":
    main()
