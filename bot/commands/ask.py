"""``ask`` (one answer), ``chat`` (terminal chat) and ``run`` (Slack/Teams web app, else the terminal chat)."""

from __future__ import annotations

import dataclasses
import json
import logging
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from bot.bootstrap import Container, bootstrap
from bot.config import ConfigError, Settings
from bot.core import texts
from bot.core.ask.feedback import ActivityRepository
from bot.core.ask.why import Why, why_text
from bot.core.directory.intents import ALL_KINDS
from bot.core.directory.ranking import load_configured_ranker
from bot.core.errors import UserFacingError
from bot.core.messages import IncomingMessage, Reply
from bot.terminal import TerminalChat, render

logger = logging.getLogger(__name__)
console = Console()
errors = Console(stderr=True)

#: Friendly names accepted by ``--kind`` besides the kind values themselves.
KIND_ALIASES: dict[str, tuple[str, ...]] = {
    "researchers": ("researcher",),
    "people": ("researcher", "person"),
    "tech": ("technology_firm",),
    "technology-firms": ("technology_firm",),
    "firms": ("technology_firm", "service_provider"),
    "organizations": (
        "technology_firm",
        "manufacturer",
        "research_institution",
        "innovation_centre",
        "service_provider",
        "training_provider",
    ),
    "manufacturers": ("manufacturer",),
    "courses": ("course",),
    "funding": ("funding_stream",),
    "needs": ("need",),
}


def register(app: typer.Typer) -> None:
    app.command("ask")(ask_command)
    app.command("chat")(chat_command)
    app.command("run")(run_command)


def resolve_kinds(names: list[str] | None) -> tuple[str, ...] | None:
    """``--kind`` values to catalog kinds; ``typer.BadParameter`` lists the valid names."""
    if not names:
        return None
    out: list[str] = []
    for name in names:
        key = name.strip().lower().replace(" ", "_")
        kinds = (key,) if key in ALL_KINDS else KIND_ALIASES.get(key.replace("_", "-"), KIND_ALIASES.get(key))
        if not kinds:
            valid = ", ".join([*KIND_ALIASES, *ALL_KINDS])
            raise typer.BadParameter(f"unknown kind {name!r}; use one of: {valid}", param_hint="--kind")
        out.extend(k for k in kinds if k not in out)
    return tuple(out)


def reply_to_dict(reply: Reply) -> dict[str, Any]:
    """A JSON-ready view of a reply (the shape of ``clustermatch ask --json``)."""
    data = dataclasses.asdict(reply)
    data["suggestion_count"] = len(reply.suggestions)
    return data


def _container(settings: Settings | None = None, *, progress: bool = False) -> Container:
    try:
        container = bootstrap(settings)
    except ConfigError as exc:
        errors.print(f"[red]Configuration error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    container.catalog.show_progress = progress
    return container


def ask_command(
    text: Annotated[str, typer.Argument(help="The question, in plain language.")],
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", "-k", help="Only this kind (repeatable): researchers, tech, courses, funding, ..."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
    user: Annotated[str, typer.Option(help="Asker id, so feedback and saved items are kept per user.")] = "local",
    explain: Annotated[
        bool, typer.Option("--explain", help="Also print each suggestion's top learned-ranker feature contributions.")
    ] = False,
) -> None:
    """Print one answer, grouped by kind, each suggestion with the reason it matched."""
    kinds = resolve_kinds(kind)
    container = _container(progress=not as_json and console.is_terminal)
    incoming = IncomingMessage(
        platform="terminal", workspace_id="local", user_id=user, conversation_id="cli", text=text
    )
    try:
        reply = container.ask.ask(incoming, kinds=kinds)
    except UserFacingError as exc:
        if as_json:
            print(json.dumps({"error": exc.message}, ensure_ascii=False))
        else:
            errors.print(exc.message, highlight=False, markup=False)
        raise typer.Exit(1) from None
    why = _explain(container, text, reply, user) if explain else {}
    if as_json:
        data = reply_to_dict(reply)
        if explain:
            data["explain"] = {ref: dict(w.ranker[:EXPLAIN_TOP]) for ref, w in why.items()}
            data["explain_personal"] = {ref: dict(w.personal[:EXPLAIN_TOP]) for ref, w in why.items() if w.personal}
            data["explain_fallback"] = next((w.fallback for w in why.values()), None)
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        render(console, reply)
        for w in why.values():
            console.print(f"[dim]{escape(why_text(w, EXPLAIN_TOP))}[/dim]", highlight=False)


EXPLAIN_TOP = 5


def _explain(container: Container, text: str, reply: Reply, user: str) -> dict[str, Why]:
    """The learned ranker's view of each suggestion (the shipped model when the formula answered), and the
    member-signal model's when this asker's answers are personalised."""
    ranker = container.catalog.ranker or load_configured_ranker("learned", container.settings.ranker_path)
    if ranker is None:
        errors.print("no learned ranker could be loaded: nothing to explain", highlight=False)
        return {}
    with container.ask.sessions() as s:
        asker = ActivityRepository(s).identify("terminal", "local", user)
    return container.catalog.explain(text, [s.ref for s in reply.suggestions], ranker,
                                     container.ask.personal_of(asker))


def chat(container: Container, *, user: str = "local") -> None:
    container.catalog.start_warm_up()  # load the model and index while the member types
    if not container.catalog.ready:
        errors.print(texts.WARMING_UP, style="dim", highlight=False)
    TerminalChat(container.ask.ask, container.ask.act, console=console, user_id=user).run()


def chat_command(
    user: Annotated[str, typer.Option(help="Asker id, so feedback and saved items are kept per user.")] = "local",
) -> None:
    """Chat with the bot in the terminal (reads piped lines too): save N, not N, more N, help, quit."""
    chat(_container(), user=user)  # no progress bar: the index builds in the background while the member types


def run_command(
    host: Annotated[str, typer.Option(help="Interface to bind the web server to.")] = "127.0.0.1",
    port: Annotated[int | None, typer.Option(help="Port (default: PORT, 3000).")] = None,
) -> None:
    """Run the bot: the Slack/Teams web app when their credentials are set, otherwise the terminal chat."""
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        errors.print(f"[red]Configuration error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    if not (settings.slack_enabled or settings.teams_enabled):
        errors.print(
            "No Slack or Teams credentials in the environment (SLACK_SIGNING_SECRET with SLACK_BOT_TOKEN or "
            "SLACK_CLIENT_ID/SECRET, or TEAMS_APP_ID): starting the terminal chat instead.",
            highlight=False,
            soft_wrap=True,
        )
        chat(_container(settings))
        return
    import uvicorn

    from bot.web import create_app

    container = _container(settings)
    app = create_app(settings, container)  # starts the catalog warm-up in the background
    uvicorn.run(app, host=host, port=port or settings.port, log_level=settings.log_level.lower(), workers=1)
