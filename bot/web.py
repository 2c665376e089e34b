"""The one ASGI app (``uvicorn --factory bot.web:create_app``): every enabled platform's routes, health, dashboard.

Each platform in ``container.platforms`` mounts its own routes (Slack: ``/slack/events``, ``/slack/install``,
``/slack/oauth_redirect``; Teams: ``/api/messages``). ``GET /healthz`` reports the database, the catalog and
each platform's mode; the staff dashboard is under ``/dashboard`` (``bot.dashboard.routes``: it reads the same
container, catalog and database, so it needs no second process, port or copy of the index). The catalog warms up in a
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

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.config import Settings
from bot.container import Container

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, container: Container | None = None) -> FastAPI:
    """Build the web app (tests pass their own container, whose platforms may hold fakes)."""
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
    for platform in container.platforms.values():
        platform.mount(api)
    modes = {name: platform.health() for name, platform in container.platforms.items()}
    from bot.dashboard.routes import mount_dashboard

    mount_dashboard(api, container)  # GET /dashboard/..., staff only (signed link, then a session cookie)

    @api.get("/healthz")
    def healthz() -> JSONResponse:
        warm = getattr(api.state, "warm_up", None)
        body: dict[str, Any] = {"status": "ok", **modes, "catalog_ready": container.catalog.ready,
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


def start_warm_up(container: Container) -> threading.Thread:
    """Build the catalog (and load the model) in the background, then freeze the heap for the collector.

    Imports, the model and the index leave millions of long-lived objects; a full collection over them pauses
    every thread for 0.5-1 s, which is what acks would wait on. ``gc.freeze()`` after one collection moves
    them out of the collector's way, so later collections only look at request garbage.
    """

    def run() -> None:
        container.catalog.start_warm_up().join()
        gc.collect()
        gc.freeze()
        logger.info("warm-up done; %d objects frozen out of garbage collection", gc.get_freeze_count())

    thread = threading.Thread(target=run, name="warm-up", daemon=True)
    thread.start()
    return thread
