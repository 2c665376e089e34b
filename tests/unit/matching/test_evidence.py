from __future__ import annotations

import random
import re

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


def _reference_split(text: str, max_words: int) -> list[str]:
    """The plain statement of the rule (regex sentences, regex word counts) the fast paths must agree with."""
    word = re.compile(r"\S+")
    sentences = [s.strip() for s in re.split(r"(?<=[.!?;])\s+|\s*\n+\s*", text) if s and s.strip()]
    snippets: list[str] = []
    current: list[str] = []
    for sentence in sentences:
        words = word.findall(sentence)
        if len(words) > max_words:
            snippets += [" ".join(current)] if current else []
            snippets += [" ".join(words[i : i + max_words]) for i in range(0, len(words), max_words)]
            current = []
        elif current and len(word.findall(" ".join(current))) + len(words) > max_words:
            snippets.append(" ".join(current))
            current = [sentence]
        else:
            current.append(sentence)
    return snippets + ([" ".join(current)] if current else [])


def test_fast_paths_agree_with_the_plain_rule_on_odd_spacing_and_unicode_spaces() -> None:
    pieces = ["word", "Acme", "é", ".", "!", "?", ";", ",", " ", "  ", "\n", "\t", "\r\n", "\xa0", "\u2028", "\x1c"]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        for max_words in (1, 2, 3, 7, 180):
            assert split_evidence(text, max_words) == _reference_split(text, max_words), (text, max_words)


def test_text_that_fits_one_snippet_is_joined_at_sentence_breaks() -> None:
    assert split_evidence("  We weld.   We paint.\n\n- CNC  machining ", max_words=60) == [
        "We weld. We paint. - CNC  machining"
    ]


def test_a_text_already_spaced_as_one_snippet_is_returned_without_a_copy() -> None:
    text = "We machine titanium. We weld aluminium."
    assert split_evidence(text, max_words=60)[0] is text
