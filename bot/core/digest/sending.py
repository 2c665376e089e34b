"""What a platform sender promises the delivery runner: the ``Sender`` protocol, its errors, a run's report.

Senders translate their platform's failures into these errors; the runner decides what happens next
(retry later, mark the member inactive, give up on this digest).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from bot.core.digest.types import Digest, Recipient


class SendError(Exception):
    """Base of the errors a ``Sender`` raises; ``reason`` is short and safe to log and store."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RetryableSendError(SendError):
    """Not delivered, try again later (429, 5xx, connection refused). ``retry_after`` in seconds if known."""

    def __init__(self, reason: str, retry_after: float | None = None, *, rate_limited: bool = False) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.rate_limited = rate_limited


class RecipientGoneError(SendError):
    """The member blocked the app, left, or was deactivated: never retried, account marked inactive."""


class PermanentSendError(SendError):
    """Will not work by retrying (bad payload, workspace uninstalled); the account stays active."""


class Sender(Protocol):
    """Delivers one digest to one recipient on one platform; returns the platform's message id, if any."""

    platform: str

    def send(self, recipient: Recipient, digest: Digest) -> str | None: ...


@dataclass
class RunReport:
    """What one run did (printed by the CLI, logged by the clock)."""

    planned: int = 0
    sent: int = 0
    empty: int = 0
    failed: int = 0
    deactivated: int = 0
    retried: int = 0
    unknown: int = 0
    expired: int = 0
    skipped: int = 0  # rows another runner took over between claim and send
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {k: v for k, v in self.__dict__.items() if isinstance(v, int)}
