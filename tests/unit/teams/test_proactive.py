"""Proactive sends through the real SDK adapter to a local fake Bot Connector: 403, 429, 412/5xx handling."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest
from microsoft_agents.hosting.fastapi import CloudAdapter
from sqlalchemy.orm import Session, sessionmaker

from bot.core.digest.types import Recipient
from bot.core.messages import Reply, Section, Suggestion
from bot.teams.app import TeamsRuntime
from bot.teams.proactive import RetryPolicy, TeamsSender, message_activity
from models.directory import PlatformAccount
from tests.unit.teams.cards import assert_valid_card
from tests.unit.teams.fake_connector import FakeConnector
from tests.unit.teams.support import BOT_APP_ID, StaticTokenProvider, sql_accounts, token_connections

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
DIGEST = Reply(
    text="Your weekly matches:\n1. WeldTech Automation",
    sections=(
        Section("Technology firms", (Suggestion(ref="org:weldtech", kind="technology_firm", title="WeldTech"),)),
    ),
    query_id="digest-2026-W10",
)


class Sleeps:
    """Records the delays the sender asked for instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def _reference(service_url: str, *, conversation: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "user": {"id": "29:1Xv-user", "aadObjectId": "df486eae-88fd-42a5-b45e-c581588186db", "name": "Jane Doe"},
        "bot": {"id": "28:5baea8d1-d4ea-43a1-b101-882f4c8d9cb4", "name": "clustermatch"},
        "conversation": conversation or {"conversationType": "personal", "id": "a:1oAmWTVB", "tenantId": TENANT},
        "channelId": "msteams",
        "serviceUrl": service_url,
    }


def _account(
    sessions: sessionmaker[Session], reference: dict[str, Any] | None, *, active: bool = True
) -> PlatformAccount:
    with sessions.begin() as session:
        account = PlatformAccount(
            platform="teams", workspace_id=TENANT, user_id="df486eae", conversation_ref=reference, active=active
        )
        session.add(account)
        session.flush()
        session.expunge(account)
        return account


def _reload(sessions: sessionmaker[Session], account: PlatformAccount) -> PlatformAccount:
    with sessions() as session:
        found = session.get(PlatformAccount, account.id)
        assert found is not None
        return found


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def sender(sessions: sessionmaker[Session], sleeps: Sleeps) -> TeamsSender:
    """A registered bot's sender (bearer tokens on every call) with recorded, not real, waits."""
    policy = RetryPolicy(max_retries=3, base_delay=1.0, min_interval=0)
    adapter = CloudAdapter(connection_manager=token_connections())
    return TeamsSender(
        adapter, sql_accounts(sessions), app_id=BOT_APP_ID, policy=policy, sleep=sleeps, rng=random.Random(7)
    )


def test_reply_is_delivered_as_a_card_into_the_stored_conversation(
    sender: TeamsSender, connector: FakeConnector, sessions: sessionmaker[Session]
) -> None:
    account = _account(sessions, _reference(connector.url))

    result = sender.send(account, DIGEST)

    assert result.ok and result.attempts == 1 and result.activity_id == "activity-0"
    [call] = connector.calls
    assert call.authorization == f"Bearer {StaticTokenProvider.TOKEN}"
    assert call.path == "/v3/conversations/a:1oAmWTVB/activities"  # a new message, not a reply
    assert call.body["recipient"]["id"] == "29:1Xv-user" and call.body["summary"] == DIGEST.text
    assert call.card is not None
    assert_valid_card(call.card)


@pytest.mark.parametrize("code", ["ConversationBlockedByUser", "BotNotInConversationRoster", "BotDisabledByAdmin"])
def test_forbidden_marks_the_account_inactive_without_retrying(
    code: str, sender: TeamsSender, connector: FakeConnector, sessions: sessionmaker[Session]
) -> None:
    account = _account(sessions, _reference(connector.url))
    connector.fail(403, code)

    result = sender.send(account, "Your weekly matches are ready.")

    assert (result.status, result.error, result.code, result.attempts) == ("inactive", "403", code, 1)
    assert not result.retryable
    assert len(connector.calls) == 1
    assert _reload(sessions, account).active is False
    assert sender.send(_reload(sessions, account), "again").status == "inactive"
    assert len(connector.calls) == 1  # an inactive account is not tried again


def test_throttled_send_waits_retry_after_with_jitter_then_succeeds(
    sender: TeamsSender, connector: FakeConnector, sessions: sessionmaker[Session], sleeps: Sleeps
) -> None:
    account = _account(sessions, _reference(connector.url))
    connector.fail(429, "Throttled", retry_after=7, times=2)

    result = sender.send(account, DIGEST)

    assert result.ok and result.attempts == 3
    assert len(sleeps.delays) == 2 and all(7 <= d <= 8 for d in sleeps.delays)
    assert sleeps.delays[0] != sleeps.delays[1]  # jittered
    assert _reload(sessions, account).active is True


@pytest.mark.parametrize("status", [412, 502, 504])
def test_transient_errors_are_retried_a_bounded_number_of_times(
    status: int, sender: TeamsSender, connector: FakeConnector, sessions: sessionmaker[Session], sleeps: Sleeps
) -> None:
    account = _account(sessions, _reference(connector.url))
    connector.fail(status, times=2)
    assert sender.send(account, DIGEST).attempts == 3

    connector.fail(status, times=10)
    result = sender.send(account, DIGEST)

    assert (result.status, result.attempts, result.error) == ("failed", 4, str(status))
    assert result.retryable
    assert len(connector.calls) == 3 + 4
    backoff = sleeps.delays[2:]
    assert len(backoff) == 3 and all(c / 2 <= d <= c for d, c in zip(backoff, (1, 2, 4), strict=True))
    assert _reload(sessions, account).active is True


