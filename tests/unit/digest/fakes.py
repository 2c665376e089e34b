"""Fakes for digest tests: a clock whose sleep moves time, a recording sender, a tiny composer."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.digest.types import MEMBER, Digest, Recipient
from bot.core.messages import Section, Suggestion
from models.digest import DigestDelivery
from models.directory import PlatformAccount


class SimulatedCrash(BaseException):
    """Stands for the process being killed: not an ``Exception``, so nothing in the runner catches it."""


@dataclass
class FakeClock:
    current: datetime = field(default_factory=lambda: datetime(2026, 2, 9, 15, 0, tzinfo=UTC))
    sleeps: list[float] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> datetime:
        with self._lock:
            return self.current

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.current += timedelta(seconds=seconds)

    def advance(self, **kwargs: float) -> None:
        with self._lock:
            self.current += timedelta(**kwargs)


@dataclass
class RecordingSender:
    """Records every digest it "delivers"; ``plan`` maps a user id to exceptions raised on its next sends."""

    platform: str = "slack"
    sent: list[tuple[Recipient, Digest]] = field(default_factory=list)
    plan: dict[str, list[BaseException]] = field(default_factory=dict)
    crash_after: int | None = None  # raise SimulatedCrash right after this many deliveries (the crash window)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, recipient: Recipient, digest: Digest) -> str | None:
        with self._lock:
            errors = self.plan.get(recipient.user_id)
            if errors:
                raise errors.pop(0)
            self.sent.append((recipient, digest))
            count = len(self.sent)
        if self.crash_after is not None and count >= self.crash_after:
            self.crash_after = None
            raise SimulatedCrash(f"killed after {count} sends")
        return f"ts-{count}"

    def users(self) -> list[str]:
        return [r.user_id for r, _ in self.sent]


def one_item_digest(ref: str, week: str = "2026-W07") -> Digest:
    item = Suggestion(ref=ref, kind="technology_firm", title=f"Item {ref}", reason="matches your need")
    return Digest(kind=MEMBER, iso_week=week, title="Your weekly matches", intro="",
                  sections=(Section("New", (item,)),))


@dataclass
class SimpleComposer:
    """One item per member, none for user ids in ``empty_for``; ``crash_on_call`` kills the n-th call."""

    empty_for: set[str] = field(default_factory=set)
    calls: int = 0
    crash_on_call: int | None = None

    def __call__(
        self, session: Session, rows: Sequence[DigestDelivery], now: datetime
    ) -> Mapping[int, Digest | None]:
        self.calls += 1
        if self.crash_on_call == self.calls:
            raise SimulatedCrash("killed while composing")
        users = {i: u for i, u in session.execute(select(PlatformAccount.id, PlatformAccount.user_id))}
        return {
            r.id: None if users[r.account_id] in self.empty_for else one_item_digest(f"org:for-{users[r.account_id]}")
            for r in rows
        }
