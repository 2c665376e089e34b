"""LexicalIndex against bm25s's own Lucene BM25 builder, and the corpus tokenizer against ``analyze``."""

from __future__ import annotations

import logging

import bm25s
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import matching.lexical as lexical
import matching.text as text
from matching.lexical import LexicalIndex
from matching.text import analyze, corpus_term_ids

logging.getLogger("bm25s").setLevel(logging.WARNING)

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# A small vocabulary so random documents share terms; stop words, inflections, digits, case and unicode included.
WORDS = [
    "welding", "welded", "Welds", "robot", "robots", "robotic", "CNC", "milling", "the", "and", "of", "we",
    "need", "laser", "3d", "5-axis", "x", "a", "PLC", "plc", "Müller", "café", "ÜBER", "straße", "İstanbul",
    "naïve", "data_set", "__", "42", "co2", "aluminium", "extrusion", "extrusions", "battery", "recycling",
]
SEPARATORS = [" ", "  ", ", ", ".\n", "-", "/", "\t", "(", ") ", "'", "\u00a0", "\x1f", "!"]


@st.composite
def documents(draw: st.DrawFn, max_words: int = 25) -> str:
    n = draw(st.integers(0, max_words))
    parts = []
    for _ in range(n):
        parts.append(draw(st.sampled_from(WORDS)))
        parts.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(parts)


corpora = st.lists(documents(), min_size=0, max_size=30)


def reference(docs: list[str], *, k1: float = 1.2, b: float = 0.75, stemming: bool = True) -> tuple:
    """What the index was before it was vectorised: analyze() per document, bm25s builds the matrix."""
    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(t, len(vocab)) for t in analyze(d, stemming=stemming)] for d in docs]
    df = np.bincount(np.fromiter((t for d in ids for t in set(d)), dtype=np.int64), minlength=len(vocab))
    df = df.astype(np.float32)
    idf = np.log(1.0 + (len(docs) - df + 0.5) / (df + 0.5)).astype(np.float32)
    retriever = bm25s.BM25(k1=k1, b=b, method="lucene")
    if vocab:
        retriever.index((ids, dict(vocab)), show_progress=False)
    return vocab, ids, idf, retriever


def reference_scores(retriever: bm25s.BM25, vocab: dict[str, int], n_docs: int, terms: dict[str, float]) -> np.ndarray:
    out = np.zeros(n_docs, dtype=np.float32)
    for term, w in terms.items():
        if term in vocab:
            out += np.float32(w) * retriever.get_scores([vocab[term]]).astype(np.float32)
    return out


def assert_same_index(docs: list[str], *, k1: float = 1.2, b: float = 0.75, stemming: bool = True) -> LexicalIndex:
    index = LexicalIndex(k1=k1, b=b, stemming=stemming).fit(iter(docs))
    vocab, ids, idf, retriever = reference(docs, k1=k1, b=b, stemming=stemming)
    assert list(index.vocab_.items()) == list(vocab.items())  # same ids, first-seen order
    assert index.n_docs_ == len(docs)
    np.testing.assert_array_equal(index.doc_lengths_, [len(d) for d in ids])
    assert index.doc_lengths_.dtype == np.int64
    np.testing.assert_array_equal(index.idf_, idf)
    assert index.idf_.dtype == np.float32
    for term in vocab:  # every column of the matrix
        got = index.score({term: 1.0})
        assert got.dtype == np.float32 and got.shape == (len(docs),)
        np.testing.assert_allclose(got, reference_scores(retriever, vocab, len(docs), {term: 1.0}), rtol=1e-5)
    for d in docs:  # weighted queries: counts from the document's own text
        weights = index.term_weights(d)
        expected = reference_scores(retriever, vocab, len(docs), weights)
        np.testing.assert_allclose(index.score(weights), expected, rtol=1e-5, atol=1e-7)
    return index


@SETTINGS
@given(corpora)
def test_tokenizer_equals_analyze_on_every_document(docs: list[str]) -> None:
    for stemming in (True, False):
        vocab, ids, lengths = corpus_term_ids(iter(docs), stemming=stemming)
        expected = [analyze(d, stemming=stemming) for d in docs]
        terms = list(vocab)
        assert [terms[i] for i in ids] == [t for doc in expected for t in doc]
        np.testing.assert_array_equal(lengths, [len(doc) for doc in expected])
        assert ids.dtype == np.int32 and lengths.dtype == np.int64


@SETTINGS
@given(st.lists(st.text(max_size=60), max_size=12))
def test_tokenizer_equals_analyze_on_arbitrary_text(docs: list[str]) -> None:
    vocab, ids, lengths = corpus_term_ids(docs)
    terms = list(vocab)
    assert [terms[i] for i in ids] == [t for d in docs for t in analyze(d)]
    np.testing.assert_array_equal(lengths, [len(analyze(d)) for d in docs])


