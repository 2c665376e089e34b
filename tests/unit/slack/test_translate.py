from __future__ import annotations

import json

import pytest

from bot.slack.translate import (
    action_request,
    command_parts,
    decode_value,
    encode_value,
    incoming_from_command,
    incoming_from_event,
    incoming_from_message_shortcut,
    is_person_message,
    payload_problem,
    plain_text,
    team_of,
)
from tests.fakes.slack_harness import PAYLOADS, payload


def test_bot_mention_is_stripped_and_entities_resolved_once() -> None:
    text = "<@UBOT> who can help with TIG &amp; MIG &lt;fast&gt;? ask <@U2|maria> in <#C1|welding> or <https://x.ca|X>"
    assert plain_text(text, bot_user_id="UBOT") == "who can help with TIG & MIG <fast>? ask @maria in #welding or X"


def test_unescape_happens_exactly_once() -> None:
    # the member literally typed "&lt;": Slack sent "&amp;lt;", which must become "&lt;", not "<"
    assert plain_text("a &amp;lt; b") == "a &lt; b"


def test_leading_mention_is_stripped_for_app_mention_without_known_bot_id() -> None:
    body = payload("test_events__valid_event_body")  # text "<@W111> Hi there!"
    incoming = incoming_from_event(body)
    assert incoming.text == "Hi there!"
    assert (incoming.platform, incoming.workspace_id, incoming.user_id) == ("slack", "T111", "W222")
    assert incoming.conversation_id == "C111" and incoming.thread_id == "1595926230.009600"


def test_special_mentions_become_plain_words() -> None:
    assert plain_text("hi <!here> and <!channel> and <!subteam^S1|@staff>") == "hi @here and @channel and @staff"


def test_other_mentions_kept_when_bot_mention_found() -> None:
    assert plain_text("<@U2> and <@UBOT> help", bot_user_id="UBOT", strip_leading_mention=True) == "@U2 and help"


def test_person_messages_only() -> None:
    assert is_person_message(payload("test_message__message_body")["event"])
    assert not is_person_message(payload("test_message_bot__bot_message_event_payload")["event"])
    assert not is_person_message(payload("test_message_changed__event_payload")["event"])
    assert not is_person_message(payload("test_message_deleted__event_payload")["event"])
    assert is_person_message(payload("test_message_file_share__event_payload")["event"])


def test_command_and_shortcut_become_questions() -> None:
    form = payload("test_slash_command__slash_command_body")["_decoded"]
    form["text"] = "robots &amp; cobots"
    incoming = incoming_from_command(form)
    assert (incoming.text, incoming.user_id, incoming.workspace_id, incoming.conversation_id) == (
        "robots & cobots", "W111", "T111", "C111")
    shortcut = incoming_from_message_shortcut(payload("test_shortcut__message_shortcut_body"))
    assert shortcut.text == "@W222 test" and shortcut.user_id == "W111" and shortcut.workspace_id == "T111"
    assert command_parts("  Profile  edit me ") == ("profile", "edit me")


def test_button_value_round_trip_and_limits() -> None:
    value = encode_value("org:weldbot", "q123")
    assert decode_value(value) == ("org:weldbot", "q123") and len(value) <= 2000
    assert decode_value("course:c-1") == ("course:c-1", None)
    with pytest.raises(ValueError):
        encode_value("org:" + "x" * 2100, "q")
    for bad in ("", None, '{"q": "x"}'):
        with pytest.raises(ValueError):
            decode_value(bad)


def test_block_action_becomes_action_request() -> None:
    body = payload("test_block_actions__body")
    action = body["actions"][0] | {"action_id": "save:3", "value": encode_value("org:weldbot", "q9")}
    request = action_request(body, action)
    assert (request.action, request.ref, request.query_id) == ("save", "org:weldbot", "q9")
    assert (request.user_id, request.workspace_id, request.conversation_id) == ("W111", "T111", "C111")


def test_every_recorded_payload_is_accepted() -> None:
    paths = sorted(PAYLOADS.glob("test_*.json"))
    assert paths, f"no recorded payloads in {PAYLOADS}"
    for path in paths:
        body = json.loads(path.read_text())
        body = body.get("_decoded", body)
        assert payload_problem(body) is None, path.name
        assert team_of(body) or body.get("enterprise_id") or body.get("type") == "url_verification", path.name


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({}, "empty"),
        ({"type": "event_callback", "event_id": "Ev1"}, "event type"),
        ({"type": "event_callback", "event": {"type": "app_mention"}}, "event_id"),
        ({"command": "/match", "team_id": "T1"}, "user_id"),
        ({"type": "block_actions", "user": {"id": "U1"}, "actions": []}, "actions"),
        ({"type": "view_submission", "user": {"id": "U1"}}, "view"),
        ({"type": "block_actions", "actions": [{}]}, "user.id"),
        ({"hello": "world"}, "type"),
    ],
)
def test_payload_problems_are_named(body: dict, needle: str) -> None:
    problem = payload_problem(body)
    assert problem is not None and needle in problem
