"""Profile editing in Teams: an Adaptive Card form, checked on submit, saved to the member's ``Person``.

Typing "profile" (or the manifest command) sends the form. Its "Save" button posts the inputs back as a
``message`` with ``value = {"action": "save_profile", <input id>: <text>, ...}``; problems come back in the
same card, under each field, with what was typed kept. Saving goes through ``container.directory`` (which
bumps the directory version, so the catalog re-embeds the profile on its next search). A member's Teams
account points at their directory person; the first save creates the person.

The field rules and wording match the Slack profile modal, so a member sees the same limits on both.
"""

from __future__ import annotations

import logging
import re
from dataclasses import fields, replace
from typing import Any

from bot.core.directory import profile_form
from bot.core.directory.desk import PROVINCES
from bot.core.directory.profile_form import FIELDS, REQUIRED, FormErrors, ProfileForm
from bot.core.privacy.texts import VISIBILITY_CHOICES
from bot.teams.render import card, literal, submit

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
_ERRORS = FormErrors(
    required=ERROR_REQUIRED, too_short=ERROR_TOO_SHORT, too_long=ERROR_TOO_LONG, province=ERROR_PROVINCE
)


def form_from_value(value: dict[str, Any], current: ProfileForm) -> ProfileForm:
    """The submitted inputs; the organization name comes from the database, never from the card."""
    texts = {f.name: str(value.get(f.name) or "").strip() for f in fields(ProfileForm) if f.name in FIELDS}
    chosen = str(value.get("visibility") or "").strip().lower() or current.visibility  # absent: as stored
    return replace(current, **texts, province=str(value.get("province") or "").strip().upper() or None,
                   visibility=chosen)


def validate(form: ProfileForm) -> dict[str, str]:
    """``{input id: message}`` for every field that cannot be saved; empty when all is well."""
    return profile_form.validate(form, _ERRORS)


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
