"""Members' data on Slack over real HTTP: ``/match mydata`` uploads the export, forget asks first, Home buttons.

Signed requests go to the real web app (uvicorn on 127.0.0.1); every Web API call lands on the local fake,
which also receives the file bytes ``files_upload_v2`` sends to the upload URL it hands out.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.bootstrap import Container
from bot.core.privacy import texts as t
from bot.slack import privacy as slack_privacy
from models.directory import Person, PlatformAccount
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_harness import (
    SlackStack,
    command_request,
    event_request,
    interactive_request,
    payload,
    slack_stack,
    slash_command,
)
from tests.unit.privacy.world import build

TEAM, MARIA_USER = "TCLUSTER", "UMARIA77"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackStack]:
    def prepare(container: Container, fake: FakeSlackApi) -> None:
        build(container.sessions)

    with slack_stack(tmp_path_factory.mktemp("privacy-slack"), prepare) as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh_fake(stack: SlackStack) -> None:
    stack.fake.reset()
    stack.fake.answer("files.getUploadURLExternal",
                      {"ok": True, "upload_url": stack.fake.base_url + "/upload/F123", "file_id": "F123"})
    stack.fake.answer("files.completeUploadExternal", {"ok": True, "files": [{"id": "F123", "title": "x"}]})


def command(stack: SlackStack, text: str, user: str = MARIA_USER) -> dict[str, Any]:
    """Run ``/match <text>`` and return the private answer posted to its response_url."""
    form = slash_command(text, response_url=stack.fake.response_url("cmd"), user=user)
    form["team_id"] = TEAM
    assert stack.server.post(*command_request(form)).status_code == 200
    return answer_at(stack, "/response/cmd")


def answer_at(stack: SlackStack, path: str, timeout: float = 10.0) -> dict[str, Any]:
    """The one post to ``path`` (response_url posts and file uploads both land outside ``/api/``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [c for c in stack.fake.calls_to("response_url") if c.path == path]
        if found:
            [call] = found
            return call.params
        time.sleep(0.01)
    raise AssertionError(f"nothing posted to {path}: {stack.fake.calls}")


def press(stack: SlackStack, action_id: str, value: str, user: str = MARIA_USER) -> None:
    body = payload("test_block_actions__body")
    body["user"].update(id=user, team_id=TEAM)
    body["team"]["id"] = TEAM
    body["response_url"] = stack.fake.response_url(action_id)
    body["actions"][0].update(action_id=action_id, value=value, block_id="privacy")
    assert stack.server.post(*interactive_request(body)).status_code == 200


def test_mydata_uploads_the_export_to_the_members_dm(stack: SlackStack) -> None:
    answer = command(stack, "mydata")
    assert answer["response_type"] == "ephemeral" and "I sent it to our direct messages" in answer["text"]
    [opened] = stack.fake.calls_to("conversations.open")
    assert opened.params["users"] == MARIA_USER
    [upload] = [c for c in stack.fake.calls_to("response_url") if c.path == "/upload/F123"]
    assert upload.params["format"] == "clustermatch-member-export/1"
    assert upload.params["tables"]["people"][0]["name"] == "Maria Quintessa"
    [done] = stack.fake.calls_to("files.completeUploadExternal")
    assert done.params["channel_id"] and t.EXPORT_READY in done.params["initial_comment"]
    assert json.loads(done.params["files"])[0]["id"] == "F123"


def test_mydata_for_someone_unknown_says_nothing_is_held(stack: SlackStack) -> None:
    assert command(stack, "mydata", user="UNOBODY")["text"].startswith(t.EXPORT_NOTHING[:20])
    assert stack.fake.calls_to("files.getUploadURLExternal") == []


def test_visibility_subcommand_and_home_buttons(stack: SlackStack) -> None:
    assert "members can find you" in command(stack, "visibility")["text"]
    stack.fake.reset()
    press(stack, slack_privacy.VISIBILITY, "staff")
    [published] = stack.fake.wait_for("views.publish")
    view = json.dumps(published.params["view"])
    assert "only cluster staff can find you" in view and slack_privacy.DOWNLOAD in view
    with stack.container.sessions() as s:
        assert s.scalars(select(Person.visibility).where(Person.external_id == "p-maria-x7")).one() == "staff"


def test_home_opened_shows_your_data(stack: SlackStack) -> None:
    body = payload("test_events_org_apps__event_payload_3")
    body.update(event_id="EvPrivacyHome", team_id=TEAM)
    body["event"].update(tab="home", user="UOMAR")
    stack.server.post(*event_request(body))
    [published] = stack.fake.wait_for("views.publish")
    blocks = published.params["view"]["blocks"]
    assert t.HOME_HEADING in [b["text"]["text"] for b in blocks if b["type"] == "header"]
    ids = {e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]}
    assert {slack_privacy.DOWNLOAD, slack_privacy.FORGET_PROMPT, slack_privacy.VISIBILITY} <= ids


def test_forget_asks_first_then_deletes(stack: SlackStack) -> None:
    asked = command(stack, "forget", user="UOMAR")
    assert "cannot be undone" in asked["text"] and "/match forget confirm" in asked["text"]
    with stack.container.sessions() as s:
        assert s.scalars(select(Person).where(Person.external_id == "p-omar")).one_or_none() is not None
    stack.fake.reset()
    done = command(stack, "forget confirm", user="UOMAR")
    assert done["text"].startswith("Done:")
    with stack.container.sessions() as s:
        assert s.scalars(select(Person).where(Person.external_id == "p-omar")).one_or_none() is None


def test_home_forget_button_posts_a_confirmation_and_the_red_button_deletes(stack: SlackStack) -> None:
    press(stack, slack_privacy.FORGET_PROMPT, "forget")
    [prompt] = stack.fake.wait_for("chat.postMessage")
    assert prompt.params["channel"] == MARIA_USER
    [buttons] = [b for b in prompt.blocks if b["type"] == "actions"]
    red = buttons["elements"][0]
    assert red["action_id"] == slack_privacy.FORGET_CONFIRM and red["style"] == "danger" and red["confirm"]
    press(stack, slack_privacy.FORGET_CANCEL, "keep")
    cancelled = answer_at(stack, f"/response/{slack_privacy.FORGET_CANCEL}")
    assert cancelled["text"] == t.FORGET_CANCELLED and cancelled["replace_original"] is True
    with stack.container.sessions() as s:
        assert s.scalars(select(Person).where(Person.external_id == "p-maria-x7")).one_or_none() is not None
    stack.fake.reset()
    press(stack, slack_privacy.FORGET_CONFIRM, "forget")
    done = answer_at(stack, f"/response/{slack_privacy.FORGET_CONFIRM}")
    assert done["text"].startswith("Done:")
    [home] = stack.fake.wait_for("views.publish")  # Home says so, without rebuilding her sections
    assert "Done:" in json.dumps(home.params["view"])
    with stack.container.sessions() as s:
        assert s.scalars(select(Person).where(Person.external_id == "p-maria-x7")).one_or_none() is None
        assert s.scalars(select(PlatformAccount).where(PlatformAccount.user_id == MARIA_USER)).first() is None
