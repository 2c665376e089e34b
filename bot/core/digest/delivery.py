"""Exactly-once digest delivery: claim ledger rows, send through a ``Sender``, record the outcome.

Each ``DigestDelivery`` row (unique per recipient and ISO week) moves ``pending -> sending -> sent``.
Any number of runners (clock processes, CLI runs) may work on one database at once:

* **Claim** is one ``UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING id`` on
  PostgreSQL; SQLite ignores ``FOR UPDATE`` and runs the same statement atomically under its single writer
  lock. The claim sets a short lease (owner + expiry).
* **Before each send** the runner re-checks that it still owns the lease and sets ``in_flight`` (one
  commit). Only then does it call the platform.
* **After the send** it records ``sent`` (and the items shown), or puts the row back to ``pending`` with a
  ``next_attempt_at`` (429: the ``Retry-After``; 5xx and connection errors: exponential back-off with
  jitter), or ``failed`` when the recipient is gone (the account is marked inactive).

The crash window: if a process dies after the platform accepted a message but before ``sent`` was
committed, the row is left ``sending`` with ``in_flight`` set. When its lease expires, another runner
marks it ``unknown`` and does **not** resend it (its items count as shown). We chose at-most-once there:
a duplicate weekly digest is visible spam to every affected member, a lost one costs a week's items, which
stay eligible for the next digest. Slack offers no idempotency key for ``chat.postMessage`` and reading the
DM history back to check is rate-limited, so there is no third way. A crash *before* ``in_flight`` was
committed (while composing, waiting for the rate limiter) loses nothing: once its lease expires (two
minutes), the next run claims the row again. Runners never wait for leases others hold (that runner may be
alive and busy), so a clock restarted at once sends everything unclaimed and the dead runner's few rows go
out at the next hourly run.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.core import backoff
from bot.core.clock import Clock, SystemClock, TokenBucket
from bot.core.digest.sending import (
    PermanentSendError,
    RecipientGoneError,
    RetryableSendError,
    RunReport,
    Sender,
    SendError,
)
from bot.core.digest.types import Digest, Recipient
from models.digest import DigestDelivery, DigestItem
from models.directory import PlatformAccount

logger = logging.getLogger(__name__)

__all__ = ["DeliveryRunner", "PermanentSendError", "RecipientGoneError", "RetryableSendError", "RunReport", "Sender",
           "SendError", "backoff_seconds"]

LEASE = timedelta(minutes=2)
STALE_AFTER = timedelta(days=6)  # a digest not delivered by then is dropped: the next week's is due
BACKOFF_BASE_S = 2.0
BACKOFF_CAP_S = 3600.0
MAX_WAIT = timedelta(minutes=5)  # a run sleeps for retries due this soon; later ones go to the next run
BATCH = 10

ComposeFn = Callable[[Session, Sequence[DigestDelivery], datetime], Mapping[int, Digest | None]]


def backoff_seconds(attempt: int, rng: random.Random) -> float:
    """The ledger's wait before a retry (``bot.core.backoff``): 2 s doubling, at most an hour."""
    return backoff.backoff_seconds(attempt, rng, base=BACKOFF_BASE_S, cap=BACKOFF_CAP_S)


