"""Slack as a ``Platform``: its HTTP routes, the introductions messenger and staff board (``SLACK_STAFF_CHANNEL``),
the digest sender and App Home's sections.

Enabled by ``SLACK_BOT_TOKEN`` (one workspace) or ``SLACK_CLIENT_ID`` + ``SLACK_CLIENT_SECRET`` (OAuth
installations, whose bot tokens come from the installation store in our database). Receiving requests also
needs ``SLACK_SIGNING_SECRET``; without it the routes answer 503 naming it. The Bolt app and the Web API
clients are built on first use.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from slack_bolt import App, BoltResponse
from slack_bolt.adapter.starlette.handler import to_starlette_response
from starlette.concurrency import run_in_threadpool

from bot.container import Container
from bot.core.home import HomeSectionProvider
from bot.slack.digest import SlackDigestSender
from bot.slack.intros import SlackIntroMessenger
from bot.slack.translate import PLATFORM

logger = logging.getLogger(__name__)

TokenLookup = Callable[[str], str | None]


class SlackPlatform:
    name = PLATFORM

    def __init__(self, container: Container, *, app: App | None = None) -> None:
        self.container = container
        self.settings = container.settings
        self._app = app  # tests pass a Bolt app wired to a fake Web API
        self._lock = threading.Lock()
        self._messenger: SlackIntroMessenger | None = None
        self._token_for: TokenLookup | None = None

    # -- receiving -------------------------------------------------------------------------------------
    def app(self) -> App | None:
        """The Bolt app serving HTTP requests (None without ``SLACK_SIGNING_SECRET``)."""
        with self._lock:
            if self._app is None and self.settings.slack_enabled:
                from bot.slack.app import build_app

                self._app = build_app(self.container, settings=self.settings)
            return self._app

    def health(self) -> str:
        app = self.app()
        if app is None:
            return "off"
        return "oauth" if app.oauth_flow is not None else "single-workspace"

    def mount(self, api: FastAPI) -> None:
        """``POST /slack/events`` (events, interactivity, commands), ``GET /slack/install`` and its redirect."""
        from bot.slack.http import SlackHttp

        app = self.app()
        http = SlackHttp(app, signing_secret=self.settings.slack_signing_secret) if app is not None else None

        def _off() -> Response:
            return JSONResponse({"error": "Slack cannot receive requests without SLACK_SIGNING_SECRET"},
                                status_code=503)

        def _send(resp: BoltResponse) -> Response:
            return to_starlette_response(resp)

        @api.post("/slack/events")
        async def slack_events(request: Request) -> Response:
            if http is None:
                return _off()
            raw = await request.body()
            return _send(await run_in_threadpool(http.dispatch, raw, dict(request.headers), request.url.query))

        @api.get("/slack/install")
        async def slack_install(request: Request) -> Response:
            if http is None:
                return _off()
            return _send(await run_in_threadpool(http.install_page, dict(request.headers), request.url.query))

        @api.get("/slack/oauth_redirect")
        async def slack_oauth_redirect(request: Request) -> Response:
            if http is None:
                return _off()
            return _send(await run_in_threadpool(http.oauth_redirect, dict(request.headers), request.url.query))

    # -- sending ---------------------------------------------------------------------------------------
    def token_for(self) -> TokenLookup:
        """``workspace_id -> bot token``: ``SLACK_BOT_TOKEN``, or the workspace's OAuth installation."""
        with self._lock:
            if self._token_for is None:
                if self.settings.slack_oauth_enabled:
                    store = self.container.stores.installation_store(self.settings.slack_client_id)

                    def from_store(workspace_id: str) -> str | None:
                        bot = store.find_bot(enterprise_id=None, team_id=workspace_id)
                        return bot.bot_token if bot is not None else None

                    self._token_for = from_store
                else:
                    token = self.settings.slack_bot_token or None
                    self._token_for = lambda _workspace: token
            return self._token_for

    def messenger(self) -> SlackIntroMessenger:
        if self._messenger is None:
            accounts = self.container.accounts
            self._messenger = SlackIntroMessenger(self.settings, token_for=self.token_for(),
                                                  staff_workspace=lambda: accounts.staff_workspace(PLATFORM))
        return self._messenger

    def staff_board(self) -> SlackIntroMessenger | None:
        return self.messenger() if self.settings.slack_staff_channel else None

    def digest_sender(self) -> SlackDigestSender:
        return SlackDigestSender(self.settings, token_for=self.token_for())

    def home_sections(self) -> Mapping[str, HomeSectionProvider]:
        from bot.slack.members import home_section as directory_section

        return {**self.container.home.sections(), "directory": directory_section(self.container)}


def platform(container: Container) -> SlackPlatform | None:
    """Slack, when a bot token or an OAuth app is configured."""
    settings = container.settings
    return SlackPlatform(container) if settings.slack_bot_token or settings.slack_oauth_enabled else None
