"""Who may see the dashboard: a signed, short-lived link from the bot, then a signed session cookie.

The bot gives a link only to staff (``/match dashboard``); opening it within ``DASHBOARD_LINK_MINUTES`` sets a
session cookie (``DASHBOARD_SESSION_HOURS``). Both are ``itsdangerous`` timed signatures with different salts,
so a link is never a valid cookie or the reverse. Chart images in chat messages get their own long-lived
signed URLs that hold the chart's figures, so they show what the message said without a session.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from bot.config import Settings

logger = logging.getLogger(__name__)

LINK_SALT = "clustermatch.dashboard.link"
SESSION_SALT = "clustermatch.dashboard.session"
IMAGE_SALT = "clustermatch.dashboard.image"
COOKIE = "cm_dashboard"
IMAGE_DAYS = 60  # a staff digest's charts stay viewable for two months


class AccessDenied(Exception):
    """The link or cookie is missing, expired or tampered with: the answer is 403."""


@dataclass(frozen=True)
class StaffSession:
    """The staff member behind a session: ``actor`` as the core records it ("slack:T1:U1"), and a CSRF token."""

    actor: str
    name: str
    csrf: str


class DashboardAuth:
    """Signs and checks links, session cookies and chart-image tokens with one secret."""

    def __init__(self, settings: Settings, *, secret: str | None = None) -> None:
        key = secret or settings.dashboard_secret
        if not key:
            key = secrets.token_urlsafe(32)
            logger.warning("DASHBOARD_SECRET is not set: dashboard links work only on the process that made them")
        self._link = URLSafeTimedSerializer(key, salt=LINK_SALT)
        self._session = URLSafeTimedSerializer(key, salt=SESSION_SALT)
        self._image = URLSafeTimedSerializer(key, salt=IMAGE_SALT)
        self.link_seconds = settings.dashboard_link_minutes * 60
        self.session_seconds = settings.dashboard_session_hours * 3600
        self.base_url = settings.resolved_public_url
        self.secure_cookie = self.base_url.startswith("https://")

    def link(self, actor: str, name: str = "") -> str:
        """The URL a staff member opens to start a session (valid ``link_seconds``)."""
        token = self._link.dumps({"a": actor, "n": name, "r": secrets.token_hex(4)})
        return f"{self.base_url}/dashboard/login?t={token}"

    def open_link(self, token: str) -> tuple[StaffSession, str]:
        """A valid link token -> the session and its cookie value; anything else raises ``AccessDenied``."""
        data = _load(self._link, token, self.link_seconds)
        session = StaffSession(str(data["a"]), str(data.get("n") or ""), secrets.token_urlsafe(16))
        cookie = self._session.dumps({"a": session.actor, "n": session.name, "c": session.csrf})
        return session, cookie

    def session(self, cookie: str | None) -> StaffSession:
        """The session a cookie carries; ``AccessDenied`` when missing, expired or tampered with."""
        data = _load(self._session, cookie or "", self.session_seconds)
        return StaffSession(str(data["a"]), str(data.get("n") or ""), str(data["c"]))

    def image_url(self, name: str, data: dict[str, Any]) -> str:
        """A URL serving chart ``name`` drawn from ``data`` (for chat cards that cannot embed the image)."""
        return f"{self.base_url}/dashboard/img/{name}.png?t={self._image.dumps({'n': name, 'd': data})}"

    def image_data(self, name: str, token: str) -> dict[str, Any]:
        """The figures of chart ``name`` a signed image URL carries; ``AccessDenied`` if not for this chart."""
        data = _load(self._image, token, IMAGE_DAYS * 86400)
        if not isinstance(data, dict) or data.get("n") != name or not isinstance(data.get("d"), dict):
            raise AccessDenied("bad image token")
        return dict(data["d"])


def _load(serializer: URLSafeTimedSerializer, token: str, max_age: int) -> Any:
    if not token:
        raise AccessDenied("no token")
    try:
        return serializer.loads(token, max_age=max_age)
    except SignatureExpired:
        raise AccessDenied("expired") from None
    except BadSignature:
        raise AccessDenied("bad signature") from None
