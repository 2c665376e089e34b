"""Teams commands: ``teams-package`` builds the app package to sideload or publish in Teams."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bot.config import ConfigError, Settings

console = Console()
errors = Console(stderr=True)


def register(app: typer.Typer) -> None:
    app.command("teams-package")(teams_package_command)


def teams_package_command(
    out: Annotated[Path, typer.Option("--out", help="Zip file to write.")] = Path("clustermatch-teams.zip"),
    website: Annotated[
        str, typer.Option(help="Publisher website (https); privacy and terms pages default to /privacy and /terms.")
    ] = "https://clustermatch.example.org",
    developer: Annotated[str, typer.Option(help="Publisher name shown in Teams.")] = "clustermatch",
    privacy_url: Annotated[str, typer.Option(help="Privacy statement URL (https).")] = "",
    terms_url: Annotated[str, typer.Option(help="Terms of use URL (https).")] = "",
    domain: Annotated[list[str] | None, typer.Option(help="Extra valid domain (repeatable).")] = None,
    app_id: Annotated[
        str | None, typer.Option(help="The bot's Microsoft app id; default TEAMS_APP_ID from the environment.")
    ] = None,
) -> None:
    """Build the Teams app package (manifest v1.17 + icons) for the bot registered as TEAMS_APP_ID."""
    from bot.teams.package import PackageOptions, build_package

    options = PackageOptions(
        developer_name=developer,
        website_url=website,
        privacy_url=privacy_url,
        terms_url=terms_url,
        valid_domains=tuple(domain or ()),
    )
    try:
        settings = Settings(teams_app_id=app_id) if app_id else Settings.from_env()
        data = build_package(settings, options)
    except ConfigError as exc:
        errors.print(f"[red]Cannot build the Teams package:[/red] {exc}")
        raise typer.Exit(2) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    console.print(f"Wrote {out} ({len(data):,} bytes). In Teams: Apps → Manage your apps → Upload an app.")
    if "example.org" in website:
        console.print("[yellow]The publisher URLs are placeholders: pass --website before publishing.[/yellow]")
