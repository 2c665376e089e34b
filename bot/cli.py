"""The ``clustermatch`` command line (Typer). Each feature's commands live in ``bot/commands/<area>.py``."""

from __future__ import annotations

import importlib
import logging
import pkgutil

import typer

import bot.commands

app = typer.Typer(
    name="clustermatch",
    help="Matchmaking for an advanced-manufacturing innovation cluster: Slack, Teams and the terminal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _register_all() -> None:
    for info in sorted(pkgutil.iter_modules(bot.commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"bot.commands.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


_register_all()


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
