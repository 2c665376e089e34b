"""Proactive Teams messages (digests, introductions) to a member's stored conversation reference.

Teams answers a proactive send with:
- 403 ``ConversationBlockedByUser`` / ``BotNotInConversationRoster`` / ``BotDisabledByAdmin``: the member
  cannot be reached until they talk to us again, so the account is marked inactive and never retried;
- 429: throttled; we wait ``Retry-After`` (or an exponential delay) plus jitter and try again;
- 412 / 500 / 502 / 503 / 504 and dropped connections: transient; retried a bounded number of times.
Sends are paced (``min_interval``) to stay far below the 50 requests/s per tenant limit.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import aiohttp
from microsoft_agents.activity import (
    Activity,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
)
from microsoft_agents.hosting.core import AuthenticationConstants, ChannelServiceAdapter, ClaimsIdentity, TurnContext

from bot.core.backoff import backoff_seconds, retry_after_seconds
from bot.core.messages import Reply
from bot.teams.accounts import TeamsAccounts, is_personal
from bot.teams.render import card_activity, text_activity, to_activity

logger = logging.getLogger(__name__)

SendStatus = Literal["sent", "inactive", "no_reference", "failed"]
RETRYABLE_STATUSES = frozenset({412, 429, 500, 502, 503, 504})
GONE_STATUS = 403
CONNECTION_ERRORS = (TimeoutError, aiohttp.ClientConnectionError)
RETRYABLE_ERRORS = frozenset(
    {str(status) for status in RETRYABLE_STATUSES}
    | {"TimeoutError", "ClientConnectionError", "ClientConnectorError", "ServerDisconnectedError", "ClientOSError"}
)


@dataclass(frozen=True)
class SendResult:
    """What happened to one proactive message. ``inactive``: the account was marked inactive.

    ``error`` is the HTTP status ("403", "429", ...) or the connection error's class name; ``code`` is the
    Teams error code from the response body ("ConversationBlockedByUser"). Neither holds message text.
    ``retryable`` failures may succeed later (the sender already retried ``RetryPolicy.max_retries`` times);
    ``retry_after`` is the last ``Retry-After`` Teams sent, in seconds.
    """

    status: SendStatus
    attempts: int = 0
    activity_id: str | None = None
    error: str | None = None
    code: str | None = None
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        return self.status == "sent"

    @property
    def retryable(self) -> bool:
        return self.status == "failed" and self.error in RETRYABLE_ERRORS


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 4  # retries after the first attempt
    base_delay: float = 1.0  # seconds; doubles per retry
    max_delay: float = 60.0
    min_interval: float = 1.0  # pacing between two sends from this sender


def error_code(exc: aiohttp.ClientResponseError) -> str | None:
    """The Teams error code from a failed connector call's body (``{"error": {"code": ...}}``), if any."""
    try:
        body = json.loads(exc.message)
        code = body.get("error", {}).get("code") if isinstance(body, dict) else None
    except (TypeError, ValueError, AttributeError):
        code = None
    return str(code) if code else None


def retry_after(exc: aiohttp.ClientResponseError) -> float | None:
    return retry_after_seconds(exc.headers.get("Retry-After") if exc.headers else None)


class Addressee(Protocol):
    """Who a proactive message goes to: a ``PlatformAccount``, or a digest ``Recipient``."""

    @property
    def conversation_ref(self) -> dict[str, Any] | None: ...


Message = Reply | Activity | Mapping[str, Any] | str


def _account_id(account: Addressee) -> int:
    account_id = getattr(account, "account_id", None) or getattr(account, "id", None)
    if not isinstance(account_id, int):
        raise TypeError(f"cannot tell which account {account!r} is (no integer id or account_id)")
    return account_id


def message_activity(message: Message) -> Activity:
    """What callers may send: a core ``Reply``, a ready ``Activity``, a bare Adaptive Card dict or a text."""
    if isinstance(message, Reply):
        return to_activity(message)
    if isinstance(message, Activity):
        return message
    if isinstance(message, Mapping):
        if message.get("type") != "AdaptiveCard":
            raise ValueError("a dict message must be an Adaptive Card (type 'AdaptiveCard')")
        return card_activity(dict(message), summary=str(message.get("fallbackText") or ""))
    return text_activity(str(message))


