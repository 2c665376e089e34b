"""Message shortcut "Find matches for this message": the message's text becomes the question."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Respond

from bot.core.errors import UserFacingError
from bot.slack import texts
from bot.slack.errors import deferred
from bot.slack.render import to_slack_message
from bot.slack.services import SlackServices
from bot.slack.translate import incoming_from_message_shortcut

CALLBACK_ID = "find_matches"


def answer_shortcut(body: dict[str, Any], respond: Respond, services: SlackServices) -> None:
    """Answer privately to the member who used the shortcut, in the message's channel."""
    incoming = incoming_from_message_shortcut(body)
    if not incoming.text:
        raise UserFacingError(texts.SHORTCUT_EMPTY)
    reply = services.ask(incoming)
    respond(**to_slack_message(reply), response_type="ephemeral", replace_original=False)


def register(app: App) -> None:
    app.shortcut(CALLBACK_ID)(deferred(answer_shortcut))
