"""Linking accounts: ``/match link|join`` and the staff decisions (the flow lives in ``bot.slack.members``)."""

from __future__ import annotations

from bot.slack.members import register

__all__ = ["register"]
