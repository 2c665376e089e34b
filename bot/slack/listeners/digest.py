"""Weekly digest settings: App Home buttons and ``/match digest`` (the flow lives in ``bot.slack.digest``)."""

from __future__ import annotations

from bot.slack.digest import register

__all__ = ["register"]
