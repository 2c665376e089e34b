"""Helpers shared by the Teams tests: recorded activities, a recording fake of the core, anonymous tokens."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from microsoft_agents.hosting.core import (
    AgentAuthConfiguration,
    AnonymousTokenProvider,
    ConnectionManager,
)

from bot.core.messages import ActionRequest, IncomingMessage, Reply, Section, Suggestion
from tests.fixtures_paths import TEAMS as TEAMS_SAMPLES

SAVED_LIST = "Your saved matches:\n1. WeldTech Automation"
BOT_APP_ID = "5baea8d1-d4ea-43a1-b101-882f4c8d9cb4"


def load_sample(name: str) -> dict[str, Any]:
    """A recorded Teams activity, e.g. ``msteams-docs/inbound_message_personal_2019.json`` (a fresh copy)."""
    return copy.deepcopy(json.loads((TEAMS_SAMPLES / name).read_text(encoding="utf-8")))


class StaticTokenProvider(AnonymousTokenProvider):
    """Hands out a fixed bearer token, as MSAL would after signing in with the bot's secret."""

    TOKEN = "test-token"

    async def get_access_token(self, resource_url: str, scopes: list[str], force_refresh: bool = False) -> str:
        return self.TOKEN


def token_connections() -> ConnectionManager:
    """A connection manager for a registered bot whose tokens come from ``StaticTokenProvider``."""
    return ConnectionManager(
        provider_factory=lambda _config: StaticTokenProvider(),
        connections_configurations={"SERVICE_CONNECTION": AgentAuthConfiguration(client_id=BOT_APP_ID)},
    )


def anonymous_connections() -> ConnectionManager:
    """The SDK's connection manager with a token provider that never calls Microsoft Entra."""
    return ConnectionManager(
        provider_factory=lambda _config: AnonymousTokenProvider(),
        connections_configurations={"SERVICE_CONNECTION": AgentAuthConfiguration(anonymous_allowed=True)},
    )


@dataclass
class FakeCore:
    """Stands in for ``container.ask`` / ``container.act``; records what the adapter passed."""

    asked: list[IncomingMessage] = field(default_factory=list)
    acted: list[ActionRequest] = field(default_factory=list)
    raise_on_ask: Exception | None = None

    def ask(self, incoming: IncomingMessage) -> Reply:
        self.asked.append(incoming)
        if self.raise_on_ask is not None:
            raise self.raise_on_ask
        if incoming.text == "saved":  # the member's own list: for their eyes only
            return Reply(text=SAVED_LIST, ephemeral=True)
        suggestions = (
            Suggestion(
                ref="person:r-7",
                kind="researcher",
                title="Dr. Ana Ruiz",
                subtitle="Université Laval",
                score=0.91,
                reason="Robotic TIG welding of thin aluminium sections.",
                shared_terms=("tig", "aluminium"),
            ),
            Suggestion(ref="org:weldtech", kind="technology_firm", title="WeldTech Automation", score=0.8),
        )
        return Reply(
            text=f'Here is what matches "{incoming.text}":\n1. Dr. Ana Ruiz\n2. WeldTech Automation',
            sections=(Section("Researchers", suggestions[:1]), Section("Technology firms", suggestions[1:])),
            query_id="q-42",
        )

    def act(self, request: ActionRequest) -> Reply:
        self.acted.append(request)
        return Reply(text=f"Saved {request.ref}.")


def teams_container(sessions: Any, settings: Any = None, core: FakeCore | None = None, **swaps: Any) -> Any:
    """A real container on the test's database (Teams on, anonymous), its ask service swapped for ``core``
    when given and any other field for ``swaps`` (e.g. ``dashboard=``)."""
    from types import SimpleNamespace

    from bot.bootstrap import bootstrap
    from bot.config import Settings
    from matching.embeddings import HashingEmbedder

    container = bootstrap(settings or Settings(teams_anonymous=True), engine=sessions.kw["bind"],
                          embedder=HashingEmbedder(), run_migrations=False)
    if core is not None:
        container.ask = SimpleNamespace(ask=core.ask, act=core.act)  # type: ignore[assignment]
    for name, value in swaps.items():
        setattr(container, name, value)
    return container


def sql_accounts(sessions: Any) -> Any:
    """``TeamsAccounts`` over the test's database (the production unit of work)."""
    from bot.core.accounts.service import AccountService
    from bot.teams.accounts import TeamsAccounts
    from models.uow import SqlUnitOfWork

    return TeamsAccounts(AccountService(lambda: SqlUnitOfWork(sessions)))
