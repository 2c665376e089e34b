"""Consortium proposals on the seeded directory: complementary roles, conflicts, reasons, the asker's team."""

from __future__ import annotations

import pytest

from bot.core.errors import UserFacingError
from bot.core.intros.consortium import HEADING, NOTHING, USAGE, propose
from bot.core.messages import REQUEST_INTRO, IncomingMessage
from tests.unit.intros.conftest import WS, World

CHALLENGE = "robotic TIG welding of aluminium battery trays, operators trained on welding cells"


def asked_by(user: str) -> IncomingMessage:
    return IncomingMessage(platform="slack", workspace_id=WS, user_id=user, conversation_id="D1", text="")


def roles(section) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {s.title: s.subtitle.split(" · ")[0] for s in section.suggestions}


def test_teams_fill_complementary_roles_with_a_reason_each(world: World) -> None:
    reply = propose(world.service.catalog, world.sessions, asked_by("U-NOBODY"), CHALLENGE)
    assert reply.sections and reply.sections[0].heading.startswith("Team 1 · fit")
    for section in reply.sections:
        found = roles(section)
        assert 3 <= len(found) <= 5
        assert sorted(set(found.values()) - {"Training provider"}) == [
            "Industrial lead", "Research partner", "Technology partner"]
        # marked competitors never in one team
        assert not {"WeldBot Automation", "RivalWeld Systems"} <= set(found)
        for s in section.suggestions:
            assert s.reason and s.reason in " ".join(
                world.service.catalog.snapshot.matcher.snippets_)  # the member's own evidence
            assert REQUEST_INTRO in s.actions
    best = roles(reply.sections[0])
    assert best["Dr. Ana Laser"] == "Research partner"
    assert best.get("Lakeshore College") == "Training provider"  # it covers the "operators trained" aspect


def test_a_members_own_organization_leads_its_teams(world: World) -> None:
    reply = propose(world.service.catalog, world.sessions, asked_by("U-QUINN"), CHALLENGE)
    assert "Built around your organization as industrial lead" in reply.text
    for section in reply.sections:
        assert roles(section)["Quiet Co"] == "Industrial lead"
        assert "AluMaker Trays" not in roles(section)


def test_a_funding_stream_by_name_and_bad_input(world: World) -> None:
    reply = propose(world.service.catalog, world.sessions, asked_by("U-NOBODY"), "automation pilot fund")
    assert reply.meta["intro"].startswith('Teams that could answer "Automation pilot fund"')
    nothing = propose(world.service.catalog, world.sessions, asked_by("U-NOBODY"), "zzqx vvwy")
    assert nothing.text == NOTHING.format(target="zzqx vvwy") and not nothing.sections
    with pytest.raises(UserFacingError) as err:
        propose(world.service.catalog, world.sessions, asked_by("U-NOBODY"), "   ")
    assert err.value.message == USAGE
    assert HEADING.startswith("Team {n}")
