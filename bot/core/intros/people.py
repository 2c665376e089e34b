"""Who is on each side of an introduction: the person behind a directory ref, their chat account, and the
public profile the other side may see before accepting.

A researcher is introduced as themselves; an organization (or one of its open needs) through its contact
person with a linked, active chat account. Courses and funding streams have nobody behind them. ``Side``
keeps contact details (e-mail) apart from the public fields, and only ``connected`` messages read them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.errors import UserFacingError
from bot.core.intros import texts as t
from bot.core.texts import KIND_LABELS
from models.directory import Need, Organization, Person, PlatformAccount
from models.repositories import DirectoryRepository

#: Ref prefixes with a person behind them; everything else (courses, funding) is not introducible.
INTRODUCIBLE_PREFIXES = ("org:", "person:", "need:")
MAX_PROFILE_TEXT = 500


def introducible(ref: str) -> bool:
    """Whether a suggestion with this ref can carry a "Request introduction" button."""
    return ref.startswith(INTRODUCIBLE_PREFIXES)


def actor(platform: str, workspace_id: str, user_id: str) -> str:
    return f"{platform}:{workspace_id}:{user_id}"


@dataclass(frozen=True)
class Side:
    """One side of an introduction. Everything but ``email`` is public profile."""

    person_id: int
    name: str
    ref: str  # the profile the other side was shown (person or organization)
    person_ref: str
    title: str = ""
    org_id: int | None = None
    org_ref: str | None = None
    org_name: str = ""
    kind: str = "person"  # researcher, contact, or the organization's kind (reports)
    province: str | None = None
    offers: str = ""
    looks_for: str = ""
    email: str | None = None  # contact detail: shared only once both sides accepted
    account_id: int | None = None
    platform: str | None = None

    @property
    def first_name(self) -> str:
        parts = self.name.split()
        return parts[1] if len(parts) > 1 and parts[0].rstrip(".").lower() in ("dr", "prof", "mr", "ms", "mrs") \
            else (parts[0] if parts else self.name)

    @property
    def label(self) -> str:
        """"Name (Organization)", for headlines."""
        return f"{self.name} ({self.org_name})" if self.org_name and self.org_name != self.name else self.name

    def public_facts(self) -> list[tuple[str, str]]:
        """The public profile as (label, value) lines: what the other side sees before accepting."""
        facts = [(t.FACT_WHO, self.name)]
        if self.title:
            facts.append((t.FACT_ROLE, self.title))
        if self.org_name:
            kind = KIND_LABELS.get(self.kind, self.kind.replace("_", " "))
            where = ", ".join(x for x in (kind if self.org_ref else "", self.province or "") if x)
            facts.append((t.FACT_ORG, f"{self.org_name} ({where})" if where else self.org_name))
        if self.offers:
            facts.append((t.FACT_OFFERS, _cut(self.offers)))
        if self.looks_for:
            facts.append((t.FACT_LOOKING, _cut(self.looks_for)))
        return facts


def _cut(text: str, limit: int = MAX_PROFILE_TEXT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def title_in(session: Session, ref: str, default: str) -> str:
    """The name or title behind a directory ref, read in ``session`` (safe inside a transaction)."""
    try:
        item = DirectoryRepository(session).get(ref)
    except ValueError:
        return default
    value = getattr(item, "name", None) or getattr(item, "title", None) if item is not None else None
    return str(value) if value else default


def account_of(session: Session, platform: str, workspace_id: str, user_id: str) -> PlatformAccount | None:
    return session.scalars(
        select(PlatformAccount).where(
            PlatformAccount.platform == platform,
            PlatformAccount.workspace_id == workspace_id,
            PlatformAccount.user_id == user_id,
        )
    ).one_or_none()


def reachable_account(session: Session, person_id: int) -> PlatformAccount | None:
    """The person's active chat account (the most recently updated when they have several)."""
    return session.scalars(
        select(PlatformAccount)
        .where(PlatformAccount.person_id == person_id, PlatformAccount.active.is_(True))
        .order_by(PlatformAccount.updated_at.desc(), PlatformAccount.id.desc())
        .limit(1)
    ).first()


def side_of(session: Session, person: Person, account: PlatformAccount | None, shown_ref: str | None = None) -> Side:
    """A person as one side; ``shown_ref`` is the profile they were found by (their organization, a need)."""
    org = session.get(Organization, person.organization_id) if person.organization_id else None
    kind = "researcher" if person.role == "researcher" else (org.kind if org is not None else "person")
    return Side(
        person_id=person.id,
        name=person.name,
        ref=shown_ref or f"person:{person.external_id}",
        person_ref=f"person:{person.external_id}",
        title=person.title or "",
        org_id=org.id if org is not None else None,
        org_ref=f"org:{org.external_id}" if org is not None else None,
        org_name=org.name if org is not None else (person.affiliation or ""),
        kind=kind,
        province=person.province or (org.province if org is not None else None),
        offers=person.expertise or (org.capabilities if org is not None else "") or "",
        looks_for=person.interests or (org.needs if org is not None else "") or "",
        email=person.email,
        account_id=account.id if account is not None else None,
        platform=account.platform if account is not None else None,
    )


def requester(session: Session, platform: str, workspace_id: str, user_id: str) -> tuple[PlatformAccount, Person]:
    """The member asking, who needs a directory profile (what the other side is shown)."""
    account = account_of(session, platform, workspace_id, user_id)
    person = session.get(Person, account.person_id) if account is not None and account.person_id else None
    if account is None or person is None:
        raise UserFacingError(t.NEED_PROFILE)
    return account, person


def contact_of(session: Session, org: Organization) -> tuple[Person, PlatformAccount] | None:
    """The organization's contact person with an active chat account (contacts first, then anyone)."""
    people = session.scalars(
        select(Person).where(Person.organization_id == org.id, Person.role != "staff").order_by(Person.id)
    ).all()
    for person in sorted(people, key=lambda p: (p.role != "contact", p.id)):
        account = reachable_account(session, person.id)
        if account is not None:
            return person, account
    return None


def target(session: Session, ref: str, title: str) -> tuple[Person, PlatformAccount, str]:
    """The person (and account) behind ``ref``; raises ``UserFacingError`` when nobody can be asked."""
    kind, _, external_id = ref.partition(":")
    person: Person | None = None
    account: PlatformAccount | None = None
    if kind == "person":
        person = session.scalars(select(Person).where(Person.external_id == external_id)).one_or_none()
        account = reachable_account(session, person.id) if person is not None else None
    elif kind in ("org", "need"):
        org: Organization | None = None
        if kind == "org":
            org = session.scalars(select(Organization).where(Organization.external_id == external_id)).one_or_none()
        else:
            need = session.scalars(select(Need).where(Need.external_id == external_id)).one_or_none()
            if need is not None and need.person_id is not None:
                person = session.get(Person, need.person_id)
                account = reachable_account(session, person.id) if person is not None else None
            if account is None and need is not None and need.organization_id is not None:
                org = session.get(Organization, need.organization_id)
        if account is None and org is not None:
            found = contact_of(session, org)
            if found is not None:
                person, account = found
    if person is None or account is None:
        raise UserFacingError(t.NO_CONTACT.format(title=title))
    return person, account, ref
