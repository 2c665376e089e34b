"""One conversation through both adapters gives the same matches in the same order.

A single web app (Slack and Teams mounted on one uvicorn server, one container, a seeded SQLite file, the
fake embedder) is driven over real HTTP: a Slack member and a Teams member ask the same question, dismiss
the same suggestion as not relevant, ask again, then ask for more like the new top match. Slack's Web API
and Teams' Bot Connector are local fakes that record what each adapter sent; the refs are read back from
the rendered buttons (Block Kit values, Adaptive Card ``Action.Submit`` data).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.bootstrap import Container, bootstrap
from bot.config import Settings
from bot.core.messages import MORE_LIKE_THIS, NOT_RELEVANT
from bot.slack.app import build_app
from bot.slack.translate import decode_value, encode_value
from bot.web import create_app
from matching.embeddings import HashingEmbedder
from models.db import make_engine
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_harness import (
    BOT_TOKEN,
    SECRET,
    LiveServer,
    app_mention,
    authorize_for_tests,
    clear_slack_env,
    event_request,
    interactive_request,
    payload,
    with_slack_app,
)
from tests.unit.core.conftest import seed_directory
from tests.unit.teams.cards import assert_valid_card, submit_actions
from tests.unit.teams.fake_connector import FakeConnector
from tests.unit.teams.support import load_sample

QUESTION = "who can help us automate TIG welding of aluminium battery trays?"
SLACK_USER = "W222"  # the user of the recorded app_mention payload


@dataclass
class Stack:
    slack: FakeSlackApi
    teams: FakeConnector
    server: LiveServer
    container: Container


@pytest.fixture
def stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    clear_slack_env(monkeypatch)
    with FakeSlackApi() as slack_api, FakeConnector() as connector:
        settings = Settings(
            data_dir=tmp_path,
            slack_signing_secret=SECRET,
            slack_bot_token=BOT_TOKEN,
            slack_api_url=slack_api.api_url,
            teams_anonymous=True,
        )
        container = bootstrap(
            settings, engine=make_engine(f"sqlite:///{tmp_path / 'both.sqlite3'}"), embedder=HashingEmbedder()
        )
        seed_directory(container.sessions)
        container.catalog.warm_up()
        slack_app = build_app(container, settings=settings, authorize=authorize_for_tests)
        with LiveServer(create_app(settings, with_slack_app(container, slack_app))) as server:
            yield Stack(slack_api, connector, server, container)
        container.engine.dispose()


_event_ids = itertools.count(1)


def _unique(refs: list[str]) -> list[str]:
    return list(dict.fromkeys(refs))


def _slack_refs(blocks: list[dict[str, Any]]) -> tuple[list[str], str | None]:
    """Suggestion refs in display order (from the button values) and the question id they carry."""
    decoded = [
        decode_value(element["value"])
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if element.get("value", "").startswith("{")
    ]
    return _unique([ref for ref, _ in decoded]), next((q for _, q in decoded if q), None)


def _teams_refs(card: dict[str, Any]) -> tuple[list[str], str | None]:
    data = [a["data"] for a in submit_actions(card)]
    return _unique([d["ref"] for d in data]), next((d["query_id"] for d in data if d.get("query_id")), None)


def _wait(predicate: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting for the adapter's answer"
        time.sleep(0.01)


class SlackMember:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack

    def ask(self, text: str) -> tuple[list[str], str | None]:
        before = len(self.stack.slack.calls_to("chat.postMessage"))
        body = app_mention(f"<@UBOT> {text}", event_id=f"EvX{next(_event_ids):05d}", user=SLACK_USER)
        assert self.stack.server.post(*event_request(body)).status_code == 200
        call = self.stack.slack.wait_for("chat.postMessage", before + 1)[-1]
        return _slack_refs(call.blocks)

    def click(self, action: str, ref: str, query_id: str | None) -> tuple[list[str], str | None]:
        before = len(self.stack.slack.calls_to("response_url"))
        body = payload("test_block_actions__body")
        body["user"].update(id=SLACK_USER)
        body["response_url"] = self.stack.slack.response_url(action)
        body["container"]["is_ephemeral"] = False
        body["message"] = {"ts": "111.222", "thread_ts": "100.000", "text": "x"}
        body["actions"][0].update(action_id=f"{action}:1", value=encode_value(ref, query_id), block_id="a1")
        assert self.stack.server.post(*interactive_request(body)).status_code == 200
        call = self.stack.slack.wait_for("response_url", before + 1)[-1]
        return _slack_refs(call.blocks)


class TeamsMember:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.activity = load_sample("msteams-docs/inbound_message_personal_2019.json")
        self.activity["serviceUrl"] = stack.teams.url

    def _post(self, changes: dict[str, Any]) -> tuple[list[str], str | None]:
        before = len(self.stack.teams.messages)
        activity = {k: v for k, v in self.activity.items() if k != "text"} | changes
        assert self.stack.server.client.post("/api/messages", json=activity).status_code == 202
        _wait(lambda: len(self.stack.teams.messages) > before)
        card = self.stack.teams.messages[-1].card
        assert card is not None
        assert_valid_card(card)
        return _teams_refs(card)

    def ask(self, text: str) -> tuple[list[str], str | None]:
        return self._post({"text": f"<at>Imported Bot</at> {text}"})

    def click(self, action: str, ref: str, query_id: str | None) -> tuple[list[str], str | None]:
        return self._post({"value": {"action": action, "ref": ref, "query_id": query_id}})


def test_same_matches_in_the_same_order_on_slack_and_teams(stack: Stack) -> None:
    slack, teams = SlackMember(stack), TeamsMember(stack)

    slack_first, slack_q = slack.ask(QUESTION)
    teams_first, teams_q = teams.ask(QUESTION)
    assert len(slack_first) >= 4 and "org:weldtech" in slack_first[:3]
    assert teams_first == slack_first
    assert slack_q and teams_q and slack_q != teams_q  # each platform's question is logged on its own

    dismissed = slack_first[0]
    slack.click(NOT_RELEVANT, dismissed, slack_q)
    teams.click(NOT_RELEVANT, dismissed, teams_q)

    slack_again, _ = slack.ask(QUESTION)
    teams_again, _ = teams.ask(QUESTION)
    assert dismissed not in slack_again and slack_again
    assert teams_again == slack_again

    slack_more, _ = slack.click(MORE_LIKE_THIS, slack_again[0], None)
    teams_more, _ = teams.click(MORE_LIKE_THIS, teams_again[0], None)
    assert slack_more and slack_again[0] not in slack_more
    assert teams_more == slack_more
