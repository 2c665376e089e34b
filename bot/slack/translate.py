"""Slack payloads in, platform-neutral core messages out. Pure functions over dicts: no I/O.

Text from Slack arrives escaped (``&amp;``, ``&lt;``, ``&gt;``) and holds entities (``<@U1>``, ``<#C1|x>``,
``<https://a|b>``, ``<!here>``). It is turned into plain text exactly once here, for matching and storage;
the renderer escapes exactly once on the way out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from bot.core.messages import ActionRequest, IncomingMessage

PLATFORM = "slack"

_ENTITY = re.compile(r"<([^<>]*)>")
_LEADING_MENTION = re.compile(r"^\s*<@[A-Z0-9]+(?:\|[^>]*)?>[\s,:]*")

#: Message subtypes that are a person writing; every other subtype (edits, joins, bots) is ignored.
USER_SUBTYPES = frozenset({"", "file_share", "thread_broadcast"})


def unescape(text: str) -> str:
    """Slack's three escapes undone (``&amp;`` last, so ``&amp;lt;`` stays ``&lt;``)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _entity_text(inner: str) -> str:
    target, _, label = inner.partition("|")
    if target.startswith("@"):  # user: <@U1> or <@U1|name>
        return "@" + (label or target[1:])
    if target.startswith("#"):  # channel: <#C1|general>
        return "#" + (label or target[1:])
    if target.startswith("!"):  # <!here>, <!channel>, <!subteam^S1|@team>, <!date^...|fallback>
        if label:
            return label if label.startswith("@") or not target.startswith("!subteam") else "@" + label
        return "@" + target[1:].split("^", 1)[0]
    return label or target  # links: <https://x|label>, <mailto:a@b|a@b>


def plain_text(text: str, *, bot_user_id: str | None = None, strip_leading_mention: bool = False) -> str:
    """Slack message text -> plain text: the bot's mention removed, entities resolved, unescaped once."""
    if bot_user_id and f"<@{bot_user_id}" in text:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>[\s,:]*", " ", text)
    elif strip_leading_mention:  # an app_mention starts with the mention that woke the bot
        text = _LEADING_MENTION.sub("", text, count=1)
    text = _ENTITY.sub(lambda m: _entity_text(m.group(1)), text)
    return " ".join(unescape(text).split())


def is_person_message(event: Mapping[str, Any]) -> bool:
    """A message event a member wrote (not a bot, an edit, a join, or our own post)."""
    if event.get("bot_id") or event.get("bot_profile") or event.get("app_id"):
        return False
    if (event.get("subtype") or "") not in USER_SUBTYPES:
        return False
    return bool(event.get("user")) and isinstance(event.get("text"), str)


def team_of(body: Mapping[str, Any]) -> str:
    """The workspace id of any payload shape (events, interactivity, slash commands)."""
    team = body.get("team")
    user = body.get("user")
    event = body.get("event")
    candidates = (
        team.get("id") if isinstance(team, Mapping) else team,
        body.get("team_id"),
        user.get("team_id") if isinstance(user, Mapping) else None,
        event.get("team") if isinstance(event, Mapping) else None,
    )
    return next((str(c) for c in candidates if c), "")


def bot_user_id_of(body: Mapping[str, Any]) -> str | None:
    """The bot's own user id as Slack reports it in the event's ``authorizations`` (no API call)."""
    for auth in body.get("authorizations") or []:
        if isinstance(auth, Mapping) and auth.get("is_bot") and auth.get("user_id"):
            return str(auth["user_id"])
    return None


def incoming_from_event(body: Mapping[str, Any], *, bot_user_id: str | None = None) -> IncomingMessage:
    """An ``app_mention`` or direct ``message`` event -> question. Replies go in the event's thread."""
    event = body["event"]
    bot_user_id = bot_user_id or bot_user_id_of(body)
    return IncomingMessage(
        platform=PLATFORM,
        workspace_id=str(event.get("team") or team_of(body)),
        user_id=str(event["user"]),
        conversation_id=str(event["channel"]),
        text=plain_text(event.get("text") or "", bot_user_id=bot_user_id,
                        strip_leading_mention=event.get("type") == "app_mention"),
        thread_id=str(event.get("thread_ts") or event.get("ts") or "") or None,
    )


