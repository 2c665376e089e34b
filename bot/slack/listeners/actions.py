"""Buttons under a suggestion: Request introduction, Save, Not relevant (feedback), More like this.

Each click becomes an ``ActionRequest`` for ``container.act``. Confirmations go privately to the member;
"More like this" answers like the original (ephemeral if it was, in its thread if it had one). Clicks on
App Home have no ``response_url``: the answer goes to the app's Messages tab and Home is refreshed.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot.core.errors import UserFacingError
from bot.core.messages import MORE_LIKE_THIS, NOT_RELEVANT, REQUEST_INTRO, SAVE
from bot.slack import texts
from bot.slack.errors import deferred
from bot.slack.listeners.home import publish_home
from bot.slack.render import to_slack_message
from bot.slack.services import SlackServices
from bot.slack.translate import action_request, team_of

logger = logging.getLogger(__name__)

SUGGESTION_ACTIONS = (REQUEST_INTRO, SAVE, NOT_RELEVANT, MORE_LIKE_THIS)
ACTION_PATTERN = re.compile(rf"^({'|'.join(SUGGESTION_ACTIONS)})(:\d+)?$")


def on_suggestion_action(
    body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient, services: SlackServices
) -> None:
    try:
        request = action_request(body, action)
    except (ValueError, KeyError) as e:  # a button from an older message format, or a tampered value
        raise UserFacingError(texts.BUTTON_EXPIRED) from e
    reply = services.act(request)
    message = to_slack_message(reply)
    container = body.get("container") or {}
    if container.get("type") == "view":  # App Home
        client.chat_postMessage(channel=request.user_id, **message)
        publish_home(client, services, team_of(body), request.user_id)
        return
    if request.action == MORE_LIKE_THIS:
        thread = container.get("thread_ts") or (body.get("message") or {}).get("thread_ts")
        ephemeral = bool(container.get("is_ephemeral")) or not body.get("message")
        respond(**message, response_type="ephemeral" if ephemeral else "in_channel", replace_original=False,
                thread_ts=thread)
        return
    respond(**message, response_type="ephemeral", replace_original=False)


def register(app: App) -> None:
    app.action(ACTION_PATTERN)(deferred(on_suggestion_action))
