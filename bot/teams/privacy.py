"""Members' data in Teams: "my data", "forget me" (a card asks first) and "visibility [public|staff|hidden]".

Only in the member's 1:1 chat with the bot: an export shown in a channel would be read by everyone, and a
confirmation card in a channel could be pressed by someone else. The export arrives as a summary card and
the JSON itself in code blocks (Teams bots cannot attach files to a chat without a consent card).
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes
from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState
from microsoft_agents.hosting.core.app._routes import RouteRank

from bot.container import Container
from bot.core.errors import UserFacingError
from bot.core.home import PRIVACY_DOWNLOAD, PRIVACY_FORGET, PRIVACY_VISIBILITY
from bot.core.privacy import texts as t
from bot.core.privacy.service import PrivacyService
from bot.teams import translate
from bot.teams.accounts import PERSONAL
from bot.teams.render import card, card_activity, literal, submit, text_activity

logger = logging.getLogger(__name__)

COMMAND = re.compile(
    r"^\s*(?P<word>my\s*data|download\s+my\s+data|forget\s+me|visibility)(?:\s+(?P<arg>\S+))?\s*$", re.IGNORECASE
)
FORGET_CONFIRM, FORGET_CANCEL = "privacy_forget_confirm", "privacy_forget_cancel"
#: The home card's privacy buttons (``bot.core.home``), as the command words they stand for.
HOME_BUTTONS = {PRIVACY_DOWNLOAD: "my data", PRIVACY_FORGET: "forget me", PRIVACY_VISIBILITY: "visibility"}
PRIVATE_ONLY = "For your privacy, I only handle your data in our 1:1 chat: send me the same message there."
CHUNK = 18_000  # characters of JSON per message (Teams messages stay under ~28 KB)
MAX_CHUNKS = 5


def wanted(context: TurnContext) -> bool:
    """This turn is a privacy command or one of this module's card buttons."""
    activity = context.activity
    if activity.type != ActivityTypes.message:
        return False
    value = translate.submitted_value(activity)
    if value is not None:
        return value.get("action") in (FORGET_CONFIRM, FORGET_CANCEL, *HOME_BUTTONS)
    return bool(activity.text and COMMAND.match(translate.to_incoming(activity).text))


def export_messages(privacy: PrivacyService, data: dict[str, Any]) -> list[Activity]:
    """A summary card (records per kind), then the JSON in ``CHUNK``-sized code blocks."""
    counts = {name: n for name, n in data["counts"].items() if n}
    facts = [{"title": name.replace("_", " "), "value": str(n)} for name, n in counts.items()]
    summary = t.EXPORT_SUMMARY.format(records=sum(counts.values()), tables=len(counts))
    body = [literal(t.EXPORT_READY), literal(summary, isSubtle=True), {"type": "FactSet", "facts": facts}]
    text = privacy.to_json(data).replace("```", "`\u200b``")  # a code fence inside member text stays literal
    chunks = [text[i : i + CHUNK] for i in range(0, len(text), CHUNK)]
    if len(chunks) > MAX_CHUNKS:
        return [text_activity(t.EXPORT_TOO_BIG.format(member=data["subject"]["requested"]))]
    out = [card_activity(card(body, fallback_text=t.EXPORT_READY), summary=t.EXPORT_READY)]
    for chunk in chunks:
        message = text_activity(f"```json\n{chunk}\n```")
        message.text_format = "markdown"
        out.append(message)
    return out


def forget_card(text: str) -> dict[str, Any]:
    return card([literal(t.FORGET_CONFIRM_TITLE, weight="bolder"), literal(text)], fallback_text=text, actions=[
        submit(t.FORGET_BUTTON, {"action": FORGET_CONFIRM}, style="destructive"),
        submit(t.FORGET_CANCEL, {"action": FORGET_CANCEL}),
    ])


def register(agent: AgentApplication[TurnState], container: Container) -> None:
    """Add the privacy route ahead of the general message route."""

    async def on_privacy(context: TurnContext, state: TurnState) -> None:
        data = translate.activity_dict(context.activity)
        if translate.conversation_type_of(data) != PERSONAL:
            await context.send_activity(text_activity(PRIVATE_ONLY))
            return
        tenant, user = translate.tenant_of(data), translate.user_id_of(data)
        privacy = container.privacy
        value = translate.submitted_value(context.activity)
        if value is not None and value.get("action") in HOME_BUTTONS:
            word, arg = HOME_BUTTONS[value["action"]], str(value.get("value") or "")
        elif value is not None:
            if value.get("action") == FORGET_CONFIRM:
                text = await asyncio.to_thread(privacy.forget_for, translate.PLATFORM, tenant, user)
            else:
                text = t.FORGET_CANCELLED
            await context.send_activity(text_activity(text))
            return
        else:
            match = COMMAND.match(translate.to_incoming(context.activity).text)
            assert match is not None  # the selector matched it
            word, arg = match.group("word").lower(), match.group("arg") or ""
        if word.startswith("forget"):
            text, records = await asyncio.to_thread(privacy.forget_prompt_for, translate.PLATFORM, tenant, user)
            await context.send_activity(card_activity(forget_card(text), summary=text) if records
                                        else text_activity(text))
        elif word == "visibility":
            try:
                text = await asyncio.to_thread(privacy.visibility_command_for, translate.PLATFORM, tenant, user, arg)
            except UserFacingError as exc:
                text = exc.message
            await context.send_activity(text_activity(text))
        else:
            export = await asyncio.to_thread(privacy.export_for, translate.PLATFORM, tenant, user)
            if privacy.record_count(export) == 0:
                await context.send_activity(text_activity(t.EXPORT_NOTHING))
                return
            for message in export_messages(privacy, export):
                await context.send_activity(message)

    agent.add_route(wanted, on_privacy, rank=RouteRank.FIRST)
