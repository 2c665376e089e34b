"""Weekly digests: members' preferences, one delivery row per recipient and ISO week, what was sent.

``DigestDelivery`` is the exactly-once ledger. Its unique key ``(kind, recipient, iso_week)`` means a
recipient can be planned at most once per week, whatever number of clock processes race; its ``state``
column is a small state machine driven by ``bot.core.digest.delivery``:

    pending --claim--> sending (lease) --send ok--> sent
       ^                  |  \\--nothing to send--> empty
       |   retryable error|   \\--recipient gone---> failed
       +------------------+    lease expired while a send was in flight --> unknown (never resent)
    pending/sending too old --> expired
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin, utcnow

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DELIVERY_KINDS = ("member", "staff")
DELIVERY_STATES = ("pending", "sending", "sent", "empty", "failed", "unknown", "expired")
#: States after which a delivery is never touched again.
FINAL_STATES = ("sent", "empty", "failed", "unknown", "expired")


class DigestPreference(TimestampMixin, Base):
    """A member's digest choices. No row, or ``None`` in a column: the workspace default applies."""

    __tablename__ = "digest_preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("platform_accounts.id", ondelete="CASCADE"), unique=True)
    enabled: Mapped[bool | None] = mapped_column(default=None)
    day: Mapped[str | None] = mapped_column(String(3), default=None)  # mon..sun
    hour: Mapped[int | None] = mapped_column(default=None)  # 0-23, the member's local time


class DigestDelivery(TimestampMixin, Base):
    """One digest for one recipient in one ISO week (the recipient's local week)."""

    __tablename__ = "digest_deliveries"
    __table_args__ = (UniqueConstraint("kind", "recipient", "iso_week", name="uq_digest_delivery"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="member")  # member | staff
    recipient: Mapped[str] = mapped_column(String(160))  # "account:<id>"
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("platform_accounts.id", ondelete="CASCADE"), index=True
    )
    iso_week: Mapped[str] = mapped_column(String(8))  # e.g. "2026-W07"
    due_at: Mapped[datetime] = mapped_column()  # the recipient's local day and hour, in UTC
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)  # send attempts that failed for a retryable reason
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    lease_owner: Mapped[str | None] = mapped_column(String(64), default=None)
    lease_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    in_flight: Mapped[bool] = mapped_column(default=False)  # a send started and its outcome is not recorded
    payload: Mapped[dict | None] = mapped_column(default=None)  # the composed digest, resent as is on retry
    external_id: Mapped[str | None] = mapped_column(String(128), default=None)  # e.g. Slack message ts
    last_error: Mapped[str | None] = mapped_column(String(300), default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)


class DigestItem(Base):
    """An item shown in a delivered digest: no item is repeated to the same member within four weeks."""

    __tablename__ = "digest_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("digest_deliveries.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("platform_accounts.id", ondelete="CASCADE"))
    ref: Mapped[str] = mapped_column(String(160))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


Index("ix_digest_deliveries_state_next", DigestDelivery.state, DigestDelivery.next_attempt_at)
Index("ix_digest_items_account_sent", DigestItem.account_id, DigestItem.sent_at)
