"""Teams accounts and their conversation references, kept through the core's ``AccountService``.

Proactive messages (digests, introductions) can only reach a member through a conversation reference
Teams gave us earlier, so we keep one per member from the first activity we see (message, install,
``membersAdded``). A 1:1 (``personal``) reference is never replaced by a channel one: digests must not
land in a team channel. The ``serviceUrl`` can move between regions, so every inbound activity refreshes it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from bot.core.accounts.service import Account, AccountService
from bot.teams.translate import PLATFORM, conversation_type_of, tenant_of, timezone_of, user_id_of

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


def merged_reference(stored: Mapping[str, Any] | None, incoming: dict[str, Any], personal: bool
                     ) -> dict[str, Any] | None:
    """The reference to keep after an inbound activity (None: keep the stored one).

    The first one is stored; a 1:1 one replaces a channel one (or a 1:1 one that moved); otherwise only a
    moved ``serviceUrl`` is refreshed.
    """
    if stored is None or (personal and not _same_conversation(stored, incoming)):
        return incoming
    if incoming.get("serviceUrl") and stored.get("serviceUrl") != incoming["serviceUrl"]:
        logger.info("teams serviceUrl refreshed")
        return {**stored, "serviceUrl": incoming["serviceUrl"]}
    return None


def _same_conversation(stored: Mapping[str, Any], incoming: Mapping[str, Any]) -> bool:
    same_id = (stored.get("conversation") or {}).get("id") == (incoming.get("conversation") or {}).get("id")
    return same_id and stored.get("serviceUrl") == incoming.get("serviceUrl") and is_personal(stored)


class TeamsAccounts:
    """Teams accounts through the core's ``AccountService``; each method is one short transaction."""

    def __init__(self, accounts: AccountService) -> None:
        self._accounts = accounts

    def get(self, workspace_id: str, user_id: str) -> Account | None:
        return self._accounts.get(PLATFORM, workspace_id, user_id)

    def remember(self, activity: Mapping[str, Any]) -> Account | None:
        """Create or refresh the sender's account from an inbound activity (any type).

        Stores the reference the first time, upgrades it to a personal one when the member writes 1:1,
        refreshes ``serviceUrl`` always, and reactivates an account the member talks to us from again.
        """
        user_id = user_id_of(activity)
        sender = activity.get("from") or {}
        if not user_id or sender.get("role") in {"bot", "agent"}:
            return None
        incoming = reference_of(activity)
        personal = conversation_type_of(activity) == PERSONAL
        return self._accounts.remember(
            PLATFORM, tenant_of(activity), user_id, merge=lambda stored: merged_reference(stored, incoming, personal),
            display_name=str(sender["name"]) if sender.get("name") else None, timezone=timezone_of(activity),
            reactivate=personal)

    def set_reference(self, account_id: int, reference: Mapping[str, Any]) -> None:
        """Replace an account's reference (after opening a 1:1 chat for it)."""
        self._accounts.set_reference(account_id, reference)

    def deactivate(self, account_id: int, reason: str) -> None:
        """Stop proactive messages to an account Teams refuses to deliver to (blocked, removed, disabled)."""
        self._accounts.deactivate(account_id, reason)

    def deactivate_user(self, activity: Mapping[str, Any], reason: str) -> None:
        """Same as ``deactivate`` for the sender of an activity (the member uninstalled the app)."""
        self._accounts.deactivate_user(PLATFORM, tenant_of(activity), user_id_of(activity), reason)
