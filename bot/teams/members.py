"""Members building their presence on Teams, typed to the bot: ``link`` / ``link confirm`` ("Is this you?"),
``join <organization>``, ``need`` (a *Post a need* card), ``need <text>`` / ``needs`` /
``need close|fulfilled|edit <id>``, and ``draft``, which answers with a card to edit and confirm (nothing is
saved unless *Save* is pressed).

The e-mail is what Teams puts on the sender (``bot.teams.first_contact.email_of``; no Graph call): without one
the member is told to ask to join. A first message also gets the "Is this you?" card (``first_contact``).
Card text is literal ``TextRun``/``TextBlock`` content, never Markdown.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from microsoft_agents.hosting.core import AgentApplication, RouteRank, TurnContext, TurnState

from bot.core.ask.service import render_text
from bot.core.directory.profile_draft import Draft, Kept
from bot.core.errors import UserFacingError
from bot.core.needs.service import NeedForm
from bot.teams import translate
from bot.teams.first_contact import LINK_CONFIRM, LINK_DISMISS, email_of, offer_after_answer, on_button
from bot.teams.render import card, card_activity, literal, submit, text_activity

PLATFORM = "teams"
COMMAND = re.compile(r"^\s*(link|joins?|needs?|draft|approve-edit|decline-edit|approve|decline|member)(?![\w-])(.*)$",
                     re.IGNORECASE | re.DOTALL)
STAFF_USAGE = "member link teams:<tenant>:<user> person:<id> [admin] | member unlink teams:<tenant>:<user>"
CONFIRM_DRAFT, POST_NEED = "draft_confirm", "need_post"
VISIBILITY_CHOICES = {"public": "Public: members see it", "staff-only": "Staff only (confidential)",
                      "anonymous": "Anonymous: members see it without us"}
FIELDS = (("capabilities", "What you offer"), ("needs", "What you look for"), ("sectors", "Sectors"),
          ("skills", "Skills"))


def draft_card(draft: Draft) -> dict[str, Any]:
    """The draft as inputs (a phrase per line) with each phrase's source sentence under its field."""
    body: list[dict[str, Any]] = [literal("Your drafted profile", weight="bolder", size="medium"),
                                  literal("Drafted from your questions, needs and saved items. Nothing is saved "
                                          "until you press Save.", isSubtle=True, spacing="small")]
    for name, label in FIELDS:
        phrases = getattr(draft, name)
        body.append({"type": "Input.Text", "id": name, "label": label, "isMultiline": True, "maxLength": 3000,
                     "value": "\n".join(p.phrase for p in phrases)})
        for p in phrases:
            body.append(literal(f"{p.phrase}: “{p.source[:150]}”", isSubtle=True, spacing="none", size="small"))
    return card(body, fallback_text="Your drafted profile", actions=[
        submit("Save", {"action": CONFIRM_DRAFT}, style="positive")])


def need_card(error: str | None = None, value: dict[str, Any] | None = None) -> dict[str, Any]:
    """*Post a need*: title, description, funding stream, deadline, who sees it (and the last refusal)."""
    value = value or {}
    body: list[dict[str, Any]] = [literal("Post a need", weight="bolder", size="medium")]
    if error:
        body.append(literal(error, color="attention", spacing="small"))
    body += [
        {"type": "Input.Text", "id": "title", "label": "Title", "maxLength": 300, "value": value.get("title", "")},
        {"type": "Input.Text", "id": "description", "label": "What you are looking for", "isMultiline": True,
         "maxLength": 3000, "value": value.get("description", "")},
        {"type": "Input.Text", "id": "funding", "label": "Funding stream (id or name)", "maxLength": 300,
         "value": value.get("funding", "")},
        {"type": "Input.Date", "id": "deadline", "label": "Deadline", "value": value.get("deadline", "")},
        {"type": "Input.ChoiceSet", "id": "visibility", "label": "Who sees it", "style": "compact",
         "value": value.get("visibility") or "public",
         "choices": [{"title": label, "value": key} for key, label in VISIBILITY_CHOICES.items()]},
    ]
    return card(body, fallback_text="Post a need", actions=[submit("Post", {"action": POST_NEED}, style="positive")])


def kept_of(value: dict[str, Any]) -> Kept:
    def lines(name: str) -> list[str]:
        return [x.strip(" •-\t") for x in str(value.get(name) or "").splitlines() if x.strip(" •-\t")]

    return Kept(*(lines(name) for name, _ in FIELDS))


def run(core: Any, activity: dict[str, Any], word: str, args: str) -> dict[str, Any] | str:
    """One typed command: a card (the draft) or plain text. ``UserFacingError`` text is the answer."""
    tenant, user = translate.tenant_of(activity), translate.user_id_of(activity)
    name = (activity.get("from") or {}).get("name") or user
    try:
        if word == "link":
            if args.lower() == "confirm":
                return str(core.members.confirm(PLATFORM, tenant, user, email_of(activity), display_name=name))
            if args.lower() in ("no", "not me", "dismiss"):
                return str(core.first_contact.dismiss(PLATFORM, tenant, user))
            offer = core.members.offer(PLATFORM, tenant, user, email_of(activity))
            return offer.text + ("\nSay \"link confirm\" to confirm (\"link no\" if it is not you)."
                                 if offer.person_ref else "")
        if word == "join":
            outcome = core.members.request_join(PLATFORM, tenant, user, args, name)
            core.members.notify(outcome.notices)  # the organization's admins, on whichever platform
            return str(outcome.text)
        if word in ("joins", "approve", "decline", "approve-edit", "decline-edit", "member"):
            return staff_command(core, tenant, user, word, args)
        if word == "need" and not args:
            return need_card()
        if word in ("need", "needs"):
            reply = core.needs.command(PLATFORM, tenant, user, word, args)
            return render_text(reply.text, reply.sections)
        return draft_card(core.drafts.draft(PLATFORM, tenant, user))
    except UserFacingError as exc:
        return exc.message


