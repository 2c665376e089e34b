"""The database behind the use cases: units of work, and the OAuth stores a platform keeps in our tables.

``container.stores`` is the one place that makes slack_sdk's SQLAlchemy installation and state stores, so
the OAuth app, digests and introductions read the same installations, and adapters never hold an engine.
"""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from models import slack
from models.uow import SqlUnitOfWork


class Stores:
    def __init__(self, engine: Engine, sessions: sessionmaker[Session]) -> None:
        self.engine = engine
        self.sessions = sessions
        self._installations: dict[str, SQLAlchemyInstallationStore] = {}

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.sessions)

    def installation_store(self, client_id: str) -> SQLAlchemyInstallationStore:
        """One store per OAuth app, shared by the Bolt app (installs, uninstalls) and the senders (bot tokens)."""
        if client_id not in self._installations:
            self._installations[client_id] = slack.installation_store(self.engine, client_id)
        return self._installations[client_id]

    def oauth_state_store(self, expiration_seconds: int) -> SQLAlchemyOAuthStateStore:
        return slack.oauth_state_store(self.engine, expiration_seconds)
