from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.slack import texts
from bot.slack.home import (
    DEFAULT_SECTIONS,
    HomeRequest,
    HomeSection,
    collect_sections,
    home_view,
    install_default_sections,
)
from bot.slack.profile import ProfileForm, save_profile
from models.activity import SavedMatch


def request(sessions: sessionmaker[Session], user: str = "U1") -> HomeRequest:
    return HomeRequest(platform="slack", workspace_id="T1", user_id=user, sessions=sessions, container=None)


def test_defaults_fill_the_registry_in_order_and_keep_what_flows_registered() -> None:
    def intros(req: HomeRequest) -> HomeSection:
        return HomeSection("Intros")

    def extra(req: HomeRequest) -> None:
        return None

    registry: dict[str, Any] = {"extra": extra, "introductions": intros}
    install_default_sections(registry)
    assert list(registry) == [*DEFAULT_SECTIONS, "extra"]
    assert registry["introductions"] is intros and registry["profile"] is DEFAULT_SECTIONS["profile"]


def test_a_failing_provider_does_not_break_home(sessions: sessionmaker[Session],
                                                caplog: pytest.LogCaptureFixture) -> None:
    def broken(req: HomeRequest) -> HomeSection:
        raise RuntimeError("boom")

    providers = {"profile": DEFAULT_SECTIONS["profile"], "broken_one": broken, "hidden": lambda req: None}
    sections = collect_sections(providers, request(sessions))
    assert [s.heading for s in sections] == [texts.HOME_YOU, "Broken one"]
    assert sections[1].text == texts.HOME_SECTION_FAILED
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)


def test_home_shows_the_member_profile_needs_and_saved_matches(sessions: sessionmaker[Session]) -> None:
    save_profile(sessions, "T1", "U1", ProfileForm(name="Maria <!here>", expertise="Robotic TIG welding cells.",
                                                  interests="Laser cladding", affiliation="Lopez Fab"))
    with sessions.begin() as s:
        s.add(SavedMatch(platform="slack", workspace_id="T1", user_id="U1", ref="org:weldbot", title="WeldBot"))
    view = home_view(collect_sections(DEFAULT_SECTIONS, request(sessions)))
    text = str(view)
    assert "Maria &lt;!here&gt; · Lopez Fab" in text and "Can help with: Robotic TIG welding cells." in text
    assert "*WeldBot*" in text and texts.HOME_NO_NEEDS in text
    buttons = [e["action_id"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert "open_profile" in buttons and "more_like_this:0" in buttons
    other = home_view(collect_sections(DEFAULT_SECTIONS, request(sessions, "U2")))
    assert texts.HOME_NOT_LINKED in str(other) and texts.HOME_NO_SAVED in str(other)
