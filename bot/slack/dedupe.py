"""Events API de-duplication: which deliveries of an ``event_callback`` run (the ledger is ``container.events``).

Slack retries an event when it got no 2xx within 3 s; the first copy to claim its ``event_id`` in the ledger
runs, any other copy runs nothing (``bot.core.event_ledger``).
"""

from __future__ import annotations

import logging
from typing import Any

from bot.core.event_ledger import EventLedger

logger = logging.getLogger(__name__)


def claim_event(ledger: EventLedger, body: dict[str, Any], headers: dict[str, Any] | None = None) -> bool:
    """True when this ``event_callback`` delivery should run: its id was not seen before (others: always True)."""
    if body.get("type") != "event_callback" or not body.get("event_id"):
        return True
    event = body.get("event") or {}
    if ledger.first_delivery(str(body["event_id"]), team_id=body.get("team_id"), event_type=event.get("type")):
        return True
    headers = headers or {}
    retry = (headers.get("x-slack-retry-num") or ["-"])[0]
    reason = (headers.get("x-slack-retry-reason") or ["-"])[0]
    logger.info("duplicate delivery of event %s (retry %s, %s): not run", body["event_id"], retry, reason)
    return False
