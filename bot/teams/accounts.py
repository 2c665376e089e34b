"""Teams accounts and their conversation references, kept in ``PlatformAccount`` rows.

Proactive messages (digests, introductions) can only reach a member through a conversation reference
Teams gave us earlier, so we keep one per member from the first activity we see (message, install,
``membersAdded``). A 1:1 (``personal``) reference is never replaced by a channel one: digests must not
land in a team channel. The ``serviceUrl`` can move between regions, so every inbound activity refreshes it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.teams.translate import PLATFORM, conversation_type_of, tenant_of, timezone_of, user_id_of
from models.directory import PlatformAccount

logger = logging.getLogger(__name__)

PERSONAL = "personal"
_DROPPED_KEYS = ("activityId", "requestId")  # belong to one message, not to the conversation


def reference_of(activity: Mapping[str, Any]) -> dict[str, Any]:
    """The conversation reference of an inbound activity, as stored JSON (camelCase, no per-message ids).

    Same fields as ``Activity.get_conversation_reference()``; the tenant is copied into ``conversation``
    when Teams only sent it in ``channelData``, since opening a 1:1 chat later needs it.
    """
    conversation = dict(activity.get("conversation") or {})
    tenant = tenant_of(activity)
    if "tenantId" not in conversation and tenant:
        conversation["tenantId"] = tenant
    reference: dict[str, Any] = {
        "user": activity.get("from"),
        "bot": activity.get("recipient"),
        "conversation": conversation,
        "channelId": activity.get("channelId"),
        "locale": activity.get("locale"),
        "serviceUrl": activity.get("serviceUrl"),
    }
    return {k: v for k, v in reference.items() if v is not None and k not in _DROPPED_KEYS}


def is_personal(reference: Mapping[str, Any] | None) -> bool:
    if not reference:
        return False
    return (reference.get("conversation") or {}).get("conversationType", PERSONAL) == PERSONAL


class TeamsAccounts:
    """Reads and writes Teams ``PlatformAccount`` rows; each method is one short transaction."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @staticmethod
    def _find(session: Session, workspace_id: str, user_id: str) -> PlatformAccount | None:
        stmt = select(PlatformAccount).where(
            PlatformAccount.platform == PLATFORM,
            PlatformAccount.workspace_id == workspace_id,
            PlatformAccount.user_id == user_id,
        )
        return session.scalars(stmt).one_or_none()

    def get(self, workspace_id: str, user_id: str) -> PlatformAccount | None:
        with self._sessions() as session:
            return self._find(session, workspace_id, user_id)

    def remember(self, activity: Mapping[str, Any]) -> PlatformAccount | None:
        """Create or refresh the sender's account from an inbound activity (any type).

        Stores the reference the first time, upgrades it to a personal one when the member writes 1:1,
        refreshes ``serviceUrl`` always, and reactivates an account the member talks to us from again.
        """
        user_id = user_id_of(activity)
        sender = activity.get("from") or {}
        if not user_id or sender.get("role") in {"bot", "agent"}:
            return None
        workspace_id = tenant_of(activity)
        incoming = reference_of(activity)
        personal = conversation_type_of(activity) == PERSONAL
        with self._sessions.begin() as session:
            account = self._find(session, workspace_id, user_id)
            if account is None:
                account = PlatformAccount(platform=PLATFORM, workspace_id=workspace_id, user_id=user_id, active=True)
                session.add(account)
                logger.info("teams account created for tenant %s", workspace_id)
            stored = account.conversation_ref
            if stored is None or (personal and not self._same_conversation(stored, incoming)):
                account.conversation_ref = incoming
            elif incoming.get("serviceUrl") and stored.get("serviceUrl") != incoming["serviceUrl"]:
                account.conversation_ref = {**stored, "serviceUrl": incoming["serviceUrl"]}
                logger.info("teams serviceUrl refreshed for an account in tenant %s", workspace_id)
            if sender.get("name") and account.display_name != sender["name"]:
                account.display_name = str(sender["name"])[:200]
            timezone = timezone_of(activity)
            if timezone and account.timezone != timezone:
                account.timezone = timezone
            if personal and not account.active:
                account.active = True
            session.flush()
            session.expunge(account)
            return account

    @staticmethod
    def _same_conversation(stored: Mapping[str, Any], incoming: Mapping[str, Any]) -> bool:
        same_id = (stored.get("conversation") or {}).get("id") == (incoming.get("conversation") or {}).get("id")
        return same_id and stored.get("serviceUrl") == incoming.get("serviceUrl") and is_personal(stored)

    def set_reference(self, account_id: int, reference: Mapping[str, Any]) -> None:
        """Replace an account's reference (after opening a 1:1 chat for it)."""
        with self._sessions.begin() as session:
            account = session.get(PlatformAccount, account_id)
            if account is not None:
                account.conversation_ref = dict(reference)

    def deactivate(self, account_id: int, reason: str) -> None:
        """Stop proactive messages to an account Teams refuses to deliver to (blocked, removed, disabled)."""
        with self._sessions.begin() as session:
            account = session.get(PlatformAccount, account_id)
            if account is not None and account.active:
                account.active = False
                logger.info("teams account %s marked inactive: %s", account_id, reason)

    def deactivate_user(self, activity: Mapping[str, Any], reason: str) -> None:
        """Same as ``deactivate`` for the sender of an activity (the member uninstalled the app)."""
        with self._sessions.begin() as session:
            account = self._find(session, tenant_of(activity), user_id_of(activity))
            if account is not None and account.active:
                account.active = False
                logger.info("teams account %s marked inactive: %s", account.id, reason)
