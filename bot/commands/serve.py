"""``clustermatch serve`` (HTTP, production) and ``clustermatch socket`` (Socket Mode, local development)."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
from rich.console import Console

from bot.config import ConfigError, Settings

logger = logging.getLogger(__name__)
errors = Console(stderr=True)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
    app.command("socket")(socket_command)


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ConfigError as exc:
        errors.print(f"[red]Configuration error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None


def serve_command(
    host: Annotated[str, typer.Option(help="Interface to bind (127.0.0.1 to stay local).")] = "0.0.0.0",
    port: Annotated[int | None, typer.Option(help="Port; default $PORT, else 3000.")] = None,
) -> None:
    """Run the web app: Slack events, commands and buttons on /slack/events, OAuth pages, /healthz.

    The same app as the Procfile's ``uvicorn --factory bot.web:create_app`` (one worker: one model in memory).
    """
    import uvicorn

    settings = _settings()
    if not settings.slack_enabled:
        errors.print(
            "Slack is off: set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and "
            "SLACK_CLIENT_SECRET (OAuth). Serving /healthz only.",
            highlight=False,
        )
    uvicorn.run(
        "bot.web:create_app",
        factory=True,
        host=host,
        port=port or settings.port,
        workers=1,
        log_level=settings.log_level.lower(),
    )


def socket_command() -> None:
    """Connect to Slack over Socket Mode (SLACK_APP_TOKEN): local development only, never in production."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.bootstrap import bootstrap
    from bot.slack.app import build_app

    settings = _settings()
    if not settings.slack_app_token:
        errors.print("[red]SLACK_APP_TOKEN is required for Socket Mode[/red] (an xapp- token).", highlight=False)
        raise typer.Exit(2)
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    container = bootstrap(settings)
    try:
        app = build_app(container, settings=settings, socket_mode=True)
    except ConfigError as exc:
        errors.print(f"[red]Configuration error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    container.catalog.start_warm_up()
    SocketModeHandler(app, settings.slack_app_token).start()
