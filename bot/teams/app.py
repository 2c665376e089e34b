"""Wiring of the Teams adapter (Microsoft 365 Agents SDK) and its ``POST /api/messages`` route.

Requests are JWT-checked by the SDK (``jwt_authorization_decorator``) against the bot registration
(``TEAMS_APP_ID``, ``TEAMS_APP_PASSWORD``, ``TEAMS_TENANT_ID``); a request without a valid token gets 401.
``TEAMS_ANONYMOUS=true`` accepts unauthenticated requests, for local development with the Agents
Playground only. ``bot.teams.platform`` builds the runtime once per process, on first use.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from fastapi import FastAPI, Request, Response
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.core import (
    AgentApplication,
    AgentAuthConfiguration,
    AnonymousTokenProvider,
    Authorization,
    ConnectionManager,
    Connections,
    MemoryStorage,
    TurnContext,
    TurnState,
)
from microsoft_agents.hosting.core.security import OutboundHostValidator
from microsoft_agents.hosting.fastapi import CloudAdapter, jwt_authorization_decorator, start_agent_process

from bot.config import ConfigError, Settings
from bot.container import Container
from bot.teams import dashboard, handlers, home, privacy, staff, why
from bot.teams.accounts import TeamsAccounts
from bot.teams.proactive import RetryPolicy, TeamsSender
from bot.teams.render import text_activity

logger = logging.getLogger(__name__)

ROUTE = "/api/messages"
SERVICE_CONNECTION = "SERVICE_CONNECTION"


@dataclass
class TeamsRuntime:
    """The Teams side of one process: agent, adapter, auth settings, account store and proactive sender."""

    agent: AgentApplication[TurnState]
    adapter: CloudAdapter
    auth_configuration: AgentAuthConfiguration
    accounts: TeamsAccounts
    sender: TeamsSender


def auth_configuration(settings: Settings) -> AgentAuthConfiguration:
    """The bot registration as the SDK wants it; fails early, naming the variable, if it cannot work."""
    if not settings.teams_app_id and not settings.teams_anonymous:
        raise ConfigError("TEAMS_APP_ID is required for Teams (or TEAMS_ANONYMOUS=true for local development)")
    if settings.teams_app_id and not settings.teams_app_password and not settings.teams_anonymous:
        raise ConfigError("TEAMS_APP_PASSWORD is required with TEAMS_APP_ID (the bot's client secret)")
    return AgentAuthConfiguration(
        client_id=settings.teams_app_id or None,
        tenant_id=settings.teams_tenant_id or None,
        client_secret=settings.teams_app_password or None,
        anonymous_allowed=settings.teams_anonymous,
    )


def connection_manager(settings: Settings) -> Connections:
    """MSAL (client secret) for a registered bot; tokenless outbound calls when only anonymous mode is set."""
    config = auth_configuration(settings)
    if settings.teams_app_id and settings.teams_app_password:
        return MsalConnectionManager(connections_configurations={SERVICE_CONNECTION: config})
    return ConnectionManager(
        provider_factory=lambda _config: AnonymousTokenProvider(),
        connections_configurations={SERVICE_CONNECTION: config},
    )


def host_validator(settings: Settings) -> OutboundHostValidator:
    """Which ``serviceUrl`` hosts inbound activities may name: Microsoft's (the SDK's list) for a registered bot.

    It also rejects an activity whose ``serviceUrl`` host differs from the one in its token, so a forged
    activity cannot make the bot post (with its token) to another server. Off in local anonymous mode,
    where the Agents Playground serves on localhost.
    """
    return OutboundHostValidator(enabled=not settings.teams_anonymous)


def build_teams(
    container: Container,
    *,
    connections: Connections | None = None,
    policy: RetryPolicy | None = None,
) -> TeamsRuntime:
    """Build the agent application, its adapter and the proactive sender for ``container``.

    ``connections`` replaces the token source (tests pass an anonymous one); nothing contacts Microsoft here.
    """
    settings: Settings = container.settings
    connections = connections or connection_manager(settings)
    storage = MemoryStorage()
    agent = AgentApplication[TurnState](
        storage=storage,
        authorization=Authorization(storage=storage, connection_manager=connections),
        agent_name="clustermatch",
    )
    adapter = CloudAdapter(connection_manager=connections, host_validator=host_validator(settings))

    async def on_turn_error(context: TurnContext, error: Exception) -> None:
        logger.exception("Teams adapter error", exc_info=error)
        await context.send_activity(text_activity(handlers.APOLOGY))

    adapter.on_turn_error = on_turn_error  # the SDK default would echo the exception text to the member
    accounts = TeamsAccounts(container.accounts)
    sender = TeamsSender(adapter, accounts, app_id=settings.teams_app_id, policy=policy)
    handlers.register(agent, container, accounts, sender)
    privacy.register(agent, container)  # "my data", "forget me", "visibility": ahead of the question route
    dashboard.register(agent, container)  # staff: "dashboard" (a signed link), "stats" (charts)
    why.register(agent, container)  # staff: "why 2", a suggestion's top feature contributions
    staff.register(agent, container)  # staff: review buttons on suggested introductions, "suggest intros"
    home.register(agent, container)  # "home" (the member's sections as a card, with its buttons), "digest ..."
    return TeamsRuntime(agent, adapter, connections.get_default_connection_configuration(), accounts, sender)


def mount_teams(app: FastAPI, runtime: TeamsRuntime, *, anonymous: bool) -> None:
    """Add ``POST /api/messages`` to the web app (JWT-checked unless ``TEAMS_ANONYMOUS``)."""
    app.state.agent_configuration = runtime.auth_configuration  # read by the SDK's JWT check

    @jwt_authorization_decorator
    async def messages(request: Request) -> Response:
        response = await start_agent_process(request, runtime.agent, runtime.adapter)
        return response if response is not None else Response(status_code=202)

    app.add_api_route(ROUTE, messages, methods=["POST"], include_in_schema=False)
    logger.info("Teams endpoint mounted at %s (anonymous=%s)", ROUTE, anonymous)
