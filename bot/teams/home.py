"""A member's home on Teams: ``home`` (or ``settings``) typed to the bot shows the same sections as Slack's App
Home (``container.home``) as one Adaptive Card, and ``digest [on|off|day <mon..sun>|hour <0-23>]`` works as
``/match digest`` does.

Teams has no home tab a bot can publish to, so the home is a card in the member's 1:1 chat. Its buttons
post ``{"action", "value"}``: the digest and pause / resume buttons run ``MemberHome.press`` and the card is
redrawn in place; "Edit my profile" sends the profile card; the privacy buttons run the privacy flow
(``bot.teams.privacy``). Suggestions in the sections keep their own buttons (Introduce me, More like this).
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes
from microsoft_agents.hosting.core import AgentApplication, RouteRank, TurnContext, TurnState

from bot.container import Container
from bot.core import home as core_home
from bot.core import home_texts as ht
from bot.core.errors import UserFacingError
from bot.core.home import HomeRequest, HomeSection, collect_sections
from bot.teams import profile, translate
from bot.teams.accounts import PERSONAL
from bot.teams.intros import STYLES
from bot.teams.render import card, card_activity, heading, literal, submit, suggestion_item, text_activity

logger = logging.getLogger(__name__)

COMMAND = re.compile(r"^\s*(home|settings)\s*$", re.IGNORECASE)
DIGEST = re.compile(r"^\s*digest\b(.*)$", re.IGNORECASE | re.DOTALL)
PRIVATE_ONLY = "Your home and settings only go to our 1:1 chat: send me the same message there."
TITLE = "Your clustermatch home"
#: Buttons ``MemberHome.press`` runs (digest schedule, pause / resume introductions).
PRESSED = (*core_home.DIGEST_BUTTONS, core_home.INTRO_PAUSE, core_home.INTRO_RESUME)
HOME_ACTIONS = (*PRESSED, core_home.OPEN_PROFILE)


def section_items(section: HomeSection) -> list[dict[str, Any]]:
    """One section: its heading, text (literal: it holds member text), suggestions and buttons."""
    items: list[dict[str, Any]] = [heading(section.heading)]
    if section.text:
        items.append(literal(section.text, spacing="small"))
    items += [suggestion_item(s, None) for s in section.suggestions[: core_home.MAX_ITEMS_PER_SECTION]]
    if section.buttons:
        items.append({"type": "ActionSet", "spacing": "small", "actions": [
            submit(b.label, {"action": b.action_id, "value": b.value}, style=STYLES.get(b.style or ""))
            for b in section.buttons]})
    return items


def home_card(sections: list[HomeSection]) -> dict[str, Any]:
    body: list[dict[str, Any]] = [literal(TITLE, weight="bolder", size="large")]
    for section in sections:
        body += section_items(section)
    return card(body, fallback_text=TITLE)


def home_activity(core: Container, request: HomeRequest) -> Activity:
    return card_activity(home_card(collect_sections(core.home.sections(), request)), summary=TITLE)


def _wanted(context: TurnContext) -> bool:
    activity = context.activity
    if activity.type != ActivityTypes.message:
        return False
    value = translate.submitted_value(activity)
    if value is not None:
        return value.get("action") in HOME_ACTIONS
    text = translate.to_incoming(activity).text if activity.text else ""
    return bool(COMMAND.match(text) or DIGEST.match(text))


def register(agent: AgentApplication[TurnState], core: Container) -> None:
    """``home``, ``digest ...`` and the home card's buttons (ahead of the general routes)."""

    def request_for(data: dict[str, Any]) -> HomeRequest:
        tenant, user = translate.tenant_of(data), translate.user_id_of(data)
        return HomeRequest(platform=translate.PLATFORM, workspace_id=tenant, user_id=user,
                           is_staff=core.dashboard.is_staff(translate.PLATFORM, tenant, user),
                           timezone=translate.timezone_of(data))

    def press(request: HomeRequest, action: str, value: str) -> tuple[str, Activity]:
        try:
            text = core.home.press(request, action, value)
        except UserFacingError as exc:
            text = exc.message
        return text, home_activity(core, request)

    def digest(request: HomeRequest, args: str) -> str:
        try:
            return core.digest.command(request.platform, request.workspace_id, request.user_id, args,
                                       timezone=request.timezone)
        except UserFacingError as exc:
            return exc.message

    async def on_home(context: TurnContext, state: TurnState) -> None:
        data = translate.activity_dict(context.activity)
        if translate.conversation_type_of(data) != PERSONAL:
            await context.send_activity(text_activity(PRIVATE_ONLY))
            return
        request = await asyncio.to_thread(request_for, data)
        value = translate.submitted_value(context.activity)
        if value is None:
            match = DIGEST.match(translate.to_incoming(context.activity).text)
            if match is not None:
                await context.send_activity(text_activity(await asyncio.to_thread(digest, request,
                                                                                  match.group(1).strip())))
            else:
                await context.send_activity(await asyncio.to_thread(home_activity, core, request))
            return
        action = str(value["action"])
        if action == core_home.OPEN_PROFILE:
            form = await asyncio.to_thread(core.directory.load_profile, request.platform, request.workspace_id,
                                           request.user_id)
            await context.send_activity(card_activity(profile.profile_card(form), summary=profile.TITLE))
            return
        text, redrawn = await asyncio.to_thread(press, request, action, str(value.get("value") or ""))
        if context.activity.reply_to_id:
            redrawn.id = context.activity.reply_to_id
            try:
                await context.update_activity(redrawn)
            except Exception:  # too old to edit: the confirmation below still says what changed
                logger.warning("could not redraw the home card", exc_info=True)
        await context.send_activity(text_activity(text or ht.UNKNOWN_BUTTON))

    agent.add_route(_wanted, on_home, rank=RouteRank.FIRST)
