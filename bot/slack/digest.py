"""Digests on Slack: Block Kit rendering, the sender, ``/match digest`` and the App Home buttons.

Digest items render with ``render.suggestion_blocks``, so their Request introduction / Not relevant
buttons carry the same action ids and values as answers and the same listeners handle the clicks.

``SlackDigestSender`` posts to the member's DM (``channel=<user id>``) through a ``WebClient`` *without*
retry handlers: the delivery ledger owns retries (so every attempt is recorded and none is hidden), and
this module only classifies failures: 429 and 5xx and dropped connections are retryable, a member who is
gone (blocked the app, left, deactivated) is not.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.config import Settings
from bot.core.backoff import retry_after_seconds
from bot.core.digest.delivery import PermanentSendError, RecipientGoneError, RetryableSendError
from bot.core.digest.types import Digest, Recipient
from bot.core.home import DIGEST_BUTTONS
from bot.slack.render import MAX_BLOCKS, MAX_HEADER, fallback_text, mrkdwn, suggestion_blocks, truncate
from bot.slack.services import SlackServices

logger = logging.getLogger(__name__)

#: Slack errors meaning the member cannot be reached any more: mark the account inactive.
GONE = frozenset({"user_not_found", "account_inactive", "cannot_dm_bot", "is_archived", "user_disabled",
                  "channel_not_found", "not_in_channel", "messages_tab_disabled"})
#: Errors about our installation, not the member: fail this digest, keep the member.
WORKSPACE = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired", "team_access_not_granted",
                       "missing_scope", "org_login_required", "ekm_access_denied"})
ACTION_ON, ACTION_OFF, ACTION_DAY, ACTION_HOUR_UP, ACTION_HOUR_DOWN = DIGEST_BUTTONS  # App Home (bot.core.home)


# -- rendering -------------------------------------------------------------------------------------
def digest_message(digest: Digest) -> dict[str, Any]:
    """``text`` + ``blocks`` for one digest, within 50 blocks; member text escaped."""
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=truncate(digest.title, MAX_HEADER)))]
    if digest.intro:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=mrkdwn(digest.intro, 2000))]))
    if digest.facts:
        lines = [f"*{mrkdwn(f.label, 200)}:* {mrkdwn(f.value, 200)}" for f in digest.facts]
        blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(lines)[:3000])))
    position = 0
    footer = [DividerBlock(), ContextBlock(elements=[MarkdownTextObject(text=mrkdwn(digest.footer, 2000))])]
    room = MAX_BLOCKS - (len(footer) if digest.footer else 0)
    for section in digest.sections:
        head: list[Block] = [DividerBlock(),
                             SectionBlock(text=MarkdownTextObject(text=f"*{mrkdwn(section.heading, 300)}*"))]
        for s in section.suggestions:
            item = suggestion_blocks(s, query_id=None, position=position)
            if len(blocks) + len(head) + len(item) > room:
                break
            blocks.extend(head)
            head = []
            blocks.extend(item)
            position += 1
    if digest.footer:
        blocks.extend(footer)
    return {"text": fallback_text(f"{digest.title}: {digest.to_text()}"), "blocks": [b.to_dict() for b in blocks]}


# -- sending ---------------------------------------------------------------------------------------
class SlackDigestSender:
    """Posts digests to members' DMs; one client per bot token, tokens from ``token_for(workspace_id)``."""

    platform = "slack"

    def __init__(self, settings: Settings, *, token_for: Any = None, client_factory: Any = None) -> None:
        self.settings = settings
        self._token_for = token_for or self._default_token
        self._client_factory = client_factory or (
            lambda token: WebClient(token=token, base_url=settings.slack_api_url or WebClient.BASE_URL,
                                    retry_handlers=[])
        )
        self._clients: dict[str, WebClient] = {}
        self._store: Any = None

    def _default_token(self, workspace_id: str) -> str | None:
        return self.settings.slack_bot_token or None

    def client(self, workspace_id: str) -> WebClient:
        token = self._token_for(workspace_id)
        if not token:
            raise PermanentSendError(f"no bot token for workspace {workspace_id}")
        if token not in self._clients:
            self._clients[token] = self._client_factory(token)
        return self._clients[token]

    def send(self, recipient: Recipient, digest: Digest) -> str | None:
        client = self.client(recipient.workspace_id)
        try:
            response = client.chat_postMessage(channel=recipient.user_id, unfurl_links=False, unfurl_media=False,
                                               **digest_message(digest))
        except SlackApiError as exc:
            raise classify(exc) from exc
        except (URLError, ConnectionError, TimeoutError) as exc:
            raise RetryableSendError(f"connection: {type(exc).__name__}") from exc
        if digest.images and response.get("channel"):
            self._charts(client, str(response["channel"]), digest)
        return str(response.get("ts") or "") or None

    @staticmethod
    def _charts(client: WebClient, channel: str, digest: Digest) -> None:
        """The digest's charts under it, as PNG uploads with alt text; the message is out whatever happens here
        (a failed upload is logged, never retried: a retry would resend the whole digest)."""
        from bot.dashboard.charts import render
        from bot.dashboard.service import ChartImage
        from bot.slack.dashboard import upload_charts

        try:
            upload_charts(client, channel, [ChartImage(**i) for i in digest.images],
                          lambda name, data: render(name, data, size="chat"))
        except Exception:
            logger.exception("staff digest charts not uploaded to %s", channel)


