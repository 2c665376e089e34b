"""Members' control over introductions: pause (until a date or until resumed), exclude organizations, and
the overview App Home shows (pause state, introductions waiting, accepted ones).

Commands (``/match pause [until YYYY-MM-DD]``, ``resume``, ``exclude <org>``, ``include <org>``, ``intros``)
come through ``Preferences.command``, which every adapter can call with the words the member typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.errors import UserFacingError
from bot.core.intros import people
from bot.core.intros import texts as t
from bot.core.intros.base import IntroCore
from bot.core.intros.store import IntroRepository, aware
from bot.core.messages import Suggestion
from models.directory import Organization, Person
from models.intros import ACCEPTED, OPEN_STATES, IntroPreference
from models.repositories import DirectoryRepository

COMMANDS = ("pause", "resume", "exclude", "include", "intros")
_DATE = re.compile(r"^(?:until\s+)?(\d{4}-\d{2}-\d{2})$", re.IGNORECASE)


def is_paused(pref: IntroPreference | None, today: date) -> bool:
    if pref is None or not pref.paused:
        return False
    return pref.paused_until is None or pref.paused_until >= today


@dataclass(frozen=True)
class Overview:
    """A member's introductions at a glance (App Home, ``/match intros``)."""

    status: str
    waiting: tuple[Suggestion, ...]  # waiting for this member's answer (with the buttons)
    lines: tuple[str, ...]  # everything else: asked by them, accepted
    excluded: tuple[str, ...]
    paused: bool

    def to_text(self) -> str:
        parts = [self.status]
        parts += [f"{s.title} ({s.subtitle})" for s in self.waiting]
        parts += list(self.lines)
        if self.excluded:
            parts.append(t.EXCLUSIONS.format(orgs=", ".join(self.excluded)))
        if len(parts) == 1 and not self.excluded:
            parts.append(t.NONE_YET)
        return "\n".join(parts)


class Preferences:
    def __init__(self, service: IntroCore) -> None:
        self.service = service

    def command(self, platform: str, workspace_id: str, user_id: str, word: str, args: str = "") -> str:
        """One introductions command; the answer is plain text. Bad input raises ``UserFacingError``."""
        word, args = word.lower().strip(), args.strip()
        if word not in COMMANDS:
            return t.INTRO_USAGE
        today = self.service.now().date()
        with self.service.sessions.begin() as s:
            _, person = people.requester(s, platform, workspace_id, user_id)
            repo = IntroRepository(s)
            if word == "intros":
                return self.overview(platform, workspace_id, user_id).to_text()
            pref = repo.preference(person.id, create=True)
            assert pref is not None
            if word in ("pause", "resume"):
                DirectoryRepository(s).bump_version()  # a paused member leaves every answer, digest and team
            if word == "pause":
                return self._pause(pref, args, today)
            if word == "resume":
                was = is_paused(pref, today)
                pref.paused, pref.paused_until = False, None
                return t.RESUMED if was else t.NOT_PAUSED
            org = self._org(s, args)
            excluded = list(pref.excluded_orgs or [])
            if word == "exclude":
                if org.external_id not in excluded:
                    pref.excluded_orgs = [*excluded, org.external_id]
                return t.EXCLUDED.format(org=org.name)
            if org.external_id not in excluded:
                return t.NOT_EXCLUDED.format(org=org.name)
            pref.excluded_orgs = [x for x in excluded if x != org.external_id]
            return t.INCLUDED.format(org=org.name)

    @staticmethod
    def _pause(pref: IntroPreference, args: str, today: date) -> str:
        if not args:
            pref.paused, pref.paused_until = True, None
            return t.PAUSED_FOREVER
        match = _DATE.match(args)
        try:
            until = date.fromisoformat(match.group(1)) if match else None
        except ValueError:
            until = None
        if until is None:
            raise UserFacingError(t.BAD_DATE.format(value=args))
        if until < today:
            raise UserFacingError(t.PAST_DATE.format(date=until.isoformat()))
        pref.paused, pref.paused_until = True, until
        return t.PAUSED_UNTIL.format(date=until.isoformat())

    @staticmethod
    def _org(s: Session, name: str) -> Organization:
        if not name:
            raise UserFacingError(t.INTRO_USAGE)
        if name.startswith("org:"):
            org = s.scalars(select(Organization).where(Organization.external_id == name[4:])).first()
            if org is not None:
                return org
        exact = s.scalars(select(Organization).where(func.lower(Organization.name) == name.lower())).all()
        if len(exact) == 1:
            return exact[0]
        like = s.scalars(select(Organization).where(func.lower(Organization.name).contains(name.lower()))
                         .order_by(Organization.name).limit(6)).all()
        if len(like) == 1:
            return like[0]
        if not like:
            raise UserFacingError(t.NO_ORG.format(name=name))
        raise UserFacingError(t.MANY_ORGS.format(name=name, names=", ".join(o.name for o in like[:5])))

    def overview(self, platform: str, workspace_id: str, user_id: str) -> Overview:
        today = self.service.now().date()
        with self.service.sessions() as s:
            account = people.account_of(s, platform, workspace_id, user_id)
            person = s.get(Person, account.person_id) if account is not None and account.person_id else None
            if account is None or person is None:
                return Overview(t.NEED_PROFILE, (), (), (), False)
            repo = IntroRepository(s)
            pref = repo.preference(person.id)
            paused = is_paused(pref, today)
            if paused and pref is not None:
                status = (t.STATUS_PAUSED.format(date=pref.paused_until.isoformat()) if pref.paused_until
                          else t.STATUS_PAUSED_FOREVER)
            else:
                status = t.STATUS_ACTIVE
            waiting = tuple(self.service.pending_for(s, account, self.service.now()))
            waiting_refs = {w.ref for w in waiting}
            lines = []
            for intro in repo.of_person(person.id, [*OPEN_STATES, ACCEPTED], limit=10):
                if f"intro:{intro.id}" in waiting_refs:
                    continue
                other_id = intro.b_person_id if intro.a_person_id == person.id else intro.a_person_id
                other = s.get(Person, other_id)
                state = "introduced" if intro.state == ACCEPTED else "waiting for an answer"
                when = aware(intro.accepted_at or intro.created_at)
                name = other.name if other is not None and (intro.state == ACCEPTED or intro.a_person_id != person.id
                                                          or intro.origin == "staff") else \
                    people.title_in(s, intro.target_ref, "a member")
                lines.append(t.STATUS_LINE.format(state=state.capitalize(), name=name, since=f"{when:%Y-%m-%d}"))
            excluded = []
            for ext in (pref.excluded_orgs if pref is not None else []) or []:
                org = s.scalars(select(Organization).where(Organization.external_id == ext)).first()
                excluded.append(org.name if org is not None else ext)
        return Overview(status, waiting, tuple(lines), tuple(excluded), paused)