def incoming_from_command(command: Mapping[str, Any], text: str | None = None) -> IncomingMessage:
    """A slash command form -> question (``text`` overrides the command text, e.g. after a sub-command)."""
    return IncomingMessage(
        platform=PLATFORM,
        workspace_id=str(command.get("team_id") or ""),
        user_id=str(command["user_id"]),
        conversation_id=str(command.get("channel_id") or ""),
        text=plain_text(command.get("text") or "") if text is None else plain_text(text),
        user_name=command.get("user_name"),
    )


def incoming_from_message_shortcut(body: Mapping[str, Any]) -> IncomingMessage:
    """The "Find matches for this message" shortcut: the shortcut's message becomes the question."""
    message = body.get("message") or {}
    return IncomingMessage(
        platform=PLATFORM,
        workspace_id=team_of(body),
        user_id=str(body["user"]["id"]),
        conversation_id=str((body.get("channel") or {}).get("id") or ""),
        text=plain_text(message.get("text") or "", strip_leading_mention=False),
        thread_id=message.get("thread_ts") or message.get("ts"),
        user_name=body["user"].get("username") or body["user"].get("name"),
    )


def command_parts(text: str) -> tuple[str, str]:
    """``"profile  x"`` -> ``("profile", "x")``: the first word lower-cased, then the rest."""
    word, _, rest = text.strip().partition(" ")
    return word.lower(), rest.strip()


# -- button values ---------------------------------------------------------------------------------
MAX_VALUE = 2000


def encode_value(ref: str, query_id: str | None) -> str:
    """A button value carrying the suggestion ref and the question id (compact JSON, ≤ 2000 chars)."""
    value = json.dumps({"r": ref, "q": query_id} if query_id else {"r": ref}, separators=(",", ":"))
    if len(value) > MAX_VALUE:
        raise ValueError(f"button value longer than {MAX_VALUE} characters for ref {ref[:50]!r}")
    return value


def decode_value(value: str | None) -> tuple[str, str | None]:
    """Inverse of ``encode_value``; a bare string is taken as a ref. Raises ``ValueError`` when unusable."""
    if not value:
        raise ValueError("button has no value")
    if value.startswith("{"):
        data = json.loads(value)
        ref = data.get("r")
        if not isinstance(ref, str) or not ref:
            raise ValueError("button value has no ref")
        query_id = data.get("q")
        return ref, query_id if isinstance(query_id, str) else None
    return value, None


def action_name(action_id: str) -> str:
    """``"save:3"`` -> ``"save"``: action ids are made unique per message with a position suffix."""
    return action_id.split(":", 1)[0]


def action_request(body: Mapping[str, Any], action: Mapping[str, Any]) -> ActionRequest:
    """A ``block_actions`` click -> ``ActionRequest`` for ``container.act``."""
    ref, query_id = decode_value(action.get("value"))
    channel = body.get("channel") or {}
    container = body.get("container") or {}
    return ActionRequest(
        platform=PLATFORM,
        workspace_id=team_of(body),
        user_id=str(body["user"]["id"]),
        action=action_name(str(action["action_id"])),
        ref=ref,
        query_id=query_id,
        conversation_id=channel.get("id") or container.get("channel_id"),
    )


# -- payload checks (before any listener runs) ----------------------------------------------------
def payload_problem(body: Any) -> str | None:
    """Why a signed payload cannot be handled (missing fields, wrong shapes), or ``None`` if it can."""
    if not isinstance(body, Mapping) or not body:
        return "empty or non-object payload"
    kind = body.get("type")
    if kind == "url_verification":
        return None if isinstance(body.get("challenge"), str) else "url_verification without challenge"
    if kind == "event_callback":
        event = body.get("event")
        if not isinstance(event, Mapping) or not isinstance(event.get("type"), str):
            return "event_callback without an event type"
        if not isinstance(body.get("event_id"), str) or not body["event_id"]:
            return "event_callback without event_id"
        return None
    if "command" in body:
        missing = [k for k in ("command", "user_id", "team_id") if not body.get(k)]
        return f"slash command missing {', '.join(missing)}" if missing else None
    if kind in ("block_actions", "view_submission", "view_closed", "shortcut", "message_action"):
        user = body.get("user")
        if not isinstance(user, Mapping) or not user.get("id"):
            return f"{kind} without user.id"
        if kind == "block_actions" and not (isinstance(body.get("actions"), list) and body["actions"]):
            return "block_actions without actions"
        if kind.startswith("view_") and not isinstance(body.get("view"), Mapping):
            return f"{kind} without view"
        return None
    if kind in ("app_rate_limited", "ssl_check") or body.get("ssl_check"):
        return None
    return None if kind else "payload without type"
