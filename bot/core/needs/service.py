"""Needs members post from chat: post, edit, close, mark fulfilled, list; matches at once.

Platform-neutral: adapters build a ``NeedForm`` (from a modal, a card or ``need <title>: <description> ...``)
and render the ``Reply``. A need is public, staff-only (only staff and the matching see it) or anonymous
(members see it without its organization until the owner accepts an introduction). Log lines name the need's
ref and visibility only, never its organization or text. Fulfilling a need is recorded as an outcome.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.ask.service import group
from bot.core.errors import UserFacingError
from bot.core.messages import Reply, Section
from bot.core.needs import texts as t
from models.directory import NEED_VISIBILITIES, FundingStream, Need, PlatformAccount
from models.members import MemberRepository
from models.privacy import audit
from models.repositories import DirectoryRepository

logger = logging.getLogger(__name__)

MAX_TITLE, MAX_DESCRIPTION = 300, 3000
MATCHES = 8
_ALIASES = {"public": "public", "staff": "staff", "staff-only": "staff", "confidential": "staff",
            "anonymous": "anonymous"}
_OPTION = re.compile(r"\s+(deadline|funding)\s+(\S+)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class NeedForm:
    """What a member fills in; plain text, checked by ``check``."""

    title: str = ""
    description: str = ""
    funding: str = ""  # funding stream external id or exact name; empty: none
    deadline: str = ""  # YYYY-MM-DD or empty
    visibility: str = ""  # public, staff-only or anonymous; empty: public (an edit keeps the current one)


def parse_text(text: str) -> NeedForm:
    """``<title>: <description> [deadline YYYY-MM-DD] [funding <id>] [public|staff-only|anonymous]``."""
    rest, options = text.strip(), {"deadline": "", "funding": "", "visibility": ""}
    while True:
        words = rest.rsplit(None, 1)
        if len(words) == 2 and words[1].lower() in _ALIASES:
            options["visibility"], rest = words[1].lower(), words[0]
            continue
        match = _OPTION.search(" " + rest)
        if match is None:
            break
        options[match.group(1).lower()] = match.group(2)
        rest = (" " + rest)[: match.start()].strip()
    title, sep, description = rest.partition(":")
    if not sep:
        title, description = rest, ""
    return NeedForm(title=title.strip(), description=description.strip(), **options)


@dataclass(frozen=True)
class NeedView:
    """A member's own need as lists show it."""

    ref: str
    title: str
    status: str
    visibility: str
    deadline: date | None


