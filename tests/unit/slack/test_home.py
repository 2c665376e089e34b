from __future__ import annotations

import pytest
from sqlalchemy import Engine

from bot.bootstrap import bootstrap
from bot.config import Settings
from bot.container import Container
from bot.core import home_texts as texts
from bot.core.directory.profile_form import ProfileForm
from bot.core.errors import UserFacingError
from bot.core.home import (
    DIGEST_DAY,
    DIGEST_ON,
    INTRO_PAUSE,
    HomeRequest,
    HomeSection,
    collect_sections,
)
from bot.slack.home import home_view
from matching.embeddings import HashingEmbedder
from models.activity import SavedMatch


@pytest.fixture
def container(engine: Engine) -> Container:
    return bootstrap(Settings(), engine=engine, embedder=HashingEmbedder())


def request(user: str = "U1") -> HomeRequest:
    return HomeRequest(platform="slack", workspace_id="T1", user_id=user)


def test_the_sections_come_in_display_order(container: Container) -> None:
    assert list(container.home.sections()) == ["profile", "needs", "saved", "introductions", "digest", "privacy"]
    assert container.platforms == {}  # no chat platform configured: nothing to show them on


def test_a_failing_provider_does_not_break_home(container: Container, caplog: pytest.LogCaptureFixture) -> None:
    def broken(req: HomeRequest) -> HomeSection:
        raise RuntimeError("boom")

    providers = {"profile": container.home.profile_section, "broken_one": broken, "hidden": lambda req: None}
    sections = collect_sections(providers, request())
    assert [s.heading for s in sections] == [texts.HOME_YOU, "Broken one"]
    assert sections[1].text == texts.HOME_SECTION_FAILED
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)


def test_home_shows_the_member_profile_needs_and_saved_matches(container: Container) -> None:
    container.directory.save_profile("slack", "T1", "U1", ProfileForm(
        name="Maria <!here>", expertise="Robotic TIG welding cells.", interests="Laser cladding",
        affiliation="Lopez Fab"))
    with container.sessions.begin() as s:
        s.add(SavedMatch(platform="slack", workspace_id="T1", user_id="U1", ref="org:weldbot", title="WeldBot"))
    view = home_view(collect_sections(container.home.sections(), request()))
    text = str(view)
    assert "Maria &lt;!here&gt; · Lopez Fab" in text and "Can help with: Robotic TIG welding cells." in text
    assert "*WeldBot*" in text and texts.HOME_NO_NEEDS in text
    buttons = [e["action_id"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert "open_profile" in buttons and "more_like_this:0" in buttons
    other = home_view(collect_sections(container.home.sections(), request("U2")))
    assert texts.HOME_NOT_LINKED in str(other) and texts.HOME_NO_SAVED in str(other)


def test_home_buttons_change_the_same_settings_on_every_platform(container: Container) -> None:
    for platform in ("slack", "teams"):
        req = HomeRequest(platform=platform, workspace_id="W", user_id="U9", timezone="Europe/Paris")
        assert "on" in container.home.press(req, DIGEST_ON, "on")
        assert "Thursday" in container.home.press(req, DIGEST_DAY, "thu")
        schedule = container.digest.settings_for(platform, "W", "U9")
        assert (schedule.enabled, schedule.day, schedule.timezone) == (True, "thu", "Europe/Paris")
        section = container.home.digest_section(req)
        assert [b.action_id for b in section.buttons][-1] == "digest_off"
    with pytest.raises(UserFacingError, match="not a day"):
        container.home.press(request(), DIGEST_DAY, "someday")
    with pytest.raises(UserFacingError, match="Create your profile first"):
        container.home.press(request(), INTRO_PAUSE)  # introductions need a profile, as the command does
