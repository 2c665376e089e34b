"""The clock: one hourly, coalesced, single-instance job; failures logged, not raised; Teams results mapped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.core.delivery import PermanentSendError, RecipientGoneError, RetryableSendError
from bot.core.digest_types import Recipient
from bot.scheduler import JOB_ID, TeamsDigestSender, build_scheduler, build_senders, run_digests
from bot.slack.digest import SlackDigestSender
from models.directory import PlatformAccount
from tests.unit.digest.fakes import one_item_digest


class _Container:
    def __init__(self, settings: Settings) -> None:
        self.settings, self.engine, self.services = settings, None, {}


def test_one_hourly_job_coalesced_and_single_instance() -> None:
    scheduler = build_scheduler(_Container(Settings()), {}, run_now=False)
    [job] = scheduler.get_jobs()
    assert job.id == JOB_ID and job.coalesce is True and job.max_instances == 1
    assert isinstance(job.trigger, CronTrigger)
    at = datetime(2026, 2, 9, 10, 30, tzinfo=UTC)
    fires = job.trigger.get_next_fire_time(None, at)
    assert fires == datetime(2026, 2, 9, 11, 0, tzinfo=UTC)
    assert job.trigger.get_next_fire_time(fires, fires + timedelta(seconds=1)) == fires + timedelta(hours=1)


def test_a_failing_run_is_logged_not_raised() -> None:
    class Broken:
        def run(self, *a: Any, **k: Any) -> None:
            raise RuntimeError("database down")

    container = _Container(Settings())
    container.digest = Broken()  # type: ignore[attr-defined]
    assert run_digests(container, {}).errors == ["run failed"]


def test_senders_follow_the_settings() -> None:
    assert build_senders(_Container(Settings())) == {}
    senders = build_senders(_Container(Settings(slack_bot_token="xoxb-1")))
    assert isinstance(senders["slack"], SlackDigestSender)


@dataclass
class _Result:
    status: str
    error: str | None = None
    activity_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "sent"


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("result", "expected"),
    [(_Result("sent", activity_id="a1"), None), (_Result("inactive", "ConversationBlockedByUser"), RecipientGoneError),
     (_Result("no_reference"), RecipientGoneError), (_Result("failed", "429"), RetryableSendError),
     (_Result("failed", "BadArgument"), PermanentSendError)],
)
def test_teams_results_become_delivery_outcomes(sessions: sessionmaker[Session], result: _Result,
                                                expected: type[Exception] | None) -> None:
    with sessions.begin() as s:
        account = PlatformAccount(platform="teams", workspace_id="tenant", user_id="aad-1")
        s.add(account)
        s.flush()
        account_id = account.id

    class FakeTeams:
        def send(self, acc: PlatformAccount, message: Any) -> _Result:
            assert acc.id == account_id and message.text
            return result

    sender = TeamsDigestSender(FakeTeams(), sessions)
    recipient = Recipient(account_id, "teams", "tenant", "aad-1")
    if expected is None:
        assert sender.send(recipient, one_item_digest("org:x")) == "a1"
    else:
        with pytest.raises(expected):
            sender.send(recipient, one_item_digest("org:x"))
