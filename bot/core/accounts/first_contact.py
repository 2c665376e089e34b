"""The automatic "Is this you?" on a member's first contact (first question, command or home visit).

Made once per chat account, and only when the account is unlinked and its verified e-mail matches exactly
one unlinked person; a member who says "not me" is never asked again (the explicit link action still works).
The e-mail is asked for lazily: an account already linked, offered or dismissed costs one indexed query and
no chat API call. An account whose e-mail matched nobody is not asked again by this process for an hour (the
directory may gain them later), so a member asking many questions does not cost a ``users.info`` each.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from bot.core.accounts import texts as t
from bot.core.accounts.members import LinkOffer, MembersService, account_ref
from models.members import MemberRepository
from models.privacy import audit

logger = logging.getLogger(__name__)

OFFERED, DISMISSED = "offered", "dismissed"
#: Seconds an account whose e-mail matched nobody is left alone (then looked up again).
UNMATCHED_QUIET = 3600.0
_MAX_REMEMBERED = 100_000


class FirstContact:
    """Decides whether this contact gets the offer, and records it (or the member's "not me")."""

    def __init__(self, sessions: sessionmaker[Session], members: MembersService, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.sessions, self.members, self.clock = sessions, members, clock
        self._quiet: dict[tuple[str, str, str], float] = {}  # account -> until when it is left alone
        self._lock = threading.Lock()

    def _hush(self, key: tuple[str, str, str], seconds: float) -> None:
        with self._lock:
            if len(self._quiet) >= _MAX_REMEMBERED:
                self._quiet.clear()
            self._quiet[key] = self.clock() + seconds

    def _settled(self, platform: str, workspace_id: str, user_id: str) -> bool:
        """Linked, already offered or dismissed: nothing more to offer automatically."""
        with self.sessions() as s:
            account = MemberRepository(s).account(platform, workspace_id, user_id)
            return account is not None and (account.person_id is not None or account.link_offer is not None)

    def offer(self, platform: str, workspace_id: str, user_id: str,
              email: Callable[[], str | None]) -> LinkOffer | None:
        """The offer to show after answering this contact, or ``None``; an offer returned is recorded as made."""
        key = (platform, workspace_id, user_id)
        if self._quiet.get(key, 0.0) > self.clock():
            return None
        if self._settled(*key):
            self._hush(key, float("inf"))
            return None
        found = self.members.offer(platform, workspace_id, user_id, email())
        if found.person_ref is None:
            self._hush(key, UNMATCHED_QUIET)
            return None
        with self.sessions.begin() as s:
            account = MemberRepository(s).account(platform, workspace_id, user_id, create=True)
            assert account is not None
            if account.person_id is not None or account.link_offer is not None:
                return None  # another worker got there first
            account.link_offer = OFFERED
        self._hush(key, float("inf"))
        logger.info("offered %s to %s on first contact", found.person_ref, account_ref(*key))
        return found

    def dismiss(self, platform: str, workspace_id: str, user_id: str) -> str:
        """"Not me": never offered automatically again; audited (the e-mail matched someone else's profile)."""
        with self.sessions.begin() as s:
            account = MemberRepository(s).account(platform, workspace_id, user_id, create=True)
            assert account is not None
            account.link_offer = DISMISSED
            actor = account_ref(platform, workspace_id, user_id)
            audit(s, actor, "member.link_dismiss", actor)
        self._hush((platform, workspace_id, user_id), float("inf"))
        return t.OFFER_DISMISSED.format(join=t.JOIN_USAGE)