def test_bad_request_is_not_retried(
    sender: TeamsSender, connector: FakeConnector, sessions: sessionmaker[Session]
) -> None:
    account = _account(sessions, _reference(connector.url))
    connector.fail(400, "BadSyntax")
    result = sender.send(account, DIGEST)
    assert (result.status, result.code, result.retryable, len(connector.calls)) == ("failed", "BadSyntax", False, 1)


def test_throttling_past_the_retries_reports_retry_after(
    sender: TeamsSender, connector: FakeConnector, sessions: sessionmaker[Session]
) -> None:
    account = _account(sessions, _reference(connector.url))
    connector.fail(429, "Throttled", retry_after=30, times=10)
    result = sender.send(account, DIGEST)
    assert (result.status, result.error, result.retry_after, result.retryable) == ("failed", "429", 30.0, True)


def test_a_digest_recipient_can_be_addressed_directly(
    sender: TeamsSender, connector: FakeConnector, sessions: sessionmaker[Session]
) -> None:
    account = _account(sessions, _reference(connector.url))
    with sessions() as session:
        recipient = Recipient.from_account(session.get(PlatformAccount, account.id))  # type: ignore[arg-type]
    connector.fail(403, "ConversationBlockedByUser")
    assert sender.send(recipient, DIGEST).status == "inactive"
    assert _reload(sessions, account).active is False


def test_accounts_without_a_reference_are_reported_not_sent(
    sender: TeamsSender, connector: FakeConnector, sessions: sessionmaker[Session]
) -> None:
    assert sender.send(_account(sessions, None), DIGEST).status == "no_reference"
    assert connector.calls == []


def test_member_known_from_a_channel_gets_a_new_personal_chat(
    sender: TeamsSender, connector: FakeConnector, sessions: sessionmaker[Session]
) -> None:
    channel = {"conversationType": "channel", "id": "19:general@thread.skype;messageid=1", "tenantId": TENANT}
    account = _account(sessions, _reference(connector.url, conversation=channel))

    result = sender.send(account, DIGEST)

    assert result.ok
    opened, message = connector.calls
    assert opened.path == "/v3/conversations" and opened.body["tenantId"] == TENANT
    assert opened.body["isGroup"] is False and opened.body["members"][0]["id"] == "29:1Xv-user"
    assert message.path == "/v3/conversations/a:opened-0/activities"
    stored = _reload(sessions, account).conversation_ref
    assert stored is not None and stored["conversation"] == {
        "id": "a:opened-0",
        "conversationType": "personal",
        "tenantId": TENANT,
    }


def test_a_chat_opened_before_a_throttled_send_is_not_opened_again(
    sender: TeamsSender, connector: FakeConnector, sessions: sessionmaker[Session]
) -> None:
    channel = {"conversationType": "channel", "id": "19:general@thread.skype;messageid=1", "tenantId": TENANT}
    account = _account(sessions, _reference(connector.url, conversation=channel))
    connector.fail(429, "Throttled", retry_after=1, path="/activities")  # opening works, the message is throttled

    result = sender.send(account, DIGEST)

    assert result.ok and result.attempts == 2
    assert [(c.path, c.status) for c in connector.calls] == [
        ("/v3/conversations", 201),
        ("/v3/conversations/a:opened-0/activities", 429),
        ("/v3/conversations/a:opened-0/activities", 200),
    ]


def test_local_anonymous_mode_sends_without_a_token(
    runtime: TeamsRuntime, sessions: sessionmaker[Session], connector: FakeConnector
) -> None:
    account = _account(sessions, _reference(connector.url))
    assert runtime.sender.send(account, "hello").ok
    [call] = connector.calls
    assert call.authorization in (None, "Bearer ")


def test_sends_are_paced(runtime: TeamsRuntime, sessions: sessionmaker[Session], connector: FakeConnector) -> None:
    sleeps, now = Sleeps(), iter([100.0, 100.0, 100.2, 100.2])
    paced = TeamsSender(
        runtime.adapter,
        sql_accounts(sessions),
        app_id="",
        policy=RetryPolicy(min_interval=1.0),
        sleep=sleeps,
        clock=lambda: next(now),
    )
    account = _account(sessions, _reference(connector.url))
    paced.send(account, "one")
    paced.send(account, "two")
    assert sleeps.delays == [pytest.approx(0.8)]


def test_blocking_send_refuses_to_run_inside_an_event_loop(
    sender: TeamsSender, connector: FakeConnector, sessions: sessionmaker[Session]
) -> None:
    account = _account(sessions, _reference(connector.url))

    async def inside_loop() -> str:
        with pytest.raises(RuntimeError, match="send_async"):
            sender.send(account, "hi")
        return (await sender.send_async(account, "hi")).status

    assert asyncio.run(inside_loop()) == "sent"


def test_message_kinds() -> None:
    card = {"type": "AdaptiveCard", "version": "1.5", "body": [], "fallbackText": "plain"}
    assert message_activity(card).attachments[0].content == card
    assert message_activity("hello").text == "hello"
    with pytest.raises(ValueError, match="Adaptive Card"):
        message_activity({"text": "not a card"})
