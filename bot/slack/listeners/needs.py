"""Needs from chat: modal, Home button, ``/match need|needs`` (the flow lives in ``bot.slack.needs``)."""

from __future__ import annotations

from bot.slack.needs import register

__all__ = ["register"]
