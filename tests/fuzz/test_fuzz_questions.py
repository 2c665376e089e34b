"""Random questions: any unicode, mentions and links, control characters, huge texts -> a Reply, never a crash.

The reply must render for Slack within Block Kit's limits (checked by slack_sdk's own validation) with
member text escaped (no ``<!channel>``, ``<@U…>`` or ``<url|label>`` survives into mrkdwn), and for Teams
as a card under the message size limit.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session, sessionmaker

from bot.core.ask.service import AskService
from bot.core.directory.catalog import Catalog
from bot.core.errors import UserFacingError
from bot.core.messages import IncomingMessage, Reply
from bot.slack.render import MAX_BLOCKS, to_slack_message
from bot.teams.render import MAX_CARD_BYTES, to_activity
from matching.embeddings import HashingEmbedder
from tests.fakes.slack_harness import seed_directory
from tests.unit.teams.cards import assert_valid_card, cards_in

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TRICKS = ["<!channel>", "<!here>", "<@U123ABC>", "<#C1|general>", "<https://evil.example|your bank>", "<!subteam^S1>",
          "&lt;!channel&gt;", "&amp;", "*bold* _it_ ~s~ `code` ```block```", "[x](https://evil)", "<at>All</at>",
          "\u202e\u200b\ufeff", "\x00\x01\x1b[31m\x7f", "more like org:weldbot", "saved", "help", "researchers in QC",
          "TIG welding automation for aluminium battery trays", "PLC programming course", "robotic welding funding"]
questions = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(TRICKS) | st.text(max_size=20), max_size=8).map(" ".join),
    st.tuples(st.sampled_from(TRICKS) | st.text(min_size=1, max_size=30), st.integers(50, 3000)).map(
        lambda t: (t[0] + " ") * t[1]),  # up to ~100k characters
)


@pytest.fixture
def ask(sessions: sessionmaker[Session]) -> AskService:
    seed_directory(sessions)  # includes an organization named "Bob <!channel> & <https://evil|bank>"
    return AskService(sessions=sessions, catalog=Catalog(sessions, HashingEmbedder(), min_dense=0.0))


def mrkdwn_texts(blocks: list[dict[str, Any]]) -> list[str]:
    """Every mrkdwn string in the blocks (sections, fields, context elements)."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return found


def check_slack(reply: Reply) -> None:
    message = to_slack_message(reply)
    assert message["text"].strip() and len(message["text"]) <= 40_000
    assert len(message["blocks"]) <= MAX_BLOCKS
    for block in message["blocks"]:
        Block.parse(block).validate_json()  # raises on any Block Kit limit
    for text in [message["text"], *mrkdwn_texts(message["blocks"])]:
        for raw in ("<!", "<@", "<#"):
            assert raw not in text, text[:300]
        opened = text.count("<")
        assert opened == text.count("<http"), text[:300]  # only our own links (directory URLs) stay


def check_teams(reply: Reply) -> None:
    activity = to_activity(reply).model_dump(by_alias=True, exclude_none=True, mode="json")
    [card] = cards_in(activity)
    assert_valid_card(card)  # Adaptive Card 1.5 schema
    assert len(json.dumps(card, ensure_ascii=False).encode()) <= MAX_CARD_BYTES


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
@FUZZ
@given(text=questions, user=st.text(min_size=1, max_size=12))
def test_any_question_gets_a_reply_that_renders_safely(ask: AskService, text: str, user: str) -> None:
    incoming = IncomingMessage(platform="slack", workspace_id="T1", user_id=user, conversation_id="C1", text=text)
    try:
        reply = ask.ask(incoming)
    except UserFacingError as exc:  # e.g. "more like" something unknown: a message for the member
        reply = Reply(text=exc.message)
    assert isinstance(reply, Reply) and reply.text
    check_slack(reply)
    check_teams(reply)


def test_the_evil_organization_renders_literally(sessions: sessionmaker[Session]) -> None:
    seed_directory(sessions)
    service = AskService(sessions=sessions, catalog=Catalog(sessions, HashingEmbedder(), min_dense=0.0))
    reply = service.ask(IncomingMessage(platform="slack", workspace_id="T1", user_id="U1", conversation_id="C1",
                                        text="TIG welding automation for aluminium battery trays <!channel>"))
    assert any(s.title.startswith("Bob <!channel>") for s in reply.suggestions)
    check_slack(reply)
    assert "Bob &lt;!channel&gt; &amp; &lt;https://evil|bank&gt;" in json.dumps(to_slack_message(reply))
