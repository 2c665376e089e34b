"""Print the introduction-solver figures: ``python scripts/bench_assign.py [--json] [--seed N] [--part NAME]``.

Targets (2-core CPU): bipartite 1,000 × 2,000, capacity 2, top-50 arcs optimal in ≤ 1 s; all-member
b-matching of 5,000 members, capacity 2, top-20 edges in ≤ 30 s; 0 violations; coverage ≥ 99 %. Wall-clock
and CPU seconds are both shown: on a shared machine the gap between them is other processes' load.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.assign import (  # noqa: E402
    bench_bipartite,
    bench_candidate_graph,
    bench_members,
    run_assignment_bench,
)

PARTS = {"bipartite": bench_bipartite, "members": bench_members, "candidate_graph_5x5": bench_candidate_graph}


def _print(name: str, figures: dict[str, Any]) -> None:
    print(f"\n== {name}: {figures.get('instance', '')}")
    for key, value in figures.items():
        if key == "instance":
            continue
        if isinstance(value, dict) and "objective" in value:
            broken = sum(value["violations"].values())
            print(f"  {key:<9} {value['seconds']:>8.3f} s wall {value['cpu_seconds']:>8.3f} s cpu  "
                  f"objective {value['objective']:>10.3f}  pairs {value['pairs']:>5}  violations {broken}  "
                  f"coverage {value['coverage']:.4f}  worst-off best {value['worst_off_best_score']:.4f}  "
                  f"({value['status']}, gap {value['gap']:.1e})")
        else:
            print(f"  {key}: {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--part", choices=sorted(PARTS), help="run one part only")
    args = parser.parse_args()
    if args.part:
        figures = {args.part: PARTS[args.part](seed=args.seed)}  # type: ignore[operator]
    else:
        figures = run_assignment_bench(seed=args.seed)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for name, part in figures.items():
        _print(name, part)


if __name__ == "__main__":
    main()
