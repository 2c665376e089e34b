"""Who is asking, and what they did with earlier answers: questions, saved matches, "not relevant".

``ActivityRepository`` takes a ``Session`` and never commits: ``AskService`` owns the transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.activity import MatchFeedback, Question, SavedMatch, ShownSuggestion
from models.directory import Organization, Person, PlatformAccount
from models.members import excluded_refs

NOT_RELEVANT = "not_relevant"


@dataclass(frozen=True)
class Asker:
    """A chat account, and the directory person and organization behind it when staff linked them."""

    platform: str
    workspace_id: str
    user_id: str
    person_id: int | None = None
    person_ref: str | None = None  # "person:<external_id>"
    org_ref: str | None = None  # "org:<external_id>"
    is_staff: bool = False  # staff per the directory (account flag or staff role): sees staff-only items

    @property
    def profile_ref(self) -> str | None:
        """The profile whose offer drives reciprocity: the person, else their organization."""
        return self.person_ref or self.org_ref


@dataclass(frozen=True)
class Shown:
    """One suggestion as shown in an answer (kind and province as they were then)."""

    ref: str
    kind: str
    province: str | None = None
    score: float = 0.0


class ActivityRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def identify(self, platform: str, workspace_id: str, user_id: str) -> Asker:
        """PlatformAccount -> Person -> Organization; an unlinked account is still a valid asker."""
        account = self.session.scalars(
            select(PlatformAccount).where(
                PlatformAccount.platform == platform,
                PlatformAccount.workspace_id == workspace_id,
                PlatformAccount.user_id == user_id,
            )
        ).one_or_none()
        person = self.session.get(Person, account.person_id) if account and account.person_id else None
        org = self.session.get(Organization, person.organization_id) if person and person.organization_id else None
        return Asker(
            platform,
            workspace_id,
            user_id,
            person_id=person.id if person else None,
            person_ref=f"person:{person.external_id}" if person else None,
            org_ref=f"org:{org.external_id}" if org else None,
            is_staff=bool(account is not None and account.is_staff) or bool(person and person.role == "staff"),
        )

    def record_question(
        self,
        asker: Asker,
        *,
        intent: str,
        text: str,
        kinds: list[str],
        filters: dict[str, object],
        result_refs: list[str],
        shown: Sequence[Shown] = (),
    ) -> Question:
        """Log a question and what its answer showed (``shown``: one ``shown_suggestions`` row each)."""
        question = Question(
            id=uuid.uuid4().hex,
            platform=asker.platform,
            workspace_id=asker.workspace_id,
            user_id=asker.user_id,
            person_id=asker.person_id,
            intent=intent,
            text=text,
            kinds=kinds,
            filters=filters,
            result_refs=result_refs,
        )
        self.session.add(question)
        self.session.flush()
        self.session.add_all(
            ShownSuggestion(question_id=question.id, position=i, ref=x.ref, kind=x.kind, province=x.province,
                            score=x.score, created_at=question.created_at)
            for i, x in enumerate(shown)
        )
        return question

    def question(self, query_id: str | None) -> Question | None:
        return self.session.get(Question, query_id) if query_id else None

    def _mine(self, model: type[SavedMatch] | type[MatchFeedback], asker: Asker):  # type: ignore[no-untyped-def]
        return select(model).where(
            model.platform == asker.platform, model.workspace_id == asker.workspace_id, model.user_id == asker.user_id
        )

    def save(self, asker: Asker, ref: str, title: str, query_id: str | None) -> bool:
        """Keep ``ref`` for the member; False if it was already saved."""
        if self.session.scalars(self._mine(SavedMatch, asker).where(SavedMatch.ref == ref)).first():
            return False
        return self._insert_once(
            SavedMatch(
                platform=asker.platform,
                workspace_id=asker.workspace_id,
                user_id=asker.user_id,
                person_id=asker.person_id,
                ref=ref,
                title=title[:300],
                query_id=self._known(query_id),
            )
        )

    def saved(self, asker: Asker) -> list[SavedMatch]:
        return list(self.session.scalars(self._mine(SavedMatch, asker).order_by(SavedMatch.created_at.desc())))

    def mark_not_relevant(self, asker: Asker, ref: str, query_id: str | None, note: str | None = None) -> bool:
        """Record the verdict once per member and item; False if it was already recorded."""
        stmt = self._mine(MatchFeedback, asker).where(MatchFeedback.ref == ref, MatchFeedback.verdict == NOT_RELEVANT)
        if self.session.scalars(stmt).first():
            return False
        return self._insert_once(
            MatchFeedback(
                platform=asker.platform,
                workspace_id=asker.workspace_id,
                user_id=asker.user_id,
                person_id=asker.person_id,
                ref=ref,
                verdict=NOT_RELEVANT,
                query_id=self._known(query_id),
                note=note,
            )
        )

    def _insert_once(self, row: SavedMatch | MatchFeedback) -> bool:
        """Insert under the row's unique key; False when a concurrent click (another worker) stored it first."""
        try:
            with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError:
            return False
        return True

    def dismissed(self, asker: Asker) -> set[str]:
        """Refs this member marked not relevant, and the organizations they excluded: never shown to them."""
        stmt = self._mine(MatchFeedback, asker).where(MatchFeedback.verdict == NOT_RELEVANT)
        hidden = {fb.ref for fb in self.session.scalars(stmt)}
        if asker.person_id is not None:
            hidden |= excluded_refs(self.session, [asker.person_id]).get(asker.person_id, set())
        return hidden

    def _known(self, query_id: str | None) -> str | None:
        """``query_id`` if it names a recorded question (buttons on old or foreign messages may not)."""
        return query_id if query_id and self.session.get(Question, query_id) is not None else None
