"""Races: double clicks, retried requests and staff approving at once make exactly one introduction.

Threads start together on a barrier; every test runs on SQLite and on PostgreSQL (``engine`` fixture). The
SQLite variant of ``engine`` is one in-memory connection shared by every thread (one transaction for all),
so here it is copied into a database file with a connection per thread, as the app runs on SQLite.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from bot.core.errors import UserFacingError
from bot.core.intros import texts as t
from bot.core.messages import REQUEST_INTRO
from models.db import make_engine, session_factory
from models.intros import IntroBatch, Introduction, IntroSuggestion
from tests.unit.intros.conftest import World, make_world

THREADS = 6


def race(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(k)`` in ``n`` threads released at once; returns results (or the exceptions raised)."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(k: int) -> None:
        barrier.wait()
        try:
            results[k] = work(k)
        except Exception as exc:  # collected and checked by the test
            results[k] = exc

    threads = [threading.Thread(target=run, args=(k,)) for k in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> World:
    if engine.dialect.name == "sqlite":
        file_engine = make_engine(f"sqlite:///{tmp_path / 'race.sqlite3'}")
        source, target = engine.raw_connection(), file_engine.raw_connection()
        source.driver_connection.backup(target.driver_connection)  # type: ignore[union-attr]
        source.close()
        target.close()
        engine = file_engine
    return make_world(session_factory(engine))


def count_intros(world: World) -> int:
    with world.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Introduction)) or 0)


def test_simultaneous_requests_make_one_introduction(world: World) -> None:
    world.service.catalog.warm_up()
    results = race(THREADS, lambda k: world.service.request_intro(
        world.press("U-MARC", REQUEST_INTRO, "org:weldbot" if k % 2 else "person:carla")))
    unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, UserFacingError)]
    assert unexpected == []
    assert count_intros(world) == 1
    assert len(world.messenger.to("U-CARLA")) == 1
    asked = [r for r in results if not isinstance(r, Exception) and "I asked" in r.text]
    assert len(asked) == 1


def _suggestion(world: World) -> int:
    with world.sessions.begin() as s:
        batch = IntroBatch(created_by="test", capacity=2, threshold=0.0, mode="total")
        s.add(batch)
        s.flush()
        sug = IntroSuggestion(batch_id=batch.id, a_person_id=world.ids["ana"], b_person_id=world.ids["marc"],
                              a_ref="person:ana", b_ref="person:marc", score=0.7, why_a="x", why_b="y")
        s.add(sug)
        s.flush()
        return sug.id


def test_staff_approving_at_once_make_one_introduction(world: World) -> None:
    sid = _suggestion(world)
    results = race(THREADS, lambda k: world.service.staff.act(f"slack:T1:U-STAFF{k}", t.STAFF_APPROVE, f"sug:{sid}"))
    assert not [r for r in results if isinstance(r, Exception)]
    texts = sorted(r.text for r in results)
    assert sum(x.startswith("Approved by") for x in texts) == 1
    assert sum(x.startswith("Already handled: approved") for x in texts) == THREADS - 1
    assert count_intros(world) == 1
    # both sides asked once (staff suggestions are double opt-in)
    assert len(world.messenger.to("U-ANA")) == 1 and len(world.messenger.to("U-MARC")) == 1


def test_both_sides_and_double_clicks_accepting_at_once_open_one_conversation(world: World) -> None:
    sid = _suggestion(world)
    world.service.staff.act("slack:T1:U-STAFF", t.STAFF_APPROVE, f"sug:{sid}")
    with world.sessions() as s:
        iid = s.scalars(select(Introduction.id)).one()
    users = ["U-ANA", "U-MARC"] * (THREADS // 2)
    results = race(THREADS, lambda k: world.service.act(world.press(users[k], t.INTRO_ACCEPT, f"intro:{iid}")))
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, UserFacingError)]
    assert len(world.messenger.groups) == 1
    [(people, _)] = world.messenger.groups
    assert {p.user_id for p in people} == {"U-ANA", "U-MARC"}
    with world.sessions() as s:
        intro = s.get(Introduction, iid)
        assert intro is not None and intro.state == "accepted" and intro.open_key is None
