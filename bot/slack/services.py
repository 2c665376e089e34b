"""What listeners receive as ``services``: the core use cases and the Slack helpers, built once per app.

Bolt deep-copies context values for lazy listeners; ``SlackServices.__deepcopy__`` returns the same object,
so the container (engine, model, caches) is shared, never copied.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.core.messages import ActionRequest, IncomingMessage, Reply
from bot.slack.dedupe import EventLedger
from bot.slack.staff import StaffCheck

#: ``container.services`` key of the App Home section providers (an ordered ``dict[str, provider]``).
HOME_SECTIONS = "home_sections"


@dataclass(eq=False)
class SlackServices:
    """The container plus Slack-side helpers; injected into every listener as ``services``."""

    container: Any  # bot.bootstrap.Container (typed loosely: the core registers services by name)
    ledger: EventLedger
    staff: StaffCheck
    executor: Executor  # where work runs after the ack (shared with Bolt's lazy listeners)
    extras: dict[str, Any] = field(default_factory=dict)

    def __deepcopy__(self, memo: dict[int, Any]) -> SlackServices:
        return self

    @property
    def settings(self) -> Settings:
        return self.container.settings  # type: ignore[no-any-return]

    @property
    def sessions(self) -> sessionmaker[Session]:
        return self.container.sessions  # type: ignore[no-any-return]

    @property
    def engine(self) -> Engine:
        return self.container.engine  # type: ignore[no-any-return]

    def ask(self, incoming: IncomingMessage) -> Reply:
        """The core's answer to a question (may take seconds: call after ack, in a lazy listener)."""
        return self.container.ask(incoming)  # type: ignore[no-any-return]

    def act(self, request: ActionRequest) -> Reply:
        """The core's answer to a button press (save, not relevant, more like this, introductions)."""
        return self.container.act(request)  # type: ignore[no-any-return]

    def is_staff(self, client: WebClient, user_id: str, team_id: str = "") -> bool:
        return self.staff.is_staff(client, user_id, team_id)

    @property
    def home_sections(self) -> dict[str, Any]:
        """Ordered ``{key: provider}``; other flows add or replace entries (see ``bot.slack.home``)."""
        sections: dict[str, Any] = self.container.services.setdefault(HOME_SECTIONS, {})
        return sections
