"""Reply -> Adaptive Card 1.5: schema-valid, literal member text, buttons with their data, size-bounded."""

from __future__ import annotations

import json

import pytest

from bot.core import texts
from bot.core.ask.service import render_text
from bot.core.messages import DEFAULT_ACTIONS, SAVE, Reply, Section, Suggestion
from bot.teams.render import MAX_CARD_BYTES, MAX_TEXT, MAX_TITLE, reply_card, to_activity
from tests.unit.teams.cards import assert_valid_card, submit_actions, texts_of

EVIL = "Bob <!channel> & <https://evil|bank> [click](https://evil.example) **urgent** <at>Everyone</at>"


def _suggestion(n: int, **changes: object) -> Suggestion:
    values: dict[str, object] = {
        "ref": f"org:firm-{n}",
        "kind": "technology_firm",
        "title": f"Firm {n}",
        "subtitle": "Sherbrooke, QC",
        "reason": "Automated TIG welding cells for aluminium battery trays.",
        "shared_terms": ("tig", "aluminium"),
        "url": "https://firm.example/",
    }
    values.update(changes)
    return Suggestion(**values)  # type: ignore[arg-type]


def _reply(*suggestions: Suggestion, notice: str | None = None) -> Reply:
    sections = (Section(texts.HEADING_TECH_FIRMS, tuple(suggestions)),)
    intro = texts.INTRO_ANSWER.format(question="welding help")
    return Reply(text=render_text(intro, sections, notice), sections=sections, query_id="q-1", notice=notice)


def test_answer_card_is_valid_and_shows_intro_heading_and_matches() -> None:
    card = reply_card(_reply(_suggestion(1), _suggestion(2), notice=texts.WARMING_UP))
    assert_valid_card(card)
    shown = texts_of(card)
    assert shown[:3] == [texts.WARMING_UP, 'Here is what matches "welding help":', texts.HEADING_TECH_FIRMS]
    assert "Firm 1" in shown and "Firm 2" in shown
    assert texts.WHY.format(reason="Automated TIG welding cells for aluminium battery trays.") in shown
    assert card["fallbackText"].startswith(texts.WARMING_UP)


def test_every_button_carries_action_ref_and_query_id() -> None:
    card = reply_card(_reply(_suggestion(1), _suggestion(2, actions=(SAVE,))))
    data = [a["data"] for a in submit_actions(card)]
    expected = [{"action": a, "ref": "org:firm-1", "query_id": "q-1"} for a in DEFAULT_ACTIONS]
    assert data == expected + [{"action": SAVE, "ref": "org:firm-2", "query_id": "q-1"}]


def test_member_text_is_never_parsed_as_markdown() -> None:
    card = reply_card(_reply(_suggestion(1, title=EVIL, reason=EVIL, subtitle=EVIL)))
    assert_valid_card(card)
    blocks = json.dumps([b for b in card["body"] if b["type"] == "TextBlock"])
    assert "evil" not in blocks  # Markdown-parsing TextBlocks hold only our own headings
    assert EVIL in texts_of(card)  # shown literally, in a TextRun
    assert "<at>" not in json.dumps(card.get("msteams", {}))  # no mention entities from member text


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://files.example/x", "not a url", ""])
def test_only_web_links_get_an_open_button(url: str) -> None:
    card = reply_card(_reply(_suggestion(1, url=url)))
    assert "Action.OpenUrl" not in json.dumps(card)


def test_long_answers_are_trimmed_below_the_message_limit_and_stay_valid() -> None:
    many = [_suggestion(n, reason="word " * 400, title="T" * 500) for n in range(60)]
    sections = (Section(texts.HEADING_TECH_FIRMS, tuple(many[:30])), Section(texts.HEADING_COURSES, tuple(many[30:])))
    reply = Reply(text="x" * 50_000, sections=sections, query_id="q")
    card = reply_card(reply)
    assert_valid_card(card)
    assert len(json.dumps(card, ensure_ascii=False).encode()) <= MAX_CARD_BYTES
    message = to_activity(reply).model_dump(by_alias=True, exclude_none=True, mode="json")
    assert len(json.dumps(message, ensure_ascii=False).encode()) <= 28_000  # what Teams accepts from a bot
    shown = texts_of(card)
    assert any(t.endswith("more not shown here: ask a narrower question to see them.") for t in shown)
    assert len(shown[0]) == MAX_TEXT and shown[1] == texts.HEADING_TECH_FIRMS and len(shown[2]) == MAX_TITLE
    headings = [b["text"] for b in card["body"] if b["type"] == "TextBlock"]
    assert headings == [texts.HEADING_TECH_FIRMS]  # no heading left without its matches


def test_text_only_reply_and_activity_envelope() -> None:
    activity = to_activity(Reply(text=texts.HELP))
    [attachment] = activity.attachments
    assert attachment.content_type == "application/vnd.microsoft.card.adaptive"
    assert_valid_card(attachment.content)
    assert texts.HELP in texts_of(attachment.content)
    assert activity.summary == texts.HELP and not activity.text


@pytest.mark.parametrize(
    "broken",
    [
        {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock"}]},  # text is required
        {
            "type": "AdaptiveCard",
            "version": "1.5",
            "body": [{"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": "x", "spacing": "small"}]}],
        },  # noqa: E501
        {"type": "AdaptiveCard", "version": "1.5", "msteams": {"width": "Full"}, "speakers": []},
        {"type": "AdaptiveCard", "version": "1.5", "msteams": {"width": "Full", "entities": []}},
    ],
)
def test_the_card_lint_rejects_invalid_cards(broken: dict) -> None:
    with pytest.raises(AssertionError):
        assert_valid_card(broken)


def test_intro_from_the_core_and_kind_when_there_is_no_subtitle() -> None:
    reply = _reply(_suggestion(1, subtitle=""))
    reply = Reply(text=reply.text, sections=reply.sections, query_id="q", meta={"intro": "Matches for you:"})
    shown = texts_of(reply_card(reply))
    assert shown[0] == "Matches for you:"
    assert "  technology firm" in shown  # the subtitle line falls back to the kind
