"""Members attaching themselves to the directory, platform-neutral: "Is this you?", join requests, staff
links, and proposed edits of an organization's texts.

Every decision is re-checked from the database, never from a button value: "Is this you?" is confirmed by
looking the verified e-mail up again, and a join request is decided only by staff or a linked admin of that
organization. Every change is audited in the same transaction; bad input raises ``UserFacingError`` before
anything is written.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.core.accounts import texts as t
from bot.core.errors import UserFacingError
from bot.core.intros.delivery import Address, MessengerLookup
from bot.core.intros.messages import IntroMessage
from models.directory import Organization, Person, PlatformAccount
from models.members import APPROVED, DECLINED, MemberRepository, OrgTextProposal
from models.privacy import audit
from models.repositories import DirectoryRepository

logger = logging.getLogger(__name__)


def account_ref(platform: str, workspace_id: str, user_id: str) -> str:
    return f"{platform}:{workspace_id}:{user_id}"


def _of(org: Organization | None) -> str:
    return f" ({org.name})" if org is not None else ""


@dataclass(frozen=True)
class LinkOffer:
    """What to show a member on first contact: a candidate to confirm, or why there is none."""

    text: str
    person_ref: str | None = None  # set when exactly one unlinked person has the member's e-mail


@dataclass(frozen=True)
class Notice:
    """Someone else to tell (an organization admin, the asker): a chat account and plain text. ``account_id``
    and ``conversation_ref`` let a platform that cannot message by user id (Teams) reach the account."""

    platform: str
    workspace_id: str
    user_id: str
    text: str
    account_id: int = 0
    conversation_ref: dict[str, Any] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Outcome:
    """The answer to the member who acted, the people to tell, and the request id when one was made."""

    text: str
    notices: tuple[Notice, ...] = ()
    request_id: int | None = None


def _notice(account: PlatformAccount, text: str) -> Notice:
    return Notice(account.platform, account.workspace_id, account.user_id, text, account.id,
                  dict(account.conversation_ref) if account.conversation_ref else None)


class MembersService:
    def __init__(self, sessions: sessionmaker[Session], messengers: MessengerLookup | None = None) -> None:
        self.sessions = sessions
        self.messengers = messengers  # each platform's messenger, for notices to members on another platform

    def notify(self, notices: Iterable[Notice], *, skip: Collection[str] = ()) -> int:
        """Send each notice through its account's platform messenger (not those of ``skip``: the calling adapter
        sends its own); best effort, the decision is already saved. Returns how many went out."""
        sent = 0
        for n in notices:
            messenger = self.messengers(n.platform) if self.messengers is not None and n.platform not in skip else None
            if messenger is None:
                continue
            address = Address(n.account_id, n.platform, n.workspace_id, n.user_id, n.conversation_ref)
            try:
                sent += bool(messenger.send(address, IntroMessage(ref=f"notice:{n.account_id}", headline=n.text)))
            except Exception:  # noqa: BLE001 - a messenger should not raise; a missed notice must not undo anything
                logger.exception("notice to %s:%s not sent", n.platform, n.user_id)
        return sent

    # -- first contact -------------------------------------------------------------------------------
    def status(self, platform: str, workspace_id: str, user_id: str) -> str | None:
        """"Name (Organization)" of the person this account is linked to, or ``None``."""
        with self.sessions() as s:
            account = MemberRepository(s).account(platform, workspace_id, user_id)
            person = account.person if account is not None else None
            return f"{person.name}{_of(person.organization)}" if person is not None else None

    def offer(self, platform: str, workspace_id: str, user_id: str, email: str | None) -> LinkOffer:
        """The "Is this you?" offer for a chat account with this verified e-mail; writes nothing."""
        join = t.JOIN_USAGE
        with self.sessions() as s:
            repo = MemberRepository(s)
            account = repo.account(platform, workspace_id, user_id)
            if account is not None and account.person is not None:
                return LinkOffer(t.ALREADY_LINKED.format(name=account.person.name,
                                                         org=_of(account.person.organization)))
            if not email:
                return LinkOffer(t.NO_EMAIL.format(join=join))
            people = repo.people_with_email(email)
            if not people:
                return LinkOffer(t.NO_MATCH.format(join=join))
            if len(people) > 1:
                return LinkOffer(t.SEVERAL.format(count=len(people), join=join))
            person = people[0]
            if repo.accounts_of(person.id):
                return LinkOffer(t.TAKEN)
            return LinkOffer(t.IS_THIS_YOU.format(name=person.name, org=_of(person.organization)),
                             person_ref=f"person:{person.external_id}")

    def confirm(self, platform: str, workspace_id: str, user_id: str, email: str | None,
                display_name: str | None = None) -> str:
        """Link the account to the one person with its verified e-mail (looked up again); audited."""
        with self.sessions.begin() as s:
            repo = MemberRepository(s)
            people = repo.people_with_email(email or "")
            if len(people) != 1:
                raise UserFacingError(t.SEVERAL.format(count=len(people), join=t.JOIN_USAGE) if people
                                      else t.NO_MATCH.format(join=t.JOIN_USAGE))
            person = people[0]
            account = repo.account(platform, workspace_id, user_id, create=True, display_name=display_name)
            assert account is not None
            if account.person_id == person.id:
                return t.ALREADY_LINKED.format(name=person.name, org=_of(person.organization))
            if account.person_id is not None or any(a.id != account.id for a in repo.accounts_of(person.id)):
                raise UserFacingError(t.TAKEN)
            account.person = person
            DirectoryRepository(s).bump_version()
            actor = account_ref(platform, workspace_id, user_id)
            audit(s, actor, "member.link", f"person:{person.external_id}", {"account": actor, "via": "email"})
            return t.LINKED.format(name=person.name, org=_of(person.organization))

    # -- joining an organization -----------------------------------------------------------------------
    def _organization(self, repo: MemberRepository, name: str) -> Organization:
        if not name.strip():
            raise UserFacingError(t.JOIN_EMPTY)
        found = repo.organization_named(name)
        if not found:
            raise UserFacingError(t.ORG_UNKNOWN.format(name=name.strip()))
        if len(found) > 1:
            raise UserFacingError(t.ORG_SEVERAL.format(count=len(found), name=name.strip(),
                                                       ids=", ".join(o.external_id for o in found)))
        return found[0]

    def request_join(self, platform: str, workspace_id: str, user_id: str, organization: str,
                     name: str) -> Outcome:
        """Ask to belong to ``organization``; its linked admins are told (staff see it in the pending list)."""
        from models.members import JoinRequest

        with self.sessions.begin() as s:
            repo = MemberRepository(s)
            org = self._organization(repo, organization)
            account = repo.account(platform, workspace_id, user_id)
            if account is not None and account.person is not None:
                raise UserFacingError(t.ALREADY_LINKED.format(name=account.person.name,
                                                              org=_of(account.person.organization)))
            if account is not None and (pending := repo.pending_join(account.id)) is not None:
                raise UserFacingError(t.JOIN_PENDING.format(org=pending.organization.name))
            account = account or repo.account(platform, workspace_id, user_id, create=True, display_name=name)
            assert account is not None
            request = JoinRequest(account_id=account.id, organization_id=org.id, name=(name or user_id)[:200])
            s.add(request)
            s.flush()
            actor = account_ref(platform, workspace_id, user_id)
            audit(s, actor, "member.join_request", f"org:{org.external_id}", {"request": request.id})
            ask = t.JOIN_ASK.format(name=request.name, org=org.name)
            notices = tuple(_notice(a, ask) for a in repo.org_admins(org.id))
            return Outcome(t.JOIN_SENT.format(org=org.name), notices, request.id)

    def pending_joins(self) -> list[tuple[int, str, str]]:
        """``(request id, name, organization)`` of every join request waiting, oldest first (staff)."""
        with self.sessions() as s:
            return [(r.id, r.name, r.organization.name) for r in MemberRepository(s).pending_joins()]

    def decide_join(self, platform: str, workspace_id: str, user_id: str, request_id: int, approve: bool, *,
                    staff: bool) -> Outcome:
        """Staff, or a linked admin of the organization, approve or decline; approval creates the person."""
        actor = account_ref(platform, workspace_id, user_id)
        with self.sessions.begin() as s:
            repo = MemberRepository(s)
            request = repo.join_request(request_id)
            if request is None or request.status != "pending":
                raise UserFacingError(t.UNKNOWN_REQUEST.format(id=request_id))
            me = repo.account(platform, workspace_id, user_id)
            admin = (me is not None and me.org_admin and me.person is not None
                     and me.person.organization_id == request.organization_id)
            if not (staff or admin):
                raise UserFacingError(t.NOT_ALLOWED)
            org, account = request.organization, request.account
            repo.decide(request, APPROVED if approve else DECLINED, actor)
            if approve:
                ext = f"{account.platform}-{account.workspace_id}-{account.user_id}".lower()
                person, _ = DirectoryRepository(s).upsert(Person, ext, {"name": request.name,
                                                                       "organization_id": org.id})
                account.person = person
            audit(s, actor, "member.join_" + ("approve" if approve else "decline"), f"org:{org.external_id}",
                  {"request": request.id, "account": account_ref(account.platform, account.workspace_id,
                                                                 account.user_id)})
            told = t.JOIN_APPROVED if approve else t.JOIN_DECLINED
            state = "approved" if approve else "declined"
            return Outcome(t.JOIN_DONE.format(id=request.id, state=state, name=request.name, org=org.name),
                           (_notice(account, told.format(org=org.name)),))

    # -- staff links -----------------------------------------------------------------------------------
    def link(self, account: tuple[str, str, str], person_ref: str, actor: str, *, admin: bool = False) -> str:
        """Staff link a chat account to a directory person (creating the account row); audited."""
        platform, workspace_id, user_id = account
        kind, _, external_id = person_ref.partition(":")
        with self.sessions.begin() as s:
            repo = MemberRepository(s)
            person = DirectoryRepository(s).get_by_external_id(Person, external_id) if kind == "person" else None
            if person is None:
                raise UserFacingError(t.UNKNOWN_PERSON.format(ref=person_ref))
            row = repo.account(platform, workspace_id, user_id, create=True)
            assert row is not None
            others = [a for a in repo.accounts_of(person.id) if a.id != row.id]
            if others:
                raise UserFacingError(t.TAKEN)
            row.person, row.org_admin = person, admin
            DirectoryRepository(s).bump_version()
            audit(s, actor, "member.link", person_ref, {"account": account_ref(*account), "admin": admin,
                                                        "via": "staff"})
            return t.LINKED.format(name=person.name, org=_of(person.organization))

    def unlink(self, account: tuple[str, str, str], actor: str) -> str:
        """Staff detach a chat account from its person (the person stays in the directory); audited."""
        ref = account_ref(*account)
        with self.sessions.begin() as s:
            row = MemberRepository(s).account(*account)
            if row is None:
                raise UserFacingError(t.UNKNOWN_ACCOUNT.format(account=ref))
            person = s.get(Person, row.person_id) if row.person_id is not None else None
            if person is None:
                return t.NOTHING_TO_UNLINK.format(account=ref)
            # The column, not the relationship: an orphaned account would be deleted with its staff flag.
            row.person_id, row.org_admin = None, False
            DirectoryRepository(s).bump_version()
            audit(s, actor, "member.unlink", f"person:{person.external_id}", {"account": ref})
            return t.UNLINKED.format(account=ref, person=f" from {person.name}")

    # -- organization texts: proposals -----------------------------------------------------------------
    def propose(self, platform: str, workspace_id: str, user_id: str, org_ref: str | None, *,
                capabilities: str | None = None, needs: str | None = None) -> Outcome:
        """A linked member proposes new texts for their own organization; staff approve before matching sees it.

        ``org_ref`` names the organization they mean to edit (``None``: their own); any other is refused.
        """
        with self.sessions.begin() as s:
            repo = MemberRepository(s)
            account = repo.account(platform, workspace_id, user_id)
            person = account.person if account is not None else None
            own = person.organization if person is not None else None
            if org_ref is not None and (own is None or f"org:{own.external_id}" != org_ref):
                target = DirectoryRepository(s).get(org_ref) if org_ref.startswith("org:") else None
                name = target.name if isinstance(target, Organization) else org_ref
                raise UserFacingError(t.NOT_LINKED_ORG.format(org=name))
            if own is None or person is None:
                raise UserFacingError(t.NOT_LINKED)
            new_caps = own.capabilities if capabilities is None else capabilities.strip()
            new_needs = own.needs if needs is None else needs.strip()
            if new_caps == own.capabilities and new_needs == own.needs:
                raise UserFacingError(t.PROPOSAL_EMPTY)
            proposal = OrgTextProposal(organization_id=own.id, person_id=person.id, capabilities=new_caps,
                                       needs=new_needs)
            s.add(proposal)
            s.flush()
            audit(s, account_ref(platform, workspace_id, user_id), "member.propose", f"org:{own.external_id}",
                  {"proposal": proposal.id})
            return Outcome(t.PROPOSED.format(org=own.name, id=proposal.id), request_id=proposal.id)

    def pending_proposals(self) -> list[tuple[int, str, str, str]]:
        """``(id, organization, capabilities, needs)`` waiting for staff, oldest first."""
        with self.sessions() as s:
            return [(p.id, p.organization.name, p.capabilities, p.needs)
                    for p in MemberRepository(s).pending_proposals()]

    def decide_proposal(self, proposal_id: int, approve: bool, actor: str, *, staff: bool) -> str:
        """Staff apply (or drop) a proposal; applying it changes what matching sees (directory version bumps)."""
        if not staff:
            raise UserFacingError(t.STAFF_ONLY)
        with self.sessions.begin() as s:
            repo = MemberRepository(s)
            proposal = repo.proposal(proposal_id)
            if proposal is None or proposal.status != "pending":
                raise UserFacingError(t.UNKNOWN_REQUEST.format(id=proposal_id))
            org = proposal.organization
            repo.decide(proposal, APPROVED if approve else DECLINED, actor)
            if approve:
                values: dict[str, object] = {"capabilities": proposal.capabilities, "needs": proposal.needs}
                if proposal.sectors is not None:
                    values["sectors"] = list(proposal.sectors)
                DirectoryRepository(s).apply(Organization, org, org.external_id, values)
            audit(s, actor, "member.proposal_" + ("approve" if approve else "decline"), f"org:{org.external_id}",
                  {"proposal": proposal.id})
            return t.PROPOSAL_DONE.format(id=proposal.id, org=org.name, state="approved" if approve else "declined")
