"""The drafted profile: ``/match draft``, Home button, modal (the flow lives in ``bot.slack.drafts``)."""

from __future__ import annotations

from bot.slack.drafts import register

__all__ = ["register"]
