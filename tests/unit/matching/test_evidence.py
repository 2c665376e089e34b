from __future__ import annotations

import pytest

from matching.evidence import item_snippets, split_evidence


def test_empty_and_whitespace_give_no_snippets() -> None:
    assert split_evidence("") == []
    assert split_evidence("  \n\t ") == []


def test_sentences_are_grouped_up_to_the_bound_and_keep_every_word_in_order() -> None:
    text = " ".join(f"Sentence {i} has exactly six words." for i in range(40))
    snippets = split_evidence(text, max_words=20)
    assert all(len(s.split()) <= 20 for s in snippets)
    assert all(s.endswith(".") for s in snippets)  # cut at sentence ends only
    assert " ".join(snippets).split() == text.split()
    assert len(snippets) == 14  # three six-word sentences per snippet, 40 sentences


def test_an_over_long_sentence_is_cut_into_word_windows() -> None:
    text = "word " * 450
    snippets = split_evidence(text, max_words=180)
    assert [len(s.split()) for s in snippets] == [180, 180, 90]


def test_default_bound_fits_the_model_window() -> None:
    text = "We machine titanium and Inconel parts for aerospace customers on five-axis centres. " * 60
    assert max(len(s.split()) for s in split_evidence(text)) <= 180


def test_line_breaks_end_sentences() -> None:
    assert split_evidence("CNC machining\nTIG welding", max_words=2) == ["CNC machining", "TIG welding"]


def test_invalid_bound_is_rejected() -> None:
    with pytest.raises(ValueError, match="max_words"):
        split_evidence("text", max_words=0)


def test_item_snippets_lead_with_the_title() -> None:
    snippets = item_snippets("Acme Robotics", "We automate welding. We build cells.")
    assert snippets[0].startswith("Acme Robotics. We automate welding.")
    assert item_snippets("Only a title", "") == ["Only a title"]
    assert item_snippets("", "") == []
