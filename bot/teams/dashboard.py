"""The staff dashboard from Teams: ``dashboard`` (a short-lived link) and ``stats`` (the funnel and gaps as
Image elements of an Adaptive Card), typed to the bot in a 1:1 chat by staff; and the staff digest's charts.

Teams cards stay under ~24 KB, so images are not inlined as data URIs: each is a signed URL on our web app
(``/dashboard/img/<chart>.png``) that carries the chart's figures, which Teams fetches when it shows the card.
Staff are accounts flagged staff in the directory (``container.dashboard.is_staff``). A link or the figures
are never shown in a channel, where everyone would see them.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence
from typing import Any

from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core import AgentApplication, RouteRank, TurnContext, TurnState

from bot.container import Container
from bot.core.messages import Reply
from bot.teams import translate
from bot.teams.accounts import PERSONAL
from bot.teams.render import card, card_activity, heading, literal, reply_card, to_activity

COMMAND = re.compile(r"^\s*(dashboard|stats)\s*$", re.IGNORECASE)
STAFF_ONLY = "Sorry, that command is for the cluster staff only. Ask them directly if you need it."
PRIVATE_ONLY = "Staff figures and links only go to our 1:1 chat: send me the same message there."
LINK_TEXT = ("Your staff dashboard (funnel, ecosystem map, gaps, this week's suggestions). The link works for "
             "{minutes} minutes and only for you: {link}")
STATS_TITLE = "Cluster figures, last {weeks} weeks"


def image(url: str, alt: str) -> dict[str, Any]:
    """An Adaptive Card Image element with its alt text."""
    return {"type": "Image", "url": url, "altText": alt[:1000], "size": "stretch", "spacing": "medium"}


def with_images(content: dict[str, Any], charts: Sequence[Any], url_for: Callable[[str, dict[str, Any]], str]
                ) -> dict[str, Any]:
    """``content`` (an Adaptive Card) with each chart appended as a titled Image element."""
    body = list(content.get("body", []))
    for c in charts:
        body += [heading(c.title), image(url_for(c.name, c.data), c.alt)]
    return {**content, "body": body}


def stats_card(dashboard: Any, weeks: int, directory: str = "") -> dict[str, Any]:
    """The funnel's figures and charts, under the directory's counts (``DirectoryStats.text``) when given."""
    charts = dashboard.chat_charts(weeks)
    funnel_chart = next(c for c in charts if c.name == "funnel")
    body = [heading(STATS_TITLE.format(weeks=weeks))] + ([literal(directory, spacing="small")] if directory else [])
    body += [literal(f"{label}: {count:,}", spacing="none") for label, count in funnel_chart.data["stages"]]
    return with_images(card(body, fallback_text=funnel_chart.alt), charts, dashboard.auth.image_url)


def run(core: Container, tenant: str, user: str, word: str) -> Reply | Activity:
    """The answer to a typed staff command: a card (stats) or a reply (dashboard link, refusal)."""
    from bot.dashboard.service import CHAT_WEEKS

    dashboard = core.dashboard
    if not dashboard.is_staff("teams", tenant, user):
        return Reply(text=STAFF_ONLY)
    if word == "stats":
        content = stats_card(dashboard, CHAT_WEEKS, core.directory.stats().text())
        return card_activity(content, summary=str(content.get("fallbackText", "")))
    settings = core.settings
    return Reply(text=LINK_TEXT.format(minutes=settings.dashboard_link_minutes,
                                       link=dashboard.link_for("teams", tenant, user)))


def digest_activity(digest: Any, url_for: Callable[[str, dict[str, Any]], str]) -> Any:
    """A digest as a card, its charts (``Digest.images``) appended as Image elements."""
    from bot.dashboard.service import ChartImage

    reply = digest.to_reply()
    content = with_images(reply_card(reply), [ChartImage(**i) for i in digest.images], url_for)
    return card_activity(content, summary=reply.text)


def _is_command(context: TurnContext) -> bool:
    activity = context.activity
    if activity.type != "message" or not activity.text or translate.submitted_value(activity) is not None:
        return False
    return bool(COMMAND.match(translate.to_incoming(activity).text))


def register(agent: AgentApplication[TurnState], core: Container) -> None:
    """``dashboard`` and ``stats`` typed to the bot (ahead of the catch-all question route)."""

    async def on_command(context: TurnContext, state: TurnState) -> None:
        data = translate.activity_dict(context.activity)
        if translate.conversation_type_of(data) != PERSONAL:
            await context.send_activity(to_activity(Reply(text=PRIVATE_ONLY)))
            return
        match = COMMAND.match(translate.to_incoming(context.activity).text)
        assert match is not None
        answer = await asyncio.to_thread(run, core, translate.tenant_of(data), translate.user_id_of(data),
                                         match.group(1).lower())
        await context.send_activity(to_activity(answer) if isinstance(answer, Reply) else answer)

    agent.add_route(_is_command, on_command, rank=RouteRank.FIRST)
