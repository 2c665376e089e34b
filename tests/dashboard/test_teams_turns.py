"""``dashboard`` and ``stats`` typed to the bot in Teams, through the production Teams wiring (the SDK's
TestAdapter): staff get a link or a card with the charts as images in their 1:1 chat, never in a channel."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from microsoft_agents.activity import Activity
from microsoft_agents.testing import TestAdapter, TestFlow
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.dashboard.service import ChartImage
from bot.teams import dashboard as teams_dashboard
from bot.teams.app import build_teams
from bot.teams.proactive import RetryPolicy
from tests.unit.teams.cards import cards_in, texts_of
from tests.unit.teams.support import FakeCore, anonymous_connections, load_sample, teams_container

PERSONAL = "msteams-docs/inbound_message_personal_2019.json"
STAFF_AAD = "df486eae-88fd-42a5-b45e-c581588186db"  # the sample's sender


class FakeDashboard:
    def __init__(self) -> None:
        self.auth = SimpleNamespace(image_url=lambda name, data: f"https://cluster.example/dashboard/img/{name}.png")

    def is_staff(self, platform: str, workspace_id: str, user_id: str) -> bool:
        return platform == "teams" and user_id == STAFF_AAD

    def link_for(self, platform: str, workspace_id: str, user_id: str, name: str = "") -> str:
        return f"https://cluster.example/dashboard/login?t=for-{user_id}"

    def chat_charts(self, weeks: int) -> list[ChartImage]:
        return [ChartImage("funnel", "Funnel", "Funnel: Questions 12.", {"stages": [["Questions", 12]]}),
                ChartImage("gaps", "Gaps", "Gaps by topic: welding.", {"topics": [["welding", 3, 1, 0.3]]})]


def _turn(sessions: sessionmaker[Session], text: str, *, user: str = STAFF_AAD, channel: bool = False
          ) -> list[dict[str, Any]]:
    core = FakeCore()
    dashboard = FakeDashboard()
    container = teams_container(sessions, Settings(teams_anonymous=True), core, dashboard=dashboard)
    runtime = build_teams(container, connections=anonymous_connections(), policy=RetryPolicy(min_interval=0))
    sample = load_sample(PERSONAL)
    sample["text"] = text
    sample["from"]["aadObjectId"] = user
    sample["from"]["id"] = f"29:{user}"
    if channel:
        sample["conversation"]["conversationType"] = "channel"
    adapter = TestAdapter(conversation=Activity.model_validate(sample).get_conversation_reference())

    async def go() -> None:
        await TestFlow(adapter, runtime.agent.on_turn).send(Activity.model_validate(sample)).start_test()

    asyncio.run(go())
    assert core.asked == []  # never treated as a question
    sent = [a.model_dump(by_alias=True, exclude_none=True, mode="json") for a in adapter.activity_queue]
    return [a for a in sent if a["type"] == "message"]


def _shown(message: dict[str, Any]) -> str:
    return " ".join(texts_of(cards_in(message)[0])) if cards_in(message) else str(message.get("text"))


def test_staff_get_a_dashboard_link_in_their_1_1_chat(sessions: sessionmaker[Session]) -> None:
    [message] = _turn(sessions, "dashboard")
    assert f"https://cluster.example/dashboard/login?t=for-{STAFF_AAD}" in _shown(message)


def test_stats_is_a_card_with_the_charts_as_images(sessions: sessionmaker[Session]) -> None:
    [message] = _turn(sessions, "stats")
    [card] = cards_in(message)
    images = [b for b in card["body"] if b["type"] == "Image"]
    assert [i["url"] for i in images] == ["https://cluster.example/dashboard/img/funnel.png",
                                          "https://cluster.example/dashboard/img/gaps.png"]
    assert [i["altText"] for i in images] == ["Funnel: Questions 12.", "Gaps by topic: welding."]
    assert "Questions: 12" in texts_of(card)


def test_members_and_channels_get_no_link(sessions: sessionmaker[Session]) -> None:
    [member] = _turn(sessions, "dashboard", user="someone-else")
    assert "dashboard/login" not in _shown(member) and teams_dashboard.STAFF_ONLY in _shown(member)
    [in_channel] = _turn(sessions, "dashboard", channel=True)
    assert "dashboard/login" not in _shown(in_channel) and teams_dashboard.PRIVATE_ONLY in _shown(in_channel)
