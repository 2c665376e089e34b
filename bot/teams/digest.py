"""Digests on Teams: the proactive sender (``bot.teams.proactive``) as the delivery ledger's ``Sender``.

The account is read afresh before each send (its conversation reference may have moved since the digest was
planned); failures are classified for the ledger: gone (blocked, uninstalled, no reference), retryable
(throttled, transient), or permanent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.core.accounts.service import AccountService
from bot.core.digest.delivery import PermanentSendError, RecipientGoneError, RetryableSendError
from bot.core.digest.types import Digest, Recipient
from bot.teams.dashboard import digest_activity
from bot.teams.proactive import RETRYABLE_ERRORS, Message, TeamsSender
from bot.teams.translate import PLATFORM

#: (chart name, figures) -> a signed URL of the chart's PNG (the staff digest's charts as card images).
ImageUrl = Callable[[str, dict[str, Any]], str]


class TeamsDigestSender:
    platform = PLATFORM

    def __init__(self, teams_sender: TeamsSender, accounts: AccountService, image_url: ImageUrl | None = None) -> None:
        self.teams_sender = teams_sender
        self.accounts = accounts
        self.image_url = image_url

    def send(self, recipient: Recipient, digest: Digest) -> str | None:
        account = self.accounts.by_id(recipient.account_id)
        if account is None:
            raise RecipientGoneError("account deleted")
        message: Message = digest.to_reply()
        if digest.images and self.image_url is not None:
            message = digest_activity(digest, self.image_url)
        result = self.teams_sender.send(account, message)
        if result.ok:
            return result.activity_id
        if result.status in ("inactive", "no_reference"):
            raise RecipientGoneError(f"teams {result.status}: {result.error}")
        if str(result.error) in RETRYABLE_ERRORS:
            raise RetryableSendError(f"teams {result.error}")
        raise PermanentSendError(f"teams {result.error}")
