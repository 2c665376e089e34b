"""The audit log: who did what to whom, for staff actions and privacy requests.

One table, one write function (``audit``). Entries name the actor (``"slack:T1:U9"``, ``"cli:alice"``,
``"system"``), an action (``"intro.approve"``, ``"import.run"``, ``"member.forget"``...), a target (a
directory ref, an ``"intro:<id>"``, a chat account) and a small JSON ``details`` dict. Details hold ids,
counts and choices, never copied profile text: a forget request is logged with record counts only.

Like every repository here, nothing commits: the caller's transaction holds the entry together with the
action it records, so an action that rolls back leaves no entry behind.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, utcnow

MAX_ACTOR = 200
MAX_TARGET = 200
#: Actor used when the member's own identity must not survive (entries rewritten by a forget request).
FORGOTTEN = "forgotten-member"

# -- visibility ------------------------------------------------------------------------------------
#: ``models.directory.VISIBILITIES`` from the most open to the most closed.
PUBLIC, STAFF_ONLY, HIDDEN = "public", "staff", "hidden"
_RANK = {PUBLIC: 0, STAFF_ONLY: 1, HIDDEN: 2}


def strictest(*levels: str | None) -> str:
    """The most closed of ``levels`` (``None`` ignored): a person in a hidden organization is hidden.

    An unknown value counts as hidden, so a typo in an import never publishes anyone.
    """
    ranks = [_RANK.get(level, _RANK[HIDDEN]) for level in levels if level is not None]
    return (PUBLIC, STAFF_ONLY, HIDDEN)[max(ranks, default=0)]


def can_see(level: str, *, staff: bool) -> bool:
    """Whether a viewer sees an item of ``level``: public items everyone, staff-only items staff, hidden nobody."""
    return level == PUBLIC or (staff and level == STAFF_ONLY)


def visible_levels(*, staff: bool) -> tuple[str, ...]:
    """The visibility values a viewer may be shown (for SQL ``IN`` filters)."""
    return (PUBLIC, STAFF_ONLY) if staff else (PUBLIC,)


class AuditEntry(Base):
    """One staff action or privacy request."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(MAX_ACTOR))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(MAX_TARGET), default=None)
    details: Mapped[dict] = mapped_column(default=dict)


Index("ix_audit_log_action_at", AuditEntry.action, AuditEntry.at)
Index("ix_audit_log_target", AuditEntry.target)


def audit(
    session: Session,
    actor: str,
    action: str,
    target: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Record ``actor`` did ``action`` to ``target`` in the caller's transaction (never commits).

    Raises ``ValueError`` on an empty actor or action: an entry nobody can attribute is worthless.
    """
    if not actor or not actor.strip():
        raise ValueError("audit: actor must name who acted (e.g. 'slack:T1:U9', 'cli:alice', 'system')")
    if not action or not action.strip():
        raise ValueError("audit: action must not be empty")
    entry = AuditEntry(
        actor=actor.strip()[:MAX_ACTOR],
        action=action.strip()[:64],
        target=target[:MAX_TARGET] if target else None,
        details=dict(details or {}),
    )
    session.add(entry)
    return entry


def entries(
    session: Session,
    *,
    since: datetime | None = None,
    action: str | None = None,
    target: str | None = None,
    limit: int | None = 200,
) -> list[AuditEntry]:
    """Entries newest first, optionally since a time, of one action (prefix ``"intro."`` works) or target."""
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if since is not None:
        stmt = stmt.where(AuditEntry.at >= since)
    if action:
        stmt = stmt.where(AuditEntry.action.startswith(action) if action.endswith(".") else AuditEntry.action == action)
    if target:
        stmt = stmt.where(AuditEntry.target == target)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))
