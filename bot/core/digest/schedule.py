"""Who gets a digest when: members' preferences, local day and hour, and planning the week's ledger rows.

Planning runs every hour. A recipient is due once their local day and hour have come in their local ISO
week (and no more than ``CATCH_UP`` ago, so a clock that was down a few hours catches up, while someone
who opts in on a Thursday waits for next week's slot). Each due recipient gets one ``DigestDelivery`` row
per week, inserted with ``ON CONFLICT DO NOTHING`` on the unique key: planning is idempotent, and any
number of clocks may plan at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.core.clock import iso_week_key, start_of_iso_week
from bot.core.digest import texts as t
from bot.core.digest.types import MEMBER, STAFF, DigestConfig
from bot.core.errors import UserFacingError
from models.digest import WEEKDAYS, DigestDelivery, DigestPreference
from models.directory import PlatformAccount

logger = logging.getLogger(__name__)

CATCH_UP = timedelta(hours=24)
_DAY_ALIASES = {name.lower(): key for key, name in t.DAY_NAMES.items()} | {k: k for k in WEEKDAYS}


@dataclass(frozen=True)
class Schedule:
    """A recipient's effective digest choices (their preference, else the workspace default)."""

    enabled: bool
    day: str
    hour: int
    timezone: str
    explicit_off: bool = False

    def zone(self) -> ZoneInfo:
        return zone(self.timezone)

    def slot(self, now: datetime) -> datetime:
        """This local ISO week's digest time, as an aware datetime in the recipient's zone."""
        local = now.astimezone(self.zone())
        day = start_of_iso_week(local) + timedelta(days=WEEKDAYS.index(self.day))
        return day.replace(hour=self.hour)

    def describe(self) -> dict[str, object]:
        return {"day": t.DAY_NAMES[self.day], "hour": self.hour, "timezone": self.timezone}


def zone(name: str | None, default: str = "UTC") -> ZoneInfo:
    """The IANA zone ``name``; an unknown or empty one falls back to ``default`` (logged, not fatal)."""
    for candidate in (name, default, "UTC"):
        if not candidate:
            continue
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            logger.warning("unknown time zone %r, using %r", candidate, default)
    return ZoneInfo("UTC")


def schedule_for(account: PlatformAccount, pref: DigestPreference | None, config: DigestConfig) -> Schedule:
    tz_name = account.timezone or config.timezone
    tz = zone(tz_name, config.timezone)
    enabled = config.default_on if pref is None or pref.enabled is None else pref.enabled
    return Schedule(
        enabled=bool(enabled),
        day=(pref.day if pref and pref.day in WEEKDAYS else None) or config.day,
        hour=pref.hour if pref and pref.hour is not None and 0 <= pref.hour <= 23 else config.hour,
        timezone=tz.key,
        explicit_off=pref is not None and pref.enabled is False,
    )


def staff_user_ids(config: DigestConfig) -> set[str]:
    return set(config.staff_users)


@dataclass(frozen=True)
class DueRecipient:
    kind: str
    account_id: int
    iso_week: str
    due_at: datetime  # UTC


def due_recipients(session: Session, now: datetime, config: DigestConfig) -> list[DueRecipient]:
    """Recipients whose digest time has come this week (in their zone), whether or not already planned."""
    staff_ids = staff_user_ids(config)
    rows = session.execute(
        select(PlatformAccount, DigestPreference)
        .outerjoin(DigestPreference, DigestPreference.account_id == PlatformAccount.id)
        .where(PlatformAccount.active.is_(True))
        .order_by(PlatformAccount.id)
    ).all()
    due: list[DueRecipient] = []
    for account, pref in rows:
        schedule = schedule_for(account, pref, config)
        slot = schedule.slot(now)
        if not (slot <= now <= slot + CATCH_UP):
            continue
        week = iso_week_key(slot)
        slot_utc = slot.astimezone(UTC)
        if schedule.enabled:
            due.append(DueRecipient(MEMBER, account.id, week, slot_utc))
        if (account.is_staff or account.user_id in staff_ids) and not schedule.explicit_off:
            due.append(DueRecipient(STAFF, account.id, week, slot_utc))
    return due


