"""Exactly once on a real PostgreSQL: two clock processes (and two threads) planning and sending at the same
time, with the real Slack sender against the fake Web API; every member gets exactly one message."""

from __future__ import annotations

import multiprocessing
import random
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from bot.commands.digest import ShiftedClock
from bot.config import Settings
from bot.core.digest.delivery import DeliveryRunner
from bot.core.digest.schedule import plan
from bot.core.digest.types import Digest, DigestConfig, Recipient
from bot.slack.digest import SlackDigestSender
from models.db import make_engine, session_factory
from models.digest import DigestDelivery
from models.directory import PlatformAccount
from tests.fakes.slack_api import FakeSlackApi
from tests.unit.digest.fakes import SimpleComposer

pytestmark = pytest.mark.postgres

MEMBERS = 40
SETTINGS = DigestConfig(default_on=True, timezone="UTC", day="mon", hour=0)


class SlowSender(SlackDigestSender):
    """The real sender, a little slow, so the two runners' claims and sends interleave."""

    def send(self, recipient: Recipient, digest: Digest) -> str | None:
        time.sleep(0.005)
        return super().send(recipient, digest)


def clock_process(url: str, api_url: str, owner: str) -> None:
    """What one clock process does each hour: plan whoever is due, then deliver (spawned: its own engine).

    Its clock starts at this week's Monday 00:30 UTC, half an hour after the members' digest time."""
    today = datetime.now(UTC)
    clock = ShiftedClock((today - timedelta(days=today.weekday())).replace(hour=0, minute=30))
    engine = make_engine(url)
    sessions = session_factory(engine)
    with sessions.begin() as s:
        plan(s, clock.now(), SETTINGS)
    sender = SlowSender(Settings(slack_bot_token="xoxb-test", slack_api_url=api_url))
    DeliveryRunner(sessions, {"slack": sender}, SimpleComposer(), clock=clock, per_minute=60_000,
                   burst=50, owner=owner, rng=random.Random(owner)).run()
    engine.dispose()


def _seed(engine: Engine) -> None:
    with session_factory(engine).begin() as s:
        s.add_all(PlatformAccount(platform="slack", workspace_id="T1", user_id=f"U{i:03d}", timezone="UTC")
                  for i in range(MEMBERS))


def _check(engine: Engine, fake: FakeSlackApi) -> None:
    counts = Counter(c.params["channel"] for c in fake.calls_to("chat.postMessage"))
    assert len(counts) == MEMBERS and set(counts.values()) == {1}, counts
    with session_factory(engine)() as s:
        states = Counter(s.scalars(select(DigestDelivery.state)))
        owners = s.scalars(select(DigestDelivery.lease_owner)).all()
    assert states == Counter({"sent": MEMBERS}) and set(owners) == {None}


def test_two_clock_processes_send_each_member_exactly_once(pg_engine: Engine) -> None:
    _seed(pg_engine)
    url = pg_engine.url.render_as_string(hide_password=False)
    with FakeSlackApi() as fake:
        ctx = multiprocessing.get_context("spawn")
        procs = [ctx.Process(target=clock_process, args=(url, fake.api_url, f"clock-{i}")) for i in range(2)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(120)
            assert p.exitcode == 0
        _check(pg_engine, fake)


def test_two_runner_threads_send_each_member_exactly_once(pg_engine: Engine) -> None:
    _seed(pg_engine)
    url = pg_engine.url.render_as_string(hide_password=False)
    with FakeSlackApi() as fake:
        errors: list[BaseException] = []

        def worker(owner: str) -> None:
            try:
                clock_process(url, fake.api_url, owner)
            except BaseException as exc:  # surfaced below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(f"thread-{i}",)) for i in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert not errors
        _check(pg_engine, fake)
