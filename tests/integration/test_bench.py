"""The benchmark's plumbing on a tiny directory (fake embedder): shape of the figures, cache-only re-index."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from benchmarks.scaleup import ScaleEmbedder
from bot.cli import app
from bot.commands.bench import run_bench
from matching.embeddings import HashingEmbedder

ROWS = {
    "organizations": [
        {
            "kind": "technology_firm",
            "external_id": "tf-weld",
            "name": "Weld Co",
            "province": "ON",
            "capabilities": "Robotic TIG welding of aluminium. Seam tracking with lasers.",
            "needs": "Partners with battery tray volumes.",
        },
        {
            "kind": "manufacturer",
            "external_id": "mfg-trays",
            "name": "Tray Co",
            "province": "QC",
            "capabilities": "Stamping of steel battery trays. Powder coating.",
            "needs": "Automate TIG welding.",
        },
    ],
    "people": [
        {
            "kind": "researcher",
            "external_id": "res-a",
            "name": "A. Researcher",
            "organization": "tf-weld",
            "expertise": "Friction stir welding of aluminium alloys. Weld inspection with ultrasound.",
        },
    ],
    "courses": [
        {
            "kind": "course",
            "external_id": "course-1",
            "title": "PLC basics",
            "description": "Ladder logic. Timers.",
            "delivery": "online",
            "language": "en",
        },
    ],
    "funding_streams": [
        {
            "kind": "funding_stream",
            "external_id": "fs-1",
            "name": "Automation stream",
            "description": "Co-investment for robotics adoption. Up to half of project costs.",
        },
    ],
    "needs": [
        {
            "kind": "need",
            "external_id": "need-1",
            "title": "Vision inspection",
            "organization": "mfg-trays",
            "description": "Cameras to check welds. Inline, at line speed.",
        },
    ],
}


def write_seed(folder: Path) -> list[Path]:
    paths = []
    for stem, rows in ROWS.items():
        path = folder / f"{stem}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        paths.append(path)
    return paths


def test_bench_figures_on_a_tiny_scale_up(tmp_path: Path) -> None:
    files = write_seed(tmp_path)
    result = run_bench([60, 120], queries=5, embedder=HashingEmbedder(), workdir=tmp_path, seed_files=files)
    assert result["index"]["cold_profiles"] == 6 and result["index"]["cold_per_s"] > 0
    assert result["index"]["cached_per_s"] > 0 and result["index"]["cached_at_profiles"] >= 100
    assert set(result["query_ms"]) == {"60", "120"}
    for figures in result["query_ms"].values():
        assert 0 < figures["p50"] <= figures["p95"]
    assert result["sizes"]["120"]["profiles"] > result["sizes"]["60"]["profiles"] >= 50
    assert result["sizes"]["120"]["refresh_unchanged_per_s"] > 0 and result["sizes"]["120"]["reindex_per_s"] > 0
    # a one-profile edit encodes only that profile's new snippets, however large the directory
    assert 1 <= result["sizes"]["120"]["refresh_after_one_edit_encoded"] <= 3
    assert result["sizes"]["120"]["refresh_after_one_edit_s"] >= 0
    assert 0 < result["sizes"]["120"]["distinct_texts_stored"]
    assert 0 < result["peak_rss_mb_serving"] <= result["peak_rss_mb"]


def test_scale_embedder_follows_the_real_sentence_vectors() -> None:
    real = HashingEmbedder()
    snippets = ["Robotic TIG welding of aluminium. Seam tracking.", "Ladder logic for PLCs."]
    scale = ScaleEmbedder.from_snippets(real.model_id, snippets, real.encode(snippets))
    shuffled = scale.encode(["Seam tracking. Robotic TIG welding of aluminium."])[0]
    assert float(shuffled @ real.encode(snippets)[0]) > 0.95 > float(shuffled @ real.encode(snippets)[1])
    assert abs(float(shuffled @ shuffled) - 1.0) < 1e-5


def test_bench_rejects_bad_sizes() -> None:
    result = CliRunner().invoke(app, ["bench", "--sizes", "ten"])
    assert result.exit_code == 2 and "--sizes" in result.output
