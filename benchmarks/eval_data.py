"""Reading an evaluation set: corpus (JSONL), queries (JSONL) and graded judgements (TSV).

Every problem is reported as an :class:`EvalDataError` naming the file, the line and what is wrong, so the
command line can print it without a traceback. Nothing is partially loaded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

__all__ = ["EvalDataError", "Document", "EvalSet", "read_corpus", "read_queries", "read_qrels", "load_eval_set"]


class EvalDataError(ValueError):
    """An evaluation file is missing or malformed; the message names the file and line."""


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    text: str
    kind: str = "organization"


@dataclass(frozen=True)
class EvalSet:
    corpus: list[Document]
    queries: dict[str, str]
    #: query id -> {doc id: grade}; grade >= 1 is relevant, 0 judged non-relevant.
    qrels: dict[str, dict[str, int]]


def _lines(path: Path) -> list[str]:
    if not path.is_file():
        raise EvalDataError(f"{path}: file not found")
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise EvalDataError(f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason})") from None


def _jsonl(path: Path) -> list[tuple[int, dict[str, object]]]:
    rows = []
    for no, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalDataError(f"{path}:{no}: invalid JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise EvalDataError(f"{path}:{no}: expected a JSON object, got {type(obj).__name__}")
        rows.append((no, obj))
    return rows


def _field(path: Path, no: int, obj: dict[str, object], name: str, *, required: bool = True) -> str:
    value = obj.get(name)
    if value is None and not required:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool) and name == "id":
        return str(value)
    if not isinstance(value, str):
        what = "missing" if value is None else f"not a string ({type(value).__name__})"
        raise EvalDataError(f"{path}:{no}: field {name!r} is {what}")
    return value


def _unique(path: Path, no: int, ident: str, seen: set[str]) -> None:
    if not ident.strip():
        raise EvalDataError(f"{path}:{no}: field 'id' is empty")
    if ident in seen:
        raise EvalDataError(f"{path}:{no}: duplicate id {ident!r}")
    seen.add(ident)


def read_corpus(path: Path) -> list[Document]:
    """``{"id", "title", "text", "kind"?}`` per line; ``kind`` defaults to "organization"."""
    docs: list[Document] = []
    seen: set[str] = set()
    for no, obj in _jsonl(path):
        ident = _field(path, no, obj, "id")
        _unique(path, no, ident, seen)
        title = _field(path, no, obj, "title", required=False)
        text = _field(path, no, obj, "text", required=False)
        kind = _field(path, no, obj, "kind", required=False) or "organization"
        docs.append(Document(ident, title, text, kind))
    if not docs:
        raise EvalDataError(f"{path}: no documents")
    return docs


def read_queries(path: Path) -> dict[str, str]:
    """``{"id", "text"}`` per line."""
    queries: dict[str, str] = {}
    for no, obj in _jsonl(path):
        ident = _field(path, no, obj, "id")
        _unique(path, no, ident, set(queries))
        text = _field(path, no, obj, "text")
        if not text.strip():
            raise EvalDataError(f"{path}:{no}: query {ident!r} has empty text")
        queries[ident] = text
    if not queries:
        raise EvalDataError(f"{path}: no queries")
    return queries


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """``query_id<TAB>doc_id<TAB>grade`` per line; one header line (non-integer grade) is allowed first."""
    qrels: dict[str, dict[str, int]] = {}
    first = True
    for no, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        parts = line.rstrip("\r\n").split("\t")
        is_first, first = first, False
        if len(parts) != 3:
            raise EvalDataError(
                f"{path}:{no}: expected 3 tab-separated fields (query_id, doc_id, grade), got {len(parts)}"
            )
        qid, did, grade_text = (p.strip() for p in parts)
        try:
            grade = int(grade_text)
        except ValueError:
            if is_first:
                continue  # a header such as "query-id	corpus-id	score"
            raise EvalDataError(f"{path}:{no}: grade {grade_text!r} is not an integer") from None
        if not qid or not did:
            raise EvalDataError(f"{path}:{no}: empty query or document id")
        if grade < 0:
            raise EvalDataError(f"{path}:{no}: grade {grade} is negative (use 0 for judged non-relevant)")
        qrels.setdefault(qid, {})[did] = grade
    if not qrels:
        raise EvalDataError(f"{path}: no judgements")
    return qrels


def load_eval_set(corpus_path: Path, queries_path: Path, qrels_path: Path) -> EvalSet:
    """Read and cross-check the three files: every judged query and document must exist."""
    corpus = read_corpus(corpus_path)
    queries = read_queries(queries_path)
    qrels = read_qrels(qrels_path)
    doc_ids = {d.id for d in corpus}
    unknown_q = sorted(q for q in qrels if q not in queries)
    if unknown_q:
        raise EvalDataError(
            f"{qrels_path}: {len(unknown_q)} query id(s) not in {queries_path}, e.g. {', '.join(unknown_q[:3])}"
        )
    unknown_d = sorted({d for judged in qrels.values() for d in judged if d not in doc_ids})
    if unknown_d:
        raise EvalDataError(
            f"{qrels_path}: {len(unknown_d)} document id(s) not in {corpus_path}, e.g. {', '.join(unknown_d[:3])}"
        )
    if not any(g >= 1 for judged in qrels.values() for g in judged.values()):
        raise EvalDataError(f"{qrels_path}: no relevant judgement (grade >= 1)")
    return EvalSet(corpus, queries, qrels)
