"""Introductions on Teams: Adaptive Card 1.5 cards, proactive delivery to both sides through a fake Bot
Connector, and card submits and typed commands through the production Teams wiring (TestAdapter)."""

from __future__ import annotations

import asyncio
import json
import random
from types import SimpleNamespace
from typing import Any

import pytest
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.fastapi import CloudAdapter
from microsoft_agents.testing import TestAdapter, TestFlow
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.core.intros import texts as t
from bot.core.intros.suggest import suggest
from bot.core.messages import REQUEST_INTRO, ActionRequest
from bot.teams.app import build_teams
from bot.teams.intros import TeamsIntroMessenger, intro_card
from bot.teams.proactive import RetryPolicy, TeamsSender
from models.directory import Organization, PlatformAccount
from models.intros import Introduction
from tests.fakes.slack_harness import EVIL_NAME
from tests.unit.intros.conftest import World, make_world
from tests.unit.teams.cards import assert_valid_card, cards_in, submit_actions, texts_of
from tests.unit.teams.fake_connector import FakeConnector
from tests.unit.teams.support import (
    BOT_APP_ID,
    anonymous_connections,
    load_sample,
    sql_accounts,
    teams_container,
    token_connections,
)

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
JANE_AAD = "df486eae-88fd-42a5-b45e-c581588186db"  # the recorded activities' sender: Carla here
PEOPLE = {"U-MARC": "aad-marc", "U-CARLA": JANE_AAD, "U-ANA": "aad-ana", "U-QUINN": "aad-quinn"}


def reference(service_url: str, aad: str) -> dict[str, Any]:
    return {"user": {"id": f"29:{aad}", "aadObjectId": aad, "name": aad},
            "bot": {"id": f"28:{BOT_APP_ID}", "name": "clustermatch"},
            "conversation": {"conversationType": "personal", "id": f"a:{aad}", "tenantId": TENANT},
            "channelId": "msteams", "serviceUrl": service_url}


def teams_world(sessions: sessionmaker[Session], service_url: str) -> World:
    """The seeded world with everyone on Teams, and the real Teams sender as the messenger."""
    world = make_world(sessions)
    with sessions.begin() as s:
        for slack_id, aad in PEOPLE.items():
            s.execute(update(PlatformAccount).where(PlatformAccount.user_id == slack_id).values(
                platform="teams", workspace_id=TENANT, user_id=aad, conversation_ref=reference(service_url, aad)))
        s.execute(update(Organization).where(Organization.external_id == "alumaker").values(name=EVIL_NAME))
    adapter = CloudAdapter(connection_manager=token_connections())
    sender = TeamsSender(adapter, sql_accounts(sessions), app_id=BOT_APP_ID, policy=RetryPolicy(min_interval=0),
                         rng=random.Random(1))
    world.service.delivery.lookup = {"teams": TeamsIntroMessenger(sender)}.get
    return world


def press(user: str, action: str, ref: str) -> ActionRequest:
    return ActionRequest(platform="teams", workspace_id=TENANT, user_id=user, action=action, ref=ref)


def member_text_only_in_text_runs(card: dict[str, Any]) -> None:
    """``TextBlock`` parses Markdown: no member or directory text may be in one."""
    blocks = json.dumps([n for n in _nodes(card) if n.get("type") in ("TextBlock", "FactSet")])
    for needle in ("Marc", "Carla", "<!channel>", "AluMaker", "WeldBot"):
        assert needle not in blocks


def _nodes(node: Any) -> list[dict[str, Any]]:
    out = []
    if isinstance(node, dict):
        out.append(node)
        for value in node.values():
            out += _nodes(value)
    elif isinstance(node, list):
        for value in node:
            out += _nodes(value)
    return out


