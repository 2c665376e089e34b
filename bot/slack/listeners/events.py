"""Events API: questions by mention (answered in the thread) and by direct message; uninstall cleanup.

The 200 goes out first; the answer is worked out on the worker pool (``deferred``), then a member's first
contact gets the "Is this you?" offer (``bot.slack.first_contact``).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.slack.errors import deferred
from bot.slack.first_contact import offer_after_answer
from bot.slack.render import to_slack_message
from bot.slack.services import SlackServices
from bot.slack.translate import PLATFORM, incoming_from_event, is_person_message

logger = logging.getLogger(__name__)


def answer_mention(body: dict[str, Any], client: WebClient, context: BoltContext, services: SlackServices) -> None:
    """``@clustermatch who can help with …`` in a channel -> ranked matches in the message's thread."""
    event = body["event"]
    if event.get("bot_id") or not event.get("user"):
        return
    incoming = incoming_from_event(body, bot_user_id=context.bot_user_id)
    reply = services.ask(incoming)
    client.chat_postMessage(
        channel=incoming.conversation_id, thread_ts=event.get("thread_ts") or event["ts"], **to_slack_message(reply)
    )
    offer_after_answer(services, client, incoming.workspace_id, event["user"])


def answer_direct_message(
    body: dict[str, Any], client: WebClient, context: BoltContext, services: SlackServices
) -> None:
    """A message in the app's Messages tab -> matches in the same conversation (threaded if it was)."""
    event = body["event"]
    if event.get("channel_type") != "im" or not is_person_message(event):
        return  # bot posts (including ours), edits, joins: nothing to answer
    if context.bot_user_id and event.get("user") == context.bot_user_id:
        return
    incoming = incoming_from_event(body, bot_user_id=context.bot_user_id)
    reply = services.ask(incoming)
    message = to_slack_message(reply)
    client.chat_postMessage(channel=incoming.conversation_id, thread_ts=event.get("thread_ts"), **message)
    offer_after_answer(services, client, incoming.workspace_id, event["user"])


def make_uninstall_listener(app: App) -> Any:
    """``app_uninstalled``: the workspace's installations (OAuth mode) and chat accounts are retired."""
    delete_installations = app.default_app_uninstalled_event_listener() if app.installation_store else None

    def on_app_uninstalled(context: BoltContext, services: SlackServices) -> None:
        team_id = context.team_id or ""
        if delete_installations is not None:
            delete_installations(context=context)
        stopped = services.container.accounts.deactivate_workspace(PLATFORM, team_id)
        logger.warning("app uninstalled from workspace %s (enterprise %s): %s chat accounts deactivated",
                       team_id, context.enterprise_id, stopped)

    return on_app_uninstalled


def on_tokens_revoked(event: dict[str, Any], context: BoltContext) -> None:
    """Single-workspace mode has no store to clean: tell the operator the token no longer works."""
    logger.warning("tokens revoked in workspace %s: %s", context.team_id, event.get("tokens"))


def register(app: App) -> None:
    app.event("app_mention")(deferred(answer_mention))
    app.event("message")(deferred(answer_direct_message))
    app.event("app_uninstalled")(make_uninstall_listener(app))
    if app.installation_store is not None:
        app.event("tokens_revoked")(app.default_tokens_revoked_event_listener())
    else:
        app.event("tokens_revoked")(on_tokens_revoked)
