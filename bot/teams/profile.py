"""Profile editing in Teams: an Adaptive Card form, checked on submit, saved to the member's ``Person``.

Typing "profile" (or the manifest command) sends the form. Its "Save" button posts the inputs back as a
``message`` with ``value = {"action": "save_profile", <input id>: <text>, ...}``; problems come back in the
same card, under each field, with what was typed kept. Saving goes through ``DirectoryRepository`` (which
bumps the directory version, so the catalog re-embeds the profile on its next search). A member's Teams
account (``PlatformAccount``) points at their ``Person``; the first save creates the person.

The field rules and wording match the Slack profile modal, so a member sees the same limits on both.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, fields, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.privacy_texts import VISIBILITY_CHOICES
from bot.teams.render import card, literal, submit
from bot.teams.translate import PLATFORM
from models.directory import PROVINCES, VISIBILITIES, Organization, Person, PlatformAccount
from models.repositories import DirectoryRepository

logger = logging.getLogger(__name__)

SAVE_PROFILE = "save_profile"
COMMAND = re.compile(r"^\s*(?:edit\s+|my\s+|update\s+)?profile\s*$", re.IGNORECASE)

TITLE = "Your profile"
HINT = "Members find you by what you write here. Plain language works best."
SUBMIT = "Save"
SAVED = "Your profile is saved. New questions will match on it from now on."
FIX_BELOW = "Please fix the fields marked below."
ERROR_REQUIRED = "Please fill this in."
ERROR_TOO_SHORT = "Please write at least {n} characters so matching has something to work with."
ERROR_TOO_LONG = "Please keep this under {n:,} characters."
ERROR_PROVINCE = "Pick a province or territory from the list."
LABELS = {
    "name": "Your name",
    "title": "Your role or title",
    "affiliation": "Organization",
    "province": "Province",
    "expertise": "What you or your organization can help with",
    "interests": "What you are looking for",
    "org_capabilities": "What your organization offers",
    "org_needs": "What your organization is looking for",
    "visibility": "Who can find you",
}
HINT_VISIBILITY = "Staff only: cluster staff can still suggest introductions. Hidden: you appear nowhere."
#: input id -> (max length, min length, multiline)
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
    """What the card shows and returns (plain text)."""

    name: str = ""
    title: str = ""
    affiliation: str = ""
    province: str | None = None
    expertise: str = ""
    interests: str = ""
    org_name: str | None = None  # set when the member belongs to an organization row: its texts are editable
    org_capabilities: str = ""
    org_needs: str = ""
    visibility: str | None = "public"  # who can find the member; None: leave as stored


def _account(session: Session, tenant_id: str, user_id: str) -> PlatformAccount | None:
    stmt = select(PlatformAccount).where(
        PlatformAccount.platform == PLATFORM,
        PlatformAccount.workspace_id == tenant_id,
        PlatformAccount.user_id == user_id,
    )
    return session.scalars(stmt).one_or_none()


def load_profile(sessions: sessionmaker[Session], tenant_id: str, user_id: str) -> ProfileForm:
    with sessions() as session:
        account = _account(session, tenant_id, user_id)
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


def form_from_value(value: dict[str, Any], current: ProfileForm) -> ProfileForm:
    """The submitted inputs; the organization name comes from the database, never from the card."""
    texts = {f.name: str(value.get(f.name) or "").strip() for f in fields(ProfileForm) if f.name in FIELDS}
    chosen = str(value.get("visibility") or "").strip().lower() or current.visibility  # absent: as stored
    return replace(current, **texts, province=str(value.get("province") or "").strip().upper() or None,
                   visibility=chosen)


def validate(form: ProfileForm) -> dict[str, str]:
    """``{input id: message}`` for every field that cannot be saved; empty when all is well."""
    errors: dict[str, str] = {}
    for key, (max_length, min_length, _) in FIELDS.items():
        value = getattr(form, key)
        if key in REQUIRED and not value:
            errors[key] = ERROR_REQUIRED
        elif value and len(value) < min_length:
            errors[key] = ERROR_TOO_SHORT.format(n=min_length)
        elif len(value) > max_length:
            errors[key] = ERROR_TOO_LONG.format(n=max_length)
    if form.province is not None and form.province not in PROVINCES:
        errors["province"] = ERROR_PROVINCE
    if form.visibility is not None and form.visibility not in VISIBILITIES:
        errors["visibility"] = ERROR_REQUIRED
    return errors


def save_profile(
    sessions: sessionmaker[Session], tenant_id: str, user_id: str, form: ProfileForm, *, display_name: str | None = None
) -> str:
    """Create or update the member's person (and their organization's texts); returns the person's ref."""
    with sessions.begin() as session:
        repo = DirectoryRepository(session)
        account = _account(session, tenant_id, user_id)
        person = account.person if account is not None else None
        external_id = person.external_id if person is not None else f"teams-{tenant_id}-{user_id}".lower()
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
                platform=PLATFORM, workspace_id=tenant_id, user_id=user_id, display_name=display_name
            )
            session.add(account)
        if account.person is None:
            account.person = person
        if org is not None:
            repo.apply(
                Organization, org, org.external_id, {"capabilities": form.org_capabilities, "needs": form.org_needs}
            )
        logger.info("profile %s for a teams member in %s: %s", external_id, tenant_id, status)
        return f"person:{external_id}"


