"""The clock process: one APScheduler ``BlockingScheduler`` that runs the digest job every hour.

Run it as its own process (``clustermatch clock``, the Procfile's ``clock`` line), never inside web workers.
Every hour the job plans whoever's local digest day and hour have come (members choose both; the default
is ``DIGEST_DAY`` / ``DIGEST_HOUR`` in their Slack time zone, else ``DIGEST_TIMEZONE``) and delivers.
``coalesce=True`` and ``max_instances=1`` keep a late or slow run from stacking up; the job also runs once
at start-up, so a clock restarted mid-run finishes what the previous one left. Correctness does not
depend on there being only one clock: the delivery ledger makes every digest exactly-once anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.core.clock import Clock, SystemClock
from bot.core.delivery import PermanentSendError, RecipientGoneError, RetryableSendError, RunReport, Sender
from bot.core.digest_types import Digest, Recipient
from bot.core.digest_vectors import QueryVectorCache
from matching.embeddings import SentenceTransformerEmbedder
from models.directory import PlatformAccount

logger = logging.getLogger(__name__)

JOB_ID = "digests"
TRANSIENT_TEAMS = frozenset({"412", "429", "500", "502", "503", "504", "TimeoutError", "ClientConnectionError",
                             "ClientConnectorError", "ServerDisconnectedError"})


class TeamsDigestSender:
    """Adapts the Teams proactive sender (``bot.teams.proactive.TeamsSender``) to the delivery ``Sender``."""

    platform = "teams"

    def __init__(self, teams_sender: Any, sessions: sessionmaker[Session], image_url: Any = None) -> None:
        self.teams_sender = teams_sender
        self.sessions = sessions
        self.image_url = image_url  # (chart name, figures) -> signed URL: the staff digest's charts as card images

    def send(self, recipient: Recipient, digest: Digest) -> str | None:
        with self.sessions() as session:
            account = session.get(PlatformAccount, recipient.account_id)
            if account is None:
                raise RecipientGoneError("account deleted")
            session.expunge(account)
        message: Any = digest.to_reply()
        if digest.images and self.image_url is not None:
            from bot.teams.dashboard import digest_activity

            message = digest_activity(digest, self.image_url)
        result = self.teams_sender.send(account, message)
        if result.ok:
            return result.activity_id  # type: ignore[no-any-return]
        if result.status in ("inactive", "no_reference"):
            raise RecipientGoneError(f"teams {result.status}: {result.error}")
        if str(result.error) in TRANSIENT_TEAMS:
            raise RetryableSendError(f"teams {result.error}")
        raise PermanentSendError(f"teams {result.error}")


def build_senders(container: Any) -> dict[str, Sender]:
    """A sender per platform the settings enable (Slack: bot token or OAuth installations; Teams)."""
    settings = container.settings
    senders: dict[str, Sender] = {}
    if settings.slack_bot_token or settings.slack_oauth_enabled:
        from bot.slack.digest import SlackDigestSender, installation_tokens

        token_for = installation_tokens(settings, container.engine) if settings.slack_oauth_enabled else None
        senders["slack"] = SlackDigestSender(settings, token_for=token_for)
    if settings.teams_enabled:
        from bot.teams.app import teams_runtime

        dashboard = container.services.get("dashboard")
        senders["teams"] = TeamsDigestSender(teams_runtime(container).sender, container.sessions,
                                             image_url=dashboard.auth.image_url if dashboard is not None else None)
    if not senders:
        logger.warning("no chat platform configured: digests will be composed but none can be delivered")
    return senders


def run_digests(container: Any, senders: Mapping[str, Sender], clock: Clock | None = None) -> RunReport:
    """One hourly tick: plan and deliver. Errors are logged, never raised into the scheduler's thread."""
    try:
        return container.digest.run(senders, clock=clock or SystemClock())  # type: ignore[no-any-return]
    except Exception:
        logger.exception("digest run failed; the next hourly run resumes where this one stopped")
        return RunReport(errors=["run failed"])


def build_scheduler(container: Any, senders: Mapping[str, Sender], *, run_now: bool = True) -> BlockingScheduler:
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


def digest_container(settings: Settings | None = None) -> Any:
    """The container for processes that compose digests: query vectors batched and cached across weeks."""
    from bot.bootstrap import bootstrap

    settings = settings or Settings.from_env()
    inner = SentenceTransformerEmbedder(settings.embedding_model_path or None, verify=settings.verify_model_sha256)
    cache = QueryVectorCache(inner)
    container = bootstrap(settings, embedder=cache)
    cache.sessions = container.sessions
    return container


def main() -> None:
    """``clustermatch clock`` / ``python -m bot.scheduler``."""
    container = digest_container()
    logging.basicConfig(level=container.settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    container.catalog.warm_up()
    scheduler = build_scheduler(container, build_senders(container))
    from bot.intro_clock import add_intro_jobs

    add_intro_jobs(scheduler, container)  # introductions: hourly expiry/reminders/follow-ups, weekly suggestions
    logger.info("clock started: digests every hour for members whose local day and hour have come")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        logger.info("clock stopped")


if __name__ == "__main__":
    main()
