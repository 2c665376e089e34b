"""Members' data in Teams, whole turns through the production wiring (TestFlow) over the real privacy service."""

from __future__ import annotations

import json
from typing import Any

import pytest
from microsoft_agents.activity import Activity
from microsoft_agents.testing import TestAdapter
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.core.directory.desk import DirectoryDesk
from bot.core.privacy import texts as t
from bot.core.privacy.service import PrivacyService
from bot.teams import privacy as teams_privacy
from bot.teams.app import TeamsRuntime, build_teams
from bot.teams.proactive import RetryPolicy
from bot.teams.profile import form_from_value
from models.directory import Person, PlatformAccount
from models.repositories import DirectoryRepository
from tests.unit.teams.cards import assert_valid_card, cards_in, submit_actions, texts_of
from tests.unit.teams.support import FakeCore, anonymous_connections, teams_container
from tests.unit.teams.test_profile import JANE, TENANT, Conversation


@pytest.fixture
def runtime(sessions: sessionmaker[Session]) -> TeamsRuntime:
    with sessions.begin() as s:
        person, _ = DirectoryRepository(s).upsert(Person, "p-jane", {
            "name": "Jane Quarrel", "expertise": "Robotic TIG welding of aluminium enclosures."})
        s.flush()
        s.add(PlatformAccount(platform="teams", workspace_id=TENANT, user_id=JANE, person_id=person.id))
    core = FakeCore()
    container = teams_container(sessions, Settings(teams_anonymous=True), core,
                                privacy=PrivacyService(sessions=sessions))
    return build_teams(container, connections=anonymous_connections(), policy=RetryPolicy(min_interval=0))


def jane(sessions: sessionmaker[Session]) -> Person | None:
    with sessions() as s:
        return s.scalars(select(Person).where(Person.external_id == "p-jane")).one_or_none()


def sent(chat: Conversation) -> list[dict[str, Any]]:
    return [a.model_dump(by_alias=True, exclude_none=True, mode="json") for a in chat.adapter.activity_queue]


def test_my_data_sends_a_summary_card_and_the_json(runtime: TeamsRuntime) -> None:
    chat = Conversation(runtime)
    chat.say("my data")
    first, *rest = [m for m in sent(chat) if m["type"] == "message"]
    [summary] = cards_in(first)
    assert_valid_card(summary)
    assert t.EXPORT_READY in texts_of(summary)
    body = "".join(m["text"] for m in rest)
    assert body.startswith("```json") and all(m["textFormat"] == "markdown" for m in rest)
    data = json.loads(body.removeprefix("```json\n").removesuffix("\n```"))
    assert data["tables"]["people"][0]["name"] == "Jane Quarrel"


def test_forget_me_asks_with_a_card_and_deletes_on_confirm(runtime: TeamsRuntime,
                                                          sessions: sessionmaker[Session]) -> None:
    chat = Conversation(runtime)
    chat.say("forget me")
    [card] = cards_in(sent(chat)[-1])
    assert_valid_card(card)
    assert {a["data"]["action"] for a in submit_actions(card)} == {teams_privacy.FORGET_CONFIRM,
                                                                  teams_privacy.FORGET_CANCEL}
    chat.submit({"action": teams_privacy.FORGET_CANCEL}, card_id=None)
    assert sent(chat)[-1]["text"] == t.FORGET_CANCELLED and jane(sessions) is not None
    chat.submit({"action": teams_privacy.FORGET_CONFIRM}, card_id=None)
    assert sent(chat)[-1]["text"].startswith("Done:") and jane(sessions) is None


def test_visibility_command_and_profile_card(runtime: TeamsRuntime, sessions: sessionmaker[Session]) -> None:
    chat = Conversation(runtime)
    chat.say("visibility staff")
    assert "only cluster staff" in sent(chat)[-1]["text"]
    assert jane(sessions).visibility == "staff"  # type: ignore[union-attr]
    chat.say("visibility everyone")
    assert "visibility public" in sent(chat)[-1]["text"]
    current = DirectoryDesk(sessions).load_profile("teams", TENANT, JANE)
    assert current.visibility == "staff"
    assert form_from_value({"name": "Jane"}, current).visibility == "staff"  # a card without the field keeps it
    assert form_from_value({"visibility": "hidden"}, current).visibility == "hidden"


def test_privacy_commands_stay_out_of_channels(runtime: TeamsRuntime, sessions: sessionmaker[Session]) -> None:
    chat = Conversation(runtime)
    chat.template["conversation"]["conversationType"] = "channel"
    chat.adapter = TestAdapter(conversation=Activity.model_validate(chat.template).get_conversation_reference())
    chat.say("my data")
    chat.say("forget me")
    assert [m.get("text") for m in sent(chat) if m["type"] == "message"] == [teams_privacy.PRIVATE_ONLY] * 2
    assert jane(sessions) is not None
