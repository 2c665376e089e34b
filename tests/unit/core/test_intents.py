from __future__ import annotations

import pytest

from bot.core import texts
from bot.core.directory import intents
from bot.core.directory.intents import Filters, normalise, parse, truncate


@pytest.mark.parametrize("text", ["help", "HELP", " Help! ", "?", "aide", "hello"])
def test_help_words(text: str) -> None:
    assert parse(text).action == intents.HELP


@pytest.mark.parametrize("text", ["", "   ", "\n\t ", "...", "\x00\x01"])
def test_empty_questions_are_not_errors(text: str) -> None:
    assert parse(text).action == intents.EMPTY


def test_help_inside_a_real_question_is_a_search() -> None:
    intent = parse("help me find a welding expert")
    assert intent.action == intents.SEARCH
    assert intent.query == "help me find a welding expert"


def test_plain_question_has_no_filters() -> None:
    intent = parse("we need help automating TIG welding of aluminium battery trays")
    assert intent.action == intents.SEARCH
    assert intent.kinds is None and not intent.filters
    assert intent.query == "we need help automating TIG welding of aluminium battery trays"


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("researchers who know laser cladding", ("researcher",)),
        ("any technology firms doing machine vision?", ("technology_firm", "service_provider")),
        ("tech companies for cobots", ("technology_firm", "service_provider")),
        ("courses on PLC programming", ("course",)),
        ("funding for a robotic cell", ("funding_stream",)),
        ("grants for automation", ("funding_stream",)),
        ("manufacturers that stamp aluminium", ("manufacturer",)),
        ("des chercheurs en soudage", ("researcher",)),
        ("researchers or courses about welding", ("researcher", "course")),
    ],
)
def test_kinds_from_plain_words(text: str, kinds: tuple[str, ...]) -> None:
    assert parse(text).kinds == kinds


def test_we_need_is_not_the_needs_kind() -> None:
    assert parse("we need welding help").kinds is None


@pytest.mark.parametrize(
    ("text", "provinces"),
    [
        ("welding researchers in Ontario", {"ON"}),
        ("firms au Québec", {"QC"}),
        ("firms in Quebec", {"QC"}),
        ("laser cladding in Nouvelle-Écosse", {"NS"}),
        ("robotics in British Columbia or Alberta", {"BC", "AB"}),
        ("machining in BC", {"BC"}),
        ("Toronto, ON welding", {"ON"}),
        ("anyone in PEI", {"PE"}),
        ("welding in Atlantic Canada", {"NB", "NS", "PE", "NL"}),
    ],
)
def test_provinces_by_name_abbreviation_and_french(text: str, provinces: set[str]) -> None:
    assert parse(text).filters.provinces == provinces


@pytest.mark.parametrize("text", ["turn the robot on", "switch ON the cell", "grab a box"])
def test_lower_case_and_bare_words_are_not_provinces(text: str) -> None:
    assert parse(text).filters.provinces == frozenset()


def test_filter_only_phrases_are_cut_from_the_query() -> None:
    intent = parse("researchers in Quebec who work on laser cladding in French")
    assert intent.filters == Filters(provinces=frozenset({"QC"}), language="fr")
    assert intent.query == "researchers who work on laser cladding"
    assert intent.text == "researchers in Quebec who work on laser cladding in French"


def test_only_filters_keeps_the_text_as_query() -> None:
    intent = parse("in Quebec")
    assert intent.filters.provinces == {"QC"}
    assert intent.query == "in Quebec"


def test_course_facets() -> None:
    intent = parse("online micro-credential on PLC programming en français")
    assert intent.kinds == ("course",)
    assert intent.filters == Filters(language="fr", delivery="online", credential="micro-credential")
    assert parse("in-person training courses on welding").filters.delivery == "in-person"


def test_online_outside_a_course_question_is_not_a_filter() -> None:
    intent = parse("online monitoring of spindle vibration")
    assert intent.filters.delivery is None
    assert "online" in intent.query


def test_more_like() -> None:
    assert parse("more like org:acme-robotics").target == "org:acme-robotics"
    intent = parse("More like WeldTech Robotics in Ontario")
    assert intent.action == intents.MORE_LIKE
    assert intent.filters.provinces == {"ON"}
    assert parse("saved").action == intents.SAVED


def test_very_long_question_is_truncated_at_a_sentence_and_says_so() -> None:
    sentence = "We weld aluminium battery trays and need seam tracking. "
    text = sentence * 900  # ~50,000 characters
    intent = parse(text)
    assert intent.action == intents.SEARCH
    assert len(intent.text) <= intents.MAX_QUESTION_CHARS
    assert intent.text.endswith("seam tracking.")
    assert intent.notice == texts.TRUNCATED.format(kept=len(intent.text), total=len(text.strip()))


def test_long_text_without_spaces_is_cut_hard() -> None:
    cut, was_cut = truncate("x" * 50_000, 2000)
    assert was_cut and len(cut) == 2000
    assert parse("x" * 50_000).notice is not None


def test_normalise_keeps_positions() -> None:
    text = "Québec — Île-du-Prince-Édouard ß İ"
    assert len(normalise(text)) == len(text)
    assert normalise("Île-du-Prince-Édouard") == "ile du prince edouard"