def test_ascii_fast_path_splits_like_the_regex() -> None:
    doc = "CNC-Milling_of 5-axis parts; a b 3D-printed (PLC) x2 e.g. ISO9001\x0b\x1ctab\tend"
    assert doc.isascii()
    vocab, ids, _ = corpus_term_ids([doc], stemming=False)
    terms = list(vocab)
    assert [terms[i] for i in ids] == analyze(doc, stemming=False)
    assert "cnc" in vocab and "milling_of" in vocab and "x2" in vocab and "iso9001" in vocab
    assert "a" not in vocab and "b" not in vocab and "e" not in vocab


@SETTINGS
@given(corpora, st.sampled_from([(1.2, 0.75), (1.5, 0.0), (0.9, 1.0)]), st.booleans())
def test_scores_and_idf_equal_bm25s(docs: list[str], params: tuple[float, float], stemming: bool) -> None:
    assert_same_index(docs, k1=params[0], b=params[1], stemming=stemming)


@SETTINGS
@given(corpora)
def test_chunked_tokenizing_and_blocked_scoring_change_nothing(docs: list[str]) -> None:
    """The real chunk sizes only split corpora of >250k tokens; tiny ones exercise every boundary here."""
    whole = LexicalIndex().fit(docs)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(text, "_CHUNK", 3)
        mp.setattr(lexical, "_BLOCK", 2)
        split = LexicalIndex().fit(docs)
    assert split.vocab_ == whole.vocab_
    np.testing.assert_array_equal(split.doc_lengths_, whole.doc_lengths_)
    for term in whole.vocab_:
        np.testing.assert_array_equal(split.score({term: 1.0}), whole.score({term: 1.0}))


def test_seeded_larger_corpus_equals_bm25s() -> None:
    rng = np.random.default_rng(7)
    lexicon = [f"term{i}" for i in range(300)] + ["welding", "welded", "the", "and", "über", "naïve"]
    p = 1.0 / np.arange(1, len(lexicon) + 1)  # Zipf-like: a few very common terms, a long tail
    docs = [" ".join(rng.choice(lexicon, size=rng.integers(0, 60), p=p / p.sum())) for _ in range(400)]
    assert_same_index(docs)


def test_edge_cases() -> None:
    docs = ["", "the and of we need", "weld weld weld welding", "Ünïcode café CAFÉ", "robot", "   ", "a b c"]
    index = assert_same_index(docs)
    np.testing.assert_array_equal(index.doc_lengths_, [0, 0, 4, 3, 1, 0, 0])
    repeated = index.score({"weld": 1.0})
    assert repeated[2] > 0 and np.count_nonzero(repeated) == 1
    assert index.score_text("CAFÉ")[3] > 0  # unicode term, tf 2 (case folded; this text reads as French)
    assert not index.score({"the": 1.0}).any()  # stop words are never indexed
    np.testing.assert_array_equal(index.score({"weld": 2.0}), 2 * repeated)
    assert not index.score({"weld": 0.0}).any()


def test_repeated_terms_saturate() -> None:
    index = LexicalIndex().fit(["weld", "weld weld", "weld weld weld weld", "robot robot robot robot"])
    s = index.score({"weld": 1.0})
    assert s[0] < s[1] < s[2] and s[3] == 0
    assert s[2] / s[1] < 2  # BM25 tf saturation, not linear counts


@pytest.mark.parametrize("docs", [[], [""], ["", "   "], ["the of and", "we need help"]])
def test_corpora_without_terms(docs: list[str]) -> None:
    index = LexicalIndex().fit(docs)
    assert index.n_docs_ == len(docs) and index.vocab_ == {}
    assert index.idf_.shape == (0,) and index.doc_lengths_.shape == (len(docs),)
    assert index.score({"weld": 1.0}).shape == (len(docs),)
    assert not index.score_text("welding robots").any()
    assert index.idf("weld") == pytest.approx(np.log(1 + (len(docs) + 0.5) / 0.5))


def test_idf_of_seen_and_unseen_terms() -> None:
    docs = ["welding robots", "welding cells", "laser cutting", "milling"]
    index = LexicalIndex().fit(docs)
    assert index.idf("weld") == pytest.approx(np.log(1 + (4 - 2 + 0.5) / (2 + 0.5)), rel=1e-6)
    assert index.idf("laser") == pytest.approx(np.log(1 + (4 - 1 + 0.5) / (1 + 0.5)), rel=1e-6)
    unseen = index.idf("anodising")
    assert unseen == pytest.approx(np.log(1 + 4.5 / 0.5)) and unseen > index.idf("laser") > index.idf("weld")


def test_a_generator_is_consumed_once_and_score_text_matches_score() -> None:
    docs = ["Welding robots for car bodies", "TIG welding of aluminium", "Battery recycling plant"]
    index = LexicalIndex().fit(d for d in docs)
    assert index.n_docs_ == 3
    np.testing.assert_array_equal(index.score_text("welded aluminium"), index.score({"weld": 1.0, "aluminium": 1.0}))
    assert int(np.argmax(index.score_text("aluminium welding"))) == 1
