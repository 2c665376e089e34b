"""The "Is this you?" card on Teams, and its automatic sending after a member's first message.

Teams puts the sender's e-mail or UPN on the activity (``from.email`` / ``from.userPrincipalName``, as the
Agents SDK hands it over; no Graph call). The answer goes out first, then, in the member's 1:1 chat only (the
card names the profile their e-mail matched), the offer with *Yes, that's me* and *Not me*.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from microsoft_agents.hosting.core import TurnContext

from bot.core.errors import UserFacingError
from bot.teams import translate
from bot.teams.accounts import PERSONAL
from bot.teams.render import card, card_activity, literal, submit

logger = logging.getLogger(__name__)

PLATFORM = "teams"
LINK_CONFIRM, LINK_DISMISS = "member_link_confirm", "member_link_dismiss"


def email_of(activity: dict[str, Any]) -> str | None:
    """The sender's e-mail or UPN as Teams gave it (``from.email`` / ``from.userPrincipalName``)."""
    sender = activity.get("from") or {}
    value = sender.get("email") or sender.get("userPrincipalName") or sender.get("upn")
    return str(value) if value and "@" in str(value) else None


def offer_card(text: str) -> dict[str, Any]:
    """The offer as a card (literal text) with the two answers."""
    return card([literal(text)], fallback_text=text, actions=[
        submit("Yes, that's me", {"action": LINK_CONFIRM}, style="positive"),
        submit("Not me", {"action": LINK_DISMISS})])


def on_button(core: Any, activity: dict[str, Any], action: str) -> str:
    """*Yes, that's me* links (the e-mail is read again and re-checked); *Not me* stops the offer for good."""
    tenant, user = translate.tenant_of(activity), translate.user_id_of(activity)
    if action == LINK_DISMISS:
        return str(core.first_contact.dismiss(PLATFORM, tenant, user))
    try:
        name = (activity.get("from") or {}).get("name") or user
        return str(core.members.confirm(PLATFORM, tenant, user, email_of(activity), display_name=name))
    except UserFacingError as exc:
        return exc.message


async def offer_after_answer(context: TurnContext, core: Any) -> bool:
    """After the answer: the first-contact offer, in a 1:1 chat only; best effort (logged, never raised)."""
    data = translate.activity_dict(context.activity)
    if translate.conversation_type_of(data) != PERSONAL:
        return False
    try:
        offer = await asyncio.to_thread(core.first_contact.offer, PLATFORM, translate.tenant_of(data),
                                        translate.user_id_of(data), lambda: email_of(data))
        if offer is None:
            return False
        await context.send_activity(card_activity(offer_card(offer.text), summary=offer.text))
        return True
    except Exception:  # noqa: BLE001 - the member has their answer; the offer can wait for the next message
        logger.exception("first-contact offer on Teams failed")
        return False
