"""Staff-suggested introductions: capacity, exclusions, pins, penalties, the stored batch and staff actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.core.intros import texts as t
from bot.core.intros.store import IntroRepository
from bot.core.intros.suggest import Run, suggest
from models.intros import IntroBatch, Introduction, IntroEvent, IntroPairRule, IntroPreference, IntroSuggestion
from tests.unit.intros.conftest import T0, World


def pairs(run: Run) -> set[frozenset[str]]:
    return {frozenset((p.a_name.split()[-1], p.b_name.split()[-1])) for p in run.pairs}


def loads(run: Run) -> dict[str, int]:
    out: dict[str, int] = {}
    for p in run.pairs:
        for name in (p.a_name, p.b_name):
            out[name] = out.get(name, 0) + 1
    return out


def test_one_each_the_best_total_and_never_competitors(world: World) -> None:
    run = suggest(world.service, capacity=1, threshold=0.0)
    # five members, capacity one: four covered, the best total of two disjoint pairs
    assert pairs(run) == {frozenset(("Maker", "Rival")), frozenset(("Laser", "Quiet"))}
    assert run.coverage == pytest.approx(0.8) and run.worst_off_best_score == 0.0
    assert run.status == "optimal" and run.solver == "scipy-milp-highs"
    for p in run.pairs:
        assert p.why_a and p.why_b  # evidence both ways
    with world.sessions() as s:
        batch = s.get(IntroBatch, run.batch_id)
        assert batch is not None and batch.n_pairs == 2 and batch.coverage == pytest.approx(0.8)
        assert len(s.scalars(select(IntroSuggestion).where(IntroSuggestion.batch_id == batch.id)).all()) == 2
    wide = suggest(world.service, capacity=4, threshold=0.0, store=False)
    assert frozenset(("Contact", "Rival")) not in pairs(wide)  # RivalWeld marks WeldBot as a competitor
    assert max(loads(wide).values()) <= 4 and wide.coverage == 1.0


def test_threshold_and_capacity_are_validated(world: World) -> None:
    strict = suggest(world.service, capacity=2, threshold=0.4, store=False)
    assert strict.pairs and all(p.score >= 0.4 for p in strict.pairs)
    with pytest.raises(ValueError, match="capacity"):
        suggest(world.service, capacity=0)
    with pytest.raises(ValueError, match="threshold"):
        suggest(world.service, threshold=1.5)


def test_introduced_declined_paused_and_busy_members_are_respected(world: World) -> None:
    ids = world.ids
    with world.sessions.begin() as s:
        repo = IntroRepository(s)
        repo.add_rule(ids["marc"], ids["rita"], "declined", "slack:T1:U-RITA")
        repo.create(dict(origin="member", state="pending", a_person_id=ids["carla"], b_person_id=ids["marc"],
                         target_ref="org:alumaker", a_ref="person:carla", b_ref="org:alumaker", created_by="x",
                         created_at=T0 - timedelta(days=1), expires_at=T0 + timedelta(days=13)))
        s.add(IntroPreference(person_id=ids["quinn"], paused=True, excluded_orgs=[]))
    run = suggest(world.service, capacity=2, threshold=0.0, store=False)
    found = pairs(run)
    assert frozenset(("Maker", "Rival")) not in found and frozenset(("Contact", "Maker")) not in found
    assert "Quinn Quiet" not in loads(run)
    # Carla and Marc already have one introduction this week: one more each at most
    assert loads(run).get("Carla Contact", 0) <= 1 and loads(run).get("Marc Maker", 0) <= 1


def test_pins_come_first_and_conflicting_pins_are_reported(world: World) -> None:
    ids = world.ids
    with world.sessions.begin() as s:
        repo = IntroRepository(s)
        repo.add_rule(ids["carla"], ids["quinn"], "pin", "slack:T1:U-STAFF")
        repo.add_rule(ids["ana"], ids["marc"], "pin", "slack:T1:U-STAFF")
        repo.add_rule(ids["ana"], ids["marc"], "veto", "slack:T1:U-STAFF")
    run = suggest(world.service, capacity=1, threshold=0.0, store=False)
    pinned = [p for p in run.pairs if p.pinned]
    assert [frozenset((p.a_name, p.b_name)) for p in pinned] == [frozenset(("Carla Contact", "Quinn Quiet"))]
    assert run.skipped_pins == ["Marc Maker ↔ Dr. Ana Laser"] or run.skipped_pins == ["Dr. Ana Laser ↔ Marc Maker"]
    assert max(loads(run).values()) == 1


def test_members_who_leave_requests_unanswered_are_deprioritised(world: World) -> None:
    before = {frozenset((p.a_name, p.b_name)): p.score for p in suggest(world.service, capacity=4, threshold=0.0,
                                                                        store=False).pairs}
    with world.sessions.begin() as s:
        s.add(IntroPreference(person_id=world.ids["marc"], expired_count=3, excluded_orgs=[]))
    after = {frozenset((p.a_name, p.b_name)): p.score for p in suggest(world.service, capacity=4, threshold=0.0,
                                                                       store=False).pairs}
    for pair, score in after.items():
        expected = before[pair] * (0.7 if "Marc Maker" in pair else 1.0)
        assert score == pytest.approx(expected, abs=1e-4)
    assert any("Marc Maker" in pair for pair in after)


def test_a_posted_batch_is_reviewed_by_staff_and_audited(world: World) -> None:
    run = suggest(world.service, capacity=1, threshold=0.0, created_by="slack:T1:U-STAFF")
    assert run.batch_id is not None
    assert world.service.staff.post_batch(run.batch_id) == 2
    [(items, title, summary)] = world.messenger.staff
    assert title == t.BATCH_TITLE.format(count=2) and "Coverage 80%" in summary and "worst-off" in summary
    assert all(i.actions == t.STAFF_ACTIONS for i in items)
    with world.sessions() as s:
        rows = s.scalars(select(IntroSuggestion).order_by(IntroSuggestion.score.desc())).all()
        assert all(r.message_ref == "CSTAFF 1.000" for r in rows)
        first, second = (f"sug:{r.id}" for r in rows)
    outcome = world.service.staff.act("slack:T1:U-STAFF", t.STAFF_APPROVE, first, message_ref="CSTAFF 1.000")
    assert outcome.text == t.STAFF_APPROVED.format(who="Sam Staff")
    assert [i.status for i in outcome.items] == [t.STAFF_APPROVED.format(who="Sam Staff"), ""]
    assert outcome.items[1].actions == t.STAFF_ACTIONS  # the other item still has its buttons
    assert len(world.messenger.to("U-MARC")) == 1 and len(world.messenger.to("U-RITA")) == 1  # both sides asked
    world.service.staff.act("slack:T1:U-STAFF", t.STAFF_NOTE, second, note="Both work on aluminium.")
    vetoed = world.service.staff.act("slack:T1:U-STAFF", t.STAFF_VETO, second, message_ref="CSTAFF 1.000")
    assert vetoed.text == t.STAFF_VETOED.format(who="Sam Staff")
    with world.sessions() as s:
        intro = s.scalars(select(Introduction)).one()
        assert (intro.origin, intro.state, intro.a_answer, intro.b_answer) == ("staff", "pending", None, None)
        assert s.scalars(select(IntroPairRule.rule)).all() == ["veto"]
        audit = [(e.actor, e.action) for e in s.scalars(select(IntroEvent).order_by(IntroEvent.id))]
    assert audit[-4:] == [("slack:T1:U-STAFF", "approved"), ("slack:T1:U-STAFF", "approved"),
                          ("slack:T1:U-STAFF", "note"), ("slack:T1:U-STAFF", "vetoed")]
    following = suggest(world.service, capacity=1, threshold=0.0, store=False)
    assert frozenset(("Laser", "Quiet")) not in pairs(following)  # vetoed
    assert frozenset(("Maker", "Rival")) not in pairs(following)  # already asked
