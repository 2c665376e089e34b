"""Coursera skills -> courses: "We need staff trained in {skill}" against 1,000 course descriptions.

Protocol (shared/eval-data/coursera-skills/README.md): corpus = course_title + course_description with the
skill tags removed (kind "course"); queries = every tag carried by at least 3 courses; relevant = the courses
carrying the tag (grade 1).

    .venv/bin/python scripts/convert_coursera.py [--src DIR] [--min-courses 3]
"""

from __future__ import annotations

import argparse
import ast
import csv
from pathlib import Path

from convert_common import EVAL_DATA, write_set

QUERY_TEMPLATE = "We need staff trained in {skill}"


def convert(src: Path, min_courses: int = 3) -> Path:
    with (src / "coursera_courses.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    corpus = []
    carriers: dict[str, set[str]] = {}
    for row in rows:
        doc_id = f"course-{row['']}"
        corpus.append({"id": doc_id, "title": row["course_title"].strip(),
                       "text": row["course_description"].strip(), "kind": "course"})
        tags = ast.literal_eval(row["course_skills"]) if row["course_skills"].strip() else []
        for tag in {t.strip() for t in tags if t.strip()}:
            carriers.setdefault(tag, set()).add(doc_id)
    skills = sorted(t for t, docs in carriers.items() if len(docs) >= min_courses)
    queries = {f"skill-{i:04d}": QUERY_TEMPLATE.format(skill=t) for i, t in enumerate(skills)}
    qrels = {f"skill-{i:04d}": {d: 1 for d in sorted(carriers[t])} for i, t in enumerate(skills)}
    return write_set("coursera", corpus, queries, qrels)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=EVAL_DATA / "coursera-skills")
    parser.add_argument("--min-courses", type=int, default=3)
    args = parser.parse_args()
    convert(args.src, args.min_courses)
