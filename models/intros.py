"""Introductions: double opt-in requests, staff suggestion batches, pair rules, preferences, outcomes.

``Introduction.open_key`` holds ``"<low person id>-<high person id>"`` while the introduction is open
(``awaiting_staff`` or ``pending``) and NULL once it is closed. Its unique constraint means one open
introduction per unordered pair, whatever number of clicks, retries or staff approvals race; NULLs never
collide, so closed introductions of the same pair stay on record. State changes are conditional UPDATEs
(``WHERE state = <expected>``), so of two concurrent transitions exactly one wins::

    awaiting_staff --approve--> pending --both sides accept--> accepted
          |                       |  \\--either side declines--> declined (pair never suggested again)
          +--reject--> cancelled  +--no answer by expires_at--> expired
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow

ORIGINS = ("member", "staff")
AWAITING_STAFF, PENDING, ACCEPTED, DECLINED, EXPIRED, CANCELLED = (
    "awaiting_staff", "pending", "accepted", "declined", "expired", "cancelled")
STATES = (AWAITING_STAFF, PENDING, ACCEPTED, DECLINED, EXPIRED, CANCELLED)
OPEN_STATES = (AWAITING_STAFF, PENDING)
ANSWERS = ("accepted", "declined")
STAGES = ("project", "nda", "proposal", "none")  # how far an introduction went, as members report it
RULES = ("veto", "pin", "declined")  # staff veto, staff pin, a member declined the other
SUGGESTION_STATES = ("proposed", "approved", "skipped", "vetoed")


def pair_key(a: int, b: int) -> str:
    """The unordered pair of two people, as stored in ``open_key``."""
    low, high = (a, b) if a < b else (b, a)
    return f"{low}-{high}"


class Introduction(Base):
    """One introduction between two people: side A asked (or was suggested first), side B is asked."""

    __tablename__ = "introductions"

    id: Mapped[int] = mapped_column(primary_key=True)
    origin: Mapped[str] = mapped_column(String(16), default="member")  # member | staff
    state: Mapped[str] = mapped_column(String(16), default=PENDING, index=True)
    open_key: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    a_person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    b_person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    a_account_id: Mapped[int | None] = mapped_column(ForeignKey("platform_accounts.id", ondelete="SET NULL"))
    b_account_id: Mapped[int | None] = mapped_column(ForeignKey("platform_accounts.id", ondelete="SET NULL"))
    a_answer: Mapped[str | None] = mapped_column(String(16), default=None)  # accepted | declined
    b_answer: Mapped[str | None] = mapped_column(String(16), default=None)
    a_answered_at: Mapped[datetime | None] = mapped_column(default=None)
    b_answered_at: Mapped[datetime | None] = mapped_column(default=None)
    a_remind_at: Mapped[datetime | None] = mapped_column(default=None)  # "not now": ask again then
    b_remind_at: Mapped[datetime | None] = mapped_column(default=None)
    target_ref: Mapped[str] = mapped_column(String(200))  # what A clicked: org:, person: or need: ref
    a_ref: Mapped[str] = mapped_column(String(200))  # the profile shown for each side (person or organization)
    b_ref: Mapped[str] = mapped_column(String(200))
    a_kind: Mapped[str | None] = mapped_column(String(32))  # snapshots for reports (the directory may change)
    b_kind: Mapped[str | None] = mapped_column(String(32))
    a_province: Mapped[str | None] = mapped_column(String(2))
    b_province: Mapped[str | None] = mapped_column(String(2))
    reason: Mapped[str] = mapped_column(Text, default="")  # why B fits what A looks for (B's evidence)
    reason_back: Mapped[str] = mapped_column(Text, default="")  # why A fits what B looks for (A's evidence)
    shared_terms: Mapped[list[str]] = mapped_column(default=list)
    score: Mapped[float | None] = mapped_column(default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)  # the staff member's note
    query_id: Mapped[str | None] = mapped_column(String(32), default=None)
    created_by: Mapped[str] = mapped_column(String(200))  # "slack:T1:U1" of the requester or approving staff
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    expires_at: Mapped[datetime] = mapped_column()
    decided_by: Mapped[str | None] = mapped_column(String(200), default=None)  # staff approval or rejection
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    accepted_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    group_ref: Mapped[str | None] = mapped_column(String(200), default=None)  # e.g. the Slack group DM id
    followup_due_at: Mapped[datetime | None] = mapped_column(default=None)
    followup_sent_at: Mapped[datetime | None] = mapped_column(default=None)


class IntroOutcome(Base):
    """What one side said when asked, two weeks after the introduction: did you meet, how far did it go."""

    __tablename__ = "intro_outcomes"
    __table_args__ = (UniqueConstraint("introduction_id", "person_id", name="uq_intro_outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    introduction_id: Mapped[int] = mapped_column(ForeignKey("introductions.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    met: Mapped[bool | None] = mapped_column(default=None)
    stage: Mapped[str | None] = mapped_column(String(16), default=None)  # project | nda | proposal | none
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


class IntroPreference(Base):
    """A member's introduction settings, and how many requests to them expired unanswered."""

    __tablename__ = "intro_preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), unique=True)
    paused: Mapped[bool] = mapped_column(default=False)
    paused_until: Mapped[date | None] = mapped_column(default=None)  # None with paused: until resumed
    excluded_orgs: Mapped[list[str]] = mapped_column(default=list)  # organization external ids
    expired_count: Mapped[int] = mapped_column(default=0)
    deprioritised_told_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class IntroPairRule(Base):
    """A rule about a pair of people: a staff veto or pin, or a decline (never suggested again)."""

    __tablename__ = "intro_pair_rules"
    __table_args__ = (UniqueConstraint("person_low", "person_high", "rule", name="uq_intro_pair_rule"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_low: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    person_high: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(16))  # veto | pin | declined
    active: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IntroBatch(Base):
    """One run of staff suggestions (``clustermatch suggest-intros`` or the weekly job) and its figures."""

    __tablename__ = "intro_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    capacity: Mapped[int] = mapped_column()
    threshold: Mapped[float] = mapped_column()
    mode: Mapped[str] = mapped_column(String(16))
    n_members: Mapped[int] = mapped_column(default=0)
    n_pairs: Mapped[int] = mapped_column(default=0)
    coverage: Mapped[float | None] = mapped_column(default=None)
    worst_off_best_score: Mapped[float | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(64), default="")
    seconds: Mapped[float] = mapped_column(default=0.0)
    posted_to: Mapped[str | None] = mapped_column(String(200), default=None)
    figures: Mapped[dict] = mapped_column(default=dict)


class IntroSuggestion(Base):
    """A pair the optimiser proposed, and what staff did with it (who approved, skipped or vetoed it)."""

    __tablename__ = "intro_suggestions"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("intro_batches.id", ondelete="CASCADE"), index=True)
    a_person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    b_person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    a_ref: Mapped[str] = mapped_column(String(200))
    b_ref: Mapped[str] = mapped_column(String(200))
    score: Mapped[float] = mapped_column()
    pinned: Mapped[bool] = mapped_column(default=False)
    why_a: Mapped[str] = mapped_column(Text, default="")  # what B offers that A looks for
    why_b: Mapped[str] = mapped_column(Text, default="")  # what A offers that B looks for
    state: Mapped[str] = mapped_column(String(16), default="proposed")
    note: Mapped[str | None] = mapped_column(Text, default=None)
    acted_by: Mapped[str | None] = mapped_column(String(200), default=None)
    acted_at: Mapped[datetime | None] = mapped_column(default=None)
    introduction_id: Mapped[int | None] = mapped_column(ForeignKey("introductions.id", ondelete="SET NULL"))
    message_ref: Mapped[str | None] = mapped_column(String(200), default=None)  # "<channel> <ts>" of the post


class IntroEvent(Base):
    """Audit trail: every request, staff action, answer and follow-up, with who did it."""

    __tablename__ = "intro_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    introduction_id: Mapped[int | None] = mapped_column(ForeignKey("introductions.id", ondelete="CASCADE"))
    suggestion_id: Mapped[int | None] = mapped_column(ForeignKey("intro_suggestions.id", ondelete="CASCADE"))
    actor: Mapped[str] = mapped_column(String(200))  # "slack:T1:U1", "staff:slack:T1:U9", "system"
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict] = mapped_column(default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


Index("ix_introductions_state_expires", Introduction.state, Introduction.expires_at)
Index("ix_intro_events_introduction", IntroEvent.introduction_id)
