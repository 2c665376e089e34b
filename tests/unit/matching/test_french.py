"""French lexical analysis: the words the issue's example question must and must not share."""

from __future__ import annotations

from matching.french import ENGLISH_HOMOGRAPHS, FRENCH_STOP_WORDS, fold, french_stem, french_words, split_elisions

QUESTION = "Nous cherchons un partenaire pour le soudage laser de pièces en aluminium au Québec"


def test_function_words_of_the_example_question_are_stop_words() -> None:
    words = [fold(w) for w in french_words(QUESTION)]
    kept = [w for w in words if w not in FRENCH_STOP_WORDS]
    assert kept == ["partenaire", "soudage", "laser", "pieces", "aluminium", "quebec"]


def test_elisions_are_split_with_either_apostrophe() -> None:
    assert split_elisions("l'usinage d’aluminium qu'il").split() == ["usinage", "aluminium", "il"]
    assert french_words("L'Usinage jusqu'à l'étape") == ["usinage", "étape"]


def test_accents_and_ligatures_fold() -> None:
    assert fold("pièces") == "pieces"
    assert fold("cœur") == "coeur"
    assert fold("steel") == "steel"


def test_snowball_stems_join_inflections_and_accented_spellings() -> None:
    assert french_stem("soudage") == french_stem("soudages")
    assert french_stem("pièces") == french_stem("pieces") == french_stem("pièce")


def test_english_homographs_are_french_stop_words_only() -> None:
    assert ENGLISH_HOMOGRAPHS <= FRENCH_STOP_WORDS
