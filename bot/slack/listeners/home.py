"""App Home: publish the member's Home tab when they open it; "Edit my profile" opens the modal."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.slack.errors import deferred
from bot.slack.first_contact import offer_after_answer
from bot.slack.home import OPEN_PROFILE, collect_sections, home_view
from bot.slack.profile import open_profile_modal
from bot.slack.services import SlackServices
from bot.slack.translate import team_of

logger = logging.getLogger(__name__)


def publish_home(client: WebClient, services: SlackServices, team_id: str, user_id: str) -> None:
    """Build every home section for this member and publish the view (also after saves and profile edits)."""
    request = services.home_request(client, team_id, user_id)
    client.views_publish(user_id=user_id, view=home_view(collect_sections(services.home_sections, request)))


def on_home_opened(
    body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext, services: SlackServices
) -> None:
    if event.get("tab") != "home":
        return  # the Messages tab opened: nothing to publish
    team = context.team_id or team_of(body)
    publish_home(client, services, team, event["user"])
    offer_after_answer(services, client, team, event["user"])


def open_profile(ack: Ack, body: dict[str, Any], client: WebClient, services: SlackServices) -> None:
    """The Home button: ack, then open the modal at once (the trigger id expires in ~3 s)."""
    ack()
    open_profile_modal(
        client, services, trigger_id=body["trigger_id"], team_id=team_of(body), user_id=body["user"]["id"],
        origin_channel=None,
    )


def register(app: App) -> None:
    app.event("app_home_opened")(deferred(on_home_opened))
    app.action(OPEN_PROFILE)(open_profile)
