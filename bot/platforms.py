"""What a chat platform gives the rest of the app: its routes, messenger, digest sender, staff board and home.

Each adapter has one ``platform(container) -> Platform | None`` in ``bot/<name>/platform.py`` that returns
``None`` when its settings are absent. ``bootstrap()`` calls every module listed in ``PLATFORMS`` (settings)
and keeps the enabled ones in ``container.platforms``; the web app, the clock and the introductions service
only ever go through this protocol, so no other module names a platform. Everything a platform builds
(clients, SDK runtimes) is built on first use: a CLI command never starts a chat SDK it does not use.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from fastapi import FastAPI

from bot.core.digest.delivery import Sender
from bot.core.home import HomeSectionProvider
from bot.core.intros.delivery import Messenger, StaffBoard

#: The adapters ``PLATFORMS`` lists by default (a module each, with a ``platform`` function).
DEFAULT_PLATFORMS = "bot.slack.platform,bot.teams.platform"


class Platform(Protocol):
    """One chat platform, enabled by its settings."""

    @property
    def name(self) -> str:
        """The platform as stored on chat accounts ("slack", "teams"): messages to an account go to its own."""
        ...

    def mount(self, api: FastAPI) -> None:
        """Add the platform's HTTP routes (webhooks, OAuth) to the web app."""
        ...

    def health(self) -> str:
        """A word for ``/healthz`` (e.g. "oauth", "single-workspace")."""
        ...

    def messenger(self) -> Messenger | None:
        """Introductions: DMs to members and a conversation with both people."""
        ...

    def digest_sender(self) -> Sender | None:
        """Weekly digests to members' 1:1 chats (the delivery ledger owns retries)."""
        ...

    def staff_board(self) -> StaffBoard | None:
        """Where staff review suggested introductions (None: not on this platform)."""
        ...

    def home_sections(self) -> Mapping[str, HomeSectionProvider]:
        """The sections of a member's home on this platform, in display order."""
        ...
