"""Staff's ``/match why`` (the flow lives in ``bot.slack.why``)."""

from __future__ import annotations

from bot.slack.why import register

__all__ = ["register"]
