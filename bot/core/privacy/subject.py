"""Whose data a privacy request is about: a directory person and every chat account linked to them.

A request names a member by directory ref (``person:<external_id>``) or by chat account
(``slack:<team>:<user>``, ``teams:<tenant>:<user>``). Either way the subject is the person (if any) plus all
of their chat accounts, plus the named account even when it has no row: members can ask questions before
staff link them to a profile, and those questions are keyed by account alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.directory import Course, Need, Organization, Person, PlatformAccount
from models.privacy import strictest
from models.repositories import parse_ref

#: A chat platform's name as stored on accounts ("slack", "teams", "terminal", or any platform PLATFORMS adds).
PLATFORM_NAME = re.compile(r"^[a-z][a-z0-9_-]{1,31}$")
Triple = tuple[str, str, str]  # (platform, workspace_id, user_id)


def parse_subject(raw: str) -> tuple[str, str] | Triple:
    """``"person:p-1"`` -> ``("person", "p-1")``; ``"slack:T1:U1"`` -> ``("slack", "T1", "U1")``.

    Raises ``ValueError`` naming the accepted forms. Teams user ids hold colons (``29:1a...``): everything
    after the workspace is the user id.
    """
    raw = (raw or "").strip()
    prefix, _, rest = raw.partition(":")
    if prefix == "person" and rest:
        return ("person", rest)
    if prefix != "person" and PLATFORM_NAME.match(prefix):
        workspace, _, user = rest.partition(":")
        if workspace and user:
            return (prefix, workspace, user)
    raise ValueError(
        f"not a member id: {raw!r} (expected person:<external_id> or <platform>:<workspace>:<user>, e.g. "
        "slack:<team>:<user>, teams:<tenant>:<user>)"
    )


def actor_of(platform: str, workspace_id: str, user_id: str) -> str:
    """How the audit log and introductions name a chat account (``"slack:T1:U1"``)."""
    return f"{platform}:{workspace_id}:{user_id}"


@dataclass(frozen=True)
class Subject:
    """The member a request is about."""

    requested: str  # the id as given
    person_id: int | None = None
    external_id: str | None = None
    account_ids: tuple[int, ...] = ()
    triples: tuple[Triple, ...] = ()
    need_ids: tuple[int, ...] = ()
    need_refs: tuple[str, ...] = ()  # needs this person posted: their text is theirs
    org_id: int | None = None
    is_contact: bool = False  # the organization's contact person: its row is part of their export
    is_staff: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def person_ref(self) -> str | None:
        return f"person:{self.external_id}" if self.external_id else None

    @property
    def refs(self) -> frozenset[str]:
        """Directory refs that point at this member (their profile and the needs they posted)."""
        return frozenset([*([self.person_ref] if self.person_ref else []), *self.need_refs])

    @property
    def actors(self) -> frozenset[str]:
        """The member's chat accounts as actor strings (``"slack:T1:U1"``)."""
        return frozenset(actor_of(*t) for t in self.triples)

    @property
    def empty(self) -> bool:
        return self.person_id is None and not self.account_ids and not self.triples


def resolve(session: Session, raw: str) -> Subject:
    """The subject named by ``raw`` (see ``parse_subject``); unknown ids give an ``empty`` subject."""
    parsed = parse_subject(raw)
    person: Person | None = None
    triples: list[Triple] = []
    if parsed[0] == "person":
        person = session.scalars(select(Person).where(Person.external_id == parsed[1])).one_or_none()
    else:
        platform, workspace, user = parsed  # type: ignore[misc]
        triples.append((platform, workspace, user))
        account = session.scalars(
            select(PlatformAccount).where(
                PlatformAccount.platform == platform,
                PlatformAccount.workspace_id == workspace,
                PlatformAccount.user_id == user,
            )
        ).one_or_none()
        if account is not None and account.person_id is not None:
            person = session.get(Person, account.person_id)
        elif account is not None:
            return Subject(raw, account_ids=(account.id,), triples=tuple(triples), is_staff=account.is_staff)
    if person is None:
        return Subject(raw, triples=tuple(triples))
    accounts = list(session.scalars(select(PlatformAccount).where(PlatformAccount.person_id == person.id)))
    for a in accounts:
        if (a.platform, a.workspace_id, a.user_id) not in triples:
            triples.append((a.platform, a.workspace_id, a.user_id))
    needs = list(session.scalars(select(Need).where(Need.person_id == person.id).order_by(Need.id)))
    return Subject(
        raw,
        person_id=person.id,
        external_id=person.external_id,
        account_ids=tuple(sorted(a.id for a in accounts)),
        triples=tuple(triples),
        need_ids=tuple(n.id for n in needs),
        need_refs=tuple(f"need:{n.external_id}" for n in needs),
        org_id=person.organization_id,
        is_contact=person.role == "contact" and person.organization_id is not None,
        is_staff=person.role == "staff" or any(a.is_staff for a in accounts),
    )


def effective_visibility(session: Session, ref: str) -> str | None:
    """A directory item's visibility as members experience it (stricter of its own and its organization's).

    ``None`` when the ref names nothing (deleted, or not a directory ref).
    """
    try:
        model, external_id = parse_ref(ref)
    except ValueError:
        return None
    item = session.scalars(select(model).where(model.external_id == external_id)).one_or_none()
    if item is None:
        return None
    org_id = {Person: "organization_id", Course: "provider_id", Need: "organization_id"}.get(model)
    org = session.get(Organization, getattr(item, org_id)) if org_id and getattr(item, org_id) else None
    own = getattr(item, "visibility", None)
    if model is Need:
        poster = session.get(Person, item.person_id) if item.person_id else None
        return strictest(org.visibility if org else None, poster.visibility if poster is not None else None)
    return strictest(own, org.visibility if org is not None else None)
