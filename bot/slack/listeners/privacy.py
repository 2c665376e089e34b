"""Members' data: App Home "Your data" buttons and ``/match mydata|forget|visibility`` (``bot.slack.privacy``)."""

from __future__ import annotations

from bot.slack.privacy import register

__all__ = ["register"]
