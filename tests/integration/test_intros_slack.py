"""Introductions end to end on Slack: signed payloads -> uvicorn -> Bolt -> the real core -> fake Web API.

Double opt-in (request -> DM to the contact -> accept -> group DM with both), decline (the asker is told
kindly, the pair never suggested again), the staff batch (suggest-intros -> staff channel -> approve / note /
skip, staff only), pause, and App Home. Every message the fake receives is checked against slack_sdk's
Block Kit limits and the community schema.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlalchemy import select, update

from bot.bootstrap import Container
from bot.core.intros import texts as t
from bot.core.intros.suggest import suggest
from bot.slack.translate import encode_value
from models.directory import Organization, Person
from models.intros import Introduction, IntroPairRule
from tests.fakes.slack_api import Call, FakeSlackApi
from tests.fakes.slack_harness import (
    EVIL_NAME,
    SlackStack,
    command_request,
    event_request,
    interactive_request,
    payload,
    slack_stack,
    slash_command,
)
from tests.fixtures_paths import BLOCK_KIT_SCHEMA
from tests.unit.intros.conftest import seed

TEAM = "T111"  # the recorded payloads' workspace
SCHEMA = json.loads(BLOCK_KIT_SCHEMA.read_text())


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[SlackStack]:
    def prepare(container: Container, fake: FakeSlackApi) -> None:
        seed(container.sessions, TEAM)
        with container.sessions.begin() as s:  # member text with every mrkdwn trick, shown in the DM
            s.execute(update(Organization).where(Organization.external_id == "alumaker").values(name=EVIL_NAME))
        container.catalog.warm_up()
        container.catalog.check_interval = 0.0
        fake.answer("conversations.open", {"ok": True, "channel": {"id": "GMPIM1"}})

    with slack_stack(tmp_path, prepare, slack_staff_users="WSTAFF", slack_staff_channel="CSTAFF") as running:
        yield running


def check_blocks(blocks: list[dict[str, Any]], text: str | None = None) -> None:
    assert text is None or text.strip()
    assert len(blocks) <= 50
    for block in blocks:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
    jsonschema.Draft202012Validator(SCHEMA).validate(blocks)


def mrkdwn_texts(node: Any) -> Iterator[str]:
    """Every string Slack parses as mrkdwn (``plain_text`` is shown literally, so it may hold ``<``)."""
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
            yield node["text"]
        for value in node.values():
            yield from mrkdwn_texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from mrkdwn_texts(value)


def check_all(fake: FakeSlackApi) -> None:
    """Every message and view the app sent is valid Block Kit, with member text escaped wherever it is parsed."""
    for call in fake.calls:
        if call.blocks:
            check_blocks(call.blocks, call.params.get("text"))
        if isinstance(call.params.get("view"), dict):
            View(**call.params["view"]).validate_json()
        for text in [*mrkdwn_texts(call.params), str(call.params.get("text") or "")]:
            assert "<!channel>" not in text and "<https://evil|bank>" not in text and "<@" not in text


def click(stack: SlackStack, action_id: str, value: str, *, user: str, channel: str = "C111",
          blocks: list[dict[str, Any]] | None = None, ts: str = "111.222", name: str = "click") -> None:
    body = payload("test_block_actions__body")
    body["user"].update(id=user, team_id=TEAM)
    body["response_url"] = stack.fake.response_url(name)
    body["channel"]["id"] = channel
    body["container"].update(channel_id=channel, message_ts=ts, is_ephemeral=blocks is None)
    if blocks is not None:
        body["message"] = {"ts": ts, "text": "x", "blocks": blocks}
    body["actions"][0].update(action_id=action_id, value=value, block_id="act")
    assert stack.server.post(*interactive_request(body)).status_code == 200


def command(stack: SlackStack, text: str, *, user: str, name: str = "cmd") -> Call:
    form = slash_command(text, response_url=stack.fake.response_url(name), user=user)
    form["team_id"] = TEAM
    assert stack.server.post(*command_request(form)).status_code == 200
    return response(stack, name)


def posts_to(stack: SlackStack, channel: str) -> list[Call]:
    return [c for c in stack.fake.calls_to("chat.postMessage") if c.params.get("channel") == channel]


def wait(predicate: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("timed out waiting")


def response(stack: SlackStack, name: str) -> Call:
    """The ``response_url`` post of the click or command named ``name``."""
    return wait(lambda: next((c for c in stack.fake.calls_to("response_url") if c.path.endswith("/" + name)), None))


def button(blocks: list[dict[str, Any]], prefix: str) -> dict[str, Any]:
    return next(e for b in blocks if b["type"] == "actions" for e in b["elements"]
                if e["action_id"].startswith(prefix))


def test_request_accept_opens_a_group_dm_with_both(stack: SlackStack) -> None:
    click(stack, "request_intro:0", encode_value("org:weldbot", None), user="U-MARC", name="req")
    confirm = response(stack, "req")
    assert confirm.params["text"].startswith("I asked WeldBot Automation")
    [ask] = wait(lambda: posts_to(stack, "U-CARLA"))
    shown = json.dumps(ask.params)
    assert "Marc Maker" in shown and "Plant manager" in shown
    assert "Bob &lt;!channel&gt; &amp; &lt;https://evil|bank&gt;" in shown  # his organization, escaped
    assert "marc.private@alumaker.example" not in shown and "U-MARC" not in shown  # public profile only
    accept = button(ask.blocks, t.INTRO_ACCEPT)
    assert [e["action_id"] for e in next(b for b in ask.blocks if b["type"] == "actions")["elements"]] == [
        t.INTRO_ACCEPT, t.INTRO_DECLINE, t.INTRO_LATER]

    click(stack, accept["action_id"], accept["value"], user="U-CARLA", channel="D-CARLA", blocks=ask.blocks,
          name="accept")
    [opened] = stack.fake.wait_for("conversations.open")
    assert set(opened.params["users"].split(",")) == {"U-MARC", "U-CARLA"}
    [intro] = wait(lambda: posts_to(stack, "GMPIM1"))
    dumped = json.dumps(intro.params)
    assert "marc.private@alumaker.example" in dumped and "carla@weldbot.example" in dumped  # after acceptance
    assert "Suggested next step" in dumped
    replaced = response(stack, "accept")
    assert replaced.params["replace_original"] is True
    assert not [b for b in replaced.blocks if b["type"] == "actions"]  # the buttons are gone
    with stack.container.sessions() as s:
        assert s.scalars(select(Introduction.state)).one() == "accepted"
    check_all(stack.fake)


def test_decline_tells_the_asker_kindly_and_the_pair_is_never_suggested(stack: SlackStack) -> None:
    def suggested() -> list[set[int]]:
        run = suggest(stack.container.intros, capacity=4, threshold=0.0, store=False)
        return [{p.a_person_id, p.b_person_id} for p in run.pairs]

    before = suggested()
    with stack.container.sessions.begin() as s:  # the asker's name is member text: escaped in every answer
        s.execute(update(Person).where(Person.external_id == "marc").values(name=EVIL_NAME))
    click(stack, "request_intro:1", encode_value("org:quietco", None), user="U-MARC")
    [ask] = wait(lambda: posts_to(stack, "U-QUINN"))
    decline = button(ask.blocks, t.INTRO_DECLINE)
    click(stack, decline["action_id"], decline["value"], user="U-QUINN", channel="D-QUINN", blocks=ask.blocks,
          name="decline")
    [told] = wait(lambda: posts_to(stack, "U-MARC"))
    assert told.params["text"] == t.DECLINED_NOTICE.format(title="Quiet Co")
    assert not [b for b in told.blocks if b["type"] == "actions"]
    answer = response(stack, "decline")
    assert answer.params["replace_original"] is True
    assert "Bob &lt;!channel&gt; &amp; &lt;https://evil|bank&gt; will be told kindly" in answer.params["text"]
    with stack.container.sessions() as s:
        assert s.scalars(select(IntroPairRule.rule)).all() == ["declined"]
        intro = s.scalars(select(Introduction)).one()
        pair = {intro.a_person_id, intro.b_person_id}
    assert pair in before and pair not in suggested()
    check_all(stack.fake)


def test_staff_batch_is_posted_reviewed_and_staff_only(stack: SlackStack) -> None:
    refused = command(stack, "suggest-intros", user="U-MARC", name="nostaff")
    assert "staff only" in refused.params["text"]
    answer = command(stack, "suggest-intros", user="WSTAFF", name="staff")
    assert "posted for review" in answer.params["text"]
    [batch] = posts_to(stack, "CSTAFF")
    assert batch.blocks[0]["type"] == "header" and "Coverage" in json.dumps(batch.blocks)
    approve = button(batch.blocks, t.STAFF_APPROVE)

    click(stack, approve["action_id"], approve["value"], user="U-MARC", channel="CSTAFF", blocks=batch.blocks,
          ts="500.1", name="sneaky")
    sneaky = response(stack, "sneaky")
    assert sneaky.params["text"] == t.STAFF_ONLY
    with stack.container.sessions() as s:
        assert s.scalars(select(Introduction)).all() == []

    note = button(batch.blocks, t.STAFF_NOTE)
    click(stack, note["action_id"], note["value"], user="WSTAFF", channel="CSTAFF", blocks=batch.blocks, ts="500.1")
    [opened] = stack.fake.wait_for("views.open")
    view = opened.params["view"]
    View(**view).validate_json()
    jsonschema.Draft202012Validator({"$schema": SCHEMA["$schema"], "$defs": SCHEMA["$defs"],
                                     "$ref": "#/$defs/modal_view"}).validate(view)
    submission = payload("test_view_submission__body")
    submission["user"].update(id="WSTAFF", team_id=TEAM)
    submission["team"]["id"] = TEAM
    view["state"] = {"values": {"note": {"value": {"type": "plain_text_input", "value": "Both on EV trays."}}}}
    submission["view"] = view
    assert stack.server.post(*interactive_request(submission)).status_code == 200
    [noted] = stack.fake.wait_for("chat.update")
    assert "Both on EV trays." in json.dumps(noted.blocks) and noted.params["ts"] == "500.1"

    click(stack, approve["action_id"], approve["value"], user="WSTAFF", channel="CSTAFF", blocks=batch.blocks,
          ts="500.1", name="approve")
    updates = stack.fake.wait_for("chat.update", 2)
    assert "Approved by WSTAFF" in json.dumps(updates[-1].blocks)
    with stack.container.sessions() as s:
        intro = s.scalars(select(Introduction)).one()
        assert (intro.origin, intro.state, intro.note) == ("staff", "pending", "Both on EV trays.")
    asks = wait(lambda: [c for c in stack.fake.calls_to("chat.postMessage")
                         if c.params.get("channel", "").startswith("U-")] or None)
    assert len(asks) == 2 and all("Both on EV trays." in json.dumps(c.blocks) for c in asks)
    check_all(stack.fake)


def test_pause_is_respected_and_home_lists_introductions(stack: SlackStack) -> None:
    paused = command(stack, "pause until 2099-01-01", user="U-CARLA", name="pause")
    assert paused.params["text"].startswith("Introductions paused until 2099-01-01")
    click(stack, "request_intro:0", encode_value("org:weldbot", None), user="U-MARC", name="refused")
    refused = response(stack, "refused")
    assert "not taking introductions" in refused.params["text"]
    command(stack, "resume", user="U-CARLA", name="resume")
    click(stack, "request_intro:0", encode_value("org:weldbot", None), user="U-MARC", name="ok")
    wait(lambda: posts_to(stack, "U-CARLA"))

    home = payload("test_events_org_apps__event_payload_3")
    home["team_id"] = TEAM
    home["event"].update(user="U-CARLA", tab="home")
    home["event_id"] = "EvHOME1"
    assert stack.server.post(*event_request(home)).status_code == 200
    [published] = stack.fake.wait_for("views.publish")
    view = published.params["view"]
    View(**view).validate_json()
    dumped = json.dumps(view)
    assert "Your introductions" in dumped and "Open to introductions" in dumped
    assert t.INTRO_ACCEPT in dumped and "Marc Maker" in dumped
    check_all(stack.fake)
