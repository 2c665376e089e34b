from __future__ import annotations

import pytest

from matching.expansion import expand
from matching.query import strip_request_frame


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("We need staff trained in lean manufacturing", "lean manufacturing"),
        ("Hi! Who can help us automate TIG welding?", "automate TIG welding?"),
        ("We are looking for a partner with expertise in machine vision", "machine vision"),
        ("Does anyone know a company specialised in PLC retrofits?", "PLC retrofits?"),
        ("Is there a lab that does battery recycling?", "battery recycling?"),
        ("looking for suppliers of aluminium extrusions", "aluminium extrusions"),
    ],
)
def test_request_frames_are_dropped(question: str, subject: str) -> None:
    assert strip_request_frame(question) == subject


@pytest.mark.parametrize(
    "text",
    ["People management training", "what similarity laws apply to aeroelastic models", "Team building", "help"],
)
def test_subjects_without_a_frame_are_untouched(text: str) -> None:
    assert strip_request_frame(text) == text


def test_a_question_that_is_all_frame_is_kept_whole() -> None:
    assert strip_request_frame("We are looking for ") == "We are looking for"


def test_acronyms_expand_both_ways_and_only_in_capitals() -> None:
    assert "programmable logic controller" in expand("PLC retrofit")
    assert "PLC" in expand("programmable logic controllers for a press line")
    assert "additive manufacturing" in expand("AM for titanium brackets")
    assert expand("I am here") == []
    assert "opc ua" not in " ".join(expand("OPC UA gateway")).lower()  # already said, not repeated