def _text_input(key: str, value: str, error: str | None) -> list[dict[str, Any]]:
    max_length, min_length, multiline = FIELDS[key]
    element: dict[str, Any] = {
        "type": "Input.Text",
        "id": key,
        "label": LABELS[key],
        "value": value[:max_length],
        "maxLength": max_length,
        "isMultiline": multiline,
    }
    if key in REQUIRED:
        element.update(isRequired=True, errorMessage=ERROR_REQUIRED)
    return [element] + ([_error(error)] if error else [])


def _error(message: str) -> dict[str, Any]:
    return {
        "type": "TextBlock",
        "text": message,
        "color": "attention",
        "size": "small",
        "wrap": True,
        "spacing": "none",
    }


def profile_card(form: ProfileForm, errors: dict[str, str] | None = None) -> dict[str, Any]:
    """The form, filled with ``form``; ``errors`` (ours, never member text) shown under their fields."""
    errors = errors or {}
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": TITLE, "weight": "bolder", "size": "medium", "wrap": True},
        {"type": "TextBlock", "text": HINT, "isSubtle": True, "wrap": True, "spacing": "none"},
    ]
    if errors:
        body.append({**_error(FIX_BELOW), "size": "default", "spacing": "medium"})
    body += _text_input("name", form.name, errors.get("name"))
    body += _text_input("title", form.title, errors.get("title"))
    if form.org_name is None:
        body += _text_input("affiliation", form.affiliation, errors.get("affiliation"))
    body.append(
        {
            "type": "Input.ChoiceSet",
            "id": "province",
            "label": LABELS["province"],
            "style": "compact",
            "value": form.province or "",
            "choices": [{"title": p, "value": p} for p in PROVINCES],
        }
    )
    if errors.get("province"):
        body.append(_error(errors["province"]))
    body += _text_input("expertise", form.expertise, errors.get("expertise"))
    body += _text_input("interests", form.interests, errors.get("interests"))
    if form.org_name is not None:
        body.append(literal(form.org_name, isSubtle=True, spacing="large"))
        body += _text_input("org_capabilities", form.org_capabilities, errors.get("org_capabilities"))
        body += _text_input("org_needs", form.org_needs, errors.get("org_needs"))
    body.append(
        {
            "type": "Input.ChoiceSet",
            "id": "visibility",
            "label": LABELS["visibility"],
            "style": "expanded",
            "value": form.visibility or "public",
            "choices": [{"title": label, "value": level} for level, label in VISIBILITY_CHOICES.items()],
        }
    )
    body.append(literal(HINT_VISIBILITY, isSubtle=True, spacing="none"))
    if errors.get("visibility"):
        body.append(_error(errors["visibility"]))
    return card(body, fallback_text=TITLE, actions=[submit(SUBMIT, {"action": SAVE_PROFILE}, style="positive")])
