"""In-memory chat accounts and unit of work, with the shapes of ``models.accounts`` and ``models.uow``.

Writes land in a pending copy and only reach the store on ``commit()``: a use case that raises before
committing leaves the store as it was, as the SQL unit of work does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from types import TracebackType
from typing import Any

from models.accounts import CHANGEABLE, Account


class InMemoryAccounts:
    """``AccountRepository`` over a dict of ``Account`` records."""

    def __init__(self, rows: dict[int, Account]) -> None:
        self.rows = rows

    def find(self, platform: str, workspace_id: str, user_id: str) -> Account | None:
        return next((a for a in self.rows.values()
                     if (a.platform, a.workspace_id, a.user_id) == (platform, workspace_id, user_id)), None)

    def get(self, account_id: int) -> Account | None:
        return self.rows.get(account_id)

    def add(self, platform: str, workspace_id: str, user_id: str) -> Account:
        if self.find(platform, workspace_id, user_id) is not None:
            raise ValueError("duplicate account")  # the unique key of platform_accounts
        account = Account(max(self.rows, default=0) + 1, platform, workspace_id, user_id)
        self.rows[account.id] = account
        return account

    def update(self, account_id: int, changes: Mapping[str, Any]) -> None:
        if set(changes) - CHANGEABLE:
            raise ValueError(f"cannot change account columns {sorted(set(changes) - CHANGEABLE)}")
        if account_id in self.rows:
            self.rows[account_id] = replace(self.rows[account_id], **changes)

    def deactivate_workspace(self, platform: str, workspace_id: str) -> int:
        hit = [a for a in self.rows.values() if (a.platform, a.workspace_id) == (platform, workspace_id) and a.active]
        for a in hit:
            self.rows[a.id] = replace(a, active=False)
        return len(hit)

    def staff(self, platform: str) -> list[Account]:
        return sorted((a for a in self.rows.values() if a.platform == platform and a.is_staff), key=lambda a: a.id)

    def any_workspace(self, platform: str) -> str | None:
        return next((a.workspace_id for a in sorted(self.rows.values(), key=lambda a: a.id)
                     if a.platform == platform), None)


class InMemoryUnitOfWork:
    """A factory and a unit of work in one: ``uow = InMemoryUnitOfWork(); AccountService(uow)``."""

    def __init__(self, accounts: list[Account] | None = None) -> None:
        self.store: dict[int, Account] = {a.id: a for a in accounts or []}
        self.commits = 0
        self.accounts = InMemoryAccounts({})

    def __call__(self) -> InMemoryUnitOfWork:
        return self

    def __enter__(self) -> InMemoryUnitOfWork:
        self.accounts = InMemoryAccounts(dict(self.store))
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.accounts = InMemoryAccounts({})  # uncommitted changes are dropped

    def commit(self) -> None:
        self.store = dict(self.accounts.rows)
        self.commits += 1
