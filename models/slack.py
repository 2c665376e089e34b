"""Slack plumbing tables: delivered event ids (for de-duplication) and the OAuth installation/state stores.

The installation and state tables are declared with slack_sdk's own builders on our metadata, so Alembic
creates them in our migration (never ``create_tables()``) and slack_sdk's SQLAlchemy stores find the exact
columns they expect.
"""

from __future__ import annotations

from datetime import datetime

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, String, Table
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow

INSTALLATIONS_TABLE = SQLAlchemyInstallationStore.default_installations_table_name
BOTS_TABLE = SQLAlchemyInstallationStore.default_bots_table_name
OAUTH_STATES_TABLE = SQLAlchemyOAuthStateStore.default_table_name


class ProcessedEvent(Base):
    """One row per Events API ``event_id`` received: a retry of an event already here is not run twice."""

    __tablename__ = "slack_processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str | None] = mapped_column(String(32))
    event_type: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


slack_installations: Table = SQLAlchemyInstallationStore.build_installations_table(Base.metadata, INSTALLATIONS_TABLE)
slack_bots: Table = SQLAlchemyInstallationStore.build_bots_table(Base.metadata, BOTS_TABLE)
slack_oauth_states: Table = SQLAlchemyOAuthStateStore.build_oauth_states_table(Base.metadata, OAUTH_STATES_TABLE)


def installation_store(engine: Engine, client_id: str) -> SQLAlchemyInstallationStore:
    """The one factory of slack_sdk's installation store on our tables (OAuth app, digests, introductions)."""
    return SQLAlchemyInstallationStore(client_id=client_id, engine=engine, bots_table_name=BOTS_TABLE,
                                       installations_table_name=INSTALLATIONS_TABLE)


def oauth_state_store(engine: Engine, expiration_seconds: int) -> SQLAlchemyOAuthStateStore:
    """slack_sdk's OAuth state store on our table (the ``state`` of an install link, valid for a few minutes)."""
    return SQLAlchemyOAuthStateStore(expiration_seconds=expiration_seconds, engine=engine,
                                     table_name=OAUTH_STATES_TABLE)
