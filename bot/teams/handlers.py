"""Teams routes: translate the activity, call the core in a worker thread, render the reply.

The core is synchronous (database, matching), so every call goes through ``asyncio.to_thread``: the
event loop keeps serving Slack and other Teams requests meanwhile. No ranking or rules live here.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes
from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState

from bot.container import Container
from bot.core import texts
from bot.core.errors import UserFacingError
from bot.core.messages import Reply
from bot.teams import intros, members, profile, translate
from bot.teams.accounts import PERSONAL, TeamsAccounts
from bot.teams.first_contact import offer_after_answer
from bot.teams.proactive import TeamsSender
from bot.teams.render import card_activity, text_activity, to_activity

logger = logging.getLogger(__name__)

SENT_PRIVATELY = "I answered you in our 1:1 chat."
#: What Teams members can type besides questions (Slack lists its own under /match and App Home).
COMMANDS = (
    "In our 1:1 chat you can also type: home (your settings and saved matches), profile, "
    "digest [on | off | day <mon..sun> | hour <0-23>], pause [until YYYY-MM-DD], resume, exclude <organization>, "
    "include <organization>, intros, consortium <funding stream or challenge>, my data, forget me, "
    "visibility [public | staff | hidden]. Staff: stats, dashboard, suggest intros."
)
APOLOGY = (
    "Sorry, something went wrong on my side and I could not finish that. It has been logged; "
    "please try again in a minute."
)


async def _call_core(func: Callable[[Any], Reply], argument: Any) -> Reply:
    """Run one core use case off the event loop; its ``UserFacingError`` becomes the reply."""
    try:
        return await asyncio.to_thread(func, argument)
    except UserFacingError as exc:
        return Reply(text=exc.message)


async def _replace_or_send(context: TurnContext, activity: Activity) -> None:
    """Show ``activity`` in place of the card that was submitted (Teams names it in ``replyToId``), else below it."""
    submitted_card = context.activity.reply_to_id
    if submitted_card:
        activity.id = submitted_card
        try:
            await context.update_activity(activity)
            return
        except Exception:  # the card may be too old to edit: answer with a new message instead
            logger.warning("could not update the submitted card; sending a new message", exc_info=True)
        activity.id = None
    await context.send_activity(activity)


def _is_profile_command(context: TurnContext) -> bool:
    activity = context.activity
    if activity.type != ActivityTypes.message or not activity.text:
        return False
    return bool(profile.COMMAND.match(translate.to_incoming(activity).text))


def register(
    agent: AgentApplication[TurnState], core: Container, accounts: TeamsAccounts, sender: TeamsSender
) -> None:
    """Attach every route and hook to ``agent``."""

    async def answer(context: TurnContext, reply: Reply) -> None:
        """Send the reply; one meant for the member only (``ephemeral``) asked in a channel goes to their 1:1 chat.

        Teams has no per-member messages in channels, so a saved list or a "not relevant" confirmation would
        otherwise be shown to everyone. If the 1:1 chat cannot be reached, the answer stays in the thread.
        """
        data = translate.activity_dict(context.activity)
        if reply.ephemeral and translate.conversation_type_of(data) != PERSONAL:
            account = await asyncio.to_thread(accounts.get, translate.tenant_of(data), translate.user_id_of(data))
            if account is not None and (await sender.send_async(account, reply)).ok:
                await context.send_activity(text_activity(SENT_PRIVATELY))
                return
        await context.send_activity(to_activity(reply))

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
            await context.send_activity(to_activity(Reply(text=f"{texts.HELP}\n{COMMANDS}")))

    async def on_installation_update(context: TurnContext, state: TurnState) -> None:
        data = translate.activity_dict(context.activity)
        removed = str(data.get("action") or "").startswith("remove")
        if removed and translate.conversation_type_of(data) == PERSONAL:
            await asyncio.to_thread(accounts.deactivate_user, data, "app uninstalled")

    async def on_profile_command(context: TurnContext, state: TurnState) -> None:
        data = translate.activity_dict(context.activity)
        form = await asyncio.to_thread(
            core.directory.load_profile, translate.PLATFORM, translate.tenant_of(data), translate.user_id_of(data)
        )
        await context.send_activity(card_activity(profile.profile_card(form), summary=profile.TITLE))

    async def on_profile_submit(context: TurnContext, value: dict[str, Any]) -> None:
        data = translate.activity_dict(context.activity)
        tenant, user = translate.tenant_of(data), translate.user_id_of(data)
        current = await asyncio.to_thread(core.directory.load_profile, translate.PLATFORM, tenant, user)
        form = profile.form_from_value(value, current)
        errors = profile.validate(form)
        if errors:
            await _replace_or_send(
                context, card_activity(profile.profile_card(form, errors), summary=profile.FIX_BELOW)
            )
            return
        name = (data.get("from") or {}).get("name")
        await asyncio.to_thread(core.directory.save_profile, translate.PLATFORM, tenant, user, form, display_name=name)
        await _replace_or_send(context, to_activity(Reply(text=profile.SAVED)))

    async def on_card_submit(context: TurnContext, state: TurnState, value: Any) -> None:
        if isinstance(value, dict) and value.get("action") == profile.SAVE_PROFILE:
            await on_profile_submit(context, value)
            return
        request = translate.to_action_request(context.activity)
        if request is None:
            await context.send_activity(to_activity(Reply(text=texts.UNKNOWN_ACTION)))
            return
        await answer(context, await _call_core(core.ask.act, request))

    async def on_message(context: TurnContext, state: TurnState) -> None:
        if translate.submitted_value(context.activity) is not None and not (context.activity.text or "").strip():
            await on_card_submit(context, state, context.activity.value)
            return
        reply = await _call_core(core.ask.ask, translate.to_incoming(context.activity))
        if reply.text == texts.HELP:  # the same help as Slack's, plus the words Teams members type instead
            reply = replace(reply, text=f"{texts.HELP}\n{COMMANDS}")
        await answer(context, reply)
        await offer_after_answer(context, core)  # a first contact: "Is this you?" after the answer

    async def on_error(context: TurnContext, error: Exception) -> None:
        logger.exception("Teams turn failed", exc_info=error)
        if context.activity and context.activity.type == ActivityTypes.message:
            await context.send_activity(text_activity(APOLOGY))

    agent.before_turn(remember_sender)
    agent.conversation_update("membersAdded")(on_members_added)
    agent.installation_update()(on_installation_update)
    agent.adaptive_card.action_submit(re.compile(r".+"), submit_filter="action")(on_card_submit)
    agent.add_route(_is_profile_command, on_profile_command)
    intros.register(agent, core)  # pause, resume, exclude, include, intros, consortium
    members.register(agent, core)  # link, join, need, needs, draft (and the draft card's Save)
    agent.message()(on_message)
    agent.error(on_error)
