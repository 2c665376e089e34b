"""Members' data (``container.privacy``): download it, have it forgotten, choose who can find you.

Every request takes a member id: a directory ref (``person:<external_id>``) or a chat account
(``slack:<team>:<user>``, ``teams:<tenant>:<user>``); see ``bot.core.privacy.subject``. Chat adapters call
the ``*_for`` methods with the asking account (a member only ever acts on their own data); the command line
calls the plain ones on any member, as staff. Each call is one transaction; forget and visibility changes
write an audit entry (``models.privacy.audit``) in the same transaction.

Visibility rules (``models.privacy``): ``public`` profiles are shown to members; ``staff`` ones to staff
askers only (staff may still suggest them introductions, which the member must accept); ``hidden`` ones to
nobody, in answers, digests, introductions and other members' data downloads.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.core.errors import UserFacingError
from bot.core.privacy import texts as t
from bot.core.privacy.export import export_subject
from bot.core.privacy.forget import ForgetReport, forget_subject
from bot.core.privacy.subject import Subject, actor_of, resolve
from models import vectors as pg
from models.directory import VISIBILITIES, Person
from models.privacy import HIDDEN, audit
from models.repositories import DirectoryRepository

logger = logging.getLogger(__name__)

#: Actor recorded when members act on their own data: their chat id must not outlive a forget request.
SELF_SERVICE = "member:self-service"


class PrivacyService:
    """Export, forget and visibility for members (chat) and staff (command line)."""

    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime] | None = None,
        vector_delete: Callable[[Session, list[str]], object] | None = None,
    ) -> None:
        self.sessions = sessions
        self.clock = clock or (lambda: datetime.now(UTC))
        self.vector_delete = vector_delete  # e.g. the in-process vector index's ``delete``

    # ------------------------------------------------------------------ export
    def export(self, member_id: str, *, actor: str) -> dict[str, Any]:
        """Everything held about ``member_id`` (see ``bot.core.privacy.export``); records the request."""
        with self.sessions.begin() as s:
            subject = resolve(s, member_id)
            data = export_subject(s, subject, now=self.clock())
            if not subject.empty:
                audit(s, actor, "member.export", subject.person_ref or member_id,
                      {"records": sum(data["counts"].values())})
        return data

    def export_for(self, platform: str, workspace_id: str, user_id: str) -> dict[str, Any]:
        return self.export(actor_of(platform, workspace_id, user_id), actor=actor_of(platform, workspace_id, user_id))

    @staticmethod
    def to_json(data: dict[str, Any]) -> str:
        return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False, default=str)

    @staticmethod
    def record_count(data: dict[str, Any]) -> int:
        return int(sum(data.get("counts", {}).values()))

    # ------------------------------------------------------------------ forget
    def forget(self, member_id: str, *, actor: str) -> ForgetReport:
        """Delete the member's data (see ``bot.core.privacy.forget``); one transaction, one audit entry."""
        with self.sessions.begin() as s:
            subject = resolve(s, member_id)
            report = forget_subject(s, subject, actor=self._safe_actor(actor, subject), now=self.clock(),
                                    vector_delete=self.vector_delete)
        return report

    def preview_forget(self, member_id: str) -> ForgetReport:
        """What ``forget`` would delete, counted by running it and rolling back."""
        with self.sessions() as s:
            try:
                subject = resolve(s, member_id)
                return forget_subject(s, subject, actor=SELF_SERVICE, now=self.clock())
            finally:
                s.rollback()

    def forget_prompt_for(self, platform: str, workspace_id: str, user_id: str) -> tuple[str, int]:
        """The confirmation text for a member, and how many records would go (0: nothing held)."""
        report = self.preview_forget(actor_of(platform, workspace_id, user_id))
        if not report.found or report.total == 0:
            return t.FORGET_NOTHING, 0
        return t.FORGET_PROMPT.format(records=report.total), report.total

    def forget_for(self, platform: str, workspace_id: str, user_id: str) -> str:
        report = self.forget(actor_of(platform, workspace_id, user_id), actor=SELF_SERVICE)
        if not report.found or report.total == 0:
            return t.FORGET_NOTHING
        return t.FORGET_DONE.format(records=report.total)

    @staticmethod
    def _safe_actor(actor: str, subject: Subject) -> str:
        return SELF_SERVICE if actor in subject.actors or actor == subject.person_ref else actor

    # ------------------------------------------------------------------ visibility
    def visibility(self, member_id: str) -> str | None:
        """The member's own profile visibility, or ``None`` without a profile."""
        with self.sessions() as s:
            subject = resolve(s, member_id)
            person = s.get(Person, subject.person_id) if subject.person_id is not None else None
            return person.visibility if person is not None else None

    def set_visibility(self, member_id: str, level: str, *, actor: str) -> tuple[str, str]:
        """Set who can find the member's profile; returns ``(old, new)``. Raises ``UserFacingError``."""
        level = (level or "").strip().lower()
        if level not in VISIBILITIES:
            raise UserFacingError(t.VISIBILITY_USAGE)
        with self.sessions.begin() as s:
            subject = resolve(s, member_id)
            person = s.get(Person, subject.person_id) if subject.person_id is not None else None
            if person is None:
                raise UserFacingError(t.NEED_PROFILE)
            old = person.visibility
            _, status = DirectoryRepository(s).apply(Person, person, person.external_id, {"visibility": level})
            if status == "unchanged":
                return old, level
            if level == HIDDEN and pg.vector_table_ready(s.connection()):
                pg.delete_owners(s, sorted(subject.refs))  # out of the shared vector index at once
            audit(s, self._safe_actor(actor, subject), "visibility.set", subject.person_ref,
                  {"from": old, "to": level})
        logger.info("visibility of %s: %s -> %s", subject.person_ref, old, level)
        return old, level

    def visibility_command_for(self, platform: str, workspace_id: str, user_id: str, args: str) -> str:
        """``visibility [public|staff|hidden]`` typed by a member: show or change their own setting."""
        member = actor_of(platform, workspace_id, user_id)
        wanted = args.strip().lower()
        if not wanted:
            current = self.visibility(member)
            if current is None:
                return t.NEED_PROFILE
            return t.VISIBILITY_NOW.format(label=t.VISIBILITY_LABELS[current]) + "\n" + t.VISIBILITY_USAGE
        old, new = self.set_visibility(member, wanted, actor=member)
        template = t.VISIBILITY_UNCHANGED if old == new else t.VISIBILITY_SET
        return template.format(label=t.VISIBILITY_LABELS[new])
