"""Staff's ``why <number or ref>`` typed to the bot in Teams: why a suggestion of their last answer ranked
where it did (the Teams counterpart of Slack's ``/match why``).

Staff are accounts flagged staff in the directory (``container.dashboard.is_staff``); the core builds the text
(``bot.core.ask.why``) and refuses everyone else. Only in the 1:1 chat: the figures are staff's.
"""

from __future__ import annotations

import asyncio
import re

from microsoft_agents.hosting.core import AgentApplication, RouteRank, TurnContext, TurnState

from bot.container import Container
from bot.core.messages import Reply
from bot.teams import translate
from bot.teams.accounts import PERSONAL
from bot.teams.dashboard import PRIVATE_ONLY
from bot.teams.render import to_activity

COMMAND = re.compile(r"^\s*why(?:\s+(.*?))?\s*$", re.IGNORECASE | re.DOTALL)
PLATFORM = "teams"


def run(core: Container, tenant: str, user: str, arg: str) -> Reply:
    """The answer to ``why <arg>``."""
    staff = bool(core.dashboard.is_staff(PLATFORM, tenant, user))
    return core.ask.why(PLATFORM, tenant, user, arg, staff=staff)


def _is_command(context: TurnContext) -> bool:
    activity = context.activity
    if activity.type != "message" or not activity.text or translate.submitted_value(activity) is not None:
        return False
    return bool(COMMAND.match(translate.to_incoming(activity).text))


def register(agent: AgentApplication[TurnState], core: Container) -> None:
    """``why ...`` typed to the bot (ahead of the catch-all question route)."""

    async def on_command(context: TurnContext, state: TurnState) -> None:
        data = translate.activity_dict(context.activity)
        if translate.conversation_type_of(data) != PERSONAL:
            await context.send_activity(to_activity(Reply(text=PRIVATE_ONLY)))
            return
        match = COMMAND.match(translate.to_incoming(context.activity).text)
        assert match is not None
        answer = await asyncio.to_thread(run, core, translate.tenant_of(data), translate.user_id_of(data),
                                         match.group(1) or "")
        await context.send_activity(to_activity(answer))

    agent.add_route(_is_command, on_command, rank=RouteRank.FIRST)
