"""A Teams group chat with both people of an introduction and the bot, opened proactively where Teams allows.

The Agents SDK's ``create_conversation`` asks the Bot Connector for a new conversation with several members
(``isGroup``). Teams only creates one when the tenant lets the bot start group chats (the app is installed
for both members and the tenant's policy allows it); otherwise it answers 400/403 and the messenger falls
back to each person's 1:1 chat with the bot, with a line telling them so.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from microsoft_agents.activity import Activity, ChannelAccount, ConversationParameters
from microsoft_agents.hosting.core import AuthenticationConstants, ChannelServiceAdapter, TurnContext

logger = logging.getLogger(__name__)

TOPIC = "Introduction"


def group_parameters(references: Sequence[Mapping[str, Any]], topic: str = TOPIC) -> ConversationParameters | None:
    """The members' group chat as the connector wants it; None when they are not in one tenant and one region."""
    if len(references) < 2 or any(not r.get("serviceUrl") or not r.get("user") for r in references):
        return None
    tenants = {(r.get("conversation") or {}).get("tenantId") for r in references}
    if len(tenants) != 1 or len({r["serviceUrl"] for r in references}) != 1:
        return None
    bot = references[0].get("bot")
    return ConversationParameters.model_validate({
        "isGroup": True, "topicName": topic, "tenantId": tenants.pop(),
        "members": [ChannelAccount.model_validate(r["user"]) for r in references],
        "bot": ChannelAccount.model_validate(bot) if bot else None,
    })


async def open_group_chat(adapter: ChannelServiceAdapter, app_id: str, references: Sequence[Mapping[str, Any]],
                          activity: Activity) -> str | None:
    """Open the group chat and post ``activity`` in it; its conversation id, or None (the caller falls back)."""
    parameters = group_parameters(references)
    if parameters is None:
        return None
    opened: dict[str, Any] = {}

    async def _callback(context: TurnContext) -> None:
        opened["id"] = context.activity.conversation.id
        try:
            await context.send_activity(activity.model_copy(deep=True))
        except Exception as exc:  # re-raised below, outside the adapter's turn
            opened["error"] = exc

    first = references[0]
    try:
        await adapter.create_conversation(app_id, str(first.get("channelId") or "msteams"), str(first["serviceUrl"]),
                                          AuthenticationConstants.AGENTS_SDK_SCOPE, parameters, _callback)
    except Exception as exc:
        logger.info("Teams would not open a group chat for an introduction (%s): sending 1:1 instead",
                    getattr(exc, "status", type(exc).__name__))
        return None
    if "error" in opened or not opened.get("id"):
        logger.info("the introduction's group chat opened but the message failed: sending 1:1 instead")
        return None
    return str(opened["id"])
