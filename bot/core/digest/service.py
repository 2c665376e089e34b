"""The digest use cases: the weekly run, dry run, preview, and members' preferences.

``container.digest`` is a ``DigestService``. The clock process calls ``run(senders)`` every hour; the CLI
calls ``dry_run`` and ``preview``; Slack (``/match digest``, App Home) and Teams call the preference
methods, which own their transaction like every core use case.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.clock import Clock, SystemClock
from bot.core.digest import schedule
from bot.core.digest.composer import DigestComposer
from bot.core.digest.delivery import DeliveryRunner, RunReport, Sender
from bot.core.digest.staff import compose_staff
from bot.core.digest.types import MEMBER, ChartSource, Digest, DigestConfig, IntroductionsDigestSource, Recipient
from bot.core.directory.catalog import Catalog
from bot.core.errors import UserFacingError
from models.digest import DigestDelivery
from models.directory import PlatformAccount

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Planned:
    """One digest a run would send now (dry run)."""

    kind: str
    recipient: Recipient
    iso_week: str
    digest: Digest | None  # None: nothing worth sending, so nothing would be sent


class DigestService:
    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        catalog: Catalog,
        config: DigestConfig,
        intros: IntroductionsDigestSource | None = None,
        charts: ChartSource | None = None,
    ) -> None:
        self.sessions = sessions
        self.config = config
        self.composer = DigestComposer(catalog=catalog, config=config, intros=intros, charts=charts)

    # -- the weekly job --------------------------------------------------------------------------------
    def run(self, senders: Mapping[str, Sender], *, clock: Clock | None = None, owner: str | None = None) -> RunReport:
        """Plan whoever is due now, then deliver every claimable digest, exactly once each."""
        clock = clock or SystemClock()
        with self.sessions.begin() as session:
            planned = schedule.plan(session, clock.now(), self.config)
        runner = DeliveryRunner(self.sessions, senders, self.composer.compose_rows, clock=clock,
                                per_minute=self.config.per_minute, owner=owner)
        report = runner.run()
        report.planned = planned
        logger.info("digest run: %s", report.as_dict())
        return report

    def dry_run(self, now: datetime) -> list[Planned]:
        """What a run at ``now`` would send, and to whom; writes nothing."""
        out: list[Planned] = []
        with self.sessions() as session:
            due = schedule.due_recipients(session, now, self.config)
            done = {tuple(row) for row in session.execute(
                select(DigestDelivery.kind, DigestDelivery.account_id, DigestDelivery.iso_week)
                .where(DigestDelivery.state != "pending")
            )}
            due = [d for d in due if (d.kind, d.account_id, d.iso_week) not in done]
            accounts = {a.id: a for a in session.scalars(
                select(PlatformAccount).where(PlatformAccount.id.in_([d.account_id for d in due]))
            )}
            members = self.composer.compose_members(
                session, [accounts[d.account_id] for d in due if d.kind == MEMBER], now
            )
            staff: Digest | None = None
            for d in due:
                if d.kind == MEMBER:
                    digest = members.get(d.account_id)
                else:
                    staff = staff or compose_staff(session, now, self.config, self.composer.intros(),
                                                   self.composer.staff_charts())
                    digest = staff
                out.append(Planned(d.kind, Recipient.from_account(accounts[d.account_id]), d.iso_week, digest))
            session.rollback()
        return out

    def preview(self, user: str, now: datetime, *, kind: str = MEMBER) -> tuple[Recipient, Digest | None]:
        """The digest ``user`` (a user id, ``workspace:user`` or ``account:<id>``) would get at ``now``."""
        with self.sessions() as session:
            account = self._find(session, user)
            if kind == MEMBER:
                digest = self.composer.compose_members(session, [account], now).get(account.id)
            else:
                digest = compose_staff(session, now, self.config, self.composer.intros(),
                                       self.composer.staff_charts())
            recipient = Recipient.from_account(account)
            session.rollback()
        return recipient, digest

    @staticmethod
    def _find(session: Session, user: str) -> PlatformAccount:
        stmt = select(PlatformAccount)
        if user.startswith("account:") and user[8:].isdigit():
            stmt = stmt.where(PlatformAccount.id == int(user[8:]))
        elif ":" in user:
            workspace, _, user_id = user.partition(":")
            stmt = stmt.where(PlatformAccount.workspace_id == workspace, PlatformAccount.user_id == user_id)
        else:
            stmt = stmt.where(PlatformAccount.user_id == user)
        found = list(session.scalars(stmt.limit(2)))
        if not found:
            raise UserFacingError(f"no chat account {user!r}: use a user id, workspace:user or account:<id>")
        if len(found) > 1:
            raise UserFacingError(f"{user!r} names accounts in several workspaces: use workspace:user")
        return found[0]

    # -- preferences -----------------------------------------------------------------------------------
    def command(self, platform: str, workspace_id: str, user_id: str, args: str, *, timezone: str | None = None) -> str:
        """``/match digest ...``: the confirmation or status to show the member (``UserFacingError`` on misuse)."""
        with self.sessions.begin() as session:
            account = schedule.get_or_create_account(session, platform, workspace_id, user_id, timezone=timezone)
            return schedule.apply_command(session, account, args, self.config)

    def settings_for(self, platform: str, workspace_id: str, user_id: str, *, timezone: str | None = None
                     ) -> schedule.Schedule:
        """The member's effective choices (for the App Home section)."""
        with self.sessions.begin() as session:
            account = schedule.get_or_create_account(session, platform, workspace_id, user_id, timezone=timezone)
            return schedule.schedule_for(account, schedule.preference(session, account), self.config)

    def update(self, platform: str, workspace_id: str, user_id: str, *, enabled: bool | None = None,
               day: str | None = None, hour: int | None = None, timezone: str | None = None) -> schedule.Schedule:
        """Change some choices (App Home buttons and menus) and return the new effective choices."""
        with self.sessions.begin() as session:
            account = schedule.get_or_create_account(session, platform, workspace_id, user_id, timezone=timezone)
            schedule.set_preference(session, account, enabled=enabled, day=day, hour=hour)
            return schedule.schedule_for(account, schedule.preference(session, account), self.config)
