"""What members do with answers: the question log, saved matches, and "not relevant" feedback.

Keyed by the chat account (platform, workspace, user) because a member can ask before staff link their
account to a directory person; ``person_id`` is filled in when the link exists.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow

FEEDBACK_VERDICTS = ("not_relevant",)


class Question(Base):
    """One question a member asked (or a "more like this"); its id is the ``query_id`` of the reply."""

    __tablename__ = "questions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # uuid4 hex
    platform: Mapped[str] = mapped_column(String(16))
    workspace_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(128))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    intent: Mapped[str] = mapped_column(String(16))  # search | more_like
    text: Mapped[str] = mapped_column(Text)  # as matched (already truncated)
    kinds: Mapped[list[str]] = mapped_column(default=list)
    filters: Mapped[dict] = mapped_column(default=dict)
    result_refs: Mapped[list[str]] = mapped_column(default=list)  # in the order shown
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ShownSuggestion(Base):
    """One suggestion shown in an answer, with the kind and province it had then: the funnel's second step.

    ``questions.result_refs`` keeps the order for the member; these rows let staff figures group shown items
    by kind and province in SQL. Deleted with their question.
    """

    __tablename__ = "shown_suggestions"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()
    ref: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    province: Mapped[str | None] = mapped_column(String(2))
    score: Mapped[float] = mapped_column(default=0.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SavedMatch(Base):
    """A suggestion a member kept for later."""

    __tablename__ = "saved_matches"
    __table_args__ = (UniqueConstraint("platform", "workspace_id", "user_id", "ref", name="uq_saved_match"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(128))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    ref: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))  # as shown, so the list survives directory edits
    query_id: Mapped[str | None] = mapped_column(ForeignKey("questions.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MatchFeedback(Base):
    """A member's verdict on a suggestion; "not_relevant" hides it from them and demotes look-alikes."""

    __tablename__ = "match_feedback"
    __table_args__ = (
        UniqueConstraint("platform", "workspace_id", "user_id", "ref", "verdict", name="uq_match_feedback"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(128))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    ref: Mapped[str] = mapped_column(String(200))
    verdict: Mapped[str] = mapped_column(String(16), default="not_relevant")
    query_id: Mapped[str | None] = mapped_column(ForeignKey("questions.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


Index("ix_questions_account", Question.platform, Question.workspace_id, Question.user_id)
Index("ix_match_feedback_ref", MatchFeedback.ref)
#: Covers the funnel's scans of a period (week, kind, province, distinct questions) without reading the table.
Index("ix_shown_suggestions_period", ShownSuggestion.created_at, ShownSuggestion.kind, ShownSuggestion.province,
      ShownSuggestion.question_id)
