"""Linking, joining, needs and the drafted profile through the Teams test adapter and the production routes,
around the real members, needs and draft services."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.teams.app import TeamsRuntime, build_teams
from bot.teams.proactive import RetryPolicy
from models.directory import Need, Person, PlatformAccount
from models.members import OrgTextProposal
from tests.unit.members.conftest import seed_members
from tests.unit.teams.cards import assert_valid_card, cards_in, texts_of
from tests.unit.teams.support import FakeCore, anonymous_connections, teams_container
from tests.unit.teams.test_profile import Conversation


class Chat(Conversation):
    """A 1:1 chat whose sender carries the e-mail Teams reports for them."""

    def __init__(self, runtime: TeamsRuntime, email: str | None) -> None:
        super().__init__(runtime)
        sender = dict(self.template["from"])
        if email:
            sender["email"] = email
        self.template = {**self.template, "from": sender}

    def last_text(self) -> str:
        return str(self.messages[-1].get("text") or "")


@pytest.fixture
def teams(fake_core: FakeCore, sessions: sessionmaker[Session], teams_settings: Settings) -> TeamsRuntime:
    """The production Teams wiring around the real container (its ask service faked, to prove it is not used)."""
    seed_members(sessions)
    container = teams_container(sessions, teams_settings, fake_core)
    container.catalog.check_interval = 0.0
    return build_teams(container, connections=anonymous_connections(), policy=RetryPolicy(min_interval=0))


def _count(sessions: sessionmaker[Session], model: Any) -> int:
    with sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_link_post_a_need_and_confirm_a_draft(teams: TeamsRuntime, sessions: sessionmaker[Session],
                                             fake_core: FakeCore) -> None:
    chat = Chat(teams, "ana@acme.example")
    chat.say("link")
    assert "Is this you? Ana Ruiz (Acme Tooling)" in chat.last_text()
    chat.say("link confirm")
    assert "Linked: you are Ana Ruiz" in chat.last_text()
    chat.say("need Robotic welding cell: for aluminium trays deadline 2020-01-01")
    assert "in the past" in chat.last_text() and _count(sessions, Need) == 0
    chat.say("need Robotic welding cell: for aluminium trays anonymous")
    assert "Posted" in chat.last_text() and "anonymous" in chat.last_text()
    chat.say("draft")
    [card] = cards_in(chat.messages[-1])
    assert_valid_card(card)
    assert "“Robotic welding cell.”" in " ".join(texts_of(card))  # phrases come with the sentence they fit
    assert _count(sessions, OrgTextProposal) == 0  # shown, nothing saved
    chat.submit({"action": "draft_confirm", "capabilities": "", "needs": "Robotic welding cells\n",
                 "sectors": "metals", "skills": "TIG welding"}, card_id=None)
    assert chat.last_text().startswith("Saved")
    with sessions() as s:
        assert s.scalars(select(Person.expertise).where(Person.external_id == "p-ana")).one() == "Skills: TIG welding."
        assert s.scalars(select(OrgTextProposal.sectors)).one() == ["metals"]
    assert fake_core.asked == []  # every command stayed out of the question route


def test_no_email_or_an_ambiguous_one_links_nobody(teams: TeamsRuntime, sessions: sessionmaker[Session]) -> None:
    Chat(teams, None).say("link")
    shared = Chat(teams, "info@shared.example")
    shared.say("link confirm")
    assert "matches 2 people" in shared.last_text()
    with sessions() as s:
        assert all(a.person_id is None for a in s.scalars(select(PlatformAccount)))
    shared.say("join WeldCo")
    assert "Request sent" in shared.last_text()


def test_the_post_a_need_card_refuses_bad_input_then_posts(teams: TeamsRuntime,
                                                           sessions: sessionmaker[Session]) -> None:
    chat = Chat(teams, "ana@acme.example")
    chat.say("link confirm")
    chat.say("need")
    [card] = cards_in(chat.messages[-1])
    assert_valid_card(card)
    assert {e["id"] for e in card["body"] if e["type"].startswith("Input.")} == {
        "title", "description", "funding", "deadline", "visibility"}
    chat.submit({"action": "need_post", "title": "", "description": "", "visibility": "staff-only"}, card_id=None)
    [again] = cards_in(chat.messages[-1])
    assert "needs a title or a description" in " ".join(texts_of(again)) and _count(sessions, Need) == 0
    chat.submit({"action": "need_post", "title": "Weld cell audit", "description": "Confidential TIG audit",
                 "visibility": "staff-only"}, card_id=None)
    assert "Posted" in chat.last_text() and "staff-only" in chat.last_text()
    with sessions() as s:
        assert s.scalars(select(Need.visibility)).one() == "staff"
