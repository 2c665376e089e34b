"""Microsoft Teams as a ``Platform``: ``POST /api/messages``, the introductions messenger (group chats), the
staff board (staff members' 1:1 chats), the digest sender and the home card's sections.

Enabled by ``TEAMS_APP_ID`` (with ``TEAMS_APP_PASSWORD``) or ``TEAMS_ANONYMOUS=true`` for local development.
The Agents SDK runtime (agent, adapter, proactive sender) is built on first use and shared by the web
routes, digests and introductions of the process.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

from fastapi import FastAPI

from bot.container import Container
from bot.core.home import HomeSectionProvider
from bot.teams.app import TeamsRuntime, build_teams, mount_teams
from bot.teams.digest import TeamsDigestSender
from bot.teams.intros import TeamsIntroMessenger
from bot.teams.staff import TeamsStaffBoard
from bot.teams.translate import PLATFORM


class TeamsPlatform:
    name = PLATFORM

    def __init__(self, container: Container, *, runtime: TeamsRuntime | None = None) -> None:
        self.container = container
        self._runtime = runtime  # tests pass one built on anonymous connections
        self._lock = threading.Lock()

    def runtime(self) -> TeamsRuntime:
        with self._lock:
            if self._runtime is None:
                self._runtime = build_teams(self.container)
            return self._runtime

    def mount(self, api: FastAPI) -> None:
        mount_teams(api, self.runtime(), anonymous=self.container.settings.teams_anonymous)

    def health(self) -> str:
        return "anonymous" if self.container.settings.teams_anonymous else "registered"

    def messenger(self) -> TeamsIntroMessenger:
        return TeamsIntroMessenger(self.runtime().sender, self.runtime().adapter, self.container.settings)

    def staff_board(self) -> TeamsStaffBoard:
        return TeamsStaffBoard(self.runtime().sender, self.container.accounts)

    def digest_sender(self) -> TeamsDigestSender:
        return TeamsDigestSender(self.runtime().sender, self.container.accounts,
                                 image_url=self.container.dashboard.auth.image_url)

    def home_sections(self) -> Mapping[str, HomeSectionProvider]:
        return self.container.home.sections()


def platform(container: Container) -> TeamsPlatform | None:
    """Teams, when a bot registration (or local anonymous mode) is configured."""
    return TeamsPlatform(container) if container.settings.teams_enabled else None
