"""Introduction and signal jobs in the clock process (``bot.scheduler``): hourly housekeeping, weekly staff
suggestions, and the weekly refit of each workspace's signal model (``bot.core.signals.service``).

Hourly: expire stale requests, re-ask after "Not now", ask about outcomes two weeks after an introduction.
Weekly (the digest day, an hour before the digest hour, ``DIGEST_TIMEZONE``): suggest introductions across
the membership and post the batch to the staff channel. A second clock in the same week finds the week's
batch and does nothing, so a restarted or duplicated clock never posts twice.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select

from bot.container import Container
from bot.core.signals.service import RefitReport
from models.intros import IntroBatch

logger = logging.getLogger(__name__)

HOURLY_JOB, WEEKLY_JOB, SIGNALS_JOB = "intros-hourly", "intros-weekly", "signals-weekly"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CLOCK = "clock"


def run_intro_jobs(container: Container, now: datetime | None = None) -> dict[str, int]:
    """The hourly tick (never raises into the scheduler)."""
    try:
        return container.intros.run_jobs(now)
    except Exception:
        logger.exception("introduction jobs failed; the next hourly run retries")
        return {}


def run_weekly_suggestions(container: Container, now: datetime | None = None) -> int | None:
    """Suggest and post this week's introductions once; returns the batch id (None when skipped)."""
    from bot.core.intros.suggest import suggest

    now = now or datetime.now(UTC)
    intros = container.intros
    try:
        with intros.sessions() as s:
            recent = s.scalars(select(IntroBatch.id).where(IntroBatch.created_by == CLOCK,
                                                           IntroBatch.created_at > now - timedelta(days=6))).first()
        if recent is not None:
            logger.info("this week's introductions batch %s exists; not suggesting again", recent)
            return None
        run = suggest(intros, created_by=CLOCK, now=now)
        if run.batch_id is not None and intros.delivery.staff_boards():
            intros.staff.post_batch(run.batch_id)
        return run.batch_id
    except Exception:
        logger.exception("weekly introduction suggestions failed")
        return None


def add_intro_jobs(scheduler: BaseScheduler, container: Container) -> None:
    settings = container.settings
    scheduler.add_job(run_intro_jobs, CronTrigger(minute=30, timezone=UTC), args=[container], id=HOURLY_JOB,
                      name="introductions: expiry, reminders, follow-ups", replace_existing=True, coalesce=True,
                      max_instances=1, misfire_grace_time=3600)
    scheduler.add_job(run_weekly_suggestions,
                      CronTrigger(day_of_week=settings.digest_day, hour=max(settings.digest_hour - 1, 0),
                                  timezone=settings.digest_timezone),
                      args=[container], id=WEEKLY_JOB, name="introductions: weekly staff suggestions",
                      replace_existing=True, coalesce=True, max_instances=1, misfire_grace_time=6 * 3600)


def run_signal_refits(container: Container) -> list[RefitReport]:
    """The weekly refit of every workspace's signal model (never raises into the scheduler)."""
    try:
        return container.signals.refit_all()
    except Exception:
        logger.exception("signal model refit failed; next week's run retries")
        return []


def add_signal_jobs(scheduler: BaseScheduler, container: Container) -> None:
    """Refit signal models weekly, the day before the digest day, so the digest and the week's answers use it."""
    settings = container.settings
    day = DAYS[(DAYS.index(settings.digest_day) - 1) % 7]  # DIGEST_DAY is checked when settings are read
    scheduler.add_job(run_signal_refits, CronTrigger(day_of_week=day, hour=3, timezone=settings.digest_timezone),
                      args=[container], id=SIGNALS_JOB, name="signal models: weekly refit", replace_existing=True,
                      coalesce=True, max_instances=1, misfire_grace_time=12 * 3600)
