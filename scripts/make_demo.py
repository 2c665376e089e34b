"""Generate the demo directory shipped in ``bot/demo/`` (deterministic: fixed seed, hand-written pools).

    .venv/bin/python scripts/make_demo.py            # rewrite bot/demo/*.jsonl and bot/demo/topics.json
    .venv/bin/python scripts/make_demo.py --check    # fail if the committed files differ from a fresh run

Every person and organization is fictional: names are drawn from first/last-name pools and invented company
name parts; only the cities are real. ``topics.json`` records which entries cover which topic and which
entries answer each need, for evaluating matching on the demo.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_text.build import Builder  # noqa: E402
from demo_text.build_more import TOPIC  # noqa: E402
from demo_text.funding import FUNDING  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bot" / "demo"
SEED = 20260401
STEMS = ("organizations", "people", "courses", "funding_streams", "needs")
#: Which course families each workforce program pays for (project streams cover their topics).
PROGRAM_THEMES = {
    "wp-upskilling": ["plc_training", "robotics_training", "digital_skills", "lean", "cnc_training", "quality",
                      "predictive_maintenance", "machine_vision"],
    "wp-robotics-voucher": ["robotics_training", "cobot_safety"],
    "wp-wil-subsidy": ["wil"],
    "wp-indigenous-talent": ["indigenous"],
    "wp-ev-workforce": ["hv_safety"],
}


def build() -> dict[str, list[dict]]:
    """All demo rows per file stem, plus the evaluation topics under ``"topics"``."""
    b = Builder(random.Random(SEED))
    b.research_institutions()
    b.innovation_centres()
    b.training_providers()
    b.technology_firms(36)
    b.service_providers(18)
    b.manufacturers(86)
    b.researchers(64)
    b.courses()
    b.training_capabilities()
    b.needs()
    b.restate_needs()
    for org in [o for o in b.orgs if o["kind"] == "technology_firm"][:12]:
        b.contact(org["external_id"])
    funding = []
    for spec in FUNDING:
        row = {"kind": "funding_stream", **{k: v for k, v in spec.items() if k != "stream"}}
        row["url"] = f"https://cluster.example/funding/{spec['external_id']}"
        funding.append(row)
        ref = f"funding:{spec['external_id']}"
        for topic_id in [t for t, topic in TOPIC.items() if topic["stream"] == spec.get("stream")]:
            b.cover(topic_id, ref)
        for family in PROGRAM_THEMES.get(spec["external_id"], []):
            b.cover(family, ref)
    return {"organizations": b.orgs, "people": b.people, "courses": b.course_rows, "funding_streams": funding,
            "needs": b.need_rows, "topics": [b.topic_index()]}


def render(data: dict[str, list[dict]]) -> dict[str, str]:
    files = {f"{stem}.jsonl": "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in data[stem]) for stem in STEMS}
    files["topics.json"] = json.dumps(data["topics"][0], ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="compare with the files on disk instead of writing")
    args = parser.parse_args()
    files = render(build())
    if args.check:
        stale = [name for name, text in files.items() if (args.out / name).read_text(encoding="utf-8") != text]
        if stale:
            sys.exit(f"demo files out of date: {', '.join(stale)}; run scripts/make_demo.py")
        print("demo files are up to date")
        return
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (args.out / name).write_text(text, encoding="utf-8")
        print(f"{len(text.encode()):>8} bytes  {args.out / name}")


if __name__ == "__main__":
    main()
