"""Member signals for ranking: the events they are read from, and the workspace models fitted on them.

Signals are not stored twice: they are read from what members did (``questions`` and the suggestions each
answer showed, saves, "not relevant", introductions and their outcomes). Forgetting a member deletes those
rows, so the next fit cannot see them. ``RankerModel`` keeps every fitted version of a workspace's model with
its figures; one per workspace is active.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Index, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.activity import MatchFeedback, Question, SavedMatch, ShownSuggestion
from models.base import Base, utcnow
from models.directory import Need
from models.intros import ACCEPTED, Introduction, IntroOutcome


class RankerModel(Base):
    """One fitted version of a workspace's signal model (``matching.personal.PersonalRanker``)."""

    __tablename__ = "ranker_models"
    __table_args__ = (Index("ix_ranker_models_workspace", "platform", "workspace_id", "version", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column()
    active: Mapped[bool] = mapped_column(default=False)
    kept: Mapped[bool] = mapped_column(default=False)  # beat the model it would replace on held-out answers
    params: Mapped[dict] = mapped_column(default=dict)  # feature names, weights, checksum
    figures: Mapped[dict] = mapped_column(default=dict)  # held-out nDCG of both models, rows, seconds
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True)
class ShownRow:
    """One suggestion an answer showed."""

    question_id: str
    user_id: str
    asked_at: datetime
    position: int
    ref: str
    kind: str
    province: str | None
    score: float


@dataclass(frozen=True)
class Action:
    """Something a member did with a suggestion of an answer: ``what`` is a ``matching.personal.GRADES`` key."""

    question_id: str
    ref: str
    what: str


class SignalRepository:
    """Reads a workspace's signals and stores its models. Never commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def workspaces(self) -> list[tuple[str, str]]:
        """(platform, workspace) pairs with at least one answer shown."""
        rows = self.session.execute(
            select(Question.platform, Question.workspace_id).join(
                ShownSuggestion, ShownSuggestion.question_id == Question.id).distinct()
        )
        return sorted((p, w) for p, w in rows)

    def shown(self, platform: str, workspace_id: str, user_id: str | None = None, *,
              last_answers: int | None = None) -> list[ShownRow]:
        """Every suggestion shown in the workspace (or to one member, in their ``last_answers`` most recent
        answers), oldest answer first."""
        q = (
            select(Question.id, Question.user_id, Question.created_at, ShownSuggestion.position, ShownSuggestion.ref,
                   ShownSuggestion.kind, ShownSuggestion.province, ShownSuggestion.score)
            .join(ShownSuggestion, ShownSuggestion.question_id == Question.id)
            .where(Question.platform == platform, Question.workspace_id == workspace_id)
        )
        if user_id is not None:
            q = q.where(Question.user_id == user_id)
            if last_answers is not None:
                recent = (select(Question.id).where(Question.platform == platform,
                                                    Question.workspace_id == workspace_id,
                                                    Question.user_id == user_id)
                          .order_by(Question.created_at.desc()).limit(last_answers))
                q = q.where(Question.id.in_(recent.scalar_subquery()))
        q = q.order_by(Question.created_at, Question.id, ShownSuggestion.position)
        return [ShownRow(*row) for row in self.session.execute(q)]

    def actions(self, question_ids: Sequence[str]) -> list[Action]:
        """Saves, dismissals, introductions and outcomes tied to these answers (an outcome: an introduction
        reported as met or further, or one made on a need its owner then marked fulfilled)."""
        out: list[Action] = []
        for chunk in (list(question_ids[i : i + 500]) for i in range(0, len(question_ids), 500)):
            out += [Action(str(q), r, "saved") for q, r in self.session.execute(
                select(SavedMatch.query_id, SavedMatch.ref).where(SavedMatch.query_id.in_(chunk)))]
            out += [Action(str(q), r, "not_relevant") for q, r in self.session.execute(
                select(MatchFeedback.query_id, MatchFeedback.ref).where(
                    MatchFeedback.query_id.in_(chunk), MatchFeedback.verdict == "not_relevant"))]
            intros = self.session.execute(
                select(Introduction.id, Introduction.query_id, Introduction.target_ref, Introduction.state)
                .where(Introduction.query_id.in_(chunk)))
            by_id: dict[int, tuple[str, str]] = {}
            on_needs: dict[str, list[tuple[str, str]]] = defaultdict(list)
            for iid, q, r, state in intros:
                by_id[iid] = (str(q), r)
                out.append(Action(str(q), r, _INTRO_STATES.get(state, "intro_requested")))
                if state == ACCEPTED and r.startswith("need:"):
                    on_needs[r.removeprefix("need:")].append((str(q), r))
            if on_needs:  # a need its owner marked fulfilled is an outcome of every introduction made on it
                met = self.session.scalars(select(Need.external_id).where(
                    Need.external_id.in_(list(on_needs)), Need.status == "fulfilled"))
                out += [Action(q, r, "outcome") for ext in met for q, r in on_needs[ext]]
            if by_id:
                done = self.session.execute(
                    select(IntroOutcome.introduction_id).where(
                        IntroOutcome.introduction_id.in_(list(by_id)),
                        (IntroOutcome.met.is_(True)) | IntroOutcome.stage.in_(("nda", "proposal", "project"))))
                out += [Action(*by_id[iid], "outcome") for (iid,) in done]
        return out

    # ------------------------------------------------------------------ models
    def versions(self, platform: str, workspace_id: str) -> list[RankerModel]:
        return list(self.session.scalars(
            select(RankerModel).where(RankerModel.platform == platform, RankerModel.workspace_id == workspace_id)
            .order_by(RankerModel.version)))

    def active(self, platform: str, workspace_id: str) -> RankerModel | None:
        return self.session.scalars(
            select(RankerModel).where(RankerModel.platform == platform, RankerModel.workspace_id == workspace_id,
                                      RankerModel.active.is_(True))).first()

    def add(self, platform: str, workspace_id: str, *, params: dict, figures: dict, kept: bool) -> RankerModel:
        """Store a new version; a kept one becomes the workspace's active model."""
        last = self.versions(platform, workspace_id)
        row = RankerModel(platform=platform, workspace_id=workspace_id, version=(last[-1].version + 1) if last else 1,
                          active=kept, kept=kept, params=params, figures=figures)
        if kept:
            self.session.execute(update(RankerModel).where(
                RankerModel.platform == platform, RankerModel.workspace_id == workspace_id).values(active=False))
        self.session.add(row)
        self.session.flush()
        return row


_INTRO_STATES = {"accepted": "intro_accepted", "declined": "intro_declined", "expired": "intro_expired"}
