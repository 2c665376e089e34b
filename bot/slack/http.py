"""HTTP in front of the Bolt app: raw bytes in, ``BoltResponse`` out, never an exception.

Bolt checks the signature (``v0=`` HMAC of ``v0:{ts}:{raw body}``, timestamp within 5 minutes, else 401)
before anything runs. A body Bolt cannot even parse is answered here: 401 when unsigned, 400 (and a log
line) when signed but unreadable. The web layer calls ``dispatch`` on a worker thread.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk.signature import SignatureVerifier

from bot.slack.translate import payload_problem

logger = logging.getLogger(__name__)


class SlackHttp:
    """Adapts one Bolt ``App`` to plain HTTP requests (events, interactivity, commands, OAuth pages)."""

    def __init__(self, app: App, *, signing_secret: str) -> None:
        self.app = app
        self._verifier = SignatureVerifier(signing_secret) if signing_secret else None

    def dispatch(self, raw: bytes, headers: Mapping[str, str], query: str = "") -> BoltResponse:
        """POST /slack/events."""
        lowered = {k.lower(): v for k, v in headers.items()}
        try:
            request = BoltRequest(body=raw.decode("utf-8"), query=query, headers=dict(lowered))
            problem = payload_problem(request.body)
        except Exception as e:  # bad UTF-8, bad JSON, JSON that is not an object: Bolt cannot even build it
            problem = f"unreadable body ({type(e).__name__})"
        if problem is not None:  # checked before Bolt, whose middleware chokes on some shapes (empty actions)
            try:
                signed = self._verifier is not None and self._verifier.is_valid_request(raw, lowered)
            except UnicodeDecodeError:  # the verifier decodes the body: bytes that are not text are not Slack's
                signed = False
            if not signed:
                logger.info("rejected an unsigned or stale Slack request (%s)", problem)
                return BoltResponse(status=401, body="")
            logger.warning("rejected a signed Slack payload: %s", problem)
            return BoltResponse(status=400, body=f"unusable payload: {problem}")
        try:
            return self.app.dispatch(request)
        except Exception:  # Bolt handles listener errors itself; this is the last line of defence
            logger.exception("Slack request dispatch failed")
            return BoltResponse(status=500, body="")

    def install_page(self, headers: Mapping[str, str], query: str) -> BoltResponse:
        """GET /slack/install: the "Add to Slack" page (OAuth mode only)."""
        flow = self.app.oauth_flow
        if flow is None:
            return _oauth_off()
        return flow.handle_installation(BoltRequest(body="", query=query, headers=dict(headers)))

    def oauth_redirect(self, headers: Mapping[str, str], query: str) -> BoltResponse:
        """GET /slack/oauth_redirect: exchanges the code, stores the installation in our database."""
        flow = self.app.oauth_flow
        if flow is None:
            return _oauth_off()
        return flow.handle_callback(BoltRequest(body="", query=query, headers=dict(headers)))


def _oauth_off() -> BoltResponse:
    return BoltResponse(
        status=404,
        body="Slack OAuth is not configured here (set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET).",
        headers={"content-type": "text/plain; charset=utf-8"},
    )