class NeedsService:
    def __init__(self, sessions: sessionmaker[Session], catalog: Any,
                 today: Callable[[], date] | None = None) -> None:
        self.sessions = sessions
        self.catalog = catalog
        self.today = today or (lambda: datetime.now(UTC).date())

    # -- checks ----------------------------------------------------------------------------------------
    def check(self, s: Session, form: NeedForm) -> dict[str, Any]:
        """The need's column values from ``form``; raises ``UserFacingError`` naming what is wrong."""
        title, description = " ".join(form.title.split()), form.description.strip()
        if not title and not description:
            raise UserFacingError(t.NO_TEXT)
        title = title or " ".join(description.split())[:80]
        if len(title) > MAX_TITLE:
            raise UserFacingError(t.TITLE_TOO_LONG.format(n=MAX_TITLE))
        if len(description) > MAX_DESCRIPTION:
            raise UserFacingError(t.DESCRIPTION_TOO_LONG.format(n=MAX_DESCRIPTION))
        visibility = _ALIASES.get((form.visibility or "public").strip().lower())
        if visibility is None:
            raise UserFacingError(t.BAD_VISIBILITY.format(value=form.visibility))
        deadline = None
        if form.deadline.strip():
            try:
                deadline = date.fromisoformat(form.deadline.strip())
            except ValueError:
                raise UserFacingError(t.BAD_DATE.format(value=form.deadline.strip())) from None
            if deadline < self.today():
                raise UserFacingError(t.PAST_DEADLINE.format(value=deadline.isoformat()))
        funding_id = None
        if form.funding.strip():
            wanted = form.funding.strip().lower()
            funding_id = s.scalars(select(FundingStream.id).where(or_(
                func.lower(FundingStream.external_id) == wanted, func.lower(FundingStream.name) == wanted))).first()
            if funding_id is None:
                raise UserFacingError(t.UNKNOWN_FUNDING.format(value=form.funding.strip()))
        assert visibility in NEED_VISIBILITIES
        return {"title": title, "description": description, "deadline": deadline, "funding_stream_id": funding_id,
                "anonymous": visibility == "anonymous", "visibility": "staff" if visibility == "staff" else "public"}

    def _poster(self, s: Session, platform: str, workspace_id: str, user_id: str) -> PlatformAccount:
        account = MemberRepository(s).account(platform, workspace_id, user_id)
        if account is None or account.person is None:
            raise UserFacingError(t.NOT_LINKED)
        return account

    def _own(self, s: Session, account: PlatformAccount, ref: str) -> Need:
        external_id = ref.strip().removeprefix("need:")
        need = DirectoryRepository(s).get_by_external_id(Need, external_id) if external_id else None
        if need is None or need.person_id != account.person_id:
            raise UserFacingError(t.UNKNOWN_NEED.format(ref=ref.strip() or "(none given)"))
        return need

    # -- use cases -------------------------------------------------------------------------------------
    def post(self, platform: str, workspace_id: str, user_id: str, form: NeedForm) -> Reply:
        """Save the need (audited) and answer with who could help, at once."""
        with self.sessions.begin() as s:
            account = self._poster(s, platform, workspace_id, user_id)
            values = self.check(s, form)
            person = account.person
            assert person is not None
            external_id = f"chat-{uuid.uuid4().hex[:12]}"
            values.update(person_id=person.id, organization_id=person.organization_id, status="open")
            DirectoryRepository(s).apply(Need, None, external_id, values)
            org = person.organization
            asker = f"org:{org.external_id}" if org is not None else f"person:{person.external_id}"
            audit(s, f"{platform}:{workspace_id}:{user_id}", "need.post", f"need:{external_id}",
                  {"visibility": _label(values)})
        logger.info("need:%s posted (%s)", external_id, _label(values))
        found = self.catalog.search(f"{values['title']}. {values['description']}", asker_ref=asker, k=MATCHES)
        sections = group(found)
        text = t.POSTED.format(title=values["title"], visibility=t.VISIBILITY_LABELS[_label(values)],
                               count=len(found))
        return Reply(text=text, sections=tuple(Section(s.heading, s.suggestions) for s in sections),
                     meta={"need": f"need:{external_id}"})

    def edit(self, platform: str, workspace_id: str, user_id: str, ref: str, form: NeedForm) -> str:
        with self.sessions.begin() as s:
            account = self._poster(s, platform, workspace_id, user_id)
            need = self._own(s, account, ref)
            values = self.check(s, form)
            DirectoryRepository(s).apply(Need, need, need.external_id, values)
            audit(s, f"{platform}:{workspace_id}:{user_id}", "need.edit", f"need:{need.external_id}",
                  {"visibility": _label(values)})
            return t.UPDATED.format(title=need.title)

    def close(self, platform: str, workspace_id: str, user_id: str, ref: str, *, fulfilled: bool = False) -> str:
        """Close a need (``fulfilled``: it was met, an outcome staff report on); it leaves matching at once."""
        with self.sessions.begin() as s:
            account = self._poster(s, platform, workspace_id, user_id)
            need = self._own(s, account, ref)
            if need.status != "open":
                raise UserFacingError(t.NOT_OPEN.format(title=need.title, status=need.status))
            values: dict[str, Any] = {"status": "fulfilled" if fulfilled else "closed"}
            if fulfilled:
                values["fulfilled_at"] = datetime.now(UTC)
            DirectoryRepository(s).apply(Need, need, need.external_id, values)
            audit(s, f"{platform}:{workspace_id}:{user_id}", "need.fulfilled" if fulfilled else "need.close",
                  f"need:{need.external_id}", {})
            return (t.FULFILLED if fulfilled else t.CLOSED).format(title=need.title)

    def mine(self, platform: str, workspace_id: str, user_id: str) -> list[NeedView]:
        with self.sessions() as s:
            account = self._poster(s, platform, workspace_id, user_id)
            rows = s.scalars(select(Need).where(Need.person_id == account.person_id).order_by(Need.id))
            return [NeedView(f"need:{n.external_id}", n.title, n.status,
                             _label({"anonymous": n.anonymous, "visibility": n.visibility}), n.deadline)
                    for n in rows]

    def form_of(self, platform: str, workspace_id: str, user_id: str, ref: str) -> NeedForm:
        """The edit form filled from the member's own need."""
        with self.sessions() as s:
            need = self._own(s, self._poster(s, platform, workspace_id, user_id), ref)
            funding = s.get(FundingStream, need.funding_stream_id) if need.funding_stream_id else None
            return NeedForm(need.title, need.description, funding.external_id if funding else "",
                            need.deadline.isoformat() if need.deadline else "",
                            _label({"anonymous": need.anonymous, "visibility": need.visibility}))

    def command(self, platform: str, workspace_id: str, user_id: str, word: str, args: str) -> Reply:
        """``needs``, ``need <text>``, ``need close|fulfilled <id>``, ``need edit <id> <text>`` as one entry."""
        args = args.strip()
        if word == "needs" or args.lower() in ("list", "mine"):
            views = self.mine(platform, workspace_id, user_id)
            if not views:
                return Reply(text=t.NONE_YET)
            lines = [t.LIST_HEADING] + [f"{v.ref.removeprefix('need:')} · {v.title} · {v.status} · "
                                         f"{t.SHORT_LABELS[v.visibility]}"
                                         + (f" · deadline {v.deadline.isoformat()}" if v.deadline else "")
                                         for v in views]
            return Reply(text="\n".join(lines))
        sub, _, rest = args.partition(" ")
        if sub.lower() in ("close", "fulfilled", "fulfil", "fulfill"):
            return Reply(text=self.close(platform, workspace_id, user_id, rest,
                                         fulfilled=sub.lower() != "close"))
        if sub.lower() == "edit":
            ref, _, text = rest.strip().partition(" ")
            old = self.form_of(platform, workspace_id, user_id, ref)
            new = parse_text(text) if text.strip() else old
            form = replace(new, funding=new.funding or old.funding, deadline=new.deadline or old.deadline,
                           visibility=new.visibility or old.visibility)
            return Reply(text=self.edit(platform, workspace_id, user_id, ref, form))
        if not args or args.lower() == "help":
            return Reply(text=t.USAGE)
        return self.post(platform, workspace_id, user_id, parse_text(args))


def _label(values: dict[str, Any]) -> str:
    return "anonymous" if values.get("anonymous") else str(values.get("visibility") or "public")
