"""The clock process: one APScheduler ``BlockingScheduler`` that runs the digest job every hour.

Run it as its own process (``clustermatch clock``, the Procfile's ``clock`` line), never inside web workers.
Every hour the job plans whoever's local digest day and hour have come (members choose both; the default
is ``DIGEST_DAY`` / ``DIGEST_HOUR`` in their chat time zone, else ``DIGEST_TIMEZONE``) and delivers.
``coalesce=True`` and ``max_instances=1`` keep a late or slow run from stacking up; the job also runs once
at start-up, so a clock restarted mid-run finishes what the previous one left. Correctness does not
depend on there being only one clock: the delivery ledger makes every digest exactly-once anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.config import Settings
from bot.container import Container
from bot.core.clock import Clock, SystemClock
from bot.core.digest.delivery import RunReport, Sender

logger = logging.getLogger(__name__)

JOB_ID = "digests"


def build_senders(container: Container) -> dict[str, Sender]:
    """The digest sender of every enabled platform that has one, by platform name."""
    senders = {name: s for name, p in container.platforms.items() if (s := p.digest_sender()) is not None}
    if not senders:
        logger.warning("no chat platform configured: digests will be composed but none can be delivered")
    return senders


def run_digests(container: Container, senders: Mapping[str, Sender], clock: Clock | None = None) -> RunReport:
    """One hourly tick: plan and deliver. Errors are logged, never raised into the scheduler's thread."""
    try:
        return container.digest.run(senders, clock=clock or SystemClock())
    except Exception:
        logger.exception("digest run failed; the next hourly run resumes where this one stopped")
        return RunReport(errors=["run failed"])


def build_scheduler(container: Container, senders: Mapping[str, Sender], *, run_now: bool = True
                    ) -> BlockingScheduler:
    """The clock: the digest job at minute 0 of every hour (UTC), coalesced, one instance at a time."""
    scheduler = BlockingScheduler(
        timezone=UTC, job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}
    )
    scheduler.add_job(
        run_digests, CronTrigger(minute=0, timezone=UTC), args=[container, senders], id=JOB_ID,
        name="weekly digests (per member local day and hour)", replace_existing=True,
        coalesce=True, max_instances=1, misfire_grace_time=3600,
        next_run_time=datetime.now(UTC) if run_now else None,
    )
    return scheduler


def digest_container(settings: Settings | None = None) -> Container:
    """The container for processes that compose digests: query vectors batched and cached across weeks."""
    from bot.bootstrap import bootstrap

    return bootstrap(settings or Settings.from_env(), query_vector_cache=True)


def main() -> None:
    """``clustermatch clock`` / ``python -m bot.scheduler``."""
    container = digest_container()
    logging.basicConfig(level=container.settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    container.catalog.warm_up()
    scheduler = build_scheduler(container, build_senders(container))
    from bot.intro_clock import add_intro_jobs, add_signal_jobs

    add_intro_jobs(scheduler, container)  # introductions: hourly expiry/reminders/follow-ups, weekly suggestions
    add_signal_jobs(scheduler, container)  # members' signals: each workspace's model refitted weekly
    logger.info("clock started: digests every hour for members whose local day and hour have come")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        logger.info("clock stopped")


if __name__ == "__main__":
    main()
