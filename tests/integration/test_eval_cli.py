"""``clustermatch eval`` end to end through Typer: the JSON contract, real metrics, clean errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import bot.commands.eval as eval_command
from bot.cli import app
from matching.embeddings import SentenceTransformerEmbedder

PROFILES = [
    ("weld", "Northshore Welding Lab", "Robotic TIG and MIG welding of aluminium battery enclosures for EV makers."),
    ("spindle", "Spindle Dynamics Group", "Chatter and tool-wear monitoring from spindle vibration in CNC milling."),
    ("plc", "Automation Basics", "Course on programmable logic controllers, ladder logic and HMI design."),
    ("composite", "Composite Works", "Autoclave curing and out-of-autoclave layup of carbon fibre aerospace parts."),
    ("print", "Metal Print Centre", "Laser powder bed fusion of titanium and Inconel; design for additive."),
    ("vision", "Inspection Vision Lab", "Deep learning visual inspection of surface defects on painted car panels."),
    ("bakery", "Maple Bakery Co-op", "Artisanal bread and pastries for local cafes."),
    ("law", "Clearview Legal", "Commercial leases and employment contracts for small firms."),
]
QUERIES = {
    "q-weld": "We need help automating welding of aluminium battery trays",
    "q-am": "Who can 3D print titanium brackets?",
    "q-plc": "We need staff trained in PLC programming",
    "q-vision": "camera-based detection of paint defects",
}
QRELS = [("q-weld", "weld", 2), ("q-am", "print", 1), ("q-plc", "plc", 1), ("q-vision", "vision", 1),
         ("q-vision", "bakery", 0)]


def _files(tmp_path: Path) -> list[str]:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": i, "title": t, "text": x}) + "\n" for i, t, x in PROFILES))
    queries = tmp_path / "queries.jsonl"
    queries.write_text("".join(json.dumps({"id": q, "text": t}) + "\n" for q, t in QUERIES.items()))
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("query_id\tdoc_id\tgrade\n" + "".join(f"{q}\t{d}\t{g}\n" for q, d, g in QRELS))
    return ["--corpus", str(corpus), "--queries", str(queries), "--qrels", str(qrels)]


@pytest.mark.model
def test_eval_json_reports_all_methods_from_one_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, real_embedder: SentenceTransformerEmbedder
) -> None:
    monkeypatch.setattr(eval_command, "make_embedder", lambda settings: real_embedder)
    result = CliRunner().invoke(app, ["eval", *_files(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)  # exactly one JSON object on stdout
    assert report["queries"] == 4 and report["corpus"] == len(PROFILES)
    assert set(report["methods"]) == {"lexical", "dense", "hybrid", "engine", "learned"}
    for method, values in report["methods"].items():
        assert set(values) == {"ndcg@10", "recall@10", "recall@100", "mrr@10"}
        assert all(0.0 <= v <= 1.0 for v in values.values()), method
        assert values["recall@100"] >= values["recall@10"]
    # Eight documents, one relevant each: whatever returns every document has full recall.
    for method in ("dense", "hybrid", "engine", "learned"):
        assert report["methods"][method]["recall@10"] == 1.0
    # The relevant profile is unmistakable for these questions: the engine puts it first or second.
    assert report["methods"]["engine"]["mrr@10"] >= 0.75
    assert report["methods"]["engine"]["ndcg@10"] >= report["methods"]["lexical"]["ndcg@10"]
    assert report["methods"]["learned"]["mrr@10"] >= 0.75


@pytest.mark.model
def test_eval_without_a_sound_ranker_leaves_learned_out_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, real_embedder: SentenceTransformerEmbedder
) -> None:
    monkeypatch.setattr(eval_command, "make_embedder", lambda settings: real_embedder)
    broken = tmp_path / "ranker.json"
    broken.write_text("{}")
    result = CliRunner().invoke(app, ["eval", *_files(tmp_path), "--json", "--ranker", str(broken)])
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.stdout)["methods"]) == {"lexical", "dense", "hybrid", "engine"}
    assert "learned" in result.stderr and "left out" in result.stderr


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: (d / "queries.jsonl").write_text('{"id": "q-weld", "text": "x"}\n{oops\n'), "queries.jsonl:2"),
        (lambda d: (d / "qrels.tsv").write_text("q-weld\tnobody\t1\n"), "document id(s) not in"),
        (lambda d: (d / "corpus.jsonl").write_bytes(b"\xff\xfe{}"), "not UTF-8"),
        (lambda d: (d / "corpus.jsonl").unlink(), "file not found"),
    ],
)
def test_bad_inputs_exit_2_with_a_clear_message(tmp_path: Path, damage: object, message: str) -> None:
    args = _files(tmp_path)
    damage(tmp_path)  # type: ignore[operator]
    result = CliRunner().invoke(app, ["eval", *args, "--json"])
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.output and result.stdout == ""
