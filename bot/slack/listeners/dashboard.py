"""Staff dashboard: ``/match dashboard`` and the charts after ``/match stats`` (the flow lives in
``bot.slack.dashboard``)."""

from __future__ import annotations

from bot.slack.dashboard import register

__all__ = ["register"]
