"""Chat accounts as plain records, and the repository that reads and writes ``PlatformAccount`` rows.

``Account`` is a detached copy of a row (safe to hand to another thread or an adapter). The repository works
inside its caller's session and never commits: the unit of work (``models.uow``) owns the transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.directory import PlatformAccount

#: Columns a caller may change through ``AccountRepository.update``.
CHANGEABLE = frozenset({"display_name", "timezone", "conversation_ref", "active", "is_staff"})


@dataclass(frozen=True)
class Account:
    """One chat account: who it is, whether we may message it, and how to reach it."""

    id: int
    platform: str
    workspace_id: str
    user_id: str
    active: bool = True
    is_staff: bool = False
    display_name: str | None = None
    timezone: str | None = None
    conversation_ref: dict[str, Any] | None = field(default=None, compare=False)
    person_id: int | None = None

    @property
    def account_id(self) -> int:
        return self.id

    @classmethod
    def of(cls, row: PlatformAccount) -> Account:
        return cls(row.id, row.platform, row.workspace_id, row.user_id, bool(row.active), bool(row.is_staff),
                   row.display_name, row.timezone, dict(row.conversation_ref) if row.conversation_ref else None,
                   row.person_id)


class SqlAccountRepository:
    """``PlatformAccount`` rows in one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _row(self, platform: str, workspace_id: str, user_id: str) -> PlatformAccount | None:
        stmt = select(PlatformAccount).where(PlatformAccount.platform == platform,
                                             PlatformAccount.workspace_id == workspace_id,
                                             PlatformAccount.user_id == user_id)
        return self.session.scalars(stmt).one_or_none()

    def find(self, platform: str, workspace_id: str, user_id: str) -> Account | None:
        row = self._row(platform, workspace_id, user_id)
        return Account.of(row) if row is not None else None

    def get(self, account_id: int) -> Account | None:
        row = self.session.get(PlatformAccount, account_id)
        return Account.of(row) if row is not None else None

    def add(self, platform: str, workspace_id: str, user_id: str) -> Account:
        row = PlatformAccount(platform=platform, workspace_id=workspace_id, user_id=user_id, active=True)
        self.session.add(row)
        self.session.flush()
        return Account.of(row)

    def update(self, account_id: int, changes: Mapping[str, Any]) -> None:
        unknown = set(changes) - CHANGEABLE
        if unknown:
            raise ValueError(f"cannot change account columns {sorted(unknown)}")
        row = self.session.get(PlatformAccount, account_id)
        if row is not None:
            for name, value in changes.items():
                setattr(row, name, value)

    def deactivate_workspace(self, platform: str, workspace_id: str) -> int:
        result = self.session.execute(
            update(PlatformAccount)
            .where(PlatformAccount.platform == platform, PlatformAccount.workspace_id == workspace_id,
                   PlatformAccount.active.is_(True))
            .values(active=False))
        return int(getattr(result, "rowcount", 0) or 0)

    def staff(self, platform: str) -> list[Account]:
        stmt = select(PlatformAccount).where(PlatformAccount.platform == platform,
                                             PlatformAccount.is_staff.is_(True)).order_by(PlatformAccount.id)
        return [Account.of(row) for row in self.session.scalars(stmt)]

    def any_workspace(self, platform: str) -> str | None:
        stmt = select(PlatformAccount.workspace_id).where(PlatformAccount.platform == platform).limit(1)
        found = self.session.scalars(stmt).first()
        return str(found) if found is not None else None
