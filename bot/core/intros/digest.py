"""What introductions give digests, App Home and the ranking: requests waiting for a member, the week's
figures, members to deprioritise.

``pending_for`` and ``weekly_summary`` implement ``bot.core.digest.types.IntroductionsDigestSource``: member
digests lead with introductions waiting for an answer (with the Accept / Decline / Not now buttons), and
the staff digest counts the week's introductions and lists the requests nobody answered yet. ``demote``
moves members who left ``GHOSTING_THRESHOLD`` requests unanswered down an answer's candidates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.core.intros import texts as t
from bot.core.intros.base import IntroCore
from bot.core.intros.store import IntroRepository, aware
from bot.core.messages import Suggestion
from models.directory import Organization, Person, PlatformAccount
from models.intros import (
    ACCEPTED,
    AWAITING_STAFF,
    DECLINED,
    EXPIRED,
    OPEN_STATES,
    PENDING,
    Introduction,
    IntroOutcome,
    IntroPreference,
)

MAX_UNANSWERED = 30


def _name(session: Session, person_id: int) -> str:
    person = session.get(Person, person_id)
    return person.name if person is not None else f"person {person_id}"


class DigestHooks:
    """Mixed into ``IntroService``; reads only, in the caller's session."""

    def demote(self: IntroCore, suggestions: Sequence[Suggestion]) -> list[Suggestion]:  # type: ignore[misc]
        """The same suggestions, those of deprioritised members (and their organizations) last, their score
        scaled as in staff suggestions (answers sort by score within a kind)."""
        from bot.core.intros.jobs import GHOSTING_PENALTY, GHOSTING_THRESHOLD

        with self.sessions() as s:
            rows = s.execute(
                select(Person.external_id, Organization.external_id)
                .join(IntroPreference, IntroPreference.person_id == Person.id)
                .outerjoin(Organization, Person.organization_id == Organization.id)
                .where(IntroPreference.expired_count >= GHOSTING_THRESHOLD)).all()
        if not rows:
            return list(suggestions)
        refs = {f"person:{p}" for p, _ in rows} | {f"org:{o}" for _, o in rows if o}
        late = [replace(x, score=round(x.score * GHOSTING_PENALTY, 4)) for x in suggestions if x.ref in refs]
        return [x for x in suggestions if x.ref not in refs] + late

    def pending_for(self: IntroCore, session: Session, account: PlatformAccount,  # type: ignore[misc]
                    now: datetime) -> Sequence[Suggestion]:
        """Introductions waiting for this account's answer, as suggestions with the answer buttons."""
        stmt = select(Introduction).where(
            Introduction.state == PENDING,
            or_((Introduction.a_account_id == account.id) & Introduction.a_answer.is_(None),
                (Introduction.b_account_id == account.id) & Introduction.b_answer.is_(None)),
        ).order_by(Introduction.created_at)
        out = []
        for intro in session.scalars(stmt):
            side = "a" if intro.a_account_id == account.id else "b"
            a, b, _, _ = self.sides(session, intro)
            message = self.ask_message(session, intro, side, a, b)
            why = next((v for block in message.blocks for label, v in block.facts if label == t.FACT_WHY), "")
            out.append(Suggestion(ref=message.ref, kind="introduction", title=message.headline,
                                  subtitle=t.ASK_DEADLINE.format(date=f"{aware(intro.expires_at):%Y-%m-%d}"),
                                  reason=why, actions=t.MEMBER_ACTIONS))
        return out

    def weekly_summary(self: IntroCore, session: Session, since: datetime,  # type: ignore[misc]
                       until: datetime) -> Mapping[str, Any]:
        """The week's counts and every introduction still waiting for someone."""
        repo = IntroRepository(session)

        def between(column: Any) -> Any:
            return (column >= since) & (column < until)

        met = session.scalar(
            select(func.count(func.distinct(IntroOutcome.introduction_id))).where(
                IntroOutcome.met.is_(True), between(IntroOutcome.answered_at))) or 0
        waiting = session.scalars(
            select(Introduction).where(Introduction.state.in_(OPEN_STATES)).order_by(Introduction.created_at)
            .limit(MAX_UNANSWERED)).all()
        unanswered = []
        for intro in waiting:
            a, b = _name(session, intro.a_person_id), _name(session, intro.b_person_id)
            who = "staff approval" if intro.state == AWAITING_STAFF else " and ".join(
                n for n, ans in ((a, intro.a_answer), (b, intro.b_answer)) if ans is None)
            unanswered.append(Suggestion(
                ref=f"intro:{intro.id}", kind="introduction", title=f"{a} → {b}",
                subtitle=f"asked {aware(intro.created_at):%Y-%m-%d}, open until {aware(intro.expires_at):%Y-%m-%d}",
                reason=f"Waiting for {who}.", actions=()))
        return {
            "requested": repo.count(between(Introduction.created_at)),
            "accepted": repo.count(Introduction.state == ACCEPTED, between(Introduction.accepted_at)),
            "declined": repo.count(Introduction.state == DECLINED, between(Introduction.closed_at)),
            "expired": repo.count(Introduction.state == EXPIRED, between(Introduction.closed_at)),
            "met": int(met),
            "unanswered": unanswered,
        }
