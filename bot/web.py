"""The one ASGI app (``uvicorn --factory bot.web:create_app``): Slack routes, health, and room for Teams.

Routes: ``POST /slack/events`` (events, interactivity, slash commands), ``GET /slack/install`` and
``GET /slack/oauth_redirect`` (multi-workspace OAuth), ``GET /healthz``, and the staff dashboard under
``/dashboard`` (``bot.dashboard.routes``: it reads the same container, catalog and database, so it needs no
second process, port or copy of the index). Each platform mounts its routes
with one ``_mount_<platform>(api, container, ...)`` call in ``create_app``. The catalog warms up in a
background thread at startup, so the first question does not wait for the model and acks never do.
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from slack_bolt import App, BoltResponse
from slack_bolt.adapter.starlette.handler import to_starlette_response
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.config import Settings

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, container: Any = None, *, slack_app: App | None = None) -> FastAPI:
    """Build the web app. ``slack_app`` lets tests pass a Bolt app wired to a fake Slack API."""
    if container is None:
        from bot.bootstrap import bootstrap

        settings = settings or Settings.from_env()
        logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        container = bootstrap(settings)
    settings = settings or container.settings

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if hasattr(container.embedder, "warm_up") and not getattr(container.embedder, "loaded", True):
            await run_in_threadpool(import_model_libraries)  # before the first request is accepted
        api.state.warm_up = start_warm_up(container)
        yield
        api.state.warm_up.join(timeout=SHUTDOWN_WAIT_SECONDS)  # never close the database under a running build

    api = FastAPI(title="clustermatch", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    api.add_middleware(ResponseTiming)
    api.state.container = container
    slack_mode = _mount_slack(api, container, settings, slack_app)
    if settings.teams_enabled:
        from bot.teams.app import mount_teams

        mount_teams(api, container)  # POST /api/messages
    if "dashboard" in container.services:
        from bot.dashboard.routes import mount_dashboard

        mount_dashboard(api, container)  # GET /dashboard/..., staff only (signed link, then a session cookie)

    @api.get("/healthz")
    def healthz() -> JSONResponse:
        catalog = container.services.get("catalog")
        ready = bool(getattr(catalog, "ready", False))
        warm = getattr(api.state, "warm_up", None)
        body: dict[str, Any] = {"status": "ok", "slack": slack_mode, "catalog_ready": ready,
                                "warmed_up": warm is not None and not warm.is_alive()}
        try:
            with container.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:
            logger.exception("health check: database unreachable")
            return JSONResponse({**body, "status": "database unreachable"}, status_code=503)
        return JSONResponse(body)

    return api


SHUTDOWN_WAIT_SECONDS = 30.0
class ResponseTiming:
    """Adds ``Server-Timing: app;dur=<ms>`` to every answer and logs slow Slack acks (Slack retries after 3 s).

    A plain ASGI middleware (no per-request task), so measuring costs microseconds.
    """

    SLOW_ACK_MS = 2000.0

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                ms = (time.perf_counter() - start) * 1000
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"server-timing", f"app;dur={ms:.1f}".encode())]
                if ms > self.SLOW_ACK_MS and scope.get("path", "").startswith("/slack/"):
                    logger.warning("slow Slack ack: %s took %.0f ms", scope.get("path"), ms)
            await send(message)

        await self.app(scope, receive, timed_send)


#: Libraries the real embedder imports when it loads; importing them holds the GIL for seconds.
MODEL_LIBRARIES = ("torch", "sentence_transformers")


def import_model_libraries() -> None:
    """Import the model's libraries before taking traffic, so no ack waits behind a multi-second import;
    the weights and the index still load in the background."""
    for name in MODEL_LIBRARIES:
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)


def start_warm_up(container: Any) -> threading.Thread:
    """Build the catalog (and load the model) in the background, then freeze the heap for the collector.

    Imports, the model and the index leave millions of long-lived objects; a full collection over them pauses
    every thread for 0.5-1 s, which is what acks would wait on. ``gc.freeze()`` after one collection moves
    them out of the collector's way, so later collections only look at request garbage.
    """

    def run() -> None:
        catalog = container.services.get("catalog")
        if catalog is not None and hasattr(catalog, "start_warm_up"):
            catalog.start_warm_up().join()
        gc.collect()
        gc.freeze()
        logger.info("warm-up done; %d objects frozen out of garbage collection", gc.get_freeze_count())

    thread = threading.Thread(target=run, name="warm-up", daemon=True)
    thread.start()
    return thread


def _mount_slack(api: FastAPI, container: Any, settings: Settings, slack_app: App | None) -> str:
    """Add the Slack routes; returns the mode for /healthz ("oauth", "single-workspace" or "off")."""
    from bot.slack.http import SlackHttp

    if slack_app is None and settings.slack_enabled:
        from bot.slack.app import build_app

        slack_app = build_app(container, settings=settings)
    http = SlackHttp(slack_app, signing_secret=settings.slack_signing_secret) if slack_app is not None else None
    mode = "off" if slack_app is None else ("oauth" if slack_app.oauth_flow is not None else "single-workspace")

    def _off() -> Response:
        return JSONResponse({"error": "Slack is not configured (SLACK_SIGNING_SECRET and a token)"}, status_code=503)

    def _send(resp: BoltResponse) -> Response:
        return to_starlette_response(resp)

    @api.post("/slack/events")
    async def slack_events(request: Request) -> Response:
        if http is None:
            return _off()
        raw = await request.body()
        resp = await run_in_threadpool(http.dispatch, raw, dict(request.headers), request.url.query)
        return _send(resp)

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

    return mode
