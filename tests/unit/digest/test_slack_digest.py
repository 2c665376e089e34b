"""Digests on Slack: Block Kit within limits, escaped, same buttons as answers; 429/5xx/blocked at the fake API."""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator

import pytest
from slack_sdk.models.blocks import Block
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.core.digest.delivery import DeliveryRunner
from bot.core.digest.schedule import plan
from bot.core.digest.types import MEMBER, STAFF, Digest, DigestConfig, Fact
from bot.core.messages import Section, Suggestion
from bot.slack.digest import SlackDigestSender, digest_message
from bot.slack.listeners.actions import ACTION_PATTERN
from bot.slack.translate import decode_value
from models.digest import DigestDelivery
from models.directory import PlatformAccount
from tests.fakes.slack_api import FakeSlackApi
from tests.unit.digest.fakes import FakeClock, SimpleComposer, one_item_digest

EVIL = "Bob <!channel> & <https://evil|bank>"


def _digest(n: int) -> Digest:
    items = tuple(Suggestion(ref=f"org:o{i}", kind="technology_firm", title=EVIL if i == 0 else f"Firm {i}",
                             reason="x " * 400, actions=("request_intro", "not_relevant")) for i in range(n))
    return Digest(kind=MEMBER, iso_week="2026-W07", title="Your weekly matches", intro="intro",
                  sections=(Section("New", items[: n // 2]), Section("Courses", items[n // 2 :])), footer="footer")


def test_message_stays_within_limits_and_escapes_member_text() -> None:
    message = digest_message(_digest(40))
    assert message["text"] and len(message["blocks"]) <= 50
    for block in message["blocks"]:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
    dumped = json.dumps(message)
    assert "Bob &lt;!channel&gt; &amp; &lt;https://evil|bank&gt;" in dumped and "<!channel>" not in dumped


def test_item_buttons_are_the_answer_buttons() -> None:
    message = digest_message(_digest(4))
    buttons = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert len(buttons) == 8
    ids = [b["action_id"] for b in buttons]
    assert len(set(ids)) == len(ids) and all(ACTION_PATTERN.match(i) for i in ids)
    assert {decode_value(b["value"])[0] for b in buttons} == {"org:o0", "org:o1", "org:o2", "org:o3"}


def test_staff_facts_are_rendered() -> None:
    digest = Digest(kind=STAFF, iso_week="2026-W07", title="Staff digest", intro="",
                    facts=(Fact("Introductions requested", "0"),))
    assert "*Introductions requested:* 0" in json.dumps(digest_message(digest))


@pytest.fixture
def fake() -> Iterator[FakeSlackApi]:
    with FakeSlackApi() as api:
        yield api


def _run(sessions: sessionmaker[Session], fake: FakeSlackApi, clock: FakeClock, users: int) -> DeliveryRunner:
    with sessions.begin() as s:
        s.add_all(PlatformAccount(platform="slack", workspace_id="T1", user_id=f"U{i}", timezone="America/Toronto")
                  for i in range(users))
    with sessions.begin() as s:
        plan(s, clock.now(), DigestConfig(default_on=True))
    sender = SlackDigestSender(Settings(slack_bot_token="xoxb-test", slack_api_url=fake.api_url))
    runner = DeliveryRunner(sessions, {"slack": sender}, SimpleComposer(), clock=clock, per_minute=600,
                            rng=random.Random(3))
    runner.run()
    return runner


def _delivered(fake: FakeSlackApi) -> Counter[str]:
    return Counter(c.params["channel"] for c in fake.calls_to("chat.postMessage"))


def test_429_waits_for_retry_after_and_delivers_once(sessions, fake: FakeSlackApi) -> None:  # type: ignore[no-untyped-def]
    fake.fail("chat.postMessage", status=429, retry_after=7, times=1)
    clock = FakeClock()
    start = clock.now()
    _run(sessions, fake, clock, 3)
    assert _delivered(fake) == Counter({"U0": 1, "U1": 1, "U2": 1})
    assert len(fake.calls_to("chat.postMessage", ok_only=False)) == 4  # one refused, then each once
    assert (clock.now() - start).total_seconds() >= 7  # Retry-After honoured on the fake clock
    assert 7 in clock.sleeps or any(abs(s - 7) < 0.01 for s in clock.sleeps)


def test_5xx_is_retried_with_back_off(sessions, fake: FakeSlackApi) -> None:  # type: ignore[no-untyped-def]
    fake.fail("chat.postMessage", status=503, retry_after=None, times=2)
    clock = FakeClock()
    _run(sessions, fake, clock, 2)
    assert _delivered(fake) == Counter({"U0": 1, "U1": 1})
    with sessions() as s:
        assert sum(s.scalars(select(DigestDelivery.attempts)).all()) == 2


def test_member_who_blocked_the_app_is_marked_inactive(sessions, fake: FakeSlackApi) -> None:  # type: ignore[no-untyped-def]
    fake.answer("chat.postMessage", lambda p: {"ok": False, "error": "cannot_dm_bot"} if p["channel"] == "U1"
                else {"ok": True, "channel": p["channel"], "ts": "1.0"})
    _run(sessions, fake, FakeClock(), 3)
    assert _delivered(fake) == Counter({"U0": 1, "U1": 1, "U2": 1})  # one refused attempt for U1, no retry
    with sessions() as s:
        active = {u: a for u, a in s.execute(select(PlatformAccount.user_id, PlatformAccount.active))}
        states = {a: st for a, st in s.execute(select(DigestDelivery.account_id, DigestDelivery.state))}
    assert active == {"U0": True, "U1": False, "U2": True}
    assert sorted(states.values()) == ["failed", "sent", "sent"]


def test_sender_posts_to_the_members_dm_with_text_and_blocks(fake: FakeSlackApi) -> None:
    from bot.core.digest.types import Recipient

    sender = SlackDigestSender(Settings(slack_bot_token="xoxb-test", slack_api_url=fake.api_url))
    ts = sender.send(Recipient(1, "slack", "T1", "U9"), one_item_digest("org:x"))
    [call] = fake.calls_to("chat.postMessage")
    assert call.params["channel"] == "U9" and call.params["text"] and call.blocks and call.token == "xoxb-test"
    assert ts
