from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.core import texts
from bot.core.messages import DEFAULT_ACTIONS, Reply, Section, Suggestion
from bot.slack.home import HomeButton, HomeSection, home_view
from bot.slack.profile import ProfileForm, profile_view
from bot.slack.render import escape, register_button, text_message, to_slack_message, truncate
from bot.slack.translate import decode_value
from tests.fakes.slack_harness import EVIL_NAME
from tests.fixtures_paths import BLOCK_KIT_SCHEMA as SCHEMA_PATH


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text())


def check_message(message: dict[str, Any], schema: dict[str, Any]) -> None:
    """Both validators: slack_sdk's own limits and the community Block Kit schema; plus our house limits."""
    assert message["text"].strip(), "a text fallback is always present"
    assert len(message["blocks"]) <= 50
    for block in message["blocks"]:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
    jsonschema.Draft202012Validator(schema).validate(message["blocks"])
    action_ids = [e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert len(action_ids) == len(set(action_ids)), "action ids are unique in a message"
    for block in message["blocks"]:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        for element in block.get("elements", []):
            if element.get("type") == "button":
                assert len(element["text"]["text"]) <= 75 and len(element.get("value", "")) <= 2000


def view_schema(schema: dict[str, Any], ref: str) -> dict[str, Any]:
    return {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": f"#/$defs/{ref}"}


def suggestion(n: int, **kw: Any) -> Suggestion:
    base: dict[str, Any] = {
        "ref": f"org:o{n}", "kind": "technology_firm", "title": f"Firm {n}", "subtitle": "Technology firm · ON",
        "reason": "Robotic TIG welding of aluminium battery trays.", "shared_terms": ("tig", "aluminium"),
    }
    return Suggestion(**(base | kw))


def reply_of(suggestions: list[Suggestion], **kw: Any) -> Reply:
    text = 'Here is what matches "welding":\n\nFirms\n1. ...'
    return Reply(text=text, sections=(Section("Firms", tuple(suggestions)),), query_id="q" * 32, **kw)


def test_escape_defuses_mentions_and_links() -> None:
    assert escape(EVIL_NAME) == "Bob &lt;!channel&gt; &amp; &lt;https://evil|bank&gt;"
    assert escape("&amp;") == "&amp;amp;"  # member text is escaped once, as typed


def test_member_text_is_escaped_in_every_field(schema: dict[str, Any]) -> None:
    evil = suggestion(1, title=EVIL_NAME, subtitle="<!here> QC", reason="call <@U1> & <!subteam^S1>",
                      shared_terms=("<b>",), url="https://ex.ca/a|b>c")
    message = to_slack_message(reply_of([evil], notice="<!channel> warming"))
    check_message(message, schema)
    dumped = json.dumps(message)
    for raw in ("<!channel>", "<!here>", "<@U1>", "<!subteam", "<https://evil", "<b>"):
        assert raw not in dumped
    section = next(b for b in message["blocks"] if b.get("block_id") == "s0")["text"]["text"]
    assert "Bob &lt;!channel&gt; &amp; &lt;https://evil|bank&gt;" in section
    assert "<https://ex.ca/a%7Cb&gt;c|" in section  # the link target cannot open a second link


def test_suggestions_have_the_four_buttons_with_ref_and_query(schema: dict[str, Any]) -> None:
    message = to_slack_message(reply_of([suggestion(1), suggestion(2)]))
    check_message(message, schema)
    actions = [b for b in message["blocks"] if b["type"] == "actions"]
    assert len(actions) == 2
    first = actions[0]["elements"]
    assert [e["action_id"] for e in first] == [f"{a}:0" for a in DEFAULT_ACTIONS]
    assert [e["text"]["text"] for e in first] == ["Request introduction", "Save", "Not relevant", "More like this"]
    assert {decode_value(e["value"]) for e in first} == {("org:o1", "q" * 32)}
    assert message["blocks"][0]["text"]["text"] == 'Here is what matches "welding":'


def test_long_answers_stay_within_limits(schema: dict[str, Any]) -> None:
    long_reason = "laser " * 3000
    many = [suggestion(i, title="T" * 400, reason=long_reason, subtitle="S" * 500) for i in range(40)]
    message = to_slack_message(Reply(text="x" * 50_000, sections=(Section("A", tuple(many[:20])),
                                                                    Section("B" * 300, tuple(many[20:]))),
                                     query_id="q1", notice="n" * 5000))
    check_message(message, schema)
    assert len(message["text"]) <= 3000 and message["text"].endswith("…")
    sections = [b for b in message["blocks"] if b.get("block_id", "").startswith("s")]
    assert sections and all("…" in b["text"]["text"] for b in sections)
    assert sum(len(b.get("text", {}).get("text", "")) for b in message["blocks"]) < 13_000
    assert "more not shown" in message["blocks"][-1]["elements"][0]["text"]


def test_escaping_growth_never_passes_the_section_limit(schema: dict[str, Any]) -> None:
    message = text_message("&" * 10_000)
    check_message(message, schema)


def test_plain_replies_and_notice(schema: dict[str, Any]) -> None:
    message = to_slack_message(Reply(text=texts.HELP, notice=texts.WARMING_UP))
    check_message(message, schema)
    assert message["blocks"][0]["type"] == "context"
    assert "TIG welding" in message["blocks"][1]["text"]["text"]


def test_registered_buttons_render_and_unknown_actions_do_not() -> None:
    register_button("test_accept_intro", "Accept " * 20, "primary")
    message = to_slack_message(reply_of([suggestion(1, actions=("test_accept_intro", "nonexistent"))]))
    buttons = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["action_id"] for b in buttons] == ["test_accept_intro:0"]
    assert len(buttons[0]["text"]["text"]) <= 75
    with pytest.raises(ValueError):
        register_button("x", "X", "green")


def test_truncate_cuts_on_words() -> None:
    assert truncate("short", 10) == "short"
    cut = truncate("alpha beta gamma delta epsilon", 20)
    assert len(cut) <= 20 and cut.endswith("…") and cut.startswith("alpha beta")


def test_home_view_fits_100_blocks_and_validates(schema: dict[str, Any]) -> None:
    sections = [HomeSection(f"S{i}", EVIL_NAME, suggestions=tuple(suggestion(j) for j in range(10)),
                            buttons=(HomeButton("open_profile", "Edit"),)) for i in range(6)]
    view = home_view(sections)
    assert len(view["blocks"]) <= 100
    View(**view).validate_json()
    jsonschema.Draft202012Validator(view_schema(schema, "home_view")).validate(view)
    assert "<!channel>" not in json.dumps(view)


def test_profile_modal_validates(schema: dict[str, Any]) -> None:
    for form in (ProfileForm(), ProfileForm(name=EVIL_NAME, expertise="x" * 5000, province="QC",
                                            org_name="Acme " * 30, org_capabilities="y", org_needs="z")):
        view = profile_view(form, origin_channel="C1")
        View(**view).validate_json()
        jsonschema.Draft202012Validator(view_schema(schema, "modal_view")).validate(view)
        assert len(view["title"]["text"]) <= 24 and len(view["private_metadata"]) <= 3000
