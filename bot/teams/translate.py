"""Teams activities in, neutral core messages out: pure functions over the activity JSON.

Teams sends the member's words with ``<at>Name</at>`` tags for mentions (the bot's own and other
people's), and card submits as ``message`` activities whose ``value`` holds the card's data plus its
inputs. Nothing here talks to the network or the database, so tests only need a saved activity.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from microsoft_agents.activity import Activity

from bot.core.messages import ActionRequest, IncomingMessage

PLATFORM = "teams"
UNKNOWN_TENANT = "unknown-tenant"

_AT_TAG = re.compile(r"<at(?:\s[^>]*)?>(.*?)</at>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"</?(?:p|div|span|br|b|i|strong|em)(?:\s[^>]*)?/?>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0]+")


def activity_dict(activity: Activity | Mapping[str, Any]) -> dict[str, Any]:
    """The activity as Teams JSON (camelCase keys), whether we got the SDK model or the raw dict."""
    if isinstance(activity, Activity):
        return activity.model_dump(by_alias=True, exclude_none=True, mode="json")
    return dict(activity)


def tenant_of(activity: Mapping[str, Any]) -> str:
    """The Microsoft 365 tenant: ``conversation.tenantId``, else ``channelData.tenant.id``."""
    conversation = activity.get("conversation") or {}
    channel_data = activity.get("channelData") or {}
    tenant = conversation.get("tenantId") or (channel_data.get("tenant") or {}).get("id")
    return str(tenant) if tenant else UNKNOWN_TENANT


def user_id_of(activity: Mapping[str, Any]) -> str:
    """The member's stable id: the Entra object id when Teams sends it, else the channel account id."""
    sender = activity.get("from") or {}
    return str(sender.get("aadObjectId") or sender.get("id") or "")


def conversation_type_of(activity: Mapping[str, Any]) -> str:
    """``personal``, ``channel`` or ``groupChat`` (``personal`` when Teams leaves it out)."""
    return str((activity.get("conversation") or {}).get("conversationType") or "personal")


def timezone_of(activity: Mapping[str, Any]) -> str | None:
    for entity in activity.get("entities") or ():
        if isinstance(entity, Mapping) and entity.get("type") == "clientInfo" and entity.get("timezone"):
            return str(entity["timezone"])
    return None


def clean_text(text: str, *, bot_name: str | None = None, bot_mentions: tuple[str, ...] = ()) -> str:
    """Plain question text: the bot's ``<at>`` mention removed, other mentions kept as names.

    ``bot_mentions`` are the exact mention texts Teams listed for the bot in ``entities``; when there are
    none (some clients omit them) a tag whose name is the bot's name is dropped. Formatting tags Teams adds
    in channels are removed and HTML entities unescaped once.
    """

    def _mention(match: re.Match[str]) -> str:
        whole, name = match.group(0), html.unescape(match.group(1)).strip()
        if whole in bot_mentions or (bot_name and name.casefold() == bot_name.casefold()):
            return " "
        return name

    text = _AT_TAG.sub(_mention, text or "")
    text = html.unescape(_TAG.sub(" ", text))
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line).strip()


def _bot_mentions(activity: Mapping[str, Any]) -> tuple[str, ...]:
    bot_id = (activity.get("recipient") or {}).get("id")
    found: list[str] = []
    for entity in activity.get("entities") or ():
        if not isinstance(entity, Mapping) or entity.get("type") != "mention":
            continue
        mentioned = entity.get("mentioned") or {}
        if bot_id and mentioned.get("id") == bot_id and entity.get("text"):
            found.append(str(entity["text"]))
    return tuple(found)


def thread_of(activity: Mapping[str, Any]) -> str | None:
    """The channel thread (root message id) a reply belongs to, if any."""
    conversation_id = str((activity.get("conversation") or {}).get("id") or "")
    _, sep, message_id = conversation_id.partition(";messageid=")
    return message_id if sep else None


def to_incoming(activity: Activity | Mapping[str, Any]) -> IncomingMessage:
    """A Teams ``message`` activity as the core's ``IncomingMessage``."""
    data = activity_dict(activity)
    recipient = data.get("recipient") or {}
    sender = data.get("from") or {}
    return IncomingMessage(
        platform=PLATFORM,
        workspace_id=tenant_of(data),
        user_id=user_id_of(data),
        conversation_id=str((data.get("conversation") or {}).get("id") or ""),
        text=clean_text(str(data.get("text") or ""), bot_name=recipient.get("name"), bot_mentions=_bot_mentions(data)),
        thread_id=thread_of(data),
        user_name=sender.get("name") or None,
        timezone=timezone_of(data),
    )


def submitted_value(activity: Activity | Mapping[str, Any]) -> dict[str, Any] | None:
    """The data of an Adaptive Card ``Action.Submit`` (merged with the card's inputs), if this is one."""
    data = activity_dict(activity)
    value = data.get("value")
    if data.get("type") != "message" or not isinstance(value, Mapping):
        return None
    return dict(value)


def to_action_request(activity: Activity | Mapping[str, Any]) -> ActionRequest | None:
    """A suggestion button press (``{"action", "ref", "query_id"}``) as an ``ActionRequest``; else ``None``."""
    data = activity_dict(activity)
    value = submitted_value(data)
    if not value or not isinstance(value.get("action"), str) or not isinstance(value.get("ref"), str):
        return None
    query_id = value.get("query_id")
    raw_note = value.get("note")
    note = raw_note.strip() if isinstance(raw_note, str) else ""
    return ActionRequest(
        platform=PLATFORM,
        workspace_id=tenant_of(data),
        user_id=user_id_of(data),
        action=value["action"],
        ref=value["ref"],
        query_id=str(query_id) if query_id else None,
        conversation_id=str((data.get("conversation") or {}).get("id") or "") or None,
        note=note or None,
    )
