"""The clock: one hourly, coalesced, single-instance job; failures logged, not raised; Teams results mapped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Engine

from bot.bootstrap import bootstrap
from bot.config import Settings
from bot.core.accounts.service import AccountService
from bot.core.digest.delivery import PermanentSendError, RecipientGoneError, RetryableSendError
from bot.core.digest.types import Recipient
from bot.scheduler import JOB_ID, build_scheduler, build_senders, run_digests
from bot.slack.digest import SlackDigestSender
from bot.teams.digest import TeamsDigestSender
from matching.embeddings import HashingEmbedder
from models.accounts import Account
from tests.fakes.accounts import InMemoryUnitOfWork
from tests.unit.digest.fakes import one_item_digest


class _Container:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings


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


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_senders_follow_the_settings(engine: Engine) -> None:
    assert build_senders(bootstrap(Settings(), engine=engine, embedder=HashingEmbedder())) == {}
    senders = build_senders(bootstrap(Settings(slack_bot_token="xoxb-1"), engine=engine, embedder=HashingEmbedder()))
    assert set(senders) == {"slack"} and isinstance(senders["slack"], SlackDigestSender)
    both = bootstrap(Settings(slack_bot_token="xoxb-1", teams_anonymous=True), engine=engine,
                     embedder=HashingEmbedder())
    assert isinstance(build_senders(both)["teams"], TeamsDigestSender)


@dataclass
class _Result:
    status: str
    error: str | None = None
    activity_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "sent"


@pytest.mark.parametrize(
    ("result", "expected"),
    [(_Result("sent", activity_id="a1"), None), (_Result("inactive", "ConversationBlockedByUser"), RecipientGoneError),
     (_Result("no_reference"), RecipientGoneError), (_Result("failed", "429"), RetryableSendError),
     (_Result("failed", "BadArgument"), PermanentSendError)],
)
def test_teams_results_become_delivery_outcomes(result: _Result, expected: type[Exception] | None) -> None:
    account_id = 7
    accounts = AccountService(InMemoryUnitOfWork([Account(account_id, "teams", "tenant", "aad-1")]))

    class FakeTeams:
        def send(self, acc: Account, message: Any) -> _Result:
            assert acc.id == account_id and message.text
            return result

    sender = TeamsDigestSender(FakeTeams(), accounts)  # type: ignore[arg-type]
    recipient = Recipient(account_id, "teams", "tenant", "aad-1")
    if expected is None:
        assert sender.send(recipient, one_item_digest("org:x")) == "a1"
    else:
        with pytest.raises(expected):
            sender.send(recipient, one_item_digest("org:x"))
