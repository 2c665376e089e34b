"""Language detection and the guarantee that English texts are analysed exactly as before."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from matching.explain import shared_terms
from matching.language import detect, looks_french
from matching.text import STOP_WORDS, analyze, corpus_term_ids, stem, words

NEEDS = Path(__file__).parents[3] / "bot" / "demo" / "needs.jsonl"
QUESTION = "Nous cherchons un partenaire pour le soudage laser de pièces en aluminium au Québec"


def demo_needs() -> list[str]:
    rows = [json.loads(line) for line in NEEDS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [f"{r['title']}. {r['description']}" for r in rows]


def english_rules(text: str) -> list[str]:
    """The English analysis as it always was: words, English stop words out, English stems."""
    return [stem(w) for w in words(text) if w not in STOP_WORDS]


def test_french_and_english_questions_are_told_apart() -> None:
    assert detect(QUESTION) == "fr"
    assert detect("Centre de recherche sur l'usinage de l'aluminium") == "fr"
    assert detect("we need help automating TIG welding of aluminium battery trays") == "en"
    assert detect("we weld in Québec and Montréal") == "en"  # place names alone do not make a text French
    assert detect("a plant near des Moines") == "en"
    assert detect("") == "en"
    assert not looks_french("robotic TIG welding cells")  # English without a French marker skips the model


def test_the_demo_needs_split_into_english_and_french() -> None:
    languages = [detect(t) for t in demo_needs()]
    assert languages.count("fr") >= 5 and languages.count("en") >= 30


def test_english_texts_keep_their_exact_terms() -> None:
    english = [t for t in demo_needs() if detect(t) == "en"]
    english += ["we need help automating TIG welding of aluminium battery trays", "Teach pendant programming, AI"]
    for text in english:
        assert analyze(text) == english_rules(text), text
    vocab, ids, lengths = corpus_term_ids(english)
    terms = {i: t for t, i in vocab.items()}
    assert [terms[int(i)] for i in ids] == [t for text in english for t in english_rules(text)]
    np.testing.assert_array_equal(lengths, [len(english_rules(t)) for t in english])


def test_french_texts_get_french_terms_in_the_index_and_the_question() -> None:
    assert analyze(QUESTION) == ["partenair", "soudag", "las", "piec", "aluminium", "quebec"]
    vocab, ids, _ = corpus_term_ids(["Soudage laser de pièces d'aluminium pour le Québec", "TIG welding"])
    assert [t for t, _ in sorted(vocab.items(), key=lambda kv: kv[1])] == [
        "soudag", "las", "piec", "aluminium", "quebec", "tig", "weld"]
    assert analyze("pieces sans accents et pièces accentuées pour le soudage") == analyze(
        "pièces sans accents et pieces accentuees pour le soudage")


def test_shared_terms_never_offer_french_function_words() -> None:
    item = ["Nous offrons le soudage laser pour des pièces en aluminium et en acier, pour nous et nos clients."]
    shared = shared_terms([QUESTION], item, lambda _: 2.0)
    assert set(shared) == {"soudage laser", "pièces", "aluminium"}
    quoted = ["Laser welding of pièces en aluminium for le Québec"]  # French words quoted in an English text
    assert "en" not in " ".join(shared_terms(["aluminium pièces en laser"], quoted, lambda _: 2.0)).split()
    english = shared_terms(["AI on the teach pendant"], ["AI vision on a teach pendant"], lambda _: 2.0)
    assert set(english) == {"ai", "teach pendant"}  # French homographs stay content words in English
