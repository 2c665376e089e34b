"""Clock jobs with a fake clock: expiry and ghosting, two-week follow-ups, outcome answers, the report,
and what digests get from introductions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.core.digest.staff import compose_staff
from bot.core.digest.types import DigestConfig
from bot.core.errors import UserFacingError
from bot.core.intros import texts as t
from bot.core.intros.jobs import GHOSTING_THRESHOLD
from bot.core.messages import REQUEST_INTRO
from models.directory import PlatformAccount
from models.intros import Introduction, IntroOutcome, IntroPreference
from tests.unit.intros.conftest import World


def ask(world: World, user: str, ref: str) -> int:
    world.service.request_intro(world.press(user, REQUEST_INTRO, ref))
    with world.sessions() as s:
        return int(s.scalars(select(Introduction.id).order_by(Introduction.id.desc())).first() or 0)


def state(world: World, iid: int) -> str:
    with world.sessions() as s:
        intro = s.get(Introduction, iid)
        assert intro is not None
        return intro.state


def test_requests_expire_after_the_configured_days_and_the_asker_is_told(world: World) -> None:
    iid = ask(world, "U-MARC", "org:weldbot")
    world.clock.advance(days=13, hours=23)
    assert world.service.expire_stale() == 0 and state(world, iid) == "pending"
    world.clock.advance(hours=2)
    assert world.service.expire_stale() == 1 and state(world, iid) == "expired"
    assert world.service.expire_stale() == 0  # once
    [notice] = world.messenger.to("U-MARC")
    assert notice.headline == t.EXPIRED_NOTICE.format(title="WeldBot Automation")
    with pytest.raises(UserFacingError, match="no longer open"):
        world.service.act(world.press("U-CARLA", t.INTRO_ACCEPT, f"intro:{iid}"))
    with world.sessions() as s:
        pref = s.scalars(select(IntroPreference).where(IntroPreference.person_id == world.ids["carla"])).one()
        assert pref.expired_count == 1 and pref.deprioritised_told_at is None
    ask(world, "U-MARC", "org:weldbot")  # an expired request can be made again
    assert len(world.messenger.to("U-CARLA")) == 2


def test_members_who_let_requests_expire_are_told_once(world: World) -> None:
    for _ in range(GHOSTING_THRESHOLD + 1):
        ask(world, "U-MARC", "org:weldbot")
        world.clock.advance(days=15)
        assert world.service.expire_stale() == 1
    told = [m for m in world.messenger.to("U-CARLA") if m.headline == t.DEPRIORITISED]
    assert len(told) == 1
    with world.sessions() as s:
        pref = s.scalars(select(IntroPreference).where(IntroPreference.person_id == world.ids["carla"])).one()
        assert pref.expired_count == GHOSTING_THRESHOLD + 1 and pref.deprioritised_told_at is not None
        asker = s.scalars(select(IntroPreference).where(IntroPreference.person_id == world.ids["marc"])).first()
        assert asker is None or asker.expired_count == 0  # the asker answered (by asking): no penalty


def test_both_sides_are_asked_about_the_outcome_two_weeks_after(world: World) -> None:
    iid = ask(world, "U-MARC", "org:weldbot")
    world.service.act(world.press("U-CARLA", t.INTRO_ACCEPT, f"intro:{iid}"))
    world.clock.advance(days=13)
    assert world.service.send_followups() == 0
    world.clock.advance(days=1, minutes=1)
    assert world.service.send_followups() == 1
    assert world.service.send_followups() == 0  # never twice
    [to_marc] = [m for m in world.messenger.to("U-MARC") if m.actions == t.OUTCOME_ACTIONS]
    [to_carla] = [m for m in world.messenger.to("U-CARLA") if m.actions == t.OUTCOME_ACTIONS]
    assert to_marc.headline == t.FOLLOWUP_HEADLINE.format(name="Carla Contact")
    assert to_carla.headline == t.FOLLOWUP_HEADLINE.format(name="Marc Maker")
    reply = world.service.act(world.press("U-MARC", t.OUTCOME_MET, f"intro:{iid}"))
    assert reply.text == t.OUTCOME_THANKS.format(what="you met")
    world.service.act(world.press("U-MARC", t.OUTCOME_PROPOSAL, f"intro:{iid}"))
    world.service.act(world.press("U-CARLA", t.OUTCOME_PROJECT, f"intro:{iid}"))
    with pytest.raises(UserFacingError, match="not addressed to you"):
        world.service.act(world.press("U-ANA", t.OUTCOME_MET, f"intro:{iid}"))
    with world.sessions() as s:
        answers = {o.person_id: (o.met, o.stage) for o in s.scalars(select(IntroOutcome))}
    assert answers == {world.ids["marc"]: (True, "proposal"), world.ids["carla"]: (True, "project")}


def test_report_counts_by_state_kind_and_province(world: World) -> None:
    accepted = ask(world, "U-MARC", "org:weldbot")  # B: Carla, technology firm in ON (her organization's)
    world.service.act(world.press("U-CARLA", t.INTRO_ACCEPT, f"intro:{accepted}"))
    declined = ask(world, "U-MARC", "person:ana")  # B: Ana, researcher in QC
    world.service.act(world.press("U-ANA", t.INTRO_DECLINE, f"intro:{declined}"))
    ask(world, "U-ANA", "org:quietco")  # B: Quinn, manufacturer in ON; left to expire
    world.clock.advance(days=15)
    world.service.expire_stale()
    world.service.send_followups()
    world.service.act(world.press("U-CARLA", t.OUTCOME_PROJECT, f"intro:{accepted}"))
    report = world.service.outcomes.report()
    assert report["total"] == {"requested": 3, "accepted": 1, "declined": 1, "expired": 1, "cancelled": 0,
                               "open": 0, "met": 1, "project_started": 1}
    assert report["by_kind"]["technology_firm"]["accepted"] == 1
    assert report["by_kind"]["researcher"]["declined"] == 1
    assert report["by_kind"]["manufacturer"]["expired"] == 1
    assert report["by_province"]["ON"]["requested"] == 2 and report["by_province"]["QC"]["requested"] == 1
    assert report["by_origin"]["member"]["requested"] == 3


def test_digests_get_pending_requests_and_the_weeks_figures(world: World) -> None:
    iid = ask(world, "U-MARC", "org:weldbot")
    other = ask(world, "U-ANA", "org:quietco")
    world.service.act(world.press("U-QUINN", t.INTRO_ACCEPT, f"intro:{other}"))
    with world.sessions() as s:
        carla = s.scalars(select(PlatformAccount).where(PlatformAccount.user_id == "U-CARLA")).one()
        marc = s.scalars(select(PlatformAccount).where(PlatformAccount.user_id == "U-MARC")).one()
        [pending] = world.service.pending_for(s, carla, world.clock.now)
        assert world.service.pending_for(s, marc, world.clock.now) == []  # he asked: nothing to answer
        digest = compose_staff(s, world.clock.now + timedelta(hours=1),
                               DigestConfig(), world.service)
    assert pending.ref == f"intro:{iid}" and pending.actions == t.MEMBER_ACTIONS
    assert pending.title.startswith("Marc Maker") and pending.reason
    facts = {f.label: f.value for f in digest.facts}
    assert facts["Introductions requested"] == "2" and facts["Introductions accepted"] == "1"
    assert facts["Unanswered requests"] == "1"
    [unanswered] = [s for section in digest.sections for s in section.suggestions if s.ref.startswith("intro:")]
    assert unanswered.title == "Marc Maker → Carla Contact" and "Carla Contact" in unanswered.reason


def test_members_who_let_requests_expire_move_down_in_answers(world: World) -> None:
    from bot.core.ask.service import AskService
    from bot.core.messages import IncomingMessage

    ask = AskService(sessions=world.sessions, catalog=world.service.catalog, intros=world.service)
    question = IncomingMessage("slack", "T1", "U-NOBODY", "D1", "robotic TIG welding cells for aluminium battery trays")

    def firms() -> list[str]:
        reply = ask.ask(question)
        return [s.ref for section in reply.sections for s in section.suggestions if s.kind == "technology_firm"]

    assert firms() == ["org:weldbot", "org:rivalweld"]
    with world.sessions.begin() as s:
        s.add(IntroPreference(person_id=world.ids["carla"], expired_count=GHOSTING_THRESHOLD, excluded_orgs=[]))
    assert firms() == ["org:rivalweld", "org:weldbot"]  # still shown, after the member who answers
