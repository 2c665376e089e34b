"""Introductions on Teams: Adaptive Card 1.5 rendering, proactive delivery, and the typed commands.

Member and directory text goes into ``RichTextBlock``/``TextRun`` (never parsed as Markdown). Buttons are
``Action.Submit`` with ``{"action", "ref"}``: Teams posts them back as a message whose ``value`` the existing
card-submit route turns into an ``ActionRequest`` for ``container.ask.act``, which hands introduction actions to
the introductions service. An accepted introduction opens a group chat with both people and the bot where
Teams allows it (``bot.teams.group_chat``), else it reaches both in their 1:1 chats with the bot.
``pause``, ``resume``, ``exclude``, ``include``, ``intros`` and ``consortium`` typed to the bot work as the
``/match`` ones do on Slack.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core import AgentApplication, ChannelServiceAdapter, RouteRank, TurnContext, TurnState

from bot.config import Settings
from bot.container import Container
from bot.core.errors import UserFacingError
from bot.core.intros import texts as t
from bot.core.intros.consortium import propose
from bot.core.intros.delivery import Address
from bot.core.intros.messages import IntroMessage
from bot.core.intros.prefs import COMMANDS
from bot.core.messages import IncomingMessage, Reply
from bot.teams import translate
from bot.teams.group_chat import open_group_chat
from bot.teams.proactive import TeamsSender
from bot.teams.render import card, card_activity, literal, submit, to_activity, typed_words

logger = logging.getLogger(__name__)

STYLES = {"primary": "positive", "danger": "destructive"}
COMMAND = re.compile(rf"^\s*({'|'.join((*COMMANDS, 'consortium'))})\b(.*)$", re.IGNORECASE | re.DOTALL)
MAX_FACT = 700


def _fact(label: str, value: str) -> dict[str, Any]:
    return {"type": "RichTextBlock", "spacing": "small", "inlines": [
        {"type": "TextRun", "text": f"{label[:80]}: ", "weight": "bolder"},
        {"type": "TextRun", "text": value if len(value) <= MAX_FACT else value[: MAX_FACT - 1] + "…"},
    ]}


def intro_card(message: IntroMessage) -> dict[str, Any]:
    """One introduction message as an Adaptive Card 1.5."""
    body: list[dict[str, Any]] = [literal(message.headline, weight="bolder", size="medium")]
    if message.lead:
        body.append(literal(typed_words(message.lead), spacing="small"))
    for block in message.blocks:
        if block.heading:
            body.append(literal(block.heading, weight="bolder", spacing="medium"))
        body += [_fact(label, value) for label, value in block.facts]
    for extra in (message.footer, message.status):
        if extra:
            body.append(literal(typed_words(extra), isSubtle=True, spacing="medium"))
    actions = [submit(t.ACTION_LABELS[a], {"action": a, "ref": message.ref},
                      style=STYLES.get(t.ACTION_STYLES.get(a, "")))
               for a in (() if message.status else message.actions)]
    return card(body, fallback_text=message.to_text(), actions=actions or None)


def intro_activity(message: IntroMessage) -> Activity:
    return card_activity(intro_card(message), summary=message.to_text())


class TeamsIntroMessenger:
    """Proactive introduction messages through ``TeamsSender`` (retries, pacing, inactive accounts)."""

    def __init__(self, sender: TeamsSender, adapter: ChannelServiceAdapter | None = None,
                 settings: Settings | None = None) -> None:
        self.sender = sender
        self.adapter = adapter  # None: no group chats, 1:1 only
        self.app_id = settings.teams_app_id if settings is not None else ""

    def send(self, to: Address, message: IntroMessage) -> bool:
        result = self.sender.send(to, intro_activity(message))
        if not result.ok:
            logger.warning("introduction card to account %s not sent: %s %s", to.account_id, result.status,
                           result.error)
        return bool(result.ok)

    def connect(self, people: Sequence[Address], message: IntroMessage) -> str | None:
        """A group chat with everyone and the bot when Teams opens one, else the introduction in each 1:1 chat."""
        references = [p.conversation_ref for p in people]
        if self.adapter is not None and all(references) and all(p.active for p in people):
            opened = asyncio.run(open_group_chat(self.adapter, self.app_id, [r for r in references if r],
                                                 intro_activity(message)))
            if opened:
                return f"teams:group:{opened}"[:200]
        fallback = replace(message, footer="\n".join(x for x in (message.footer, t.TEAMS_NO_GROUP) if x))
        sent = [self.send(p, fallback) for p in people]
        return "teams:1:1" if sent and all(sent) else None


def _is_command(context: TurnContext) -> bool:
    activity = context.activity
    if activity.type != "message" or not activity.text or translate.submitted_value(activity) is not None:
        return False
    return bool(COMMAND.match(translate.to_incoming(activity).text))


def register(agent: AgentApplication[TurnState], core: Container) -> None:
    """The typed introduction commands (added before the catch-all question route)."""

    def run(incoming: IncomingMessage, word: str, args: str) -> Reply:
        intros = core.intros
        try:
            if word == "consortium":
                return propose(intros.catalog, intros.sessions, incoming, args)
            text = intros.prefs.command("teams", incoming.workspace_id, incoming.user_id, word, args)
        except UserFacingError as exc:
            text = exc.message
        return Reply(text=text, ephemeral=True)

    async def on_command(context: TurnContext, state: TurnState) -> None:
        incoming = translate.to_incoming(context.activity)
        match = COMMAND.match(incoming.text)
        assert match is not None
        reply = await asyncio.to_thread(run, incoming, match.group(1).lower(), match.group(2).strip())
        await context.send_activity(to_activity(reply))

    agent.add_route(_is_command, on_command, rank=RouteRank.FIRST)  # ahead of the catch-all, whatever the order
