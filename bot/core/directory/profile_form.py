"""The member's own profile form, shared by every adapter: load, check and save.

Slack shows it as a modal and Teams as a card; what the fields are, what is valid and how a save
touches the directory is the same everywhere, so it lives here once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.directory import PROVINCES, VISIBILITIES, Organization, Person, PlatformAccount
from models.members import OrgTextProposal
from models.privacy import audit
from models.repositories import DirectoryRepository

logger = logging.getLogger(__name__)

#: field -> (max length, min length when given, multiline)
FIELDS: dict[str, tuple[int, int, bool]] = {
    "name": (200, 2, False),
    "title": (200, 0, False),
    "affiliation": (300, 0, False),
    "expertise": (3000, 20, True),
    "interests": (3000, 0, True),
    "org_capabilities": (3000, 0, True),
    "org_needs": (3000, 0, True),
}
REQUIRED = ("name", "expertise")


@dataclass(frozen=True)
class ProfileForm:
    """What the form shows and returns (plain, unescaped text)."""

    name: str = ""
    title: str = ""
    affiliation: str = ""
    province: str | None = None
    expertise: str = ""
    interests: str = ""
    org_name: str | None = None  # set when the member belongs to an organization row: its texts are editable
    org_capabilities: str = ""
    org_needs: str = ""
    visibility: str | None = "public"  # who can find the member; None (an older form): leave as stored


@dataclass(frozen=True)
class FormErrors:
    """The adapter's wording for each kind of field error."""

    required: str
    too_short: str  # formatted with n=
    too_long: str  # formatted with n=
    province: str


def account_for(session: Session, platform: str, workspace_id: str, user_id: str) -> PlatformAccount | None:
    stmt = select(PlatformAccount).where(
        PlatformAccount.platform == platform,
        PlatformAccount.workspace_id == workspace_id,
        PlatformAccount.user_id == user_id,
    )
    return session.scalars(stmt).one_or_none()


def load_profile(sessions: sessionmaker[Session], platform: str, workspace_id: str, user_id: str) -> ProfileForm:
    """The form filled from the person linked to this chat account (empty when none is)."""
    with sessions() as session:
        account = account_for(session, platform, workspace_id, user_id)
        person = account.person if account is not None else None
        if person is None:
            return ProfileForm()
        org = person.organization
        return ProfileForm(
            name=person.name,
            title=person.title or "",
            affiliation=person.affiliation or "",
            province=person.province,
            expertise=person.expertise or "",
            interests=person.interests or "",
            org_name=org.name if org is not None else None,
            org_capabilities=(org.capabilities or "") if org is not None else "",
            org_needs=(org.needs or "") if org is not None else "",
            visibility=person.visibility,
        )


def validate(form: ProfileForm, messages: FormErrors) -> dict[str, str]:
    """``{field: message}`` for every field that cannot be saved; empty when all is well."""
    errors: dict[str, str] = {}
    for key, (max_length, min_length, _) in FIELDS.items():
        value = getattr(form, key)
        if key in REQUIRED and not value:
            errors[key] = messages.required
        elif value and len(value) < min_length:
            errors[key] = messages.too_short.format(n=min_length)
        elif len(value) > max_length:
            errors[key] = messages.too_long.format(n=max_length)
    if form.province is not None and form.province not in PROVINCES:
        errors["province"] = messages.province
    if form.visibility is not None and form.visibility not in VISIBILITIES:
        errors["visibility"] = messages.required
    return errors


def save_profile(
    sessions: sessionmaker[Session],
    platform: str,
    workspace_id: str,
    user_id: str,
    form: ProfileForm,
    *,
    display_name: str | None = None,
) -> str:
    """Create or update the member's person (and their organization's texts); returns the person's ref."""
    with sessions.begin() as session:
        repo = DirectoryRepository(session)
        account = account_for(session, platform, workspace_id, user_id)
        person = account.person if account is not None else None
        external_id = person.external_id if person is not None else f"{platform}-{workspace_id}-{user_id}".lower()
        if person is None:
            person = repo.get_by_external_id(Person, external_id)
        values: dict[str, Any] = {
            "name": form.name,
            "title": form.title or None,
            "province": form.province,
            "expertise": form.expertise,
            "interests": form.interests,
        }
        if form.visibility is not None:
            values["visibility"] = form.visibility
        org: Organization | None = person.organization if person is not None else None
        if org is None:
            values["affiliation"] = form.affiliation or None
        person, status = repo.apply(Person, person, external_id, values)
        if account is None:
            account = PlatformAccount(
                platform=platform, workspace_id=workspace_id, user_id=user_id, display_name=display_name
            )
            session.add(account)
        if account.person is None:
            account.person = person
        # Only a form that showed the organization's texts may propose changes to them; staff approve a
        # proposal before matching sees it (``bot.core.accounts.members``).
        if org is not None and form.org_name is not None and (
                (form.org_capabilities, form.org_needs) != (org.capabilities, org.needs)):
            proposal = OrgTextProposal(organization_id=org.id, person_id=person.id,
                                       capabilities=form.org_capabilities, needs=form.org_needs)
            session.add(proposal)
            session.flush()
            audit(session, f"{platform}:{workspace_id}:{user_id}", "member.propose", f"org:{org.external_id}",
                  {"proposal": proposal.id})
        logger.info("profile %s for a %s member in %s: %s", external_id, platform, workspace_id, status)
        return f"person:{external_id}"
