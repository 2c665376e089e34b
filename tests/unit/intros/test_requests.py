"""Member-requested introductions: who is asked, what they see, accept / decline / not now, refusals."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest
from sqlalchemy import func, select

from bot.core.errors import UserFacingError
from bot.core.intros import texts as t
from bot.core.messages import REQUEST_INTRO, SAVE
from models.intros import Introduction, IntroEvent, IntroPairRule
from tests.unit.intros.conftest import ORGS, PEOPLE, World, make_world

ORG_WELDBOT, PERSON_ANA = ORGS["weldbot"], PEOPLE["ana"]


def dump(message: object) -> str:
    return json.dumps(asdict(message))  # type: ignore[call-overload]


def only_intro(world: World) -> Introduction:
    with world.sessions() as s:
        return s.scalars(select(Introduction)).one()


def request(world: World, user: str = "U-MARC", ref: str = "org:weldbot") -> str:
    return world.service.request_intro(world.press(user, REQUEST_INTRO, ref)).text


def test_the_contact_is_asked_with_the_askers_public_profile_only(world: World) -> None:
    text = request(world)
    assert text == t.ASKED.format(title="WeldBot Automation", days=14)
    [ask] = world.messenger.to("U-CARLA")
    assert ask.headline == "Marc Maker (AluMaker Trays) would like to be introduced to WeldBot Automation"
    assert ask.actions == (t.INTRO_ACCEPT, t.INTRO_DECLINE, t.INTRO_LATER)
    shown = dump(ask)
    assert "Plant manager" in shown and "Stamping and assembly of aluminium battery trays" in shown
    assert "automate TIG welding" in shown  # what the asker looks for (public profile)
    # nothing beyond the public profile before acceptance: no e-mail, no chat id
    assert "marc.private@alumaker.example" not in shown and "U-MARC" not in shown and "@" not in shown
    intro = only_intro(world)
    assert (intro.state, intro.a_answer, intro.b_answer, intro.origin) == ("pending", "accepted", None, "member")
    assert intro.reason  # evidence: WeldBot's snippet for what AluMaker looks for
    assert world.messenger.to("U-MARC") == []


def test_accepting_opens_one_conversation_with_both_and_shares_contacts(world: World) -> None:
    request(world)
    reply = world.service.act(world.press("U-CARLA", t.INTRO_ACCEPT, f"intro:{only_intro(world).id}"))
    assert reply.text == t.ACCEPTED_BY_YOU.format(name="Marc Maker")
    [(people, message)] = world.messenger.groups
    assert {p.user_id for p in people} == {"U-MARC", "U-CARLA"}
    shown = dump(message)
    assert "marc.private@alumaker.example" in shown and "carla@weldbot.example" in shown
    assert message.footer.startswith("Suggested next step")
    intro = only_intro(world)
    assert intro.state == "accepted" and intro.open_key is None and intro.group_ref == "G-U-MARC-U-CARLA"
    assert intro.followup_due_at is not None and (intro.followup_due_at - intro.accepted_at).days == 14
    # a second click changes nothing
    with pytest.raises(UserFacingError, match="already answered"):
        world.service.act(world.press("U-CARLA", t.INTRO_ACCEPT, f"intro:{intro.id}"))
    assert len(world.messenger.groups) == 1


def test_declining_tells_the_asker_kindly_and_blocks_the_pair(world: World) -> None:
    request(world)
    iid = only_intro(world).id
    reply = world.service.act(world.press("U-CARLA", t.INTRO_DECLINE, f"intro:{iid}"))
    assert reply.text == t.DECLINED_BY_YOU.format(name="Marc Maker")
    [notice] = world.messenger.to("U-MARC")
    assert notice.headline == t.DECLINED_NOTICE.format(title="WeldBot Automation")
    assert not notice.actions and world.messenger.groups == []
    with world.sessions() as s:
        rule = s.scalars(select(IntroPairRule)).one()
        assert rule.rule == "declined"
        assert {rule.person_low, rule.person_high} == {world.ids["marc"], world.ids["carla"]}
    # asking again is refused without saying why, and nobody is asked
    with pytest.raises(UserFacingError) as refused:
        request(world, "U-MARC", "person:carla")
    assert refused.value.message == t.UNAVAILABLE.format(title="Carla Contact")
    assert len(world.messenger.to("U-CARLA")) == 1


def test_a_double_click_makes_one_request(world: World) -> None:
    request(world)
    with pytest.raises(UserFacingError, match="already asked"):
        request(world)
    with world.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Introduction)) == 1
    assert len(world.messenger.to("U-CARLA")) == 1


def test_not_now_asks_again_later(world: World) -> None:
    request(world)
    iid = only_intro(world).id
    reply = world.service.act(world.press("U-CARLA", t.INTRO_LATER, f"intro:{iid}"))
    assert "2026-03-05" in reply.text and only_intro(world).state == "pending"
    world.clock.advance(days=2)
    assert world.service.send_reminders() == 0
    world.clock.advance(days=1, minutes=1)
    assert world.service.send_reminders() == 1
    assert world.service.send_reminders() == 0  # once
    first, again = world.messenger.to("U-CARLA")
    assert again.headline == t.ASK_REMINDER.format(headline=first.headline)


def test_pause_and_exclusions_are_respected(world: World) -> None:
    prefs = world.service.prefs
    assert prefs.command("slack", "T1", "U-CARLA", "pause", "until 2026-03-20") == t.PAUSED_UNTIL.format(
        date="2026-03-20")
    with pytest.raises(UserFacingError, match="not taking introductions"):
        request(world)
    world.clock.advance(days=19)  # 2026-03-21: the pause is over
    request(world)
    assert len(world.messenger.to("U-CARLA")) == 1
    assert prefs.command("slack", "T1", "U-ANA", "exclude", "alumaker trays") == t.EXCLUDED.format(
        org="AluMaker Trays")
    with pytest.raises(UserFacingError, match="not taking introductions"):
        request(world, "U-MARC", "person:ana")
    assert prefs.command("slack", "T1", "U-ANA", "include", "org:alumaker") == t.INCLUDED.format(org="AluMaker Trays")
    request(world, "U-MARC", "person:ana")
    assert len(world.messenger.to("U-ANA")) == 1


def test_pause_commands_validate_their_input(world: World) -> None:
    prefs = world.service.prefs
    with pytest.raises(UserFacingError, match="is not a date"):
        prefs.command("slack", "T1", "U-ANA", "pause", "until next week")
    with pytest.raises(UserFacingError, match="already past"):
        prefs.command("slack", "T1", "U-ANA", "pause", "until 2026-01-01")
    with pytest.raises(UserFacingError, match="several organizations"):
        prefs.command("slack", "T1", "U-ANA", "exclude", "co")
    with pytest.raises(UserFacingError, match="do not know"):
        prefs.command("slack", "T1", "U-ANA", "exclude", "Nobody Inc")
    assert prefs.command("slack", "T1", "U-ANA", "pause") == t.PAUSED_FOREVER
    assert prefs.command("slack", "T1", "U-ANA", "resume") == t.RESUMED
    assert prefs.command("slack", "T1", "U-ANA", "resume") == t.NOT_PAUSED
    with pytest.raises(UserFacingError, match="Create your profile"):
        prefs.command("slack", "T1", "U-NOBODY", "pause")


def test_requests_nobody_can_answer_are_refused_clearly(world: World) -> None:
    reply = world.service.request_intro(world.press("U-MARC", REQUEST_INTRO, "course:c-plc"))
    assert "is a course" in reply.text and "https://college.example/plc" in reply.text
    assert reply.suggestions[0].actions == (SAVE,)
    for user, ref, expected in (
        ("U-NOBODY", "org:weldbot", "Create your profile"),
        ("U-MARC", "org:college", "has no contact who uses this chat"),
        ("U-MARC", "person:marc", "your own organization"),
        ("U-MARC", "org:gone", "cannot find that item"),
    ):
        with pytest.raises(UserFacingError, match=expected):
            request(world, user, ref)
    with world.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Introduction)) == 0
    assert world.messenger.sent == []


def test_an_anonymous_need_reaches_its_poster_without_revealing_them(world: World) -> None:
    text = request(world, "U-ANA", "need:n-anon")
    assert "Weld inspection for aluminium trays" in text and "AluMaker" not in text and "Marc" not in text
    [ask] = world.messenger.to("U-MARC")
    assert ask.headline.startswith("Dr. Ana Laser would like to help with your need")


def test_only_the_two_sides_can_answer(world: World) -> None:
    request(world)
    iid = only_intro(world).id
    with pytest.raises(UserFacingError, match="not addressed to you"):
        world.service.act(world.press("U-ANA", t.INTRO_ACCEPT, f"intro:{iid}"))
    with pytest.raises(UserFacingError, match="cannot find"):
        world.service.act(world.press("U-CARLA", t.INTRO_ACCEPT, "intro:999"))
    assert only_intro(world).state == "pending"


def test_unreachable_recipient_keeps_the_request_open(world: World) -> None:
    world.messenger.fail_for.add("U-CARLA")
    assert request(world) == t.NOT_DELIVERED.format(title="WeldBot Automation", days=14)
    assert only_intro(world).state == "pending"


def test_staff_approval_comes_first_when_required(sessions) -> None:  # type: ignore[no-untyped-def]
    world = make_world(sessions, intro_requires_staff_approval=True)
    assert request(world) == t.ASKED_STAFF.format(title="WeldBot Automation")
    assert world.messenger.to("U-CARLA") == []
    [(items, _, _)] = world.messenger.staff
    assert items[0].actions == (t.STAFF_APPROVE, t.STAFF_NOTE, t.STAFF_SKIP)
    iid = only_intro(world).id
    with pytest.raises(UserFacingError, match="only the cluster staff"):
        world.service.act(world.press("U-MARC", t.STAFF_APPROVE, f"intro:{iid}"))
    assert only_intro(world).state == "awaiting_staff"
    world.service.act(world.press("U-STAFF", t.STAFF_NOTE, f"intro:{iid}", note="Both in the EV tray project."))
    reply = world.service.act(world.press("U-STAFF", t.STAFF_APPROVE, f"intro:{iid}"))
    assert "Approved by Sam Staff" in reply.text
    [ask] = world.messenger.to("U-CARLA")
    assert (t.FACT_NOTE, "Both in the EV tray project.") in [f for b in ask.blocks for f in b.facts]
    with world.sessions() as s:
        actions = [(e.actor, e.action) for e in s.scalars(select(IntroEvent).order_by(IntroEvent.id))]
    assert ("slack:T1:U-STAFF", "approved") in actions and ("slack:T1:U-MARC", "requested") in actions


def test_staff_can_turn_a_request_down(sessions) -> None:  # type: ignore[no-untyped-def]
    world = make_world(sessions, intro_requires_staff_approval=True)
    request(world)
    iid = only_intro(world).id
    outcome = world.service.staff.act("slack:T1:U-STAFF", t.STAFF_SKIP, f"intro:{iid}")
    assert outcome.text == t.STAFF_SKIPPED.format(who="Sam Staff") and outcome.items[0].status
    [notice] = world.messenger.to("U-MARC")
    assert notice.headline == t.REJECTED_NOTICE.format(title="WeldBot Automation")
    assert only_intro(world).state == "cancelled" and world.messenger.to("U-CARLA") == []
    again = world.service.staff.act("slack:T1:U-STAFF", t.STAFF_APPROVE, f"intro:{iid}")
    assert again.text.startswith("Already handled: cancelled")


def test_staff_only_and_hidden_profiles_cannot_be_requested_by_members(world: World) -> None:
    from models.directory import Organization, Person
    from models.repositories import DirectoryRepository

    with world.sessions.begin() as s:
        repo = DirectoryRepository(s)
        repo.upsert(Organization, "weldbot", {**ORG_WELDBOT, "visibility": "staff"})
        repo.upsert(Person, "ana", {**PERSON_ANA, "visibility": "hidden"})
    for ref in ("org:weldbot", "person:ana"):
        with pytest.raises(UserFacingError, match="cannot find that item"):
            request(world, "U-MARC", ref)
    assert world.messenger.sent == []
