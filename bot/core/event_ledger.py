"""De-duplication of platform event deliveries on their id, persisted in the database (shared by workers).

Slack retries an event when it got no 2xx within 3 s, sometimes while the first delivery is still running.
Every delivery is acknowledged at once; the first copy to start work inserts a unique row and runs, any
other copy finds the row and runs nothing. A retry whose first delivery never arrived inserts the row
itself and is answered: retries are never dropped blindly. The insert happens in the worker, not before
the ack, so a busy database (SQLite's single writer during a bulk import) never delays the 200.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from models.base import utcnow
from models.slack import ProcessedEvent

logger = logging.getLogger(__name__)

KEEP_FOR = timedelta(days=1)  # Slack retries within ~5 minutes; a day is ample
PRUNE_EVERY_SECONDS = 600.0


class EventLedger:
    """Records event ids on receipt. ``first_delivery`` is True exactly once per id, across processes."""

    def __init__(self, sessions: sessionmaker[Session], *, keep_for: timedelta = KEEP_FOR) -> None:
        self._sessions = sessions
        self._keep_for = keep_for
        self._last_prune = 0.0
        self._prune_lock = threading.Lock()

    def first_delivery(self, event_id: str, *, team_id: str | None = None, event_type: str | None = None) -> bool:
        """Insert the id; False when it was already there (a duplicate delivery)."""
        try:
            with self._sessions.begin() as session:
                session.add(ProcessedEvent(event_id=event_id[:64], team_id=team_id, event_type=event_type))
        except IntegrityError:
            return False
        self._maybe_prune()
        return True

    def _maybe_prune(self) -> None:
        now = time.monotonic()
        if now - self._last_prune < PRUNE_EVERY_SECONDS or not self._prune_lock.acquire(blocking=False):
            return
        try:
            self._last_prune = now
            with self._sessions.begin() as session:
                session.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < utcnow() - self._keep_for))
        except Exception:  # pruning is housekeeping: never fail a delivery over it
            logger.exception("could not prune processed events")
        finally:
            self._prune_lock.release()
