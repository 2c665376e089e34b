"""Time, injected: the clock process, the delivery runner and the rate limiter never call ``time`` directly.

Tests pass a fake clock whose ``sleep`` moves time forward instantly, so back-off, ``Retry-After`` and
local-hour scheduling are checked without waiting.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class TokenBucket:
    """Paces sends: ``rate`` tokens per second, at most ``burst`` saved up; ``pause_until`` honours a 429.

    Slack allows about one ``chat.postMessage`` per second per channel and answers 429 with ``Retry-After``
    above its workspace limits; Teams asks for about one message per second per bot. One bucket per
    workspace, shared by the runner's sends (thread-safe, so a runner may send from several threads).
    """

    def __init__(self, rate: float, burst: int, clock: Clock) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive, got {rate}")
        self.rate = rate
        self.burst = max(1, burst)
        self.clock = clock
        self._tokens = float(self.burst)
        self._updated = clock.now()
        self._paused_until: datetime | None = None
        self._lock = threading.Lock()

    def pause_until(self, when: datetime) -> None:
        with self._lock:
            if self._paused_until is None or when > self._paused_until:
                self._paused_until = when
            self._tokens = 0.0

    def acquire(self) -> float:
        """Take one token, sleeping (on the injected clock) until one is available; returns seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self.clock.now()
                if self._paused_until is not None and now < self._paused_until:
                    delay = (self._paused_until - now).total_seconds()
                else:
                    if self._paused_until is not None:
                        self._paused_until, self._updated = None, now
                    elapsed = max(0.0, (now - self._updated).total_seconds())
                    self._tokens = min(float(self.burst), self._tokens + elapsed * self.rate)
                    self._updated = now
                    if self._tokens >= 1.0:
                        self._tokens -= 1.0
                        return waited
                    delay = (1.0 - self._tokens) / self.rate
            delay = max(delay, 1e-3)
            self.clock.sleep(delay)
            waited += delay


def iso_week_key(day: datetime) -> str:
    """``"2026-W07"``: the ISO year and week of ``day`` (its own timezone)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def start_of_iso_week(day: datetime) -> datetime:
    """Monday 00:00 of ``day``'s ISO week, in ``day``'s timezone."""
    monday = day - timedelta(days=day.weekday())
    return monday.replace(hour=0, minute=0, second=0, microsecond=0)
