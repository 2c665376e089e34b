from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.eval_data import EvalDataError, load_eval_set


def _write(tmp_path: Path, corpus: str, queries: str, qrels: str | bytes) -> tuple[Path, Path, Path]:
    c, q, r = tmp_path / "c.jsonl", tmp_path / "q.jsonl", tmp_path / "r.tsv"
    c.write_text(corpus, encoding="utf-8")
    q.write_text(queries, encoding="utf-8")
    r.write_bytes(qrels if isinstance(qrels, bytes) else qrels.encode("utf-8"))
    return c, q, r


CORPUS = "\n".join(json.dumps(d) for d in [
    {"id": "a", "title": "Weld lab", "text": "TIG welding"},
    {"id": "b", "title": "PLC course", "text": "Ladder logic", "kind": "course"},
]) + "\n"
QUERIES = json.dumps({"id": "q1", "text": "welding"}) + "\n"


def test_reads_a_valid_set_with_header_and_default_kind(tmp_path: Path) -> None:
    data = load_eval_set(*_write(tmp_path, CORPUS, QUERIES, "query_id\tdoc_id\tgrade\nq1\ta\t2\nq1\tb\t0\n"))
    assert [d.kind for d in data.corpus] == ["organization", "course"]
    assert data.qrels == {"q1": {"a": 2, "b": 0}}


@pytest.mark.parametrize(
    ("corpus", "queries", "qrels", "message"),
    [
        (CORPUS + "{not json\n", QUERIES, "q1\ta\t1\n", r"c\.jsonl:3: invalid JSON"),
        (CORPUS + '{"title": "no id"}\n', QUERIES, "q1\ta\t1\n", r"c\.jsonl:3: field 'id' is missing"),
        (CORPUS + '{"id": "a", "title": "again"}\n', QUERIES, "q1\ta\t1\n", r"c\.jsonl:3: duplicate id 'a'"),
        (CORPUS, QUERIES, "q1\ta\t1\nq1\tb\n", r"r\.tsv:2: expected 3 tab-separated fields"),
        (CORPUS, QUERIES, "q1\ta\t1\nq1\tb\thigh\n", r"r\.tsv:2: grade 'high' is not an integer"),
        (CORPUS, QUERIES, "q1\tzzz\t1\n", r"document id\(s\) not in .*c\.jsonl, e\.g\. zzz"),
        (CORPUS, QUERIES, "q9\ta\t1\n", r"query id\(s\) not in .*q\.jsonl, e\.g\. q9"),
        (CORPUS, QUERIES, "q1\ta\t0\n", r"no relevant judgement"),
        (CORPUS, QUERIES, b"q1\ta\t1\n\xff\xfe\n", r"r\.tsv: not UTF-8"),
    ],
)
def test_bad_files_name_the_file_and_line(
    tmp_path: Path, corpus: str, queries: str, qrels: str | bytes, message: str
) -> None:
    with pytest.raises(EvalDataError, match=message):
        load_eval_set(*_write(tmp_path, corpus, queries, qrels))


def test_missing_file_is_named(tmp_path: Path) -> None:
    c, q, r = _write(tmp_path, CORPUS, QUERIES, "q1\ta\t1\n")
    with pytest.raises(EvalDataError, match=r"nowhere\.jsonl: file not found"):
        load_eval_set(c, tmp_path / "nowhere.jsonl", r)
