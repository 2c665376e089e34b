"""Profile editing through an Adaptive Card form: shown, checked, errors back in the card, saved to the directory."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from microsoft_agents.activity import Activity
from microsoft_agents.testing import TestAdapter, TestFlow
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.directory.desk import DirectoryDesk
from bot.teams import profile
from bot.teams.app import TeamsRuntime
from bot.teams.profile import ProfileForm, form_from_value, validate
from models.directory import Organization, Person, PlatformAccount
from models.members import OrgTextProposal
from models.repositories import DirectoryRepository
from tests.unit.teams.cards import assert_valid_card, cards_in, texts_of
from tests.unit.teams.support import FakeCore, load_sample


def load_profile(sessions: sessionmaker[Session], team: str, user: str) -> ProfileForm:
    """The form as the adapters load it (``container.directory``)."""
    return DirectoryDesk(sessions).load_profile("teams", team, user)


def save_profile(sessions: sessionmaker[Session], team: str, user: str, form: ProfileForm, *,
                 display_name: str | None = None) -> str:
    return DirectoryDesk(sessions).save_profile("teams", team, user, form, display_name=display_name)


TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
JANE = "df486eae-88fd-42a5-b45e-c581588186db"
GOOD = {
    "action": "save_profile",
    "name": "  Jane Doe ",
    "title": "Process engineer",
    "affiliation": "Doe Fabrication",
    "province": "on",
    "expertise": "Robotic TIG welding of aluminium enclosures and fixtures.",
    "interests": "Laser cladding partners",
}
EVIL_ORG = "Acme **bold** [x](https://evil.example) <at>All</at>"


class Conversation:
    """One Teams 1:1 chat driven turn by turn through the production wiring (keeps the sent cards)."""

    def __init__(self, runtime: TeamsRuntime) -> None:
        sample = load_sample("msteams-docs/inbound_message_personal_2019.json")
        self.template = sample
        self.adapter = TestAdapter(conversation=Activity.model_validate(sample).get_conversation_reference())
        self.runtime = runtime

    def say(self, text: str) -> None:
        self._send({**self.template, "text": text})

    def submit(self, value: dict[str, Any], *, card_id: str | None) -> None:
        activity = {k: v for k, v in self.template.items() if k != "text"}
        self._send({**activity, "value": value, **({"replyToId": card_id} if card_id else {})})

    def _send(self, activity: dict[str, Any]) -> None:
        async def go() -> None:
            await (
                TestFlow(self.adapter, self.runtime.agent.on_turn).send(Activity.model_validate(activity)).start_test()
            )

        asyncio.run(go())

    @property
    def messages(self) -> list[dict[str, Any]]:
        sent = [a.model_dump(by_alias=True, exclude_none=True, mode="json") for a in self.adapter.activity_queue]
        return [a for a in sent if a["type"] == "message"]


def _inputs(card: dict[str, Any]) -> dict[str, Any]:
    return {e["id"]: e.get("value") for e in card["body"] if e["type"].startswith("Input.")}


def test_profile_command_sends_an_empty_form_for_a_new_member(runtime: TeamsRuntime, fake_core: FakeCore) -> None:
    chat = Conversation(runtime)
    chat.say("edit profile")

    [message] = chat.messages
    [card] = cards_in(message)
    assert_valid_card(card)
    assert fake_core.asked == []
    assert _inputs(card) == {
        "name": "",
        "title": "",
        "affiliation": "",
        "province": "",
        "expertise": "",
        "interests": "",
        "visibility": "public",  # who can find the member: members, until they choose otherwise
    }
    [save] = card["actions"]
    assert (save["type"], save["data"]) == ("Action.Submit", {"action": "save_profile"})


def test_invalid_submit_shows_errors_in_the_card_and_saves_nothing(
    runtime: TeamsRuntime, sessions: sessionmaker[Session]
) -> None:
    chat = Conversation(runtime)
    chat.say("profile")
    form_id = chat.messages[0]["id"]

    chat.submit({**GOOD, "name": "", "expertise": "too short", "province": "XX"}, card_id=form_id)

    [message] = chat.messages  # the form was replaced in place, not followed by a new message
    assert message["id"] == form_id
    [card] = cards_in(message)
    assert_valid_card(card)
    shown = texts_of(card)
    assert profile.FIX_BELOW in shown and profile.ERROR_REQUIRED in shown and profile.ERROR_PROVINCE in shown
    assert profile.ERROR_TOO_SHORT.format(n=20) in shown
    assert _inputs(card)["expertise"] == "too short" and _inputs(card)["title"] == "Process engineer"
    with sessions() as session:
        assert session.scalars(select(Person)).all() == []


def test_valid_submit_saves_the_person_links_the_account_and_bumps_the_version(
    runtime: TeamsRuntime, sessions: sessionmaker[Session]
) -> None:
    chat = Conversation(runtime)
    chat.say("profile")
    form_id = chat.messages[0]["id"]

    chat.submit(GOOD, card_id=form_id)

    [message] = chat.messages
    assert profile.SAVED in texts_of(cards_in(message)[0])
    with sessions() as session:
        person = session.scalars(select(Person)).one()
        account = session.scalars(select(PlatformAccount)).one()
        assert person.external_id == f"teams-{TENANT}-{JANE}"
        assert (person.name, person.province, person.affiliation) == ("Jane Doe", "ON", "Doe Fabrication")
        assert account.person_id == person.id and account.conversation_ref is not None
        version = DirectoryRepository(session).current_version()
    assert version >= 1

    chat.say("profile")  # the form now shows what was saved
    assert _inputs(cards_in(chat.messages[-1])[0])["name"] == "Jane Doe"


def test_members_of_an_organization_edit_its_texts(runtime: TeamsRuntime, sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        repo = DirectoryRepository(session)
        org, _ = repo.upsert(Organization, "acme", {"name": EVIL_ORG, "kind": "manufacturer", "capabilities": "Old"})
        session.flush()
        person, _ = repo.upsert(Person, "p-jane", {"name": "Jane", "organization_id": org.id})
        session.flush()
        session.add(PlatformAccount(platform="teams", workspace_id=TENANT, user_id=JANE, person_id=person.id))
    chat = Conversation(runtime)
    chat.say("my profile")
    card = cards_in(chat.messages[0])[0]
    assert_valid_card(card)
    assert EVIL_ORG in texts_of(card)  # literal, in a TextRun
    assert "evil" not in json.dumps([b for b in card["body"] if b["type"] == "TextBlock"])
    assert "affiliation" not in _inputs(card) and _inputs(card)["org_capabilities"] == "Old"

    chat.submit({**GOOD, "org_capabilities": "Robotic welding cells", "org_needs": "Cobots"}, card_id=None)

    assert profile.SAVED in texts_of(cards_in(chat.messages[-1])[0])  # no card id: a new message
    with sessions() as session:
        org = session.scalars(select(Organization)).one()
        assert (org.name, org.capabilities, org.needs) == (EVIL_ORG, "Old", "")  # matching sees it once approved
        proposal = session.scalars(select(OrgTextProposal)).one()
        assert (proposal.capabilities, proposal.needs) == ("Robotic welding cells", "Cobots")
        assert proposal.status == "pending"
        assert session.scalars(select(Person)).one().external_id == "p-jane"


@pytest.mark.parametrize(
    ("changes", "invalid"),
    [
        ({}, set()),
        ({"name": "", "expertise": ""}, {"name", "expertise"}),
        ({"title": "t" * 201, "interests": "i" * 3001}, {"title", "interests"}),
        ({"province": "Ontario"}, {"province"}),
        ({"province": ""}, set()),
    ],
)
def test_validation(changes: dict[str, str], invalid: set[str]) -> None:
    form = form_from_value({**GOOD, **changes}, ProfileForm())
    assert set(validate(form)) == invalid


def test_the_card_never_decides_the_organization(sessions: sessionmaker[Session]) -> None:
    form = form_from_value({**GOOD, "org_name": "Forged Inc"}, load_profile(sessions, TENANT, JANE))
    assert form.org_name is None