class DeliveryRunner:
    """Works through claimable deliveries until none is due within ``MAX_WAIT``; safe to run many at once."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        senders: Mapping[str, Sender],
        compose: ComposeFn,
        *,
        clock: Clock | None = None,
        per_minute: int = 60,
        burst: int = 1,
        owner: str | None = None,
        rng: random.Random | None = None,
        lease: timedelta = LEASE,
        max_wait: timedelta = MAX_WAIT,
        batch: int = BATCH,
    ) -> None:
        self.sessions = sessions
        self.senders = senders
        self.compose = compose
        self.clock = clock or SystemClock()
        self.owner = owner or uuid.uuid4().hex[:16]
        self.rng = rng or random.Random()
        self.lease = lease
        self.max_wait = max_wait
        self.batch = batch
        self._per_minute = per_minute
        self._burst = burst
        self._buckets: dict[tuple[str, str], TokenBucket] = {}

    # -- the loop ----------------------------------------------------------------------------------
    def run(self) -> RunReport:
        report = RunReport()
        while True:
            now = self.clock.now()
            self._recover(now, report)
            claimed = self._claim(now)
            if not claimed:
                wake = self._next_wake(now)
                if wake is None or wake - now > self.max_wait:
                    return report
                self.clock.sleep(max(0.0, (wake - now).total_seconds()) + 0.001)
                continue
            ready = self._prepare(claimed, report)
            for delivery_id in ready:
                self._deliver(delivery_id, report)

    # -- steps -------------------------------------------------------------------------------------
    def _claimable(self, now: datetime):  # type: ignore[no-untyped-def]
        return (DigestDelivery.state == "pending") & (
            DigestDelivery.next_attempt_at.is_(None) | (DigestDelivery.next_attempt_at <= now)
        )

    def _claim(self, now: datetime) -> list[int]:
        """Take up to ``batch`` due rows. PostgreSQL locks them (skipping rows others hold); on every
        database the guarded ``UPDATE`` only changes rows still claimable, and returns exactly those."""
        pick = (
            select(DigestDelivery.id)
            .where(self._claimable(now), DigestDelivery.due_at <= now)
            .order_by(DigestDelivery.due_at, DigestDelivery.id)
            .limit(self.batch)
            .with_for_update(skip_locked=True)
        )
        with self.sessions.begin() as session:
            ids = list(session.scalars(pick))
            if not ids:
                return []
            stmt = (
                update(DigestDelivery)
                .where(DigestDelivery.id.in_(ids), self._claimable(now))
                .values(state="sending", lease_owner=self.owner, lease_expires_at=now + self.lease, updated_at=now)
                .returning(DigestDelivery.id)
                .execution_options(synchronize_session=False)
            )
            return sorted(session.scalars(stmt).all())

    def _recover(self, now: datetime, report: RunReport) -> None:
        """Expire stale rows; re-open dead leases, or mark them ``unknown`` when a send was in flight."""
        stale = now - STALE_AFTER
        with self.sessions.begin() as session:
            report.expired += _rowcount(session.execute(
                update(DigestDelivery)
                .where(
                    DigestDelivery.due_at < stale,
                    (DigestDelivery.state == "pending")
                    | ((DigestDelivery.state == "sending") & (DigestDelivery.lease_expires_at < now)
                       & DigestDelivery.in_flight.is_(False)),
                )
                .values(state="expired", lease_owner=None, updated_at=now)
                .execution_options(synchronize_session=False)
            ))
            dead = (DigestDelivery.state == "sending") & (DigestDelivery.lease_expires_at < now)
            session.execute(
                update(DigestDelivery)
                .where(dead, DigestDelivery.in_flight.is_(False))
                .values(state="pending", lease_owner=None, lease_expires_at=None, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            in_doubt = session.scalars(
                select(DigestDelivery).where(dead, DigestDelivery.in_flight.is_(True)).with_for_update(skip_locked=True)
            ).all()
            for row in in_doubt:
                logger.warning("digest %s: a send was in flight when its runner stopped; not resending", row.id)
                row.state, row.in_flight, row.lease_owner, row.updated_at = "unknown", False, None, now
                row.last_error = "runner stopped during send; assumed delivered"
                _record_items(session, row, now)
                report.unknown += 1

    def _next_wake(self, now: datetime) -> datetime | None:
        """When a retry falls due. Leases held by others are not waited for: their runner may be alive and
        busy; if it died, a later run (the clock runs hourly) re-opens or settles its rows."""
        with self.sessions() as session:
            retry = session.scalar(
                select(func.min(DigestDelivery.next_attempt_at)).where(DigestDelivery.state == "pending")
            )
        return _aware(retry) if retry is not None else None

    def _prepare(self, ids: list[int], report: RunReport) -> list[int]:
        """Compose digests for claimed rows that have none yet; rows with nothing to say become ``empty``."""
        now = self.clock.now()
        with self.sessions.begin() as session:
            rows = list(session.scalars(select(DigestDelivery).where(DigestDelivery.id.in_(ids))))
            todo = [r for r in rows if r.payload is None and r.lease_owner == self.owner]
            composed = self.compose(session, todo, now) if todo else {}
            ready = []
            for row in rows:
                if row.lease_owner != self.owner or row.state != "sending":
                    report.skipped += 1
                    continue
                if row.payload is None:
                    digest = composed.get(row.id)
                    if digest is None or digest.is_empty:
                        row.state, row.lease_owner, row.updated_at = "empty", None, now
                        report.empty += 1
                        continue
                    row.payload = digest.to_payload()
                ready.append(row.id)
        return ready

    def _deliver(self, delivery_id: int, report: RunReport) -> None:
        with self.sessions() as session:
            row = session.get(DigestDelivery, delivery_id)
            account = session.get(PlatformAccount, row.account_id) if row and row.account_id else None
            if row is None or account is None or row.payload is None:
                report.skipped += 1
                return
            recipient = Recipient.from_account(account)
            digest = Digest.from_payload(row.payload)
        sender = self.senders.get(recipient.platform)
        if sender is None:
            self._finish(delivery_id, "failed", f"no sender for platform {recipient.platform!r}", report)
            return
        self._bucket(recipient).acquire()
        now = self.clock.now()
        with self.sessions.begin() as session:  # still ours? then the send is in flight from here on
            claimed = session.execute(
                update(DigestDelivery)
                .where(DigestDelivery.id == delivery_id, DigestDelivery.lease_owner == self.owner,
                       DigestDelivery.state == "sending")
                .values(in_flight=True, lease_expires_at=now + self.lease, updated_at=now)
                .execution_options(synchronize_session=False)
            )
        if _rowcount(claimed) != 1:
            report.skipped += 1
            return
        try:
            external_id = sender.send(recipient, digest)
        except RetryableSendError as exc:
            self._retry(delivery_id, recipient, exc, report)
        except RecipientGoneError as exc:
            self._finish(delivery_id, "failed", exc.reason, report, deactivate=True)
        except SendError as exc:
            self._finish(delivery_id, "failed", exc.reason, report)
        except Exception as exc:  # a bug or an unexpected answer: it may have been delivered, so never resend
            logger.exception("digest %s: unexpected error while sending", delivery_id)
            self._finish(delivery_id, "failed", f"unexpected: {type(exc).__name__}", report)
        else:
            self._finish(delivery_id, "sent", None, report, external_id=external_id)

    def _retry(self, delivery_id: int, recipient: Recipient, exc: RetryableSendError, report: RunReport) -> None:
        now = self.clock.now()
        with self.sessions.begin() as session:
            row = session.get(DigestDelivery, delivery_id)
            assert row is not None
            row.attempts += 1
            if exc.retry_after is not None:
                delay = max(0.0, float(exc.retry_after))
            else:
                delay = backoff_seconds(row.attempts, self.rng)
            if exc.rate_limited:  # the whole workspace is throttled, not just this member
                self._bucket(recipient).pause_until(now + timedelta(seconds=delay))
            row.state, row.in_flight, row.lease_owner, row.lease_expires_at = "pending", False, None, None
            row.next_attempt_at = now + timedelta(seconds=delay)
            row.last_error, row.updated_at = exc.reason[:300], now
        logger.info("digest %s: %s; retrying in %.1f s", delivery_id, exc.reason, delay)
        report.retried += 1

    def _finish(
        self, delivery_id: int, state: str, error: str | None, report: RunReport, *,
        deactivate: bool = False, external_id: str | None = None,
    ) -> None:
        now = self.clock.now()
        with self.sessions.begin() as session:
            row = session.get(DigestDelivery, delivery_id)
            assert row is not None
            was_unknown = row.state == "unknown"
            row.state, row.in_flight, row.lease_owner, row.updated_at = state, False, None, now
            row.last_error = error[:300] if error else None
            if state == "sent":
                row.external_id = external_id
                row.sent_at = now
                if not was_unknown:
                    _record_items(session, row, now)
                report.sent += 1
            else:
                report.failed += 1
                report.errors.append(f"{row.recipient}: {error}")
            if deactivate and row.account_id is not None:
                account = session.get(PlatformAccount, row.account_id)
                if account is not None and account.active:
                    account.active = False
                    report.deactivated += 1
                    logger.info("account %s marked inactive: %s", row.account_id, error)

    def _bucket(self, recipient: Recipient) -> TokenBucket:
        key = (recipient.platform, recipient.workspace_id)
        if key not in self._buckets:
            self._buckets[key] = TokenBucket(self._per_minute / 60.0, self._burst, self.clock)
        return self._buckets[key]


def _record_items(session: Session, row: DigestDelivery, now: datetime) -> None:
    if row.account_id is None or not row.payload:
        return
    for ref in Digest.from_payload(row.payload).item_refs():
        session.add(DigestItem(delivery_id=row.id, account_id=row.account_id, ref=ref, sent_at=now))


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes for ``DateTime(timezone=True)``; they were stored as UTC."""
    from datetime import UTC

    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
