"""A small unit of work: one transaction, the repositories that work inside it, commit or roll back.

Core use cases open one per call (``with uow() as work: ...; work.commit()``); leaving the block without
``commit()`` rolls everything back, so a failed use case writes nothing. Unit tests pass an in-memory fake
with the same shape (``tests/fakes/accounts.py``).
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from models.accounts import SqlAccountRepository


class SqlUnitOfWork:
    """One session and transaction; ``accounts`` reads and writes chat accounts in it."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._session: Session | None = None
        self._accounts: SqlAccountRepository | None = None

    @property
    def accounts(self) -> SqlAccountRepository:
        assert self._accounts is not None, "use the unit of work in a with block"
        return self._accounts

    def __enter__(self) -> SqlUnitOfWork:
        self._session = self._sessions()
        self._accounts = SqlAccountRepository(self._session)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        assert self._session is not None
        try:
            self._session.rollback()  # whatever was not committed
        finally:
            self._session.close()
            self._session = None
            self._accounts = None

    def commit(self) -> None:
        assert self._session is not None
        self._session.commit()
