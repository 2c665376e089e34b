"""Members attaching themselves to the directory: join requests and proposed edits of organization texts.

A chat account is linked to an imported person by a verified e-mail ("Is this you?") or by staff; a member
with no match asks to join an organization and staff (or its linked admin) decide. A linked member's edits
of their organization's texts wait here as proposals until staff approve, so matching never sees them before.
Nothing commits: the caller's transaction holds the request with its audit entry.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from models.base import Base, utcnow
from models.directory import Organization, Person, PlatformAccount
from models.intros import IntroPreference

PENDING, APPROVED, DECLINED = "pending", "approved", "declined"
REQUEST_STATES = (PENDING, APPROVED, DECLINED)


class JoinRequest(Base):
    """A chat account asking to belong to an organization, waiting for staff or the organization's admin."""

    __tablename__ = "join_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("platform_accounts.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    decided_by: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)

    account: Mapped[PlatformAccount] = relationship()
    organization: Mapped[Organization] = relationship()


class OrgTextProposal(Base):
    """New capabilities/needs texts for an organization, proposed by a linked member, applied on approval."""

    __tablename__ = "org_text_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    capabilities: Mapped[str] = mapped_column(Text, default="")
    needs: Mapped[str] = mapped_column(Text, default="")
    sectors: Mapped[list[str] | None] = mapped_column(default=None)  # None: leave the sectors as they are
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    decided_by: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)

    organization: Mapped[Organization] = relationship()


Index("ix_join_requests_status", JoinRequest.status)


