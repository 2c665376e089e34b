"""Teams routes: translate the activity, call the core in a worker thread, render the reply.

The core is synchronous (database, matching), so every call goes through ``asyncio.to_thread``: the
event loop keeps serving Slack and other Teams requests meanwhile. No ranking or rules live here.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from typing import Any, Protocol

from microsoft_agents.activity import ActivityTypes
from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState

from bot.core import texts
from bot.core.errors import UserFacingError
from bot.core.messages import ActionRequest, IncomingMessage, Reply
from bot.teams import translate
from bot.teams.accounts import PERSONAL, TeamsAccounts
from bot.teams.render import text_activity, to_activity

logger = logging.getLogger(__name__)

APOLOGY = (
    "Sorry, something went wrong on my side and I could not finish that. It has been logged; "
    "please try again in a minute."
)


class CoreServices(Protocol):
    """What the Teams adapter needs from the container."""

    def ask(self, incoming: IncomingMessage) -> Reply: ...

    def act(self, request: ActionRequest) -> Reply: ...


async def _call_core(context: TurnContext, func: Callable[[Any], Reply], argument: Any) -> None:
    """Run one core use case off the event loop and send its reply (or its ``UserFacingError``) as a card."""
    try:
        reply = await asyncio.to_thread(func, argument)
    except UserFacingError as exc:
        reply = Reply(text=exc.message)
    await context.send_activity(to_activity(reply))


def register(agent: AgentApplication[TurnState], core: CoreServices, accounts: TeamsAccounts) -> None:
    """Attach every route and hook to ``agent``."""

    async def remember_sender(context: TurnContext, state: TurnState) -> bool:
        """Before every turn: keep the sender's conversation reference and ``serviceUrl`` current."""
        try:
            await asyncio.to_thread(accounts.remember, translate.activity_dict(context.activity))
        except Exception:  # answering matters more than bookkeeping: log and go on
            logger.exception("could not store the Teams conversation reference")
        return True

    async def on_members_added(context: TurnContext, state: TurnState) -> None:
        """The app was added: greet in a 1:1 chat only (a team channel gets no unsolicited message)."""
        activity = context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        bot_added = any(m.id == bot_id for m in activity.members_added or [])
        if bot_added and translate.conversation_type_of(translate.activity_dict(activity)) == PERSONAL:
            await context.send_activity(to_activity(Reply(text=texts.HELP)))

    async def on_installation_update(context: TurnContext, state: TurnState) -> None:
        data = translate.activity_dict(context.activity)
        removed = str(data.get("action") or "").startswith("remove")
        if removed and translate.conversation_type_of(data) == PERSONAL:
            await asyncio.to_thread(accounts.deactivate_user, data, "app uninstalled")

    async def on_card_submit(context: TurnContext, state: TurnState, value: Any) -> None:
        request = translate.to_action_request(context.activity)
        if request is None:
            await context.send_activity(to_activity(Reply(text=texts.UNKNOWN_ACTION)))
            return
        await _call_core(context, core.act, request)

    async def on_message(context: TurnContext, state: TurnState) -> None:
        if translate.submitted_value(context.activity) is not None and not (context.activity.text or "").strip():
            await on_card_submit(context, state, context.activity.value)
            return
        await _call_core(context, core.ask, translate.to_incoming(context.activity))

    async def on_error(context: TurnContext, error: Exception) -> None:
        logger.exception("Teams turn failed", exc_info=error)
        if context.activity and context.activity.type == ActivityTypes.message:
            await context.send_activity(text_activity(APOLOGY))

    agent.before_turn(remember_sender)
    agent.conversation_update("membersAdded")(on_members_added)
    agent.installation_update()(on_installation_update)
    agent.adaptive_card.action_submit(re.compile(r".+"), submit_filter="action")(on_card_submit)
    agent.message()(on_message)
    agent.error(on_error)
