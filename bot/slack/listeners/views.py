"""Modal submissions: the profile form. Field errors go back to the modal; saved profiles refresh Home."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import App
from slack_bolt.kwargs_injection.args import Args
from slack_sdk import WebClient

from bot.core.errors import UserFacingError
from bot.slack import texts
from bot.slack.errors import guarded
from bot.slack.listeners.home import publish_home
from bot.slack.profile import CALLBACK_ID, form_from_view, validate
from bot.slack.services import SlackServices
from bot.slack.translate import PLATFORM, team_of

logger = logging.getLogger(__name__)


def submit_profile(args: Args) -> None:
    """Validate, save (one short transaction), then ack: exactly one ack on every path. Home is refreshed
    after the ack, on the worker pool."""
    body, view, services = args.body, args.view or {}, args.context["services"]
    form = form_from_view(view)
    errors = validate(form)
    if errors:
        args.ack(response_action="errors", errors=errors)
        return
    user = body["user"]
    try:
        services.container.directory.save_profile(PLATFORM, team_of(body), user["id"], form,
                                                  display_name=user.get("name") or user.get("username"))
    except UserFacingError as e:
        args.ack(response_action="errors", errors={"name": e.message})
        return
    args.ack()
    services.executor.submit(_after_saved, args)


def after_profile_saved(body: dict[str, Any], view: dict[str, Any], client: WebClient, services: SlackServices) -> None:
    """Refresh Home; when the modal came from ``/match profile``, confirm in the app's Messages tab."""
    user_id = body["user"]["id"]
    publish_home(client, services, team_of(body), user_id)
    try:
        origin = json.loads(view.get("private_metadata") or "{}").get("origin_channel")
    except ValueError:
        origin = None
    if origin:
        client.chat_postMessage(channel=user_id, text=texts.PROFILE_SAVED)


_after_saved = guarded(after_profile_saved)


def register(app: App) -> None:
    app.view(CALLBACK_ID)(submit_profile)
