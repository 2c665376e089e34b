"""The drafted profile on Slack: ``/match draft`` (or the Home button) opens a modal at once, fills it with the
phrases the engine chose (each with the member's sentence it came from), and saves only on *Save*.

Closing the modal saves nothing and leaves no trace. Phrases are edited one per line; source sentences are
shown escaped, as context, never as input.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.kwargs_injection.args import Args
from slack_sdk import WebClient
from slack_sdk.models.blocks import (
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.core.directory.profile_draft import Draft, DraftPhrase, Kept
from bot.core.errors import UserFacingError
from bot.slack.render import mrkdwn, text_message, truncate
from bot.slack.translate import PLATFORM, team_of

logger = logging.getLogger(__name__)

CALLBACK_ID, HOME_DRAFT, VALUE = "profile_draft", "profile_draft_home", "value"
TITLE = "Your drafted profile"
FIELDS = (("capabilities", "What you offer"), ("needs", "What you look for"), ("sectors", "Sectors"),
          ("skills", "Skills"))
WAIT = "Reading what you told me…"
OPENED = "Your drafted profile is open: edit it and press Save, or close it to keep nothing."


def _modal(blocks: list[Any], *, submit: bool) -> dict[str, Any]:
    return View(type="modal", callback_id=CALLBACK_ID, title=PlainTextObject(text=TITLE[:24]),
                submit=PlainTextObject(text="Save") if submit else None, close=PlainTextObject(text="Close"),
                blocks=blocks).to_dict()


def message_view(text: str) -> dict[str, Any]:
    return _modal([SectionBlock(text=MarkdownTextObject(text=mrkdwn(text)))], submit=False)


def draft_view(draft: Draft) -> dict[str, Any]:
    """One multiline input per field (a phrase per line) and, under it, where each phrase came from."""
    blocks: list[Any] = [ContextBlock(elements=[MarkdownTextObject(text=mrkdwn(
        "Drafted from your questions, needs and saved items. Nothing is saved until you press Save."))])]
    for name, label in FIELDS:
        phrases: tuple[DraftPhrase, ...] = getattr(draft, name)
        initial = "\n".join(p.phrase for p in phrases)
        blocks.append(InputBlock(block_id=name, label=PlainTextObject(text=label), optional=True,
                                 element=PlainTextInputElement(action_id=VALUE, multiline=True, max_length=3000,
                                                               initial_value=truncate(initial, 3000) or None)))
        if phrases:
            sources = "\n".join(f"• {p.phrase}: “{truncate(p.source, 150)}”" for p in phrases)
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=mrkdwn(sources, 3000))]))
    return _modal(blocks, submit=True)


def kept_of(view: dict[str, Any]) -> Kept:
    values = (view.get("state") or {}).get("values") or {}

    def lines(block: str) -> list[str]:
        raw = str(((values.get(block) or {}).get(VALUE) or {}).get("value") or "")
        return [line.strip(" •-\t") for line in raw.splitlines() if line.strip(" •-\t")]

    return Kept(*(lines(name) for name, _ in FIELDS))


def open_draft_modal(args: Args) -> bool:
    """Open a waiting modal while the trigger id is fresh; the worker fills it (``draft_command``)."""
    command = args.command or {}
    if (command.get("text") or "").strip().lower() != "draft":
        return False
    opened = args.client.views_open(trigger_id=command["trigger_id"], view=message_view(WAIT))
    command["_view_id"] = (opened.get("view") or {}).get("id")
    return False  # the command still runs, on the worker pool


def fill(client: WebClient, services: Any, view_id: str | None, team: str, user: str) -> str:
    try:
        view = draft_view(services.container.drafts.draft(PLATFORM, team, user))
        answer = OPENED
    except UserFacingError as e:
        view, answer = message_view(e.message), e.message
    if view_id:
        client.views_update(view_id=view_id, view=view)
    return answer


def draft_command(services: Any, command: dict[str, Any], client: WebClient) -> str:
    return fill(client, services, command.get("_view_id"), command.get("team_id") or "", command["user_id"])


def on_home_draft(ack: Any, body: dict[str, Any], client: WebClient, context: Any) -> None:
    ack()
    opened = client.views_open(trigger_id=body["trigger_id"], view=message_view(WAIT))
    fill(client, context["services"], (opened.get("view") or {}).get("id"), team_of(body), body["user"]["id"])


def submit_draft(args: Args) -> None:
    """Save what the member kept, then ack; a refusal goes back to the modal and nothing is saved."""
    body = args.body
    try:
        text = args.context["services"].container.drafts.confirm(PLATFORM, team_of(body), body["user"]["id"],
                                                                 kept_of(args.view or {}))
    except UserFacingError as e:
        args.ack(response_action="errors", errors={"capabilities": e.message})
        return
    args.ack()
    try:
        args.client.chat_postMessage(channel=body["user"]["id"], **text_message(text))
    except Exception:
        logger.exception("could not confirm a saved draft")


def register(app: Any) -> None:
    """``/match draft``, the Home button and the modal (called from ``bot.slack.listeners.drafts``)."""
    from bot.slack.listeners.commands import MEMBER_COMMANDS, OPENERS

    MEMBER_COMMANDS["draft"] = draft_command
    OPENERS["draft"] = open_draft_modal
    app.view(CALLBACK_ID)(submit_draft)
    app.action(HOME_DRAFT)(on_home_draft)
