"""``build_app``: the Bolt app over the platform-neutral core, in single- or multi-workspace mode.

Every listener acknowledges first, in the request thread (``process_before_response=True``), then hands
its work to a worker pool (``errors.deferred``): the 200 never waits on the model, the database or a busy
pool. Slack is
reached through one ``WebClient`` (``SLACK_API_URL`` for a local fake) that retries rate limits
(``Retry-After``), server errors and dropped connections.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import ConfigError, Settings
from bot.container import Container
from bot.slack.auth import BOT_USER_KEY, StoredBotAuthorize, single_workspace_authorize
from bot.slack.errors import on_error
from bot.slack.listeners import register_all
from bot.slack.services import SlackServices
from bot.slack.staff import StaffCheck
from bot.slack.translate import bot_user_id_of, payload_problem

logger = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
OAUTH_STATE_SECONDS = 600
WORKER_THREADS = 4  # work after the ack; CPU-bound encoding queues here, acks never do
WORKER_NICENESS = 10


def build_client(settings: Settings, *, token: str | None = None) -> WebClient:
    """The Web API client: ``SLACK_API_URL`` when set, retrying 429 (after ``Retry-After``), 5xx, resets."""
    return WebClient(
        token=token,
        base_url=settings.slack_api_url or WebClient.BASE_URL,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def _lower_worker_priority() -> None:
    """Answers may wait, acks may not: worker threads run at a lower OS priority than request threads.

    Linux schedules threads individually, so ``setpriority`` on the thread id touches this thread only (and
    the compute threads it starts). Measured with scripts/slack_load_check.py: ack p99 about halves under
    load. Niceness 19 was worse than 10 (a starved worker holding the GIL then stalls everyone).
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WORKER_NICENESS)
    except OSError as e:
        logger.debug("could not lower the worker thread priority: %s", e)


def _check_payload(body: dict[str, Any], context: dict[str, Any], next: Callable[[], BoltResponse]) -> Any:  # noqa: A002
    """Before authorization: a signed payload we cannot read gets a 400 and a log line, nothing runs."""
    problem = payload_problem(body)
    if problem is not None:
        logger.warning("rejected a signed Slack payload: %s", problem)
        return BoltResponse(status=400, body=f"unusable payload: {problem}")
    context[BOT_USER_KEY] = bot_user_id_of(body)
    return next()


def build_app(
    container: Container,
    *,
    settings: Settings | None = None,
    client: WebClient | None = None,
    authorize: Callable[..., AuthorizeResult] | None = None,
    socket_mode: bool = False,
    listener_executor: Executor | None = None,
) -> App:
    """The Bolt app for ``container``. Tests pass ``authorize=`` (no ``auth.test``) and a client on a fake API.

    Modes: OAuth (``SLACK_CLIENT_ID`` + ``SLACK_CLIENT_SECRET``: installations in our database) or a single
    workspace (``SLACK_BOT_TOKEN``). HTTP mode needs ``SLACK_SIGNING_SECRET``; Socket Mode does not.
    """
    settings = settings or container.settings
    if not socket_mode and not settings.slack_signing_secret:
        raise ConfigError("SLACK_SIGNING_SECRET is required to receive Slack requests over HTTP")
    client = client or build_client(settings)
    kwargs: dict[str, Any] = {}
    if authorize is not None:
        kwargs["authorize"] = authorize
    elif settings.slack_oauth_enabled:
        store = container.stores.installation_store(settings.slack_client_id)
        kwargs["installation_store"] = store
        kwargs["authorize"] = StoredBotAuthorize(store)  # an Authorize instance: accepted next to oauth_settings
        kwargs["oauth_settings"] = OAuthSettings(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret,
            scopes=[s.strip() for s in settings.slack_scopes.split(",") if s.strip()],
            installation_store=store,
            state_store=container.stores.oauth_state_store(OAUTH_STATE_SECONDS),
            install_path=INSTALL_PATH,
            redirect_uri_path=REDIRECT_PATH,
        )
    elif settings.slack_bot_token:
        kwargs["authorize"] = single_workspace_authorize(settings.slack_bot_token)
    else:
        raise ConfigError("Slack needs SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET")

    executor = listener_executor or ThreadPoolExecutor(
        WORKER_THREADS, thread_name_prefix="slack-work", initializer=_lower_worker_priority
    )
    app = App(
        name="clustermatch",
        signing_secret=settings.slack_signing_secret,
        client=client,
        process_before_response=True,
        request_verification_enabled=not socket_mode,
        before_authorize=_check_payload,
        listener_executor=executor,
        **kwargs,
    )
    services = SlackServices(
        container=container,
        ledger=container.events,
        staff=StaffCheck(settings, accounts=container.accounts),
        executor=executor,
    )

    @app.middleware
    def provide_services(context: dict[str, Any], next: Callable[[], BoltResponse]) -> Any:  # noqa: A002
        context["services"] = services
        return next()

    app.error(on_error)
    names = register_all(app)
    logger.info("Slack app built (%s mode; listeners: %s)",
                "OAuth" if app.oauth_flow else "single-workspace", ", ".join(names))
    return app
