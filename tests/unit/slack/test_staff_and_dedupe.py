from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.core.accounts.service import AccountService
from bot.core.event_ledger import EventLedger
from bot.slack.app import build_client
from bot.slack.staff import StaffCheck, is_staff
from models.base import utcnow
from models.directory import PlatformAccount
from models.slack import ProcessedEvent
from models.uow import SqlUnitOfWork
from tests.fakes.slack_api import FakeSlackApi


@pytest.fixture
def fake() -> Iterator[FakeSlackApi]:
    with FakeSlackApi() as api:
        yield api


def client_for(fake: FakeSlackApi) -> WebClient:
    return build_client(Settings(slack_api_url=fake.api_url), token="xoxb-test")


def test_listed_users_are_staff_without_any_call(fake: FakeSlackApi) -> None:
    settings = Settings(slack_staff_users="U1, U2")
    assert is_staff(client_for(fake), settings, "U2")
    assert not is_staff(client_for(fake), settings, "U3")
    assert fake.calls == []


def test_usergroup_members_are_staff_and_cached(fake: FakeSlackApi) -> None:
    fake.answer("usergroups.users.list", {"ok": True, "users": ["U7", "U8"]})
    clock = [0.0]
    check = StaffCheck(Settings(slack_staff_usergroup="S1"), ttl=300, clock=lambda: clock[0])
    client = client_for(fake)
    assert check.is_staff(client, "U7", "T1") and not check.is_staff(client, "U9", "T1")
    assert len(fake.calls_to("usergroups.users.list")) == 1
    assert fake.calls_to("usergroups.users.list")[0].params["usergroup"] == "S1"
    clock[0] = 301.0
    check.is_staff(client, "U7", "T1")
    assert len(fake.calls_to("usergroups.users.list")) == 2


def test_channel_members_are_staff_across_pages(fake: FakeSlackApi) -> None:
    pages = {None: {"ok": True, "members": ["U1"], "response_metadata": {"next_cursor": "p2"}},
             "p2": {"ok": True, "members": ["U2"], "response_metadata": {"next_cursor": ""}}}
    fake.answer("conversations.members", lambda params: pages[params.get("cursor")])
    check = StaffCheck(Settings(slack_staff_channel="C9"))
    assert check.is_staff(client_for(fake), "U2", "T1")
    assert [c.params.get("cursor") for c in fake.calls_to("conversations.members")] == [None, "p2"]


def test_api_failure_means_not_staff(fake: FakeSlackApi) -> None:
    fake.answer("usergroups.users.list", {"ok": False, "error": "missing_scope"})
    assert not StaffCheck(Settings(slack_staff_usergroup="S1")).is_staff(client_for(fake), "U7", "T1")


def test_account_flag_makes_staff(sessions: sessionmaker[Session], fake: FakeSlackApi) -> None:
    with sessions.begin() as s:
        s.add(PlatformAccount(platform="slack", workspace_id="T1", user_id="U5", is_staff=True))
    check = StaffCheck(Settings(), accounts=AccountService(lambda: SqlUnitOfWork(sessions)))
    assert check.is_staff(client_for(fake), "U5", "T1")
    assert not check.is_staff(client_for(fake), "U5", "T2")


def test_ledger_accepts_each_event_id_once_and_prunes_old_ones(sessions: sessionmaker[Session]) -> None:
    ledger = EventLedger(sessions, keep_for=timedelta(hours=1))
    assert ledger.first_delivery("Ev1", team_id="T1", event_type="app_mention")
    assert not ledger.first_delivery("Ev1", team_id="T1", event_type="app_mention")
    assert ledger.first_delivery("Ev2")
    with sessions.begin() as s:
        s.execute(update(ProcessedEvent).where(ProcessedEvent.event_id == "Ev1")
                  .values(received_at=utcnow() - timedelta(hours=2)))
    ledger._last_prune = -1e9  # force the periodic prune on the next insert
    assert ledger.first_delivery("Ev3")
    with sessions() as s:
        assert sorted(s.scalars(select(ProcessedEvent.event_id))) == ["Ev2", "Ev3"]
        assert s.scalar(select(func.count()).select_from(ProcessedEvent)) == 2
