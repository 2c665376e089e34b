"""The clock's introduction jobs: scheduled as expected, weekly suggestions posted once per week."""

from __future__ import annotations

from types import SimpleNamespace

from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import func, select

from bot.config import Settings
from bot.core.intros import texts as t
from bot.core.messages import REQUEST_INTRO
from bot.intro_clock import HOURLY_JOB, WEEKLY_JOB, add_intro_jobs, run_intro_jobs, run_weekly_suggestions
from models.intros import IntroBatch, Introduction
from tests.unit.intros.conftest import World


def test_jobs_are_scheduled_hourly_and_on_the_digest_day() -> None:
    scheduler = BlockingScheduler()
    add_intro_jobs(scheduler, SimpleNamespace(settings=Settings(digest_day="tue", digest_hour=9)))
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {HOURLY_JOB, WEEKLY_JOB}
    assert str(jobs[HOURLY_JOB].trigger) == "cron[minute='30']"
    weekly = str(jobs[WEEKLY_JOB].trigger)
    assert "day_of_week='tue'" in weekly and "hour='8'" in weekly
    assert all(job.coalesce and job.max_instances == 1 for job in jobs.values())


def test_weekly_suggestions_are_posted_once_a_week(world: World) -> None:
    container = SimpleNamespace(intros=world.service)
    first = run_weekly_suggestions(container, world.clock.now)
    assert first is not None and run_weekly_suggestions(container, world.clock.now) is None
    assert len(world.messenger.staff) == 1
    world.clock.advance(days=7)
    assert run_weekly_suggestions(container, world.clock.now) not in (None, first)
    with world.sessions() as s:
        assert s.scalar(select(func.count()).select_from(IntroBatch)) == 2


def test_the_hourly_tick_expires_and_follows_up(world: World) -> None:
    container = SimpleNamespace(intros=world.service)
    world.service.request_intro(world.press("U-MARC", REQUEST_INTRO, "org:weldbot"))
    world.clock.advance(days=15)
    assert run_intro_jobs(container, world.clock.now) == {"expired": 1, "reminded": 0, "followed_up": 0}
    with world.sessions() as s:
        assert s.scalars(select(Introduction.state)).one() == "expired"
    assert world.messenger.to("U-MARC")[-1].headline == t.EXPIRED_NOTICE.format(title="WeldBot Automation")
    assert run_intro_jobs(SimpleNamespace(), world.clock.now) == {}  # a broken container is logged, not raised
