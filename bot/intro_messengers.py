"""Which chat platform delivers introduction messages: built lazily, once per process, from the settings.

``container.intros`` asks ``messenger_for(container, platform)`` for "slack", "teams" or "staff" (the staff
review board, Slack's ``SLACK_STAFF_CHANNEL``). Nothing is built for a platform the settings do not enable;
tests put their own messengers in ``container.services["intro_messengers"]``.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

logger = logging.getLogger(__name__)

_lock = threading.Lock()


def messenger_for(container: Any, platform: str) -> Any:
    cache: dict[str, Any] = container.services.setdefault("intro_messengers", {})
    if platform in cache:
        return cache[platform]
    with _lock:
        if platform not in cache:
            cache[platform] = _build(container, platform)
    return cache[platform]


def _build(container: Any, platform: str) -> Any:
    settings = container.settings
    slack = bool(settings.slack_bot_token or settings.slack_oauth_enabled)
    if platform == "slack" and slack or platform == "staff" and slack and settings.slack_staff_channel:
        from bot.slack.intros import SlackIntroMessenger

        return SlackIntroMessenger.for_container(container)
    if platform == "teams" and settings.teams_enabled:
        from bot.teams.intros import TeamsIntroMessenger

        return TeamsIntroMessenger.for_container(container)
    logger.info("no %s messenger: the platform is not configured", platform)
    return None
