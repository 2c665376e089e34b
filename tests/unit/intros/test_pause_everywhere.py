"""A paused member is left out of everything others see: answers, digests' needs, consortium teams."""

from __future__ import annotations

from bot.core.intros.consortium import propose
from bot.core.messages import IncomingMessage
from tests.unit.intros.conftest import WS, World

CHALLENGE = "robotic TIG welding of aluminium battery trays with welding metallurgy research and operator training"


def _seen(world: World) -> set[str]:
    catalog = world.service.catalog
    found = {s.ref for s in catalog.search("TIG welding metallurgy of aluminium battery trays", k=40,
                                           kinds=None)}
    needs = {s.ref for s in catalog.search("automated weld inspection of aluminium trays", k=40, kinds=["need"])}
    asked = IncomingMessage(platform="slack", workspace_id=WS, user_id="U-NOBODY", conversation_id="D1",
                            text=CHALLENGE)
    teams = propose(catalog, world.sessions, asked, CHALLENGE)
    members = {s.title for section in teams.sections for s in section.suggestions}
    return found | needs | {f"title:{t}" for t in members} | set(catalog.snapshot.by_ref)


def test_pause_hides_the_member_and_their_organization_until_resumed(world: World) -> None:
    before = _seen(world)
    assert {"person:ana", "org:alumaker", "need:n-anon", "title:Dr. Ana Laser"} <= before
    world.service.prefs.command("slack", WS, "U-ANA", "pause")
    world.service.prefs.command("slack", WS, "U-MARC", "pause", "until 2099-04-01")  # AluMaker's only account
    after = _seen(world)
    assert not {"person:ana", "org:alumaker", "need:n-anon", "title:Dr. Ana Laser", "person:marc"} & after
    assert {"org:weldbot", "person:carla"} <= after  # nobody else is touched
    world.service.prefs.command("slack", WS, "U-ANA", "resume")
    assert "person:ana" in _seen(world) and "org:alumaker" not in _seen(world)


def test_an_excluded_organization_stays_out_of_the_members_answers_and_digest(world: World) -> None:
    from datetime import timedelta

    from bot.bootstrap import digest_config
    from bot.config import Settings
    from bot.core.ask.feedback import ActivityRepository, Asker
    from bot.core.digest.service import DigestService

    world.service.prefs.command("slack", WS, "U-ANA", "exclude", "AluMaker Trays")
    with world.sessions() as s:
        hidden = ActivityRepository(s).dismissed(Asker("slack", WS, "U-ANA", person_id=world.ids["ana"]))
    assert {"org:alumaker", "person:marc", "need:n-anon"} <= hidden and "org:weldbot" not in hidden
    digests = DigestService(sessions=world.sessions, catalog=world.service.catalog, config=digest_config(Settings()))
    _, digest = digests.preview(f"{WS}:U-ANA", world.clock() + timedelta(days=7))
    shown = {s.ref for section in (digest.sections if digest else ()) for s in section.suggestions}
    assert shown and not shown & {"org:alumaker", "person:marc", "need:n-anon"}