class TeamsSender:
    """Sends one message to one member's stored conversation; safe to share across a process."""

    def __init__(
        self,
        adapter: ChannelServiceAdapter,
        accounts: TeamsAccounts,
        *,
        app_id: str,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._adapter = adapter
        self._accounts = accounts
        self._app_id = app_id
        self.policy = policy or RetryPolicy()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._clock = clock
        self._last_send: float | None = None

    def send(self, account: Addressee, message: Message) -> SendResult:
        """Blocking ``send_async`` for synchronous callers (the clock process, core services in a worker thread)."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self.send_async(account, message))
        raise RuntimeError("TeamsSender.send() was called inside an event loop: await send_async() instead")

    async def send_async(self, account: Addressee, message: Message) -> SendResult:
        """Deliver ``message``; retry what Teams says is transient; mark the account inactive on 403.

        ``account`` is a ``PlatformAccount`` (or anything with ``conversation_ref`` and ``id`` or
        ``account_id``, such as a digest ``Recipient``).
        """
        account_id = _account_id(account)
        reference = account.conversation_ref
        if not getattr(account, "active", True):
            return SendResult("inactive", error="account inactive")
        if not reference or not reference.get("serviceUrl") or not reference.get("conversation"):
            return SendResult("no_reference", error="no stored conversation reference")
        activity = message_activity(message)
        attempt = 0
        while True:
            attempt += 1
            await self._pace()
            try:
                if not is_personal(reference):
                    reference = await self._open_personal_chat(account_id, reference)
                activity_id = await self._send_to(reference, activity)
                return SendResult("sent", attempts=attempt, activity_id=activity_id)
            except aiohttp.ClientResponseError as exc:
                status, code = str(exc.status), error_code(exc)
                hint = retry_after(exc) if exc.status == 429 else None
                if exc.status == GONE_STATUS:
                    self._accounts.deactivate(account_id, code or status)
                    return SendResult("inactive", attempts=attempt, error=status, code=code)
                if exc.status not in RETRYABLE_STATUSES or attempt > self.policy.max_retries:
                    logger.warning("teams send to account %s failed: %s %s (try %d)", account_id, status, code, attempt)
                    return SendResult("failed", attempts=attempt, error=status, code=code, retry_after=hint)
                await self._sleep(self._delay(attempt, hint))
            except CONNECTION_ERRORS as exc:
                if attempt > self.policy.max_retries:
                    logger.warning("teams send to account %s failed: %s", account_id, type(exc).__name__)
                    return SendResult("failed", attempts=attempt, error=type(exc).__name__)
                await self._sleep(self._delay(attempt, None))
            except Exception as exc:  # a sender reports, it never raises into digests or introductions
                logger.exception("teams send to account %s failed unexpectedly", account_id)
                return SendResult("failed", attempts=attempt, error=type(exc).__name__)

    def _delay(self, attempt: int, server_hint: float | None) -> float:
        """Exponential backoff with jitter (half fixed, half random); never shorter than ``Retry-After``."""
        delay = backoff_seconds(attempt, self._rng, base=self.policy.base_delay, cap=self.policy.max_delay)
        return max(delay, server_hint + self._rng.uniform(0, self.policy.base_delay)) if server_hint else delay

    async def _pace(self) -> None:
        now = self._clock()
        if self._last_send is not None:
            wait = self.policy.min_interval - (now - self._last_send)
            if wait > 0:
                await self._sleep(wait)
        self._last_send = self._clock()

    def _claims(self) -> ClaimsIdentity:
        """The bot's identity for outbound calls; without an app id (local anonymous mode) calls carry no token."""
        return self._adapter.create_claims_identity(self._app_id) if self._app_id else ClaimsIdentity({})

    async def _send_to(self, reference: Mapping[str, Any], activity: Activity) -> str | None:
        continuation = ConversationReference.model_validate(reference).get_continuation_activity()
        continuation.id = None  # a new message, not a reply to the continuation event
        result: dict[str, Any] = {}

        async def _callback(context: TurnContext) -> None:
            try:
                response = await context.send_activity(activity.model_copy(deep=True))
                result["id"] = response.id if response else None
            except Exception as exc:  # re-raised below: keep the adapter's turn-error handler out of it
                result["error"] = exc

        await self._adapter.continue_conversation_with_claims(self._claims(), continuation, _callback)
        if "error" in result:
            raise result["error"]
        return result.get("id")

    async def _open_personal_chat(self, account_id: int, reference: Mapping[str, Any]) -> dict[str, Any]:
        """Open a 1:1 chat with a member we only know from a channel; store and return its reference."""
        conversation = reference.get("conversation") or {}
        tenant = conversation.get("tenantId")
        user = ChannelAccount.model_validate(reference["user"])
        bot = ChannelAccount.model_validate(reference["bot"]) if reference.get("bot") else None
        parameters = ConversationParameters.model_validate(
            {"isGroup": False, "members": [user], "bot": bot, "tenantId": tenant}
        )
        opened: dict[str, Any] = {}

        async def _callback(context: TurnContext) -> None:
            opened["id"] = context.activity.conversation.id

        await self._adapter.create_conversation(
            self._app_id,
            str(reference.get("channelId") or "msteams"),
            str(reference["serviceUrl"]),
            AuthenticationConstants.AGENTS_SDK_SCOPE,
            parameters,
            _callback,
        )
        personal = {
            **reference,
            "conversation": {"id": opened["id"], "conversationType": "personal", "tenantId": tenant},
        }
        self._accounts.set_reference(account_id, personal)
        return personal
