"""Whole turns through the production Teams wiring with the SDK's TestAdapter/TestFlow and recorded activities."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest
from microsoft_agents.activity import Activity, ConversationReference
from microsoft_agents.testing import TestAdapter, TestFlow
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core import texts
from bot.core.errors import UserFacingError
from bot.teams.app import TeamsRuntime
from bot.teams.handlers import APOLOGY, COMMANDS, SENT_PRIVATELY
from models.directory import PlatformAccount
from tests.unit.teams.cards import assert_valid_card, cards_in, submit_actions, texts_of
from tests.unit.teams.fake_connector import FakeConnector
from tests.unit.teams.support import SAVED_LIST, FakeCore, load_sample

PERSONAL_2019 = "msteams-docs/inbound_message_personal_2019.json"
PERSONAL_2017 = "msteams-docs/inbound_message_personal_2017.json"
MEMBERS_ADDED = "msteams-docs/conversation_update_bot_added_personal.json"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
JANE_AAD = "df486eae-88fd-42a5-b45e-c581588186db"


def _adapter_for(sample: dict[str, Any], **changes: Any) -> TestAdapter:
    """A TestAdapter that keeps the sample's own conversation, user, bot and serviceUrl."""
    reference = Activity.model_validate(sample).get_conversation_reference()
    return TestAdapter(conversation=reference.model_copy(update=changes))


def _run(adapter: TestAdapter, runtime: TeamsRuntime, *activities: dict[str, Any]) -> list[dict[str, Any]]:
    """Send the activities in order; return the bot's messages (typing indicators left out) as Teams JSON."""

    async def go() -> None:
        flow = TestFlow(adapter, runtime.agent.on_turn)
        for activity in activities:
            flow = flow.send(Activity.model_validate(activity))
        await flow.start_test()

    asyncio.run(go())
    sent = [a.model_dump(by_alias=True, exclude_none=True, mode="json") for a in adapter.activity_queue]
    return [a for a in sent if a["type"] == "message"]


def _accounts(sessions: sessionmaker[Session]) -> list[PlatformAccount]:
    with sessions() as session:
        return list(session.scalars(select(PlatformAccount)))


def test_question_gets_a_card_with_the_matches(runtime: TeamsRuntime, fake_core: FakeCore) -> None:
    sample = load_sample(PERSONAL_2019)
    sample["text"] = "who can automate TIG welding of aluminium battery trays?"

    [message] = _run(_adapter_for(sample), runtime, sample)

    [incoming] = fake_core.asked
    assert incoming.platform == "teams" and incoming.workspace_id == TENANT and incoming.user_id == JANE_AAD
    assert incoming.text == "who can automate TIG welding of aluminium battery trays?"
    [card] = cards_in(message)
    assert_valid_card(card)
    shown = texts_of(card)
    assert "Dr. Ana Ruiz" in shown and "WeldTech Automation" in shown
    assert shown.index("Dr. Ana Ruiz") < shown.index("WeldTech Automation")
    assert {a["data"]["ref"] for a in submit_actions(card)} == {"person:r-7", "org:weldtech"}
    assert message["summary"].startswith('Here is what matches "who can automate TIG welding')


def test_channel_mention_is_stripped_before_asking(runtime: TeamsRuntime, fake_core: FakeCore) -> None:
    sample = load_sample(PERSONAL_2019)
    sample["conversation"]["conversationType"] = "channel"
    sample["text"] = "<at>Imported Bot</at> laser cladding researchers in Quebec"
    sample["entities"].append({"type": "mention", "text": "<at>Imported Bot</at>", "mentioned": sample["recipient"]})

    _run(_adapter_for(sample), runtime, sample)

    assert fake_core.asked[0].text == "laser cladding researchers in Quebec"


