"""The suggestions board: this week's staff-suggested introductions, with Approve / Skip.

Buttons call ``IntroService.staff.act`` — the same core action as the staff channel's buttons in chat — with
the dashboard user's chat identity as the actor, so approval asks both sides, is recorded with who took it,
and two staff members approving at once (one in chat, one here) still make one introduction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from bot.core.errors import UserFacingError
from bot.core.intros import texts as t
from models.directory import Organization, Person
from models.intros import IntroBatch, IntroSuggestion

WEEK = timedelta(days=7)
ACTIONS = {"approve": t.STAFF_APPROVE, "skip": t.STAFF_SKIP}


@dataclass(frozen=True)
class BoardRow:
    id: int
    a: str
    b: str
    score: float
    why_a: str
    why_b: str
    state: str
    acted_by: str
    pinned: bool
    batch_id: int
    created_at: datetime


def week_suggestions(session: Session, now: datetime) -> list[BoardRow]:
    """Suggestions from batches made in the last seven days, best first."""
    pa, pb = aliased(Person), aliased(Person)
    oa, ob = aliased(Organization), aliased(Organization)
    s = IntroSuggestion
    stmt = (select(s.id, pa.name, oa.name, pb.name, ob.name, s.score, s.why_a, s.why_b, s.state, s.acted_by,
                   s.pinned, s.batch_id, IntroBatch.created_at)
            .join(IntroBatch, IntroBatch.id == s.batch_id)
            .join(pa, pa.id == s.a_person_id).join(pb, pb.id == s.b_person_id)
            .outerjoin(oa, oa.id == pa.organization_id).outerjoin(ob, ob.id == pb.organization_id)
            .where(IntroBatch.created_at >= now - WEEK)
            .order_by(IntroBatch.created_at.desc(), s.score.desc(), s.id))
    out = []
    for sid, a, a_org, b, b_org, score, why_a, why_b, state, acted_by, pinned, batch, created in session.execute(stmt):
        out.append(BoardRow(sid, f"{a} ({a_org})" if a_org else a, f"{b} ({b_org})" if b_org else b, float(score),
                            why_a or "", why_b or "", state, _who(acted_by), bool(pinned), batch, created))
    return out


def _who(actor: str | None) -> str:
    """An actor id as staff read it: "slack:T1:U1" -> "U1 (slack)"."""
    if not actor:
        return ""
    platform, _, rest = actor.partition(":")
    return f"{rest.rpartition(':')[2]} ({platform})" if rest else actor


def act(intros: Any, actor: str, suggestion_id: int, action: str) -> str:
    """Approve or skip one suggestion through the core; returns what happened, as chat would say it."""
    if action not in ACTIONS:
        raise UserFacingError(f"unknown action {action!r}")
    outcome = intros.staff.act(actor, ACTIONS[action], f"sug:{suggestion_id}")
    return str(outcome.text)
