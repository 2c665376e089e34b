"""``/match TEXT`` (and ``/match help``, ``/match profile``, staff-only ``/match stats``, ``/match dashboard``).

The listener acknowledges at once (and, for ``profile``, opens the modal while the trigger id is fresh);
the answer goes out through ``response_url`` from the worker pool.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, Respond
from slack_bolt.kwargs_injection.args import Args
from slack_sdk import WebClient

from bot.slack import texts
from bot.slack.errors import deferred
from bot.slack.first_contact import offer_after_answer
from bot.slack.profile import open_profile_modal
from bot.slack.render import text_message, to_slack_message
from bot.slack.services import SlackServices
from bot.slack.translate import command_parts, incoming_from_command

logger = logging.getLogger(__name__)

COMMAND = "/match"
PROFILE = "profile"


def staff_stats(services: SlackServices) -> str:
    """Directory counts, for staff checking an import landed."""
    return services.container.directory.stats().text()


#: ``/match <word>`` commands only staff may run: word -> function(services) -> plain text.
STAFF_COMMANDS: dict[str, Callable[[SlackServices], str]] = {"stats": staff_stats}
#: What runs after a staff command was answered (e.g. ``stats`` uploads its charts): word -> function(services,
#: command, client). Failures are logged by the function; the answer is already out.
STAFF_FOLLOWUPS: dict[str, Callable[[SlackServices, dict[str, Any], WebClient], None]] = {}
#: ``/match <word> ...`` commands other flows add (e.g. ``digest``): word -> function(services, command, client)
#: -> plain text, answered privately. ``UserFacingError`` text is shown as is.
MEMBER_COMMANDS: dict[str, Callable[[SlackServices, dict[str, Any], WebClient], str]] = {}
#: ``/match <word>`` commands that may open a modal right after the ack (the trigger id dies ~3 s after the
#: command): word -> function(args) -> whether it opened one (then ``MEMBER_COMMANDS`` is not answered).
OPENERS: dict[str, Callable[[Args], bool]] = {}
#: ``/match <word>`` commands after which the first-contact offer is not sent (they are about linking).
NO_OFFER_AFTER = frozenset({"link", "join"})


def open_profile_if_asked(args: Args) -> None:
    """``/match profile``: open the modal right after the ack, before any slow work (the trigger id dies ~3 s
    after the command)."""
    command = args.command or {}
    word, _ = command_parts(command.get("text") or "")
    if word in OPENERS:
        command["_opened"] = OPENERS[word](args)
    if word == PROFILE:
        open_profile_modal(
            args.client,
            args.context["services"],
            trigger_id=command["trigger_id"],
            team_id=command.get("team_id") or "",
            user_id=command["user_id"],
            origin_channel=command.get("channel_id"),
        )


def answer_match(command: dict[str, Any], respond: Respond, client: WebClient, services: SlackServices) -> None:
    """Answer privately (ephemeral) in the channel where the command was typed; then a first contact gets the
    "Is this you?" offer (not after ``link`` or ``join``, which are about linking already)."""
    _answer(command, respond, client, services)
    word, _ = command_parts(command.get("text") or "")
    if word not in NO_OFFER_AFTER:
        offer_after_answer(services, client, command.get("team_id") or "", command["user_id"])


def _answer(command: dict[str, Any], respond: Respond, client: WebClient, services: SlackServices) -> None:
    word, _ = command_parts(command.get("text") or "")
    if word == PROFILE or command.get("_opened"):
        return
    if word in MEMBER_COMMANDS:
        message = text_message(MEMBER_COMMANDS[word](services, command, client))
        respond(**message, response_type="ephemeral", replace_original=False)
        return
    if word in STAFF_COMMANDS:
        staff = services.is_staff(client, command["user_id"], command.get("team_id") or "")
        if staff:
            message = text_message(STAFF_COMMANDS[word](services))
        else:
            logger.info("refused staff command %r for %s", word, command["user_id"])
            message = text_message(texts.STAFF_ONLY)
        respond(**message, response_type="ephemeral", replace_original=False)
        if staff and word in STAFF_FOLLOWUPS:
            STAFF_FOLLOWUPS[word](services, command, client)
        return
    reply = services.ask(incoming_from_command(command))
    respond(**to_slack_message(reply), response_type="ephemeral", replace_original=False)


def register(app: App) -> None:
    app.command(COMMAND)(deferred(answer_match, first=open_profile_if_asked))
