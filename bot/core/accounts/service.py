"""Chat accounts as the adapters need them: remember who wrote, reach them later, retire them when they leave.

Adapters never run SQL: the Slack uninstall listener, the Teams conversation references, the staff flag
and the staff workspace all come through ``AccountService``. It works on a unit of work (``models.uow`` in
production, an in-memory fake in unit tests); each method is one short transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol

from models.accounts import Account

__all__ = ["Account", "AccountRepository", "AccountService", "ReferenceMerge", "UnitOfWork", "UnitOfWorkFactory"]

logger = logging.getLogger(__name__)

#: Given the stored conversation reference (None the first time), the one to store now (None: keep it).
ReferenceMerge = Callable[[dict[str, Any] | None], dict[str, Any] | None]


class AccountRepository(Protocol):
    def find(self, platform: str, workspace_id: str, user_id: str) -> Account | None: ...

    def get(self, account_id: int) -> Account | None: ...

    def add(self, platform: str, workspace_id: str, user_id: str) -> Account: ...

    def update(self, account_id: int, changes: Mapping[str, Any]) -> None: ...

    def deactivate_workspace(self, platform: str, workspace_id: str) -> int: ...

    def staff(self, platform: str) -> list[Account]: ...

    def any_workspace(self, platform: str) -> str | None: ...


class UnitOfWork(Protocol):
    @property
    def accounts(self) -> AccountRepository: ...

    def commit(self) -> None: ...


UnitOfWorkFactory = Callable[[], AbstractContextManager[UnitOfWork]]


class AccountService:
    """Reads and writes chat accounts for the adapters (``container.accounts``)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    def get(self, platform: str, workspace_id: str, user_id: str) -> Account | None:
        with self._uow() as work:
            return work.accounts.find(platform, workspace_id, user_id)

    def by_id(self, account_id: int) -> Account | None:
        with self._uow() as work:
            return work.accounts.get(account_id)

    def remember(self, platform: str, workspace_id: str, user_id: str, *, merge: ReferenceMerge | None = None,
                 display_name: str | None = None, timezone: str | None = None, reactivate: bool = False) -> Account:
        """Create or refresh an account from an inbound message: its conversation reference (``merge`` decides),
        name and time zone; ``reactivate`` brings back an account the member talks to us from again."""
        with self._uow() as work:
            account = work.accounts.find(platform, workspace_id, user_id)
            if account is None:
                account = work.accounts.add(platform, workspace_id, user_id)
                logger.info("%s account created in workspace %s", platform, workspace_id)
            changes: dict[str, Any] = {}
            reference = merge(account.conversation_ref) if merge is not None else None
            if reference is not None and reference != account.conversation_ref:
                changes["conversation_ref"] = reference
            if display_name and account.display_name != display_name[:200]:
                changes["display_name"] = display_name[:200]
            if timezone and account.timezone != timezone:
                changes["timezone"] = timezone
            if reactivate and not account.active:
                changes["active"] = True
            if changes:
                work.accounts.update(account.id, changes)
            found = work.accounts.get(account.id)
            work.commit()
        assert found is not None
        return found

    def set_reference(self, account_id: int, reference: Mapping[str, Any]) -> None:
        """Replace an account's conversation reference (after opening a 1:1 chat for it)."""
        with self._uow() as work:
            work.accounts.update(account_id, {"conversation_ref": dict(reference)})
            work.commit()

    def deactivate(self, account_id: int, reason: str) -> bool:
        """Stop proactive messages to an account the platform refuses to deliver to; True when it was active."""
        with self._uow() as work:
            account = work.accounts.get(account_id)
            if account is None or not account.active:
                return False
            work.accounts.update(account_id, {"active": False})
            work.commit()
        logger.info("%s account %s marked inactive: %s", account.platform, account_id, reason)
        return True

    def deactivate_user(self, platform: str, workspace_id: str, user_id: str, reason: str) -> bool:
        """Same as ``deactivate`` for a member known by their ids (they uninstalled the app)."""
        account = self.get(platform, workspace_id, user_id)
        return account is not None and self.deactivate(account.id, reason)

    def deactivate_workspace(self, platform: str, workspace_id: str) -> int:
        """The app left a workspace: every account there stops getting messages; returns how many stopped."""
        with self._uow() as work:
            count = work.accounts.deactivate_workspace(platform, workspace_id)
            work.commit()
        return count

    def is_flagged_staff(self, platform: str, workspace_id: str, user_id: str) -> bool:
        """Staff by the directory's account flag (platforms may add their own sources)."""
        account = self.get(platform, workspace_id, user_id)
        return bool(account is not None and account.is_staff)

    def staff(self, platform: str) -> list[Account]:
        """Active staff accounts of a platform (where staff reviews go on platforms without a staff channel)."""
        with self._uow() as work:
            return [a for a in work.accounts.staff(platform) if a.active]

    def staff_workspace(self, platform: str) -> str:
        """The workspace staff work in (several OAuth installs): a staff account's, else any account's."""
        with self._uow() as work:
            staff = work.accounts.staff(platform)
            return staff[0].workspace_id if staff else work.accounts.any_workspace(platform) or ""
