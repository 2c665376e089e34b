"""A third chat platform takes its own folder and one settings line: ``tests/fakes/webchat`` is enabled by
``PLATFORMS`` alone, and questions, buttons, introductions (with their group conversation), home sections and
digests reach it with no change anywhere else in the code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from bot.bootstrap import bootstrap
from bot.config import Settings
from bot.container import Container
from bot.core.home import HomeRequest, collect_sections
from bot.core.intros import texts as t
from bot.scheduler import build_senders
from bot.web import create_app
from matching.embeddings import HashingEmbedder
from models.db import make_engine
from models.directory import PlatformAccount
from models.intros import Introduction
from tests.fakes.webchat.platform import WebChatPlatform
from tests.unit.intros.conftest import seed

ROOT = Path(__file__).resolve().parents[2]
SITE = "site-1"
PLATFORMS = "bot.slack.platform,bot.teams.platform,tests.fakes.webchat.platform"  # the one settings line


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Container, TestClient]]:
    for name in ("SLACK_BOT_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "TEAMS_APP_ID", "TEAMS_ANONYMOUS"):
        monkeypatch.delenv(name, raising=False)
    container = bootstrap(Settings(data_dir=tmp_path, platforms=PLATFORMS),
                          engine=make_engine(f"sqlite:///{tmp_path / 'web.sqlite3'}"), embedder=HashingEmbedder())
    seed(container.sessions, workspace=SITE)
    with container.sessions.begin() as s:
        s.execute(update(PlatformAccount).values(platform="webchat"))
    container.catalog.warm_up()
    with TestClient(create_app(container.settings, container)) as client:
        yield container, client
    container.engine.dispose()


def outbox(container: Container) -> list[tuple[str, str]]:
    platform = container.platforms["webchat"]
    assert isinstance(platform, WebChatPlatform)
    return platform.outbox.sent


def test_the_platform_is_enabled_by_the_settings_line_alone(site: tuple[Container, TestClient]) -> None:
    container, client = site
    assert list(container.platforms) == ["webchat"]  # Slack and Teams have no credentials here
    assert client.get("/healthz").json()["webchat"] == "json"
    assert "webchat" in build_senders(container)


def test_questions_buttons_and_introductions_reach_it(site: tuple[Container, TestClient]) -> None:
    container, client = site
    asked = client.post("/webchat/messages", json={"site": SITE, "user": "U-MARC",
                                                   "text": "robotic TIG welding of aluminium battery trays"})
    assert "org:weldbot" in asked.json()["refs"]

    requested = client.post("/webchat/actions", json={"site": SITE, "user": "U-MARC", "action": "request_intro",
                                                      "ref": "org:weldbot"})
    assert requested.json()["text"].startswith("I asked WeldBot Automation")
    [(to, text)] = outbox(container)
    assert to == "U-CARLA" and "Marc Maker" in text
    with container.sessions() as s:
        iid = s.scalars(select(Introduction.id)).one()

    client.post("/webchat/actions", json={"site": SITE, "user": "U-CARLA", "action": t.INTRO_ACCEPT,
                                          "ref": f"intro:{iid}"})
    assert outbox(container)[-1][0] == "group:U-CARLA,U-MARC"
    with container.sessions() as s:
        assert s.scalars(select(Introduction.group_ref)).one().startswith("webchat:group:")


def test_it_shows_the_same_home(site: tuple[Container, TestClient]) -> None:
    container, _ = site
    sections = collect_sections(container.platforms["webchat"].home_sections(), HomeRequest("webchat", SITE, "U-MARC"))
    assert "Marc Maker" in sections[0].text


def test_nothing_outside_its_folder_names_it() -> None:
    named = [str(p.relative_to(ROOT)) for folder in ("bot", "models", "matching") for p in (ROOT / folder).rglob("*.py")
             if "webchat" in p.read_text(encoding="utf-8")]
    assert named == []


def test_members_data_requests_work_there_too(site: tuple[Container, TestClient]) -> None:
    container, _ = site
    export = container.privacy.export_for("webchat", SITE, "U-MARC")
    assert container.privacy.record_count(export) > 0
    assert export["subject"]["requested"] == f"webchat:{SITE}:U-MARC"
