"""The staff dashboard from Slack: ``/match dashboard`` (a short-lived link, staff only) and the charts that
``/match stats`` and the staff digest carry (PNG uploads with ``files_upload_v2``, with alt text).

The figures and images come from ``container.dashboard``; this module only checks staff rights (Slack's own
sources: listed users, the staff user group or channel, the directory flag) and talks to the Web API.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.slack import texts
from bot.slack.services import SlackServices

logger = logging.getLogger(__name__)

LINK_TEXT = ("Your staff dashboard (funnel, ecosystem map, gaps, this week's suggestions). The link works for "
             "{minutes} minutes and only for you; it opens a session for {hours} hours:\n{link}")
CHARTS_COMMENT = "Funnel and gaps, last {weeks} weeks (full figures: /match dashboard)."


def dashboard_command(services: SlackServices, command: dict[str, Any], client: WebClient) -> str:
    """``/match dashboard``: a signed link for staff; everyone else is refused politely."""
    user, team = command["user_id"], command.get("team_id") or ""
    if not services.is_staff(client, user, team):
        logger.info("refused a dashboard link for %s", user)
        return texts.STAFF_ONLY
    link = services.container.dashboard.link_for("slack", team, user, command.get("user_name") or "")
    settings = services.settings
    return LINK_TEXT.format(minutes=settings.dashboard_link_minutes, hours=settings.dashboard_session_hours, link=link)


def upload_charts(client: WebClient, channel: str, charts: Sequence[Any], draw: Callable[[str, dict[str, Any]], bytes],
                  *, comment: str = "") -> bool:
    """Upload charts (``ChartImage``s, drawn by ``draw(name, data)``) to ``channel`` in one ``files_upload_v2``
    call, each with its alt text; False on failure (logged)."""
    uploads = [{"content": draw(c.name, c.data), "filename": f"{c.name}.png", "title": c.title,
                "alt_txt": c.alt[:1000]} for c in charts]
    try:
        client.files_upload_v2(channel=channel, file_uploads=uploads, initial_comment=comment or None)
    except (SlackApiError, SlackRequestError) as exc:
        logger.warning("could not upload %d charts to %s: %s", len(uploads), channel, exc)
        return False
    return True


def stats_charts(services: SlackServices, command: dict[str, Any], client: WebClient) -> None:
    """After ``/match stats`` (staff only, already checked): the funnel and gaps charts in the staff member's DM
    (a channel upload would show staff figures to everyone in the channel)."""
    from bot.dashboard.service import CHAT_WEEKS

    dashboard = services.container.dashboard
    try:
        channel = client.conversations_open(users=command["user_id"])["channel"]["id"]
    except (SlackApiError, KeyError, TypeError) as exc:
        logger.warning("no DM to send stats charts to %s: %s", command.get("user_id"), exc)
        return
    upload_charts(client, channel, dashboard.chat_charts(CHAT_WEEKS),
                  lambda name, data: dashboard.png(name, data, size="chat"),
                  comment=CHARTS_COMMENT.format(weeks=CHAT_WEEKS))


def register(app: Any) -> None:
    """``/match dashboard`` and the charts after ``/match stats`` (called from ``bot.slack.listeners.dashboard``)."""
    from bot.slack.listeners.commands import MEMBER_COMMANDS, STAFF_FOLLOWUPS

    MEMBER_COMMANDS["dashboard"] = dashboard_command
    STAFF_FOLLOWUPS["stats"] = stats_charts
