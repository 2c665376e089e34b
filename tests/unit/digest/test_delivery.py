"""Exactly-once delivery: crashes, rate limits, server errors, blocked members, on a fake clock."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.digest.delivery import DeliveryRunner, RecipientGoneError, RetryableSendError, backoff_seconds
from bot.core.digest.schedule import plan
from bot.core.digest.types import DigestConfig
from models.digest import DigestDelivery, DigestItem
from models.directory import PlatformAccount
from tests.unit.digest.fakes import FakeClock, RecordingSender, SimpleComposer, SimulatedCrash

SETTINGS = DigestConfig(default_on=True)


def _accounts(sessions: sessionmaker[Session], n: int, tz: str = "America/Toronto") -> list[str]:
    with sessions.begin() as s:
        s.add_all(PlatformAccount(platform="slack", workspace_id="T1", user_id=f"U{i:03d}", timezone=tz)
                  for i in range(n))
    return [f"U{i:03d}" for i in range(n)]


def _plan(sessions: sessionmaker[Session], clock: FakeClock) -> int:
    with sessions.begin() as s:
        return plan(s, clock.now(), SETTINGS)


def _runner(sessions, sender, clock, composer=None, **kw):  # type: ignore[no-untyped-def]
    return DeliveryRunner(sessions, {"slack": sender}, composer or SimpleComposer(), clock=clock,
                          per_minute=6000, burst=5, rng=random.Random(7), **kw)


def _states(sessions: sessionmaker[Session]) -> Counter[str]:
    with sessions() as s:
        return Counter(s.scalars(select(DigestDelivery.state)).all())


def test_every_due_member_gets_exactly_one_and_a_rerun_sends_nothing(sessions) -> None:  # type: ignore[no-untyped-def]
    clock, sender = FakeClock(), RecordingSender()
    users = _accounts(sessions, 25)
    assert _plan(sessions, clock) == 25
    assert _plan(sessions, clock) == 0  # planning is idempotent (unique key)
    report = _runner(sessions, sender, clock).run()
    assert report.sent == 25 and sorted(sender.users()) == users
    clock.advance(hours=1)
    _plan(sessions, clock)
    assert _runner(sessions, sender, clock).run().sent == 0
    assert len(sender.sent) == 25
    with sessions() as s:
        assert s.scalar(select(DigestItem.ref).where(DigestItem.ref == "org:for-U003")) == "org:for-U003"


def test_kill_after_a_send_then_restart_finishes_the_rest_without_repeats(sessions) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock()
    users = _accounts(sessions, 23)
    _plan(sessions, clock)
    sender = RecordingSender(crash_after=7)  # killed after Slack accepted the 7th, before "sent" is recorded
    with pytest.raises(SimulatedCrash):
        _runner(sessions, sender, clock).run()
    assert len(sender.sent) == 7
    # A process restarted at once sends the 13 rows nobody had claimed, and leaves the dead runner's batch
    # alone (it cannot know that runner died) ...
    assert _runner(sessions, sender, clock).run().sent == 13
    assert len(sender.sent) == 20
    clock.advance(minutes=3)  # ... which the next run after the lease expired finishes.
    report = _runner(sessions, sender, clock).run()
    counts = Counter(sender.users())
    assert sorted(counts) == users and set(counts.values()) == {1}
    assert report.unknown == 1  # the in-flight one is assumed delivered, never resent
    assert _states(sessions) == Counter({"sent": 22, "unknown": 1})
    with sessions() as s:  # its item is remembered like a sent one (no repeat next weeks)
        unknown = s.scalars(select(DigestDelivery).where(DigestDelivery.state == "unknown")).one()
        assert s.scalar(select(DigestItem.id).where(DigestItem.delivery_id == unknown.id)) is not None


def test_kill_while_composing_loses_nothing(sessions) -> None:  # type: ignore[no-untyped-def]
    clock, sender = FakeClock(), RecordingSender()
    users = _accounts(sessions, 25)
    _plan(sessions, clock)
    with pytest.raises(SimulatedCrash):  # batch 1 sent, batch 2 claimed and killed before any send
        _runner(sessions, sender, clock, composer=SimpleComposer(crash_on_call=2)).run()
    assert len(sender.sent) == 10
    clock.advance(minutes=3)
    _runner(sessions, sender, clock).run()
    counts = Counter(sender.users())
    assert sorted(counts) == users and set(counts.values()) == {1}
    assert _states(sessions) == Counter({"sent": 25})


def test_rate_limited_send_waits_for_retry_after_then_succeeds_once(sessions) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock()
    _accounts(sessions, 3)
    _plan(sessions, clock)
    sender = RecordingSender(plan={"U001": [RetryableSendError("ratelimited", retry_after=30, rate_limited=True)]})
    start = clock.now()
    report = _runner(sessions, sender, clock).run()
    assert report.sent == 3 and report.retried == 1
    assert Counter(sender.users()) == Counter({"U000": 1, "U001": 1, "U002": 1})
    # The workspace paused for Retry-After: nothing was sent before 30 s had passed after the 429.
    assert clock.now() - start >= timedelta(seconds=30)
    assert sum(clock.sleeps) >= 30


def test_server_errors_are_retried_with_growing_back_off(sessions) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock()
    _accounts(sessions, 1)
    _plan(sessions, clock)
    errors: list[BaseException] = [RetryableSendError("http 500") for _ in range(4)]
    sender = RecordingSender(plan={"U000": errors})
    report = _runner(sessions, sender, clock).run()
    assert report.retried == 4 and report.sent == 1 and sender.users() == ["U000"]
    big = [s for s in clock.sleeps if s > 0.5]
    assert len(big) == 4 and big == sorted(big)  # each wait longer than the one before
    with sessions() as s:
        row = s.scalars(select(DigestDelivery)).one()
        assert row.attempts == 4 and row.state == "sent"


def test_back_off_doubles_and_is_capped() -> None:
    rng = random.Random(1)
    values = [backoff_seconds(a, rng) for a in range(1, 20)]
    assert 1.0 <= values[0] <= 2.0 and 8.0 <= values[3] <= 16.0
    assert max(values) <= 3600.0


def test_retry_due_after_the_run_window_is_left_for_the_next_run(sessions) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock()
    _accounts(sessions, 1)
    _plan(sessions, clock)
    sender = RecordingSender(plan={"U000": [RetryableSendError("ratelimited", retry_after=3600, rate_limited=True)]})
    assert _runner(sessions, sender, clock).run().sent == 0
    assert _states(sessions) == Counter({"pending": 1})  # not lost
    clock.advance(hours=1, seconds=1)
    assert _runner(sessions, sender, clock).run().sent == 1


def test_blocked_member_is_marked_inactive_and_not_retried(sessions) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock()
    _accounts(sessions, 2)
    _plan(sessions, clock)
    sender = RecordingSender(plan={"U000": [RecipientGoneError("cannot_dm_bot")]})
    report = _runner(sessions, sender, clock).run()
    assert report.deactivated == 1 and report.sent == 1 and sender.users() == ["U001"]
    with sessions() as s:
        assert s.scalars(select(PlatformAccount.active).where(PlatformAccount.user_id == "U000")).one() is False
    clock.advance(days=7)  # next week: the inactive member is not planned again
    _plan(sessions, clock)
    _runner(sessions, sender, clock).run()
    assert Counter(sender.users()) == Counter({"U001": 2})


def test_nothing_to_send_sends_nothing(sessions) -> None:  # type: ignore[no-untyped-def]
    clock, sender = FakeClock(), RecordingSender()
    _accounts(sessions, 3)
    _plan(sessions, clock)
    report = _runner(sessions, sender, clock, composer=SimpleComposer(empty_for={"U001"})).run()
    assert report.empty == 1 and sorted(sender.users()) == ["U000", "U002"]
    assert _states(sessions) == Counter({"sent": 2, "empty": 1})


def test_undelivered_digest_expires_before_next_week(sessions) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock()
    _accounts(sessions, 1)
    _plan(sessions, clock)
    clock.advance(days=6, hours=1)
    report = _runner(sessions, RecordingSender(), clock).run()
    assert report.expired == 1 and report.sent == 0


def test_one_back_off_rule_for_every_retry() -> None:
    from bot.core.backoff import backoff_seconds as shared
    from bot.core.backoff import retry_after_seconds

    assert [shared(a, random.Random(3), base=1.0, cap=60.0) for a in (1, 2, 7, 9)] == [
        shared(a, random.Random(3), base=1.0, cap=60.0) for a in (1, 2, 7, 9)]
    assert 30.0 <= shared(9, random.Random(3), base=1.0, cap=60.0) <= 60.0  # capped
    assert backoff_seconds(3, random.Random(5)) == shared(3, random.Random(5), base=2.0, cap=3600.0)
    assert [retry_after_seconds(v) for v in ("30", " 1.5 ", None, "-2", "Wed, 21 Oct 2015 07:28:00 GMT")] == [
        30.0, 1.5, None, None, None]
