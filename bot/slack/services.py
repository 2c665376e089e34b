"""What listeners receive as ``services``: the container's use cases and the Slack helpers, built once per app.

Bolt deep-copies context values for lazy listeners; ``SlackServices.__deepcopy__`` returns the same object,
so the container (engine, model, caches) is shared, never copied.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from bot.config import Settings
from bot.container import Container
from bot.core.event_ledger import EventLedger
from bot.core.home import HomeRequest, HomeSectionProvider
from bot.core.messages import ActionRequest, IncomingMessage, Reply
from bot.slack.staff import StaffCheck


@dataclass(eq=False)
class SlackServices:
    """The container plus Slack-side helpers; injected into every listener as ``services``."""

    container: Container
    ledger: EventLedger
    staff: StaffCheck
    executor: Executor  # where work runs after the ack (shared with Bolt's lazy listeners)

    def __deepcopy__(self, memo: dict[int, Any]) -> SlackServices:
        return self

    @property
    def settings(self) -> Settings:
        return self.container.settings

    def ask(self, incoming: IncomingMessage) -> Reply:
        """The core's answer to a question (may take seconds: call after ack, in a lazy listener)."""
        return self.container.ask.ask(incoming)

    def act(self, request: ActionRequest) -> Reply:
        """The core's answer to a button press (save, not relevant, more like this, introductions)."""
        return self.container.ask.act(request)

    def is_staff(self, client: WebClient, user_id: str, team_id: str = "") -> bool:
        return self.staff.is_staff(client, user_id, team_id)

    def home_request(self, client: WebClient, team_id: str, user_id: str, *, timezone: str | None = None
                     ) -> HomeRequest:
        return HomeRequest(platform="slack", workspace_id=team_id, user_id=user_id,
                           is_staff=self.is_staff(client, user_id, team_id), timezone=timezone)

    @property
    def home_sections(self) -> Mapping[str, HomeSectionProvider]:
        """App Home's sections, in display order (``MemberHome.sections``)."""
        platform = self.container.platforms.get("slack")
        return platform.home_sections() if platform is not None else self.container.home.sections()
