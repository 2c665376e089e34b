from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from matching.embeddings import HashingEmbedder
from matching.evidence import item_snippets
from matching.matcher import METHODS, Hit, HybridMatcher

PROFILES = [
    ("Northshore Welding Lab", "We automate TIG welding of aluminium battery trays with collaborative robots."),
    ("Precision Spindle Research", "Tool condition monitoring from spindle vibration on five-axis titanium machining."),
    ("Automation Basics", "A course on programmable logic controllers: ladder logic, wiring and troubleshooting."),
    ("Composite Works", "Autoclave curing of carbon fibre parts for aerospace brackets."),
]
KINDS = ["organization", "organization", "course", "organization"]


@pytest.fixture
def matcher(fake_embedder: HashingEmbedder) -> HybridMatcher:
    items = [item_snippets(t, x) for t, x in PROFILES]
    return HybridMatcher(fake_embedder).fit(items, kinds=KINDS)


@pytest.mark.parametrize("method", [m for m in METHODS if m != "learned"])  # learned: test_ranker.py
def test_every_method_finds_the_obvious_match(matcher: HybridMatcher, method: str) -> None:
    hits = matcher.rank("aluminium TIG welding robots", k=3, method=method)
    assert hits and isinstance(hits[0], Hit)
    assert hits[0].index == 0
    assert hits[0].evidence.startswith("Northshore Welding Lab")
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True) or method == "engine"


def test_rank_before_fit_raises_not_fitted(fake_embedder: HashingEmbedder) -> None:
    with pytest.raises(NotFittedError):
        HybridMatcher(fake_embedder).rank("anything")


@pytest.mark.parametrize(
    ("params", "named"),
    [({"fusion": "mean"}, "'convex', 'rrf'"), ({"pooling": "avg"}, "'max', 'top2'"), ({"alpha": 1.5}, "alpha")],
)
def test_bad_params_raise_value_error_naming_valid_values(
    fake_embedder: HashingEmbedder, params: dict[str, object], named: str
) -> None:
    with pytest.raises(ValueError, match=named):
        HybridMatcher(fake_embedder, **params).fit([["text"]])  # type: ignore[arg-type]


def test_bad_method_names_the_valid_ones(matcher: HybridMatcher) -> None:
    with pytest.raises(ValueError, match="'lexical', 'dense', 'hybrid', 'engine'"):
        matcher.rank("welding", method="bm25")


def test_fit_rejects_mismatched_vectors_and_plain_strings(fake_embedder: HashingEmbedder) -> None:
    with pytest.raises(ValueError, match="snippet_vectors"):
        HybridMatcher(fake_embedder).fit([["a", "b"]], snippet_vectors=np.zeros((3, 512), np.float32))
    with pytest.raises(ValueError, match="split_evidence"):
        HybridMatcher(fake_embedder).fit(["one string"])  # type: ignore[list-item]


def test_precomputed_vectors_give_the_same_ranking(fake_embedder: HashingEmbedder) -> None:
    items = [item_snippets(t, x) for t, x in PROFILES]
    vectors = fake_embedder.encode([s for group in items for s in group])
    a = HybridMatcher(fake_embedder).fit(items).rank("carbon fibre autoclave", k=4, diversify=False)
    b = HybridMatcher(fake_embedder).fit(items, snippet_vectors=vectors).rank(
        "carbon fibre autoclave", k=4, diversify=False
    )
    assert [h.index for h in a] == [h.index for h in b]
    assert a[0].index == 3


def test_mask_excludes_items(matcher: HybridMatcher) -> None:
    mask = np.array([False, True, True, True])
    for method in [m for m in METHODS if m != "learned"]:
        hits = matcher.rank("aluminium TIG welding robots", k=4, mask=mask, method=method)
        assert 0 not in {h.index for h in hits}
    with pytest.raises(ValueError, match="mask"):
        matcher.rank("welding", mask=np.array([True, False]))


def test_explanation_names_the_shared_rare_terms(matcher: HybridMatcher) -> None:
    hit = matcher.rank("robots for TIG welding of aluminium trays, please", k=1)[0]
    assert hit.index == 0
    assert {"tig welding", "aluminium"} <= set(hit.shared_terms)
    assert "please" not in hit.shared_terms and "for" not in hit.shared_terms


def test_acronym_expansion_reaches_the_spelled_out_course(matcher: HybridMatcher) -> None:
    plain = matcher.rank("PLC", k=4, method="lexical")
    assert 2 not in {h.index for h in plain}  # the course never writes "PLC"
    hits = matcher.rank("PLC", k=1, method="engine")
    assert hits[0].index == 2
    assert "programmable logic controllers" in hits[0].shared_terms


def test_reciprocity_prefers_the_item_whose_needs_match_what_the_asker_offers(fake_embedder: HashingEmbedder) -> None:
    items = [["Lab A develops machine vision inspection."], ["Lab B develops machine vision inspection."]]
    needs = [["We need aluminium extrusion suppliers."], ["We need funding for pilot lines."]]
    matcher = HybridMatcher(fake_embedder).fit(items, needs=needs)
    one_way = matcher.rank("machine vision inspection", k=2, diversify=False)
    assert one_way[0].score == pytest.approx(one_way[1].score)
    both = matcher.rank("machine vision inspection", k=2, diversify=False, asker_offer="We supply aluminium extrusion")
    assert both[0].index == 0 and both[0].score > both[1].score
    assert both[0].channel_scores["reciprocity"] > both[1].channel_scores["reciprocity"]


def test_diversify_mixes_kinds(fake_embedder: HashingEmbedder) -> None:
    items = [["robot welding cell integration"], ["robot welding cell integration services"],
             ["robot welding cell integration course"]]
    matcher = HybridMatcher(fake_embedder).fit(items, kinds=["organization", "organization", "course"])
    plain = matcher.rank("robot welding cell integration", k=2, diversify=False)
    mixed = matcher.rank("robot welding cell integration", k=2, diversify=True)
    assert [matcher.kinds_[h.index] for h in plain] == ["organization", "organization"]
    assert sorted(matcher.kinds_[h.index] for h in mixed) == ["course", "organization"]


def test_empty_items_and_queries(fake_embedder: HashingEmbedder) -> None:
    matcher = HybridMatcher(fake_embedder).fit([["welding robots"], []])
    assert matcher.rank("   ") == []
    assert [h.index for h in matcher.rank("welding robots", k=5)] == [0]
    assert matcher.n_items_ == 2 and list(matcher.kinds_) == ["organization", "organization"]