def classify(exc: SlackApiError) -> Exception:
    """A Slack API failure as a delivery error: retry, recipient gone, or give up."""
    status = exc.response.status_code
    error = str(exc.response.get("error") or "") if exc.response.data else ""
    if status == 429 or error == "ratelimited":
        retry_after = retry_after_seconds(exc.response.headers.get("Retry-After")
                                          or exc.response.headers.get("retry-after"))
        return RetryableSendError("ratelimited", retry_after=retry_after, rate_limited=True)
    if status >= 500 or error in ("internal_error", "fatal_error", "service_unavailable", "request_timeout"):
        return RetryableSendError(f"server error {status} {error}".strip())
    if error in GONE:
        return RecipientGoneError(error)
    if error in WORKSPACE:
        return PermanentSendError(f"workspace: {error}")
    return PermanentSendError(error or f"http {status}")


# -- members' settings -----------------------------------------------------------------------------
def member_timezone(client: WebClient, user_id: str) -> str | None:
    """The member's Slack time zone (``users.info`` ``tz``); None when Slack does not say."""
    try:
        user = client.users_info(user=user_id).get("user")
        tz = user.get("tz") if isinstance(user, dict) else None
    except SlackApiError:
        logger.info("users.info failed for %s; keeping the stored or default time zone", user_id)
        return None
    return str(tz) if tz else None


def digest_command(services: SlackServices, command: dict[str, Any], client: WebClient) -> str:
    """``/match digest [on|off|day <mon..sun>|hour <0-23>]`` (registered in ``/match``'s member commands)."""
    _, _, args = (command.get("text") or "").strip().partition(" ")
    tz = member_timezone(client, command["user_id"])
    return services.container.digest.command("slack", command.get("team_id") or "", command["user_id"], args,
                                             timezone=tz)


def acknowledge(ack: Any) -> None:
    ack()


def on_home_button(body: dict[str, Any], action: dict[str, Any], client: WebClient, services: SlackServices) -> None:
    """A Home button (after the ack): save the choice, then re-publish Home so the member sees it."""
    from bot.slack.listeners.home import publish_home
    from bot.slack.translate import team_of

    team, user = team_of(body), body["user"]["id"]
    request = services.home_request(client, team, user, timezone=member_timezone(client, user))
    services.container.home.press(request, action["action_id"], str(action.get("value") or ""))
    publish_home(client, services, team, user)


def register(app: Any) -> None:
    """Home buttons and the ``/match digest`` subcommand (called from ``bot.slack.listeners.digest``)."""
    from bot.slack.errors import guarded
    from bot.slack.listeners.commands import MEMBER_COMMANDS

    MEMBER_COMMANDS["digest"] = digest_command
    for action_id in (ACTION_ON, ACTION_OFF, ACTION_DAY, ACTION_HOUR_UP, ACTION_HOUR_DOWN):
        app.action(action_id)(ack=acknowledge, lazy=[guarded(on_home_button)])
