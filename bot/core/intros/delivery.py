"""Getting introduction messages to people: one ``Messenger`` per chat platform, plugged in by the adapters.

The core never talks to Slack or Teams. It hands an ``IntroMessage`` and an ``Address`` (a chat account)
to the messenger of the account's platform. A messenger reports failure by returning False (or None); it
should not raise, and if it does, the error is logged and treated as a failed send: a missed DM must
never undo a state change the database already committed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.core.intros.messages import IntroMessage
from models.directory import PlatformAccount

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Address:
    """A chat account to message (detached from any session, safe to pass to another thread)."""

    account_id: int
    platform: str
    workspace_id: str
    user_id: str
    conversation_ref: dict[str, Any] | None = field(default=None, compare=False)
    active: bool = True

    @property
    def id(self) -> int:
        return self.account_id

    @classmethod
    def of(cls, account: PlatformAccount) -> Address:
        return cls(account.id, account.platform, account.workspace_id, account.user_id,
                   dict(account.conversation_ref) if account.conversation_ref else None, bool(account.active))


class Messenger(Protocol):
    def send(self, to: Address, message: IntroMessage) -> bool:
        """A direct message to one member."""
        ...

    def connect(self, people: Sequence[Address], message: IntroMessage) -> str | None:
        """One conversation with everyone in ``people`` (same workspace) and the bot; its id, or None."""
        ...


class StaffBoard(Protocol):
    """Where staff review introductions (Slack: ``SLACK_STAFF_CHANNEL``)."""

    def post_staff(self, items: Sequence[IntroMessage], *, title: str, summary: str) -> list[str | None]:
        """Post the items (in as many messages as needed); returns each item's message ref."""
        ...


#: The messenger of a platform ("slack", "teams", ...), or None when that platform is not enabled.
MessengerLookup = Callable[[str], Messenger | None]
#: Every enabled platform's staff board (Slack's staff channel, Teams staff members' 1:1 chats, ...).
StaffBoards = Callable[[], Sequence[StaffBoard]]


class Delivery:
    """Routes messages to the platform messengers; never raises."""

    def __init__(self, lookup: MessengerLookup, staff_boards: StaffBoards = lambda: ()) -> None:
        self.lookup = lookup
        self.staff_boards = staff_boards

    def messenger(self, platform: str) -> Messenger | None:
        try:
            return self.lookup(platform)
        except Exception:
            logger.exception("no %s messenger could be built", platform)
            return None

    def send(self, to: Address | None, message: IntroMessage) -> bool:
        if to is None or not to.active:
            return False
        messenger = self.messenger(to.platform)
        if messenger is None:
            logger.warning("no messenger for %s: %s not delivered to account %s", to.platform, message.ref,
                           to.account_id)
            return False
        try:
            return bool(messenger.send(to, message))
        except Exception:
            logger.exception("sending %s to account %s failed", message.ref, to.account_id)
            return False

    def connect(self, people: Sequence[Address | None], message: IntroMessage) -> str | None:
        """A group conversation when everyone is in one workspace; otherwise the message goes to each."""
        present = [p for p in people if p is not None]
        same = len({(p.platform, p.workspace_id) for p in present}) == 1 and len(present) == len(people)
        if same and present:
            messenger = self.messenger(present[0].platform)
            if messenger is not None:
                try:
                    ref = messenger.connect(present, message)
                    if ref:
                        return ref
                except Exception:
                    logger.exception("opening a conversation for %s failed; sending separately", message.ref)
        sent = [self.send(p, message) for p in present]
        return "separate" if sent and all(sent) else None

    def post_staff(self, items: Sequence[IntroMessage], *, title: str, summary: str) -> list[str | None] | None:
        """Post items for review on every staff board; each item's first message ref (None: no board at all).

        A board that fails is logged and skipped: the others still get the items.
        """
        boards = list(self.staff_boards())
        if not boards:
            return None
        refs: list[str | None] = [None] * len(items)
        for board in boards:
            try:
                posted = board.post_staff(items, title=title, summary=summary)
            except Exception:
                logger.exception("posting %d items to a staff board failed", len(items))
                continue
            refs = [old or new for old, new in zip(refs, list(posted) + [None] * len(items), strict=False)]
        return refs
