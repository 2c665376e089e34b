"""Staff's ``/match why <number or ref>``: why a suggestion of their last answer ranked where it did.

Slack's own staff sources (listed users, the staff user group or channel, the directory flag) decide who may
ask; the core builds the text (``bot.core.ask.why``) and ``text_message`` escapes it (item names are member
text). The answer is ephemeral, like every ``/match`` answer.
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

PLATFORM = "slack"


def why_command(services: Any, command: dict[str, Any], client: WebClient) -> str:
    """``/match why 2``: the top feature contributions of suggestion 2 of the caller's last answer."""
    user, team = command["user_id"], command.get("team_id") or ""
    _, _, arg = (command.get("text") or "").strip().partition(" ")
    staff = services.is_staff(client, user, team)
    return str(services.container.ask.why(PLATFORM, team, user, arg, staff=staff).text)


def register(app: Any) -> None:
    """``/match why`` (called from ``bot.slack.listeners.why``)."""
    from bot.slack.listeners.commands import MEMBER_COMMANDS

    MEMBER_COMMANDS["why"] = why_command
