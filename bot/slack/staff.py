"""Who counts as cluster staff on Slack: listed users, a user group's members, or a channel's members.

Sources, any of which makes a user staff (``SLACK_STAFF_USERS``, ``SLACK_STAFF_USERGROUP``,
``SLACK_STAFF_CHANNEL``), plus ``PlatformAccount.is_staff`` set by staff in the directory. Group and channel
memberships are fetched with the Web API and cached for a few minutes per workspace; an API failure counts
as "not staff" (fail closed) and is logged.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.core.accounts.service import AccountService

logger = logging.getLogger(__name__)

CACHE_SECONDS = 300.0
MAX_PAGES = 20  # conversations.members pages of 1000: a 20k-member staff channel is not a staff channel


def _split_ids(raw: str) -> frozenset[str]:
    return frozenset(part.strip() for part in raw.replace(";", ",").split(",") if part.strip())


class StaffCheck:
    """``is_staff(client, user_id, team_id)`` with per-workspace membership caches (thread-safe)."""

    def __init__(
        self,
        settings: Settings,
        *,
        accounts: AccountService | None = None,
        ttl: float = CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.users = _split_ids(settings.slack_staff_users)
        self.usergroup = settings.slack_staff_usergroup.strip()
        self.channel = settings.slack_staff_channel.strip()
        self._accounts = accounts
        self._ttl = ttl
        self._clock = clock
        self._cache: dict[tuple[str, str], tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

    @property
    def configured(self) -> bool:
        return bool(self.users or self.usergroup or self.channel or self._accounts)

    def is_staff(self, client: WebClient, user_id: str, team_id: str = "") -> bool:
        """True when ``user_id`` is staff by any configured source."""
        if user_id in self.users:
            return True
        if self._account_flag(team_id, user_id):
            return True
        if self.usergroup and user_id in self._members(client, team_id, "usergroup", self._usergroup_members):
            return True
        if self.channel and user_id in self._members(client, team_id, "channel", self._channel_members):
            return True
        return False

    def _account_flag(self, team_id: str, user_id: str) -> bool:
        return self._accounts is not None and self._accounts.is_flagged_staff("slack", team_id, user_id)

    def _members(
        self, client: WebClient, team_id: str, source: str, fetch: Callable[[WebClient], frozenset[str]]
    ) -> frozenset[str]:
        key = (team_id, source)
        now = self._clock()
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None and cached[0] > now:
                return cached[1]
        try:
            members = fetch(client)
        except SlackApiError as e:
            logger.warning("staff check: %s lookup failed in %s: %s", source, team_id or "?", e.response.get("error"))
            members = frozenset()
            # keep a failure only briefly, so a fixed scope is picked up soon
            with self._lock:
                self._cache[key] = (now + min(self._ttl, 30.0), members)
            return members
        with self._lock:
            self._cache[key] = (now + self._ttl, members)
        return members

    def _usergroup_members(self, client: WebClient) -> frozenset[str]:
        response = client.usergroups_users_list(usergroup=self.usergroup)
        return frozenset(response.get("users") or [])

    def _channel_members(self, client: WebClient) -> frozenset[str]:
        members: set[str] = set()
        cursor = None
        for _ in range(MAX_PAGES):
            response = client.conversations_members(channel=self.channel, limit=1000, cursor=cursor)
            members.update(response.get("members") or [])
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        return frozenset(members)


def is_staff(client: WebClient, settings: Settings, user_id: str, team_id: str = "") -> bool:
    """One-off check without a shared cache (scripts, tests); the app uses one ``StaffCheck``."""
    return StaffCheck(settings).is_staff(client, user_id, team_id)
