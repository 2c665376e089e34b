"""Needs on Slack: the *Post a need* modal (App Home button, ``/match need`` alone) and ``/match need <text>``,
``/match needs``, ``/match need close|fulfilled|edit <id>``.

The modal's submission is checked by the core (no text, a past deadline... come back as field errors, nothing
saved); the matches go to the member's DM. Everything shown is plain text rendered by ``bot.slack.render``.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.kwargs_injection.args import Args
from slack_sdk import WebClient
from slack_sdk.models.blocks import (
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.core.ask.service import render_text
from bot.core.errors import UserFacingError
from bot.core.needs.service import MAX_DESCRIPTION, MAX_TITLE, NeedForm
from bot.slack.render import to_slack_message
from bot.slack.translate import PLATFORM, team_of

logger = logging.getLogger(__name__)

CALLBACK_ID, HOME_POST, VALUE = "need_post", "need_post_home", "value"
VISIBILITY_CHOICES = {"public": "Public: members see it", "staff-only": "Staff only (confidential)",
                      "anonymous": "Anonymous: members see it without us"}


def need_view() -> dict[str, Any]:
    """The *Post a need* modal."""
    def text(block_id: str, label: str, limit: int, *, multiline: bool = False, optional: bool = True) -> InputBlock:
        return InputBlock(block_id=block_id, label=PlainTextObject(text=label), optional=optional,
                          element=PlainTextInputElement(action_id=VALUE, multiline=multiline, max_length=limit))

    options = [Option(text=label, value=value) for value, label in VISIBILITY_CHOICES.items()]
    blocks = [
        text("title", "Title", MAX_TITLE),
        text("description", "What you are looking for", MAX_DESCRIPTION, multiline=True),
        text("funding", "Funding stream (id or name)", 300),
        InputBlock(block_id="deadline", label=PlainTextObject(text="Deadline"), optional=True,
                   element=DatePickerElement(action_id=VALUE)),
        InputBlock(block_id="visibility", label=PlainTextObject(text="Who sees it"),
                   element=StaticSelectElement(action_id=VALUE, options=options, initial_option=options[0])),
    ]
    return View(type="modal", callback_id=CALLBACK_ID, title=PlainTextObject(text="Post a need"),
                submit=PlainTextObject(text="Post"), close=PlainTextObject(text="Cancel"),
                blocks=blocks).to_dict()


def form_of(view: dict[str, Any]) -> NeedForm:
    values = (view.get("state") or {}).get("values") or {}

    def get(block: str) -> str:
        element = (values.get(block) or {}).get(VALUE) or {}
        if "selected_date" in element:
            return str(element.get("selected_date") or "")
        if "selected_option" in element:
            return str((element.get("selected_option") or {}).get("value") or "")
        return str(element.get("value") or "")

    return NeedForm(get("title"), get("description"), get("funding"), get("deadline"), get("visibility"))


def _field_of(message: str) -> str:
    for needle, block in (("title or a description", "title"), ("deadline", "deadline"), ("funding", "funding"),
                          ("Visibility", "visibility"), ("description is", "description")):
        if needle in message:
            return block
    return "title"


def submit_need(args: Args) -> None:
    """Post the need, then ack; a refusal goes back to the field it is about and nothing is saved."""
    body, services = args.body, args.context["services"]
    team, user = team_of(body), body["user"]["id"]
    try:
        reply = services.container.needs.post(PLATFORM, team, user, form_of(args.view or {}))
    except UserFacingError as e:
        args.ack(response_action="errors", errors={_field_of(e.message): e.message})
        return
    args.ack()
    services.executor.submit(_send_matches, args.client, user, reply)


def _send_matches(client: WebClient, user: str, reply: Any) -> None:
    try:
        client.chat_postMessage(channel=user, **to_slack_message(reply))
    except Exception:  # the need is saved; the matches also come with the digest
        logger.exception("could not send a new need's matches")


def open_need_modal(args: Args) -> bool:
    """``/match need`` alone opens the modal (while the trigger id is fresh); with text, it posts directly."""
    command = args.command or {}
    if (command.get("text") or "").strip().lower() != "need":
        return False
    args.client.views_open(trigger_id=command["trigger_id"], view=need_view())
    return True


def on_home_post(ack: Any, body: dict[str, Any], client: WebClient) -> None:
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=need_view())


def need_command(services: Any, command: dict[str, Any], client: WebClient) -> str:
    word, _, args = (command.get("text") or "").strip().partition(" ")
    reply = services.container.needs.command(PLATFORM, command.get("team_id") or "", command["user_id"],
                                             word.lower(), args)
    return render_text(reply.text, reply.sections)


def register(app: Any) -> None:
    """Modal, Home button and ``/match need|needs`` (called from ``bot.slack.listeners.needs``)."""
    from bot.slack.listeners.commands import MEMBER_COMMANDS, OPENERS

    MEMBER_COMMANDS["need"] = need_command
    MEMBER_COMMANDS["needs"] = need_command
    OPENERS["need"] = open_need_modal
    app.view(CALLBACK_ID)(submit_need)
    app.action(HOME_POST)(on_home_post)
