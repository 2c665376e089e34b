"""Digests through Slack end to end: settings by ``/match digest`` and App Home, the clock's run delivering DMs
to the fake Web API, and a digest's "Not relevant" button handled by the same listener as answers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.bootstrap import Container
from bot.scheduler import build_senders, run_digests
from bot.slack.digest import ACTION_DAY
from models.activity import MatchFeedback
from models.digest import DigestPreference
from models.directory import PlatformAccount
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_harness import (
    BOT_TOKEN,
    SlackStack,
    command_request,
    event_request,
    interactive_request,
    payload,
    slack_stack,
    slash_command,
)
from tests.unit.digest.conftest import seed
from tests.unit.digest.fakes import FakeClock


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackStack]:
    def prepare(container: Container, fake: FakeSlackApi) -> None:
        seed(container.sessions)
        container.catalog.warm_up()

    with slack_stack(tmp_path_factory.mktemp("digest-slack"), prepare) as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh_fake(stack: SlackStack) -> None:
    stack.fake.reset()


def _pref(stack: SlackStack, user: str) -> DigestPreference | None:
    with stack.container.sessions() as s:
        account = s.scalars(select(PlatformAccount).where(PlatformAccount.user_id == user)).one()
        return s.scalars(select(DigestPreference).where(DigestPreference.account_id == account.id)).one_or_none()


def test_match_digest_command_changes_settings_in_the_members_time_zone(stack: SlackStack) -> None:
    stack.server.post(*command_request(slash_command("digest on", user="WDIG",
                                                     response_url=stack.fake.response_url("d1"))))
    [call] = stack.fake.wait_for("response_url")
    # users.info (the fake's recorded example) says America/Los_Angeles
    assert call.params["text"] == "Weekly digest on: Mondays at 09:00 (America/Los_Angeles)."
    assert call.params["response_type"] == "ephemeral"
    stack.fake.reset()
    stack.server.post(*command_request(slash_command("digest hour 25", user="WDIG",
                                                     response_url=stack.fake.response_url("d2"))))
    [call] = stack.fake.wait_for("response_url")
    assert "not an hour" in call.params["text"]
    pref = _pref(stack, "WDIG")
    assert pref is not None and pref.enabled is True and pref.hour is None


def test_app_home_shows_the_digest_section_and_its_buttons_work(stack: SlackStack) -> None:
    body = payload("test_events_org_apps__event_payload_3")
    body.update(event_id="EvDigestHome", team_id="T111")
    body["event"].update(tab="home", user="WHOMED")
    stack.server.post(*event_request(body))
    [call] = stack.fake.wait_for("views.publish")
    blocks = call.params["view"]["blocks"]
    assert "Weekly digest" in [b["text"]["text"] for b in blocks if b["type"] == "header"]
    ids = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert "digest_on" in ids  # off by default: members opt in
    click = payload("test_block_actions__body")
    click["user"]["id"] = "WHOMED"
    click["container"] = {"type": "view", "view_id": "V1"}
    click["actions"][0].update(action_id=ACTION_DAY, value="thu", block_id="b1", type="button")
    stack.fake.reset()
    stack.server.post(*interactive_request(click))
    stack.fake.wait_for("views.publish")
    pref = _pref(stack, "WHOMED")
    assert pref is not None and pref.day == "thu"


def test_clock_run_delivers_a_digest_whose_buttons_reach_the_answer_listeners(stack: SlackStack) -> None:
    sessions = stack.container.sessions
    with sessions.begin() as s:
        bea = s.scalars(select(PlatformAccount).where(PlatformAccount.user_id == "U-BEA")).one()
        s.add(DigestPreference(account_id=bea.id, enabled=True))
    monday = datetime.now(UTC) - timedelta(days=datetime.now(UTC).weekday())
    clock = FakeClock(current=monday.replace(hour=15, minute=0, second=0, microsecond=0))
    senders = build_senders(stack.container)
    report = run_digests(stack.container, senders, clock)
    assert report.sent == 1
    [post] = stack.fake.calls_to("chat.postMessage")
    assert post.params["channel"] == "U-BEA" and post.token == BOT_TOKEN and post.params["text"]
    assert run_digests(stack.container, senders, clock).sent == 0  # the same week again: nothing
    button = next(e for b in post.blocks if b["type"] == "actions" for e in b["elements"]
                  if e["action_id"].startswith("not_relevant"))
    click = payload("test_block_actions__body")
    click["user"]["id"] = "U-BEA"
    click["team"]["id"] = "T1"
    click["response_url"] = stack.fake.response_url("nr")
    click["actions"][0].update(action_id=button["action_id"], value=button["value"], block_id="a0")
    stack.server.post(*interactive_request(click))
    stack.fake.wait_for("response_url")
    with sessions() as s:
        feedback = s.scalars(select(MatchFeedback).where(MatchFeedback.user_id == "U-BEA")).one()
    assert feedback.verdict == "not_relevant" and feedback.ref.split(":")[0] in ("org", "person", "course", "need",
                                                                                "funding")
