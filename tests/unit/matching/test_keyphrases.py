"""PhraseDrafter: vocabulary terms fitted to a member's texts, round-robin over texts, each with its sentence."""

from __future__ import annotations

import pytest

from matching.embeddings import HashingEmbedder
from matching.keyphrases import PhraseDrafter

TERMS = ["robotic welding of aluminium", "injection moulding scrap", "plc programming", "aerospace", "welding",
         "Robotic welding of aluminium"]
GROUPS = ["capability", "capability", "skill", "sector", "skill", "skill"]


@pytest.fixture
def drafter() -> PhraseDrafter:
    return PhraseDrafter(HashingEmbedder().encode, k=3, ground_k=0).fit(TERMS, GROUPS)


def test_each_text_gets_its_best_term_with_the_sentence_it_came_from(drafter: PhraseDrafter) -> None:
    texts = ["We need robotic welding for aluminium trays. Budget is approved.",
             "Too much scrap from injection moulding at start-up."]
    found = drafter.propose(texts, k=2)
    assert sorted((p.phrase, p.source) for p in found) == [
        ("injection moulding scrap", "Too much scrap from injection moulding at start-up."),
        ("robotic welding of aluminium", "We need robotic welding for aluminium trays.")]
    assert all(0 < p.score <= 1 for p in found)


def test_groups_filter_duplicates_and_empty_input(drafter: PhraseDrafter) -> None:
    assert len(drafter.terms_) == 5  # the case-insensitive duplicate is kept once, in its first group
    skills = drafter.propose(["robotic welding and plc programming"], groups=["skill"])
    assert {p.group for p in skills} == {"skill"} and "welding" in {p.phrase for p in skills}
    assert drafter.propose([]) == [] and drafter.propose(["   "]) == []
    assert drafter.propose(["completely unrelated poetry"]) == []  # nothing fits above min_score
    with pytest.raises(ValueError, match="2 terms but 1 groups"):
        PhraseDrafter(HashingEmbedder().encode).fit(["a", "b"], ["x"])


def test_grounding_moves_a_label_towards_the_texts_that_offer_it() -> None:
    encode = HashingEmbedder().encode
    plain = PhraseDrafter(encode, ground_k=0).fit(["scrap sorting"], ["capability"])
    grounded = PhraseDrafter(encode, ground_k=1).fit(["scrap sorting"], ["capability"],
                                                    ["LIBS sorting of aluminium chips and scrap by alloy."])
    text = ["Our aluminium chips are sold as mixed scrap."]
    assert grounded.scores(text)[0][0, 0] > plain.scores(text)[0][0, 0]
