"""What the introductions sub-modules (staff desk, preferences, jobs, outcomes, suggestions) need from the
service, as a protocol: they depend on this module, never on ``bot.core.intros.service``, so the package has no
import cycle and each part can be tested against a small stand-in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from bot.core.directory.catalog import Catalog
from bot.core.errors import UserFacingError
from bot.core.intros import messages as msg
from bot.core.intros import texts as t
from bot.core.intros.delivery import Address, Delivery
from bot.core.intros.people import Side
from bot.core.messages import Suggestion
from models.directory import PlatformAccount
from models.intros import Introduction


def intro_id(ref: str) -> int:
    """The introduction id in a button's ``intro:<id>`` ref; a crafted ref is refused kindly."""
    kind, _, raw = ref.partition(":")
    if kind != "intro" or not raw.isdigit():
        raise UserFacingError(t.UNKNOWN_INTRO)
    return int(raw)


@dataclass(frozen=True)
class IntroConfig:
    """What introductions read from the settings (``INTRO_*``), built once in ``bootstrap``."""

    requires_staff_approval: bool = False  # every member request goes to staff first
    expiry_days: int = 14  # a request nobody answered expires after this many days
    capacity_per_period: int = 2  # staff suggestions per member per period


class IntroCore(Protocol):
    """The introductions service as its parts see it."""

    sessions: sessionmaker[Session]
    catalog: Catalog
    config: IntroConfig
    delivery: Delivery

    def now(self) -> datetime: ...

    def sides(self, s: Session, intro: Introduction) -> tuple[Side, Side, Address | None, Address | None]: ...

    def ask_message(self, s: Session, intro: Introduction, side: str, a: Side, b: Side, *,
                    reminder: bool = False) -> msg.IntroMessage: ...

    def send_asks(self, introduction_id: int, *, reminder_sides: tuple[str, ...] = ()) -> bool: ...

    def tell(self, person_id: int | None, account_id: int | None, message: msg.IntroMessage) -> bool: ...

    def pending_for(self, session: Session, account: PlatformAccount, now: datetime) -> Sequence[Suggestion]: ...
