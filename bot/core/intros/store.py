"""Reads and race-safe writes for introductions. Takes a ``Session`` and never commits (the caller does).

Creation is ``INSERT ... ON CONFLICT (open_key) DO NOTHING``: a second insert for the same open pair
inserts nothing (on PostgreSQL it waits for the first to commit, then does nothing), so no savepoint and
no retry loop is needed. Every state change is a conditional UPDATE whose row count says who won.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models.intros import (
    ACCEPTED,
    OPEN_STATES,
    PENDING,
    Introduction,
    IntroEvent,
    IntroPairRule,
    IntroPreference,
    IntroSuggestion,
    pair_key,
)
from models.privacy import audit

#: ``log`` actions taken by staff (approve, reject, skip, veto, note), copied to ``models.privacy.audit``.
STAFF_AUDITED = frozenset({"approved", "rejected", "skipped", "vetoed", "note"})


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def dialect_insert(session: Session, model: type[Any]) -> Any:
    """The dialect's INSERT (PostgreSQL and SQLite both have ``on_conflict_do_nothing``)."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(model)
    if name == "sqlite":
        return sqlite.insert(model)
    raise RuntimeError(f"introductions need PostgreSQL or SQLite, not {name}")


def pair_filter(a: int, b: int) -> Any:
    low, high = min(a, b), max(a, b)
    return or_(
        and_(Introduction.a_person_id == low, Introduction.b_person_id == high),
        and_(Introduction.a_person_id == high, Introduction.b_person_id == low),
    )


class IntroRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- introductions ------------------------------------------------------------------------------
    def create(self, values: Mapping[str, Any]) -> int | None:
        """Insert an open introduction; ``None`` when the pair already has one (nothing inserted)."""
        row = {**values, "open_key": pair_key(values["a_person_id"], values["b_person_id"])}
        stmt = dialect_insert(self.session, Introduction).values(**row)
        stmt = stmt.on_conflict_do_nothing(index_elements=["open_key"]).returning(Introduction.id)
        return self.session.scalar(stmt)

    def get(self, intro_id: int) -> Introduction | None:
        return self.session.get(Introduction, intro_id)

    def refresh(self, intro: Introduction) -> Introduction:
        self.session.refresh(intro)
        return intro

    def open_for_pair(self, a: int, b: int) -> Introduction | None:
        return self.session.scalars(select(Introduction).where(Introduction.open_key == pair_key(a, b))).first()

    def latest_for_pair(self, a: int, b: int, states: Iterable[str]) -> Introduction | None:
        stmt = (
            select(Introduction)
            .where(pair_filter(a, b), Introduction.state.in_(list(states)))
            .order_by(Introduction.created_at.desc(), Introduction.id.desc())
        )
        return self.session.scalars(stmt.limit(1)).first()

    def transition(self, intro_id: int, from_states: Iterable[str], *extra_where: Any, **values: Any) -> bool:
        """``UPDATE ... WHERE id = :id AND state IN (:from_states) [AND extra]``; True when this call won."""
        stmt = (
            update(Introduction)
            .where(Introduction.id == intro_id, Introduction.state.in_(list(from_states)), *extra_where)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        won = self.session.execute(stmt).rowcount == 1  # type: ignore[attr-defined]
        if won:
            self.session.expire_all()
        return won

    def answer(self, intro_id: int, side: str, answer: str, now: datetime) -> bool:
        """Record one side's answer once, while the introduction is pending."""
        column = getattr(Introduction, f"{side}_answer")
        return self.transition(intro_id, [PENDING], column.is_(None),
                               **{f"{side}_answer": answer, f"{side}_answered_at": now, f"{side}_remind_at": None})

    def complete_if_both_accepted(self, intro_id: int, now: datetime, followup_at: datetime) -> bool:
        """pending → accepted when both sides said yes; exactly one of the two acceptors sees True."""
        return self.transition(
            intro_id, [PENDING], Introduction.a_answer == "accepted", Introduction.b_answer == "accepted",
            state=ACCEPTED, open_key=None, accepted_at=now, closed_at=now, followup_due_at=followup_at,
        )

    def open_since(self, account_id: int) -> list[Introduction]:
        """Open introductions this account is on either side of, newest first."""
        stmt = select(Introduction).where(
            or_(Introduction.a_account_id == account_id, Introduction.b_account_id == account_id),
            Introduction.state.in_(OPEN_STATES),
        )
        return list(self.session.scalars(stmt.order_by(Introduction.created_at.desc())))

    def of_person(self, person_id: int, states: Iterable[str], limit: int = 20) -> list[Introduction]:
        stmt = (
            select(Introduction)
            .where(or_(Introduction.a_person_id == person_id, Introduction.b_person_id == person_id),
                   Introduction.state.in_(list(states)))
            .order_by(Introduction.created_at.desc(), Introduction.id.desc())
        )
        return list(self.session.scalars(stmt.limit(limit)))

    def count(self, *where: Any) -> int:
        return int(self.session.scalar(select(func.count()).select_from(Introduction).where(*where)) or 0)

    # -- pair rules ---------------------------------------------------------------------------------
    def add_rule(self, a: int, b: int, rule: str, created_by: str, note: str | None = None) -> None:
        """Record (or re-activate) a veto, pin or decline for the pair."""
        low, high = min(a, b), max(a, b)
        stmt = dialect_insert(self.session, IntroPairRule).values(
            person_low=low, person_high=high, rule=rule, created_by=created_by, note=note, active=True)
        self.session.execute(stmt.on_conflict_do_update(
            index_elements=["person_low", "person_high", "rule"], set_={"active": True}))

    def blocked(self, a: int, b: int) -> bool:
        """A decline or a staff veto stands between the two."""
        low, high = min(a, b), max(a, b)
        stmt = select(IntroPairRule.id).where(
            IntroPairRule.person_low == low, IntroPairRule.person_high == high,
            IntroPairRule.rule.in_(["veto", "declined"]), IntroPairRule.active.is_(True))
        return self.session.scalar(stmt.limit(1)) is not None

    def rules(self, rule: str) -> list[tuple[int, int]]:
        stmt = select(IntroPairRule.person_low, IntroPairRule.person_high).where(
            IntroPairRule.rule == rule, IntroPairRule.active.is_(True))
        return [(int(a), int(b)) for a, b in self.session.execute(stmt)]

    # -- preferences --------------------------------------------------------------------------------
    def preference(self, person_id: int, *, create: bool = False) -> IntroPreference | None:
        pref = self.session.scalars(select(IntroPreference).where(IntroPreference.person_id == person_id)).first()
        if pref is None and create:
            self.session.execute(
                dialect_insert(self.session, IntroPreference).values(person_id=person_id, excluded_orgs=[])
                .on_conflict_do_nothing(index_elements=["person_id"]))
            pref = self.session.scalars(select(IntroPreference).where(IntroPreference.person_id == person_id)).one()
        return pref

    def preferences(self, person_ids: Iterable[int]) -> dict[int, IntroPreference]:
        ids = list(person_ids)
        if not ids:
            return {}
        stmt = select(IntroPreference).where(IntroPreference.person_id.in_(ids))
        return {p.person_id: p for p in self.session.scalars(stmt)}

    def all_preferences(self) -> dict[int, IntroPreference]:
        return {p.person_id: p for p in self.session.scalars(select(IntroPreference))}

    # -- suggestions and audit ----------------------------------------------------------------------
    def claim_suggestion(self, suggestion_id: int, state: str, actor: str, now: datetime) -> bool:
        """proposed → ``state`` for exactly one staff member, however many press at once."""
        stmt = (
            update(IntroSuggestion)
            .where(IntroSuggestion.id == suggestion_id, IntroSuggestion.state == "proposed")
            .values(state=state, acted_by=actor, acted_at=now)
            .execution_options(synchronize_session=False)
        )
        won = self.session.execute(stmt).rowcount == 1  # type: ignore[attr-defined]
        if won:
            self.session.expire_all()
        return won

    def log(self, actor: str, action: str, *, introduction_id: int | None = None, suggestion_id: int | None = None,
            **detail: Any) -> None:
        self.session.add(IntroEvent(actor=actor, action=action, introduction_id=introduction_id,
                                    suggestion_id=suggestion_id, detail=detail))
        if action in STAFF_AUDITED:  # staff decisions also go to the cluster-wide audit log
            target = f"sug:{suggestion_id}" if suggestion_id is not None else f"intro:{introduction_id}"
            audit(self.session, actor, f"intro.{action}", target,
                  {"introduction_id": introduction_id, "suggestion_id": suggestion_id})
