"""``scripts/bench_dashboard.py`` runs end to end at a small size and prints the figures it promises."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_bench_dashboard_prints_page_percentiles(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_dashboard.py"), "--members", "400",
                          "--events", "3000", "--requests", "3", "--json",
                          "--folder", str(tmp_path / "bench")], capture_output=True, text=True,
                         timeout=600, cwd=ROOT, check=True)
    figures = json.loads(out.stdout)
    assert figures["events"] > 2500 and figures["members"] >= 400
    assert set(figures["pages"]) == {"/dashboard", "/dashboard/ecosystem", "/dashboard/gaps", "/dashboard/suggestions"}
    assert all(p["p95_ms"] >= p["p50_ms"] > 0 for p in figures["pages"].values())
    assert set(figures["charts"]) >= {"funnel", "heatmap", "network", "gaps"}
    assert isinstance(figures["goal_met"], bool) and figures["funnel_cold_ms"]["p50"] > 0
