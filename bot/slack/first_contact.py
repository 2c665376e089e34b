"""The "Is this you?" message on Slack, and its automatic sending after a member's first contact.

The answer to the member's question goes out first; then, on their first DM, mention, ``/match`` or App Home
visit, the offer follows as a DM (never in a channel: it names the profile their verified e-mail matched). The
e-mail comes from ``users.info`` (scope ``users:read.email``) with the app's own client, only when the core
still has something to offer this account.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.models.blocks import ActionsBlock, ButtonElement, MarkdownTextObject, PlainTextObject, SectionBlock

from bot.slack.render import fallback_text, mrkdwn
from bot.slack.translate import PLATFORM

logger = logging.getLogger(__name__)

LINK_CONFIRM, LINK_DISMISS = "member_link_confirm", "member_link_dismiss"


def verified_email(client: WebClient, user_id: str) -> str | None:
    """The member's e-mail as Slack verified it, or ``None`` (no scope, no e-mail, unconfirmed)."""
    try:
        user = client.users_info(user=user_id).get("user") or {}
    except (SlackApiError, SlackRequestError) as exc:
        logger.warning("users.info failed for %s: %s", user_id, exc)
        return None
    if user.get("is_email_confirmed") is False:
        return None
    email = (user.get("profile") or {}).get("email")
    return str(email) if email else None


def link_message(text: str, offered: bool) -> dict[str, Any]:
    """The "Is this you?" DM, with confirm and "not me" buttons when there is exactly one candidate."""
    blocks: list[Any] = [SectionBlock(text=MarkdownTextObject(text=mrkdwn(text)))]
    if offered:
        blocks.append(ActionsBlock(elements=[
            ButtonElement(text=PlainTextObject(text="Yes, that's me"), action_id=LINK_CONFIRM, value="confirm",
                          style="primary"),
            ButtonElement(text=PlainTextObject(text="Not me"), action_id=LINK_DISMISS, value="dismiss"),
        ]))
    return {"text": fallback_text(text), "blocks": [b.to_dict() for b in blocks]}


def offer_after_answer(services: Any, client: WebClient, team_id: str, user_id: str) -> bool:
    """Send the first-contact offer if this account gets one; best effort (the answer is already out)."""
    try:
        offer = services.container.first_contact.offer(PLATFORM, team_id, user_id,
                                                       lambda: verified_email(client, user_id))
        if offer is None:
            return False
        client.chat_postMessage(channel=user_id, **link_message(offer.text, True))
        return True
    except (SlackApiError, SlackRequestError) as exc:
        logger.warning("first-contact offer to %s not sent: %s", user_id, exc)
    except Exception:  # noqa: BLE001 - the member has their answer; the offer can wait for the next contact
        logger.exception("first-contact offer for %s failed", user_id)
    return False
