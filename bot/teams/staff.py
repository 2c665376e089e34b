"""Staff review of introductions on Teams: the staff board (a card per pair in each staff member's 1:1 chat)
and its buttons (Approve, Edit note, Skip, Never suggest), plus ``suggest intros`` typed by staff.

Teams has no staff channel to post to, so the board goes to every active Teams account flagged staff in the
directory. Each card carries a note box: "Edit note" saves what is typed there, Approve sends it with the
introduction. Pressing a button re-renders the card in place with who did what, as Slack does; a second
staff member pressing later is told who got there first (the core's conditional updates decide).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from typing import Any

from microsoft_agents.hosting.core import AgentApplication, RouteRank, TurnContext, TurnState

from bot.container import Container
from bot.core.accounts.service import AccountService
from bot.core.errors import UserFacingError
from bot.core.intros import texts as t
from bot.core.intros.messages import IntroMessage
from bot.core.intros.people import actor
from bot.teams import translate
from bot.teams.accounts import PERSONAL
from bot.teams.intros import STYLES, intro_card
from bot.teams.proactive import TeamsSender
from bot.teams.render import card_activity, heading, literal, submit, text_activity

logger = logging.getLogger(__name__)

NOTE_INPUT = "note"
SUGGEST = re.compile(r"^\s*suggest[\s-]+intros\s*$", re.IGNORECASE)
SUGGESTED = "{pairs} introductions suggested, {posted} posted for review."


def staff_card(item: IntroMessage, *, title: str = "", summary: str = "", note: str = "") -> dict[str, Any]:
    """One pair for review: the pair's card, a note box and the staff buttons (none once it was handled)."""
    content = intro_card(IntroMessage(ref=item.ref, headline=item.headline, lead=item.lead, blocks=item.blocks,
                                      footer=item.footer, status=item.status))
    head = ([heading(title)] if title else []) + ([literal(summary, isSubtle=True)] if summary else [])
    body = head + list(content["body"])
    if not item.status and item.actions:
        body.append({"type": "Input.Text", "id": NOTE_INPUT, "label": t.FACT_NOTE, "isMultiline": True,
                     "maxLength": 1000, "value": note})
        content["actions"] = [submit(t.ACTION_LABELS[a], {"action": a, "ref": item.ref},
                                     style=STYLES.get(t.ACTION_STYLES.get(a, ""))) for a in item.actions]
    return {**content, "body": body}


class TeamsStaffBoard:
    """Posts review cards to each active Teams staff account's 1:1 chat; each item's ref is "teams:<activity>"."""

    def __init__(self, sender: TeamsSender, accounts: AccountService) -> None:
        self.sender = sender
        self.accounts = accounts

    def post_staff(self, items: Sequence[IntroMessage], *, title: str, summary: str) -> list[str | None]:
        staff = self.accounts.staff(translate.PLATFORM)
        refs: list[str | None] = [None] * len(items)
        if not staff:
            logger.info("no Teams staff account to post %d review items to", len(items))
            return refs
        for member in staff:
            if not items:  # an empty batch: its figures alone
                self.sender.send(member, text_activity(f"{title}\n{summary}"))
            for k, item in enumerate(items):
                card = staff_card(item, title=title if k == 0 else "", summary=summary if k == 0 else "")
                result = self.sender.send(member, card_activity(card, summary=item.headline))
                if result.ok and refs[k] is None:
                    refs[k] = f"teams:{result.activity_id}"
        return refs


def _staff_action(context: TurnContext) -> bool:
    value = translate.submitted_value(context.activity)
    return value is not None and value.get("action") in t.STAFF_ACTIONS


def _suggest_command(context: TurnContext) -> bool:
    activity = context.activity
    if activity.type != "message" or not activity.text or translate.submitted_value(activity) is not None:
        return False
    return bool(SUGGEST.match(translate.to_incoming(activity).text))


def register(agent: AgentApplication[TurnState], core: Container) -> None:
    """The staff buttons and ``suggest intros`` (ahead of the general card and message routes)."""

    def is_staff(tenant: str, user: str) -> bool:
        return core.dashboard.is_staff(translate.PLATFORM, tenant, user)

    def act(tenant: str, user: str, value: dict[str, Any]) -> tuple[str, IntroMessage | None]:
        if not is_staff(tenant, user):
            return t.STAFF_ONLY, None
        ref, action = str(value.get("ref") or ""), str(value["action"])
        note = str(value.get(NOTE_INPUT) or "").strip() or None
        try:
            outcome = core.intros.staff.act(actor(translate.PLATFORM, tenant, user), action, ref, note=note)
        except UserFacingError as exc:
            return exc.message, None
        return outcome.text, next((i for i in outcome.items if i.ref == ref), None)

    async def on_staff_action(context: TurnContext, state: TurnState) -> None:
        data = translate.activity_dict(context.activity)
        value = translate.submitted_value(context.activity) or {}
        text, item = await asyncio.to_thread(act, translate.tenant_of(data), translate.user_id_of(data), value)
        submitted = context.activity.reply_to_id
        if item is not None and submitted:
            note = core.intros.staff.note_of(item.ref) if not item.status else ""
            updated = card_activity(staff_card(item, note=note), summary=item.headline)
            updated.id = submitted
            try:
                await context.update_activity(updated)
            except Exception:  # too old to edit: the confirmation below still says what happened
                logger.warning("could not update the staff card; answering below it", exc_info=True)
        await context.send_activity(text_activity(text))

    def suggest(tenant: str, user: str) -> str:
        if not is_staff(tenant, user):
            return t.STAFF_ONLY
        from bot.core.intros.suggest import suggest as run_suggest

        run = run_suggest(core.intros, created_by=actor(translate.PLATFORM, tenant, user))
        try:
            posted = core.intros.staff.post_batch(run.batch_id) if run.batch_id is not None else 0
        except UserFacingError as exc:
            return f"{SUGGESTED.format(pairs=len(run.pairs), posted=0)} {exc.message}"
        return SUGGESTED.format(pairs=len(run.pairs), posted=posted)

    async def on_suggest(context: TurnContext, state: TurnState) -> None:
        data = translate.activity_dict(context.activity)
        if translate.conversation_type_of(data) != PERSONAL:
            await context.send_activity(text_activity(t.STAFF_ONLY))
            return
        text = await asyncio.to_thread(suggest, translate.tenant_of(data), translate.user_id_of(data))
        await context.send_activity(text_activity(text))

    agent.add_route(_staff_action, on_staff_action, rank=RouteRank.FIRST)
    agent.add_route(_suggest_command, on_suggest, rank=RouteRank.FIRST)