def test_ask_and_introduction_are_delivered_to_both_as_valid_cards(sessions: sessionmaker[Session]) -> None:
    with FakeConnector() as connector:
        world = teams_world(sessions, connector.url)
        reply = world.service.request_intro(press("aad-marc", REQUEST_INTRO, "org:weldbot"))
        assert reply.text.startswith("I asked WeldBot Automation")
        [ask] = connector.messages
        assert ask.path == f"/v3/conversations/a:{JANE_AAD}/activities"
        card = ask.card
        assert card is not None
        assert_valid_card(card)
        member_text_only_in_text_runs(card)
        shown = " ".join(texts_of(card))
        assert EVIL_NAME in shown and "Plant manager" in shown  # literal, in TextRuns
        assert "marc.private@alumaker.example" not in json.dumps(ask.body)
        actions = submit_actions(card)
        assert [a["data"]["action"] for a in actions] == list(t.MEMBER_ACTIONS)
        iid = actions[0]["data"]["ref"]

        world.service.act(press(JANE_AAD, t.INTRO_ACCEPT, iid))
        introductions = connector.messages[1:]
        assert sorted(c.path for c in introductions) == sorted([f"/v3/conversations/a:{JANE_AAD}/activities",
                                                                "/v3/conversations/a:aad-marc/activities"])
        for call in introductions:
            assert call.card is not None
            assert_valid_card(call.card)
            assert "marc.private@alumaker.example" in " ".join(texts_of(call.card))
        with sessions() as s:
            assert s.scalars(select(Introduction.group_ref)).one() == "teams:1:1"


def test_staff_items_and_follow_ups_render_as_valid_cards(sessions: sessionmaker[Session]) -> None:
    world = make_world(sessions)
    run = suggest(world.service, capacity=1, threshold=0.0)
    assert run.batch_id is not None
    world.service.staff.post_batch(run.batch_id)
    [(items, _, _)] = world.messenger.staff
    world.service.request_intro(ActionRequest("slack", "T1", "U-MARC", REQUEST_INTRO, "org:weldbot"))
    with sessions() as s:
        iid = s.scalars(select(Introduction.id).where(Introduction.origin == "member")).one()
    world.service.act(ActionRequest("slack", "T1", "U-CARLA", t.INTRO_ACCEPT, f"intro:{iid}"))
    world.clock.advance(days=15)
    world.service.send_followups()
    for message in [*items, *(m for _, m in world.messenger.sent), *(m for _, m in world.messenger.groups)]:
        card = intro_card(message)
        assert_valid_card(card)
        member_text_only_in_text_runs(card)
        assert [a["data"] for a in submit_actions(card)] == [{"action": a, "ref": message.ref}
                                                             for a in message.actions]


def _turn(runtime: Any, sample: dict[str, Any]) -> list[dict[str, Any]]:
    adapter = TestAdapter(conversation=Activity.model_validate(sample).get_conversation_reference())

    async def go() -> None:
        await TestFlow(adapter, runtime.agent.on_turn).send(Activity.model_validate(sample)).start_test()

    asyncio.run(go())
    sent = [a.model_dump(by_alias=True, exclude_none=True, mode="json") for a in adapter.activity_queue]
    return [a for a in sent if a["type"] == "message"]


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_card_submits_and_typed_commands_in_a_teams_turn(sessions: sessionmaker[Session]) -> None:
    with FakeConnector() as connector:
        world = teams_world(sessions, connector.url)
        world.service.request_intro(press("aad-marc", REQUEST_INTRO, "org:weldbot"))
        [ask] = connector.messages
        assert ask.card is not None
        iid = submit_actions(ask.card)[0]["data"]["ref"]
        container = teams_container(sessions, Settings(teams_anonymous=True), intros=world.service,
                                    ask=SimpleNamespace(ask=lambda incoming: None, act=world.service.act))
        runtime = build_teams(container, connections=anonymous_connections(), policy=RetryPolicy(min_interval=0))

        submit = load_sample("msteams-docs/inbound_message_personal_2019.json")
        submit.pop("text")
        submit["value"] = {"action": t.INTRO_LATER, "ref": iid}
        [answer] = _turn(runtime, submit)
        assert any(x.startswith("No problem: I will ask you again") for x in texts_of(cards_in(answer)[0]))

        typed = load_sample("msteams-docs/inbound_message_personal_2019.json")
        typed["text"] = "pause until 2099-01-01"
        [paused] = _turn(runtime, typed)
        assert t.PAUSED_UNTIL.format(date="2099-01-01") in texts_of(cards_in(paused)[0])
        typed["text"] = "intros"
        [overview] = _turn(runtime, typed)
        assert any("Paused until 2099-01-01" in x for x in texts_of(cards_in(overview)[0]))
