"""Introductions: answer buttons, staff review, ``/match pause|resume|exclude|include|intros|consortium``
(the flow lives in ``bot.slack.intros``)."""

from __future__ import annotations

from bot.slack.intros import register

__all__ = ["register"]
