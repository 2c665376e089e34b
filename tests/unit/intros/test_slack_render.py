"""Introduction messages in Block Kit: limits (slack_sdk + community schema), escaping, staff batches, modal."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.core.intros import texts as t
from bot.core.intros.messages import ask, connected, followup, notice, staff_item
from bot.core.intros.people import Side
from bot.core.messages import DEFAULT_ACTIONS, Suggestion
from bot.slack.intro_render import answered, intro_message, note_from_view, note_modal, staff_messages
from bot.slack.render import suggestion_blocks
from tests.fakes.slack_harness import EVIL_NAME
from tests.fixtures_paths import BLOCK_KIT_SCHEMA
from tests.unit.intros.conftest import T0

SCHEMA = json.loads(BLOCK_KIT_SCHEMA.read_text())
LONG = "Robotic TIG welding of aluminium battery trays & <!here> enclosures. " * 120


def side(name: str, **kw: Any) -> Side:
    base: dict[str, Any] = dict(person_id=1, name=name, ref="person:x", person_ref="person:x", title="Engineer",
                                org_name=EVIL_NAME, org_ref="org:evil", kind="technology_firm", province="ON",
                                offers=LONG, looks_for=LONG, email="secret@example.com")
    return Side(**(base | kw))


def check(message: dict[str, Any]) -> None:
    assert message["text"].strip() and len(message["blocks"]) <= 50
    for block in message["blocks"]:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
    jsonschema.Draft202012Validator(SCHEMA).validate(message["blocks"])
    ids = [e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert len(ids) == len(set(ids))
    mrkdwn = json.dumps([b for b in message["blocks"] if b["type"] != "header"]) + message["text"]
    for raw in ("<!channel>", "<!here>", "<https://evil|bank>"):
        assert raw not in mrkdwn


def test_every_kind_of_introduction_message_is_valid_and_escaped() -> None:
    a, b = side(EVIL_NAME), side("Carla")
    messages = [
        ask("intro:1", other=a, origin="member", target_ref="org:weldbot", target_title="WeldBot", reason=LONG,
            reason_back=LONG, shared=["tig", "aluminium"], note=LONG, deadline=T0),
        connected("intro:1", a=a, b=b, origin="member", reason=LONG, reason_back=LONG, shared=["tig"], note=None),
        followup("intro:1", other=b), notice("intro:1", t.DECLINED_NOTICE.format(title=EVIL_NAME)),
    ]
    for message in messages:
        check(intro_message(message))
    asked = json.dumps(intro_message(messages[0]))
    assert "secret@example.com" not in asked and "Bob &lt;!channel&gt; &amp; &lt;https://evil|bank&gt;" in asked
    assert "secret@example.com" in json.dumps(intro_message(messages[1]))
    buttons = [e for blk in intro_message(messages[0])["blocks"] if blk["type"] == "actions" for e in blk["elements"]]
    assert [(e["action_id"], e["value"]) for e in buttons] == [(a_, '{"r":"intro:1"}') for a_ in t.MEMBER_ACTIONS]


def test_a_big_staff_batch_is_split_and_every_item_keeps_its_buttons() -> None:
    items = [staff_item(f"sug:{k}", a=side(f"A{k}"), b=side(f"B{k}"), score=0.5, why_a=LONG, why_b=LONG, note=LONG,
                        status="Skipped by Sam." if k == 3 else "") for k in range(25)]
    messages = staff_messages(items, title="Suggested introductions (25)", summary=LONG)
    assert [positions for positions, _ in messages] == [list(range(10)), list(range(10, 20)), list(range(20, 25))]
    for _, message in messages:
        check(message)
    first = messages[0][1]["blocks"]
    approve = [e for b in first if b["type"] == "actions" for e in b["elements"] if e["action_id"].startswith(
        t.STAFF_APPROVE)]
    assert len(approve) == 9  # item 3 was handled: its status replaces the buttons
    assert "Skipped by Sam." in json.dumps(first)


def test_answered_messages_drop_their_buttons_and_the_note_modal_round_trips() -> None:
    message = intro_message(ask("intro:9", other=side("Ana"), origin="staff", target_ref="person:ana",
                                target_title="Ana", reason="x", reason_back="", shared=[], note=None, deadline=T0))
    after = answered(message["blocks"], t.ACCEPTED_WAITING.format(name=EVIL_NAME))
    check({"text": "x", "blocks": after})
    assert not [b for b in after if b["type"] == "actions"]
    view = note_modal("sug:4", EVIL_NAME * 100, channel="CSTAFF", ts="1.2")
    View(**view).validate_json()
    jsonschema.Draft202012Validator({"$schema": SCHEMA["$schema"], "$defs": SCHEMA["$defs"],
                                     "$ref": "#/$defs/modal_view"}).validate(view)
    view["state"] = {"values": {"note": {"value": {"type": "plain_text_input", "value": "Meet soon"}}}}
    assert note_from_view(view) == ("sug:4", "CSTAFF", "1.2", "Meet soon")


@pytest.mark.parametrize("ref, introducible", [("org:a", True), ("person:b", True), ("need:c", True),
                                               ("course:d", False), ("funding:e", False)])
def test_request_introduction_only_where_somebody_can_be_asked(ref: str, introducible: bool) -> None:
    s = Suggestion(ref=ref, kind="course", title="T", url="https://example.org/x", actions=DEFAULT_ACTIONS)
    blocks = [b.to_dict() for b in suggestion_blocks(s, query_id="q", position=0)]
    ids = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert ("request_intro:0" in ids) is introducible
    assert ("open_link:0" in ids) is (not introducible)
    check({"text": "x", "blocks": blocks})
