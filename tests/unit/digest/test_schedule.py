"""Local day and hour across time zones, opt-in/out, and the ``/match digest`` command."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.bootstrap import digest_config
from bot.config import Settings
from bot.core.digest.schedule import apply_command, due_recipients, get_or_create_account, plan, set_preference
from bot.core.digest.types import DigestConfig
from bot.core.errors import UserFacingError
from models.digest import DigestDelivery
from models.directory import PlatformAccount

ZONES = {"U-TOKYO": "Asia/Tokyo", "U-TORONTO": "America/Toronto", "U-VANCOUVER": "America/Vancouver",
         "U-NONE": None}


def _accounts(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        for user, tz in ZONES.items():
            s.add(PlatformAccount(platform="slack", workspace_id="T1", user_id=user, timezone=tz))


def _due(sessions: sessionmaker[Session], at: datetime, settings: DigestConfig) -> set[str]:
    with sessions() as s:
        users = {i: u for i, u in s.execute(select(PlatformAccount.id, PlatformAccount.user_id))}
        return {users[d.account_id] for d in due_recipients(s, at, settings) if d.kind == "member"}


def test_local_monday_nine_comes_at_different_utc_times(sessions) -> None:  # type: ignore[no-untyped-def]
    _accounts(sessions)
    settings = DigestConfig(default_on=True, day="mon", hour=9, timezone="America/Toronto")
    # Monday 2026-02-09, 09:00 in Tokyo = Monday 00:00 UTC; Toronto = 14:00 UTC; Vancouver = 17:00 UTC.
    assert _due(sessions, datetime(2026, 2, 8, 23, 59, tzinfo=UTC), settings) == set()
    assert _due(sessions, datetime(2026, 2, 9, 0, 0, tzinfo=UTC), settings) == {"U-TOKYO"}
    assert _due(sessions, datetime(2026, 2, 9, 13, 59, tzinfo=UTC), settings) == {"U-TOKYO"}
    at_toronto = _due(sessions, datetime(2026, 2, 9, 14, 0, tzinfo=UTC), settings)
    assert at_toronto == {"U-TOKYO", "U-TORONTO", "U-NONE"}  # no zone: the workspace default (Toronto)
    assert _due(sessions, datetime(2026, 2, 9, 17, 0, tzinfo=UTC), settings) == set(ZONES)
    # A day later Tokyo's catch-up window has closed; Vancouver's is still open.
    assert _due(sessions, datetime(2026, 2, 10, 0, 30, tzinfo=UTC), settings) == {"U-TORONTO", "U-NONE", "U-VANCOUVER"}


def test_member_choices_of_day_and_hour_are_honoured(sessions) -> None:  # type: ignore[no-untyped-def]
    _accounts(sessions)
    settings = digest_config(Settings(digest_default_on=True))
    with sessions.begin() as s:
        tokyo = s.scalars(select(PlatformAccount).where(PlatformAccount.user_id == "U-TOKYO")).one()
        set_preference(s, tokyo, day="thu", hour=18)
    thursday_18_tokyo = datetime(2026, 2, 12, 9, 0, tzinfo=UTC)
    assert "U-TOKYO" not in _due(sessions, thursday_18_tokyo - timedelta(minutes=1), settings)
    assert "U-TOKYO" in _due(sessions, thursday_18_tokyo, settings)
    assert "U-TOKYO" not in _due(sessions, datetime(2026, 2, 9, 1, 0, tzinfo=UTC), settings)  # not Monday any more


def test_opt_in_default_and_opt_out(sessions) -> None:  # type: ignore[no-untyped-def]
    _accounts(sessions)
    at = datetime(2026, 2, 9, 18, 0, tzinfo=UTC)
    assert _due(sessions, at, DigestConfig()) == set()  # members opt in; nobody is enrolled by default
    with sessions.begin() as s:
        toronto = s.scalars(select(PlatformAccount).where(PlatformAccount.user_id == "U-TORONTO")).one()
        set_preference(s, toronto, enabled=True)
    assert _due(sessions, at, DigestConfig()) == {"U-TORONTO"}
    with sessions.begin() as s:
        tokyo = s.scalars(select(PlatformAccount).where(PlatformAccount.user_id == "U-TOKYO")).one()
        set_preference(s, tokyo, enabled=False)
    assert _due(sessions, at, DigestConfig(default_on=True)) == {"U-TORONTO", "U-VANCOUVER", "U-NONE"}


def test_planning_twice_or_from_two_clocks_makes_one_row_per_week(sessions) -> None:  # type: ignore[no-untyped-def]
    _accounts(sessions)
    settings, at = digest_config(Settings(digest_default_on=True)), datetime(2026, 2, 9, 18, 0, tzinfo=UTC)
    with sessions.begin() as s:
        assert plan(s, at, settings) == 4
    with sessions.begin() as s:
        assert plan(s, at + timedelta(hours=1), settings) == 0
    with sessions() as s:
        weeks = s.scalars(select(DigestDelivery.iso_week)).all()
    assert sorted(weeks) == ["2026-W07"] * 4


def test_staff_get_the_staff_digest_unless_they_turned_digests_off(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as s:
        s.add(PlatformAccount(platform="slack", workspace_id="T1", user_id="U-STAFF", is_staff=True))
        s.add(PlatformAccount(platform="slack", workspace_id="T1", user_id="U-LISTED"))
    settings, at = digest_config(Settings(slack_staff_users="U-LISTED")), datetime(2026, 2, 9, 18, 0, tzinfo=UTC)
    with sessions() as s:
        assert {d.kind for d in due_recipients(s, at, settings)} == {"staff"}
        assert len(due_recipients(s, at, settings)) == 2


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_digest_command(sessions) -> None:  # type: ignore[no-untyped-def]
    settings = digest_config(Settings())
    with sessions.begin() as s:
        account = get_or_create_account(s, "slack", "T1", "U1", timezone="Europe/Paris")
        assert "off" in apply_command(s, account, "", settings)
        assert apply_command(s, account, "on", settings) == "Weekly digest on: Mondays at 09:00 (Europe/Paris)."
        assert "Thursdays" in apply_command(s, account, "day Thursday", settings)
        assert "17:00" in apply_command(s, account, "hour 17", settings)
        status = apply_command(s, account, "status", settings)
        assert status == "Your weekly digest is on: Thursdays at 17:00 (Europe/Paris)."
        for bad, needle in (("day funday", "not a day"), ("hour 24", "not an hour"), ("hour x", "not an hour"),
                            ("sometimes", "Usage"), ("day", "Usage")):
            with pytest.raises(UserFacingError, match=needle):
                apply_command(s, account, bad, settings)
        assert apply_command(s, account, "off", settings).startswith("Weekly digest off")