def plan(session: Session, now: datetime, config: DigestConfig) -> int:
    """Insert this week's ledger rows for every due recipient; returns how many were new."""
    due = due_recipients(session, now, config)
    if not due:
        return 0
    values = [
        {"kind": d.kind, "recipient": f"account:{d.account_id}", "account_id": d.account_id, "iso_week": d.iso_week,
         "due_at": d.due_at, "state": "pending", "attempts": 0, "in_flight": False,
         "created_at": now, "updated_at": now}
        for d in due
    ]
    dialect = session.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        created = 0
        for start in range(0, len(values), 500):
            stmt = (
                insert(DigestDelivery)
                .values(values[start : start + 500])
                .on_conflict_do_nothing(index_elements=["kind", "recipient", "iso_week"])
                .returning(DigestDelivery.id)
            )
            created += len(session.scalars(stmt).all())
        return created
    created = 0
    for value in values:  # other databases: one savepoint per row
        try:
            with session.begin_nested():
                session.add(DigestDelivery(**value))
            created += 1
        except IntegrityError:
            pass
    return created


# -- preferences ---------------------------------------------------------------------------------------
def get_or_create_account(
    session: Session, platform: str, workspace_id: str, user_id: str, *, timezone: str | None = None
) -> PlatformAccount:
    """The member's chat account (created on first use, so preferences work before staff link a person)."""
    account = session.scalars(
        select(PlatformAccount).where(
            PlatformAccount.platform == platform,
            PlatformAccount.workspace_id == workspace_id,
            PlatformAccount.user_id == user_id,
        )
    ).one_or_none()
    if account is None:
        account = PlatformAccount(platform=platform, workspace_id=workspace_id, user_id=user_id, timezone=timezone)
        session.add(account)
        session.flush()
    elif timezone and account.timezone != timezone:
        account.timezone = timezone
    return account


def preference(session: Session, account: PlatformAccount) -> DigestPreference | None:
    return session.scalars(select(DigestPreference).where(DigestPreference.account_id == account.id)).one_or_none()


def set_preference(
    session: Session, account: PlatformAccount, *, enabled: bool | None = None, day: str | None = None,
    hour: int | None = None,
) -> DigestPreference:
    """Change some of a member's choices (``None`` leaves a choice as it was)."""
    pref = preference(session, account)
    if pref is None:
        pref = DigestPreference(account_id=account.id)
        session.add(pref)
    if enabled is not None:
        pref.enabled = enabled
    if day is not None:
        pref.day = parse_day(day)
    if hour is not None:
        pref.hour = parse_hour(str(hour))
    if enabled is True and not account.active:
        account.active = True  # a member who comes back and opts in can be reached again
    session.flush()
    return pref


def parse_day(value: str) -> str:
    key = _DAY_ALIASES.get(value.strip().lower()) or _DAY_ALIASES.get(value.strip().lower()[:3])
    if key is None:
        raise UserFacingError(t.BAD_DAY.format(value=value))
    return key


def parse_hour(value: str) -> int:
    raw = value.strip().lower().removesuffix(":00").removesuffix("h")
    if not raw.isdigit() or not 0 <= int(raw) <= 23:
        raise UserFacingError(t.BAD_HOUR.format(value=value))
    return int(raw)


def status_text(session: Session, account: PlatformAccount, config: DigestConfig) -> str:
    schedule = schedule_for(account, preference(session, account), config)
    return t.STATUS_ON.format(**schedule.describe()) if schedule.enabled else t.STATUS_OFF


def apply_command(session: Session, account: PlatformAccount, args: str, config: DigestConfig) -> str:
    """``/match digest [on|off|day <mon..sun>|hour <0-23>]``: change and confirm, or show the status."""
    words = args.strip().split()
    if not words or words[0].lower() in ("status", "show"):
        return status_text(session, account, config)
    verb = words[0].lower()
    if verb in ("on", "off") and len(words) == 1:
        set_preference(session, account, enabled=verb == "on")
        schedule = schedule_for(account, preference(session, account), config)
        return t.TURNED_ON.format(**schedule.describe()) if verb == "on" else t.TURNED_OFF
    if verb in ("day", "hour") and len(words) == 2:
        if verb == "day":
            set_preference(session, account, day=words[1])
        else:
            set_preference(session, account, hour=parse_hour(words[1]))
        schedule = schedule_for(account, preference(session, account), config)
        text = (t.DAY_SET if verb == "day" else t.HOUR_SET).format(**schedule.describe())
        return text if schedule.enabled else f"{text} {t.STATUS_OFF}"
    raise UserFacingError(t.USAGE)