def _a_question(word: str, args: str) -> bool:
    """"need a partner for welding" is a question; a need is posted as ``need <title>: <description>``."""
    first = args.split(" ", 1)[0].lower()
    return word == "need" and bool(args) and ":" not in args and first not in (
        "close", "fulfilled", "fulfil", "fulfill", "edit", "list", "mine", "help")


def _number(raw: str) -> int:
    from bot.core.accounts import texts as t

    try:
        return int(raw.strip())
    except ValueError:
        raise UserFacingError(t.UNKNOWN_REQUEST.format(id=raw.strip() or "(none given)")) from None


def staff_command(core: Any, tenant: str, user: str, word: str, args: str) -> str:
    """Join requests and organization edits waiting, decisions on them, and staff links (as on Slack)."""
    from bot.core.accounts import texts as t

    staff = bool(core.dashboard.is_staff(PLATFORM, tenant, user))
    members = core.members
    actor = f"{PLATFORM}:{tenant}:{user}"
    if word in ("approve-edit", "decline-edit"):
        return str(members.decide_proposal(_number(args), word.startswith("approve"), actor, staff=staff))
    if word in ("approve", "decline"):
        outcome = members.decide_join(PLATFORM, tenant, user, _number(args), word == "approve", staff=staff)
        members.notify(outcome.notices)  # the asker hears the decision in their 1:1 chat (as on Slack, a DM)
        return str(outcome.text)
    if not staff:
        return t.STAFF_ONLY
    if word == "joins":
        lines = [f"Join request {i}: {who} -> {org}" for i, who, org in members.pending_joins()]
        lines += [f"Edit {i} of {org}" for i, org, _, _ in members.pending_proposals()]
        return "\n".join(lines) or "Nothing waiting."
    words = args.split()
    account = tuple(words[1].split(":", 2)) if len(words) > 1 else ()
    if len(account) != 3:
        return STAFF_USAGE
    if words[0] == "link" and len(words) in (3, 4):
        return str(members.link(account, words[2], actor, admin=len(words) == 4 and words[3] == "admin"))
    if words[0] == "unlink" and len(words) == 2:
        return str(members.unlink(account, actor))
    return STAFF_USAGE


def register(agent: AgentApplication[TurnState], core: Any) -> None:
    """The typed commands and the draft card's Save (ahead of the catch-all question route)."""

    def is_command(context: TurnContext) -> bool:
        activity = context.activity
        if activity.type != "message" or not activity.text or translate.submitted_value(activity) is not None:
            return False
        match = COMMAND.match(translate.to_incoming(activity).text)
        return match is not None and not _a_question(match.group(1).lower(), match.group(2).strip())

    def is_confirm(context: TurnContext) -> bool:
        value = translate.submitted_value(context.activity)
        return bool(value and value.get("action") in (CONFIRM_DRAFT, POST_NEED, LINK_CONFIRM, LINK_DISMISS))

    async def on_command(context: TurnContext, state: TurnState) -> None:
        data = translate.activity_dict(context.activity)
        match = COMMAND.match(translate.to_incoming(context.activity).text)
        assert match is not None
        word = match.group(1).lower()
        answer = await asyncio.to_thread(run, core, data, word, match.group(2).strip())
        await context.send_activity(card_activity(answer, summary="Your drafted profile")
                                    if isinstance(answer, dict) else text_activity(answer))
        if word not in ("link", "join"):
            await offer_after_answer(context, core)

    async def on_confirm(context: TurnContext, state: TurnState) -> None:
        data = translate.activity_dict(context.activity)
        value = translate.submitted_value(context.activity) or {}
        if value.get("action") in (LINK_CONFIRM, LINK_DISMISS):
            await context.send_activity(text_activity(await asyncio.to_thread(on_button, core, data,
                                                                              str(value["action"]))))
            return
        if value.get("action") == POST_NEED:
            await on_need(context, data, value)
            return
        try:
            text = await asyncio.to_thread(core.drafts.confirm, PLATFORM, translate.tenant_of(data),
                                           translate.user_id_of(data), kept_of(value))
        except UserFacingError as exc:
            text = exc.message
        await context.send_activity(text_activity(text))

    async def on_need(context: TurnContext, data: dict[str, Any], value: dict[str, Any]) -> None:
        """The card's Post: matches as text, or the card again with the refusal (nothing saved)."""
        form = NeedForm(*(str(value.get(k) or "") for k in ("title", "description", "funding", "deadline",
                                                             "visibility")))
        try:
            reply = await asyncio.to_thread(core.needs.post, PLATFORM, translate.tenant_of(data),
                                            translate.user_id_of(data), form)
        except UserFacingError as exc:
            await context.send_activity(card_activity(need_card(exc.message, value), summary=exc.message))
            return
        await context.send_activity(text_activity(render_text(reply.text, reply.sections)))

    agent.add_route(is_confirm, on_confirm, rank=RouteRank.FIRST)
    agent.add_route(is_command, on_command, rank=RouteRank.FIRST)