def test_card_submit_becomes_an_action_request(runtime: TeamsRuntime, fake_core: FakeCore) -> None:
    sample = load_sample(PERSONAL_2019)
    sample.pop("text")
    sample["value"] = {"action": "save", "ref": "person:r-7", "query_id": "q-42"}

    [message] = _run(_adapter_for(sample), runtime, sample)

    assert fake_core.asked == []
    [request] = fake_core.acted
    assert (request.action, request.ref, request.query_id) == ("save", "person:r-7", "q-42")
    assert (request.platform, request.workspace_id, request.user_id) == ("teams", TENANT, JANE_AAD)
    [card] = cards_in(message)
    assert_valid_card(card)
    assert "Saved person:r-7." in texts_of(card)


def test_submit_without_an_action_is_answered_not_acted_on(runtime: TeamsRuntime, fake_core: FakeCore) -> None:
    sample = load_sample(PERSONAL_2019)
    sample.pop("text")
    sample["value"] = {"ref": "person:r-7"}

    [message] = _run(_adapter_for(sample), runtime, sample)

    assert fake_core.acted == [] and fake_core.asked == []
    assert texts.UNKNOWN_ACTION in texts_of(cards_in(message)[0])


def test_members_added_stores_the_conversation_reference_and_greets(
    runtime: TeamsRuntime, sessions: sessionmaker[Session]
) -> None:
    sample = load_sample(MEMBERS_ADDED)
    sample["recipient"]["id"] = sample["membersAdded"][0]["id"]  # the bot is the member added

    [welcome] = _run(_adapter_for(sample), runtime, sample)

    [account] = _accounts(sessions)
    assert (account.platform, account.workspace_id, account.user_id) == ("teams", "<TENANT ID>", "***")
    ref = account.conversation_ref
    assert ref is not None and ref["serviceUrl"] == "https://smba.trafficmanager.net/amer-client-ss.msg/"
    assert ref["conversation"]["conversationType"] == "personal" and ref["bot"]["id"] == sample["recipient"]["id"]
    assert ConversationReference.model_validate(ref).conversation.id == sample["conversation"]["id"]
    shown = "\n".join(texts_of(cards_in(welcome)[0]))
    assert texts.HELP in shown and COMMANDS in shown  # what Teams members can type, too


def test_service_url_is_refreshed_on_every_inbound_activity(
    runtime: TeamsRuntime, sessions: sessionmaker[Session]
) -> None:
    first = load_sample(PERSONAL_2017)
    _run(_adapter_for(first), runtime, first)
    [account] = _accounts(sessions)
    assert account.conversation_ref["serviceUrl"] == "https://smba.trafficmanager.net/amer/"
    assert account.timezone == "America/Los_Angeles" and account.display_name == "Megan Bowen"

    moved = "https://smba.trafficmanager.net/emea/"
    later = load_sample(PERSONAL_2017)
    later["serviceUrl"] = moved
    _run(_adapter_for(later, service_url=moved), runtime, later)

    [account] = _accounts(sessions)
    assert account.conversation_ref["serviceUrl"] == moved
    assert account.conversation_ref["conversation"]["id"] == first["conversation"]["id"]


def test_channel_message_never_replaces_a_personal_reference(
    runtime: TeamsRuntime, sessions: sessionmaker[Session]
) -> None:
    personal = load_sample(PERSONAL_2019)
    _run(_adapter_for(personal), runtime, personal)
    channel = load_sample(PERSONAL_2019)
    channel["conversation"] = {
        "conversationType": "channel",
        "id": "19:abc@thread.skype;messageid=1",
        "tenantId": TENANT,
    }
    channel["serviceUrl"] = moved = "https://smba.trafficmanager.net/amer-2/"
    _run(_adapter_for(channel, service_url=moved), runtime, channel)

    [account] = _accounts(sessions)
    assert account.conversation_ref["conversation"]["id"] == personal["conversation"]["id"]
    assert account.conversation_ref["serviceUrl"] == moved  # refreshed from the channel activity all the same