class MemberRepository:
    """Reads and writes links, join requests and proposals in the caller's session; never commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def account(self, platform: str, workspace_id: str, user_id: str, *, create: bool = False,
                display_name: str | None = None) -> PlatformAccount | None:
        stmt = select(PlatformAccount).where(PlatformAccount.platform == platform,
                                             PlatformAccount.workspace_id == workspace_id,
                                             PlatformAccount.user_id == user_id)
        account = self.session.scalars(stmt).one_or_none()
        if account is None and create:
            account = PlatformAccount(platform=platform, workspace_id=workspace_id, user_id=user_id,
                                      display_name=display_name)
            self.session.add(account)
            self.session.flush()
        return account

    def people_with_email(self, email: str) -> list[Person]:
        """Imported people whose e-mail equals ``email`` (case and surrounding spaces ignored)."""
        wanted = email.strip().lower()
        if not wanted:
            return []
        stmt = select(Person).where(func.lower(func.trim(Person.email)) == wanted).order_by(Person.external_id)
        return list(self.session.scalars(stmt))

    def accounts_of(self, person_id: int) -> list[PlatformAccount]:
        return list(self.session.scalars(select(PlatformAccount).where(PlatformAccount.person_id == person_id)))

    def org_admins(self, organization_id: int) -> list[PlatformAccount]:
        """Linked, active accounts marked admin of ``organization_id``."""
        stmt = (select(PlatformAccount).join(Person, PlatformAccount.person_id == Person.id)
                .where(Person.organization_id == organization_id, PlatformAccount.org_admin.is_(True),
                       PlatformAccount.active.is_(True)))
        return list(self.session.scalars(stmt))

    def organization_named(self, name_or_id: str) -> list[Organization]:
        """Organizations whose external id or name equals ``name_or_id`` (case ignored)."""
        wanted = name_or_id.strip().lower()
        stmt = select(Organization).where((func.lower(Organization.external_id) == wanted)
                                          | (func.lower(Organization.name) == wanted)).order_by(Organization.id)
        return list(self.session.scalars(stmt))

    def pending_join(self, account_id: int) -> JoinRequest | None:
        stmt = select(JoinRequest).where(JoinRequest.account_id == account_id, JoinRequest.status == PENDING)
        return self.session.scalars(stmt).first()

    def join_request(self, request_id: int) -> JoinRequest | None:
        return self.session.get(JoinRequest, request_id)

    def pending_joins(self) -> list[JoinRequest]:
        return list(self.session.scalars(select(JoinRequest).where(JoinRequest.status == PENDING)
                                         .order_by(JoinRequest.id)))

    def proposal(self, proposal_id: int) -> OrgTextProposal | None:
        return self.session.get(OrgTextProposal, proposal_id)

    def pending_proposals(self, organization_id: int | None = None) -> list[OrgTextProposal]:
        stmt = select(OrgTextProposal).where(OrgTextProposal.status == PENDING).order_by(OrgTextProposal.id)
        if organization_id is not None:
            stmt = stmt.where(OrgTextProposal.organization_id == organization_id)
        return list(self.session.scalars(stmt))

    def decide(self, row: JoinRequest | OrgTextProposal, status: str, actor: str) -> None:
        if status not in (APPROVED, DECLINED):
            raise ValueError(f"a decision is approved or declined, not {status!r}")
        row.status, row.decided_by, row.decided_at = status, actor, utcnow()


def paused_members(session: Session, today: date) -> tuple[set[int], set[int]]:
    """Ids of paused people, and of organizations whose every linked member is paused.

    Both are left out of what others are shown (answers, digests, staff suggestions, consortium teams), not
    only introductions; an organization nobody linked to stays, since it cannot have paused.
    """
    paused = set(session.scalars(select(IntroPreference.person_id).where(
        IntroPreference.paused.is_(True),
        IntroPreference.paused_until.is_(None) | (IntroPreference.paused_until >= today))))
    if not paused:
        return paused, set()
    linked = session.execute(select(Person.organization_id, Person.id).join(
        PlatformAccount, PlatformAccount.person_id == Person.id).where(
        PlatformAccount.active.is_(True), Person.organization_id.is_not(None))).all()
    by_org: dict[int, set[int]] = {}
    for org_id, person_id in linked:
        if org_id is not None:
            by_org.setdefault(org_id, set()).add(person_id)
    return paused, {org_id for org_id, members in by_org.items() if members <= paused}


def excluded_refs(session: Session, person_ids: list[int]) -> dict[int, set[str]]:
    """``{person id: refs of the organizations they excluded, their people and their needs}``.

    A member who excluded an organization is not shown it anywhere (answers, digests), not only in
    introductions.
    """
    from models.directory import Need

    wanted = [p for p in person_ids if p is not None]
    if not wanted:
        return {}
    prefs = {pid: set(orgs or []) for pid, orgs in session.execute(
        select(IntroPreference.person_id, IntroPreference.excluded_orgs).where(
            IntroPreference.person_id.in_(wanted)))}
    names = sorted({ext for orgs in prefs.values() for ext in orgs})
    if not names:
        return {}
    refs: dict[str, set[str]] = {ext: {f"org:{ext}"} for ext in names}
    orgs = dict(session.execute(select(Organization.id, Organization.external_id)
                                .where(Organization.external_id.in_(names))).all())
    for org_id, ext in session.execute(select(Person.organization_id, Person.external_id)
                                       .where(Person.organization_id.in_(list(orgs)))):
        if org_id is not None:
            refs[orgs[org_id]].add(f"person:{ext}")
    for org_id, ext in session.execute(select(Need.organization_id, Need.external_id)
                                       .where(Need.organization_id.in_(list(orgs)))):
        if org_id is not None:
            refs[orgs[org_id]].add(f"need:{ext}")
    return {pid: {r for ext in exts for r in refs.get(ext, ())} for pid, exts in prefs.items() if exts}


def paused_name(session: Session, ref: str, today: date) -> str | None:
    """The name of the person or organization behind ``ref`` when it is paused (see ``paused_members``)."""
    kind, _, external_id = ref.partition(":")
    people, orgs = paused_members(session, today)
    if kind == "person":
        row = session.execute(select(Person.id, Person.name).where(Person.external_id == external_id,
                                                                   Person.visibility == "public")).first()
        return str(row.name) if row is not None and row.id in people else None
    if kind == "org":
        row = session.execute(select(Organization.id, Organization.name).where(
            Organization.external_id == external_id, Organization.visibility == "public")).first()
        return str(row.name) if row is not None and row.id in orgs else None
    return None