def test_install_stores_the_reference_and_reactivates(runtime: TeamsRuntime, sessions: sessionmaker[Session]) -> None:
    installed = load_sample(PERSONAL_2019)
    for key in ("text", "textFormat", "entities"):
        installed.pop(key)
    installed.update(type="installationUpdate", action="add")
    removed = {**installed, "action": "remove"}

    assert _run(_adapter_for(installed), runtime, installed, removed, installed) == []  # no chatter

    [account] = _accounts(sessions)
    assert account.active is True and account.user_id == JANE_AAD
    assert account.conversation_ref["conversation"]["id"] == installed["conversation"]["id"]


def test_uninstall_marks_the_account_inactive(runtime: TeamsRuntime, sessions: sessionmaker[Session]) -> None:
    hello = load_sample(PERSONAL_2019)
    removed = load_sample(PERSONAL_2019)
    for key in ("text", "textFormat", "entities"):
        removed.pop(key)
    removed.update(type="installationUpdate", action="remove")

    _run(_adapter_for(hello), runtime, hello, removed)

    [account] = _accounts(sessions)
    assert account.active is False


def test_user_facing_error_is_shown_and_other_errors_are_not(runtime: TeamsRuntime, fake_core: FakeCore) -> None:
    sample = load_sample(PERSONAL_2019)
    fake_core.raise_on_ask = UserFacingError("Your question is too vague.")
    [shown] = _run(_adapter_for(sample), runtime, sample)
    assert "Your question is too vague." in texts_of(cards_in(shown)[0])

    fake_core.raise_on_ask = RuntimeError("database password is hunter2")
    [hidden] = _run(_adapter_for(sample), runtime, sample)
    assert hidden["text"] == APOLOGY
    assert "hunter2" not in str(hidden)


@pytest.mark.parametrize("role", ["bot"])
def test_activities_from_bots_store_no_account(
    runtime: TeamsRuntime, sessions: sessionmaker[Session], role: str
) -> None:
    sample = load_sample(PERSONAL_2019)
    sample["from"]["role"] = role
    _run(_adapter_for(sample), runtime, sample)
    assert _accounts(sessions) == []


def _channel(sample: dict[str, Any], text: str) -> dict[str, Any]:
    sample = copy.deepcopy(sample)
    sample["conversation"] = {
        "conversationType": "channel",
        "id": "19:general@thread.skype;messageid=7",
        "tenantId": TENANT,
    }
    sample["text"] = f"<at>Imported Bot</at> {text}"
    sample["entities"] = [{"type": "mention", "text": "<at>Imported Bot</at>", "mentioned": sample["recipient"]}]
    return sample


def test_member_only_answers_asked_in_a_channel_go_to_the_1to1_chat(
    runtime: TeamsRuntime, connector: FakeConnector
) -> None:
    personal = load_sample(PERSONAL_2019)
    personal["serviceUrl"] = connector.url
    _run(_adapter_for(personal), runtime, personal)  # the member has written to the bot 1:1 before
    connector.calls.clear()
    channel = _channel(personal, "saved")

    [in_channel] = _run(_adapter_for(channel), runtime, channel)

    assert in_channel["text"] == SENT_PRIVATELY  # nothing of the list shows in the channel
    [private] = connector.messages
    assert private.path == f"/v3/conversations/{personal['conversation']['id']}/activities"
    assert SAVED_LIST in texts_of(private.card)


def test_member_only_answers_stay_in_the_thread_when_no_1to1_chat_can_be_opened(
    runtime: TeamsRuntime, connector: FakeConnector
) -> None:
    channel = _channel(load_sample(PERSONAL_2019), "saved")
    channel["serviceUrl"] = connector.url

    [in_channel] = _run(_adapter_for(channel), runtime, channel)

    assert SAVED_LIST in texts_of(cards_in(in_channel)[0])  # local anonymous mode cannot open chats


def test_everyone_sees_ordinary_answers_in_the_channel(runtime: TeamsRuntime, connector: FakeConnector) -> None:
    channel = _channel(load_sample(PERSONAL_2019), "welding cobots")
    channel["serviceUrl"] = connector.url
    [in_channel] = _run(_adapter_for(channel), runtime, channel)
    assert "Dr. Ana Ruiz" in texts_of(cards_in(in_channel)[0]) and connector.calls == []
