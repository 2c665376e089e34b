"""The "Your profile" modal: a member creates or edits their own directory entry from Slack.

The member's Slack account points at their directory person; a first save creates both. Saving goes
through ``container.directory`` (which bumps the directory version), so the catalog re-embeds the changed
profile on its next search. Field problems go back to the modal with
``ack(response_action="errors", errors={block_id: message})``.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.models.blocks import (
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.core.directory import profile_form
from bot.core.directory.desk import PROVINCES
from bot.core.directory.profile_form import FIELDS, REQUIRED, FormErrors, ProfileForm
from bot.core.privacy.texts import VISIBILITY_CHOICES
from bot.slack import texts
from bot.slack.render import mrkdwn, truncate
from bot.slack.translate import PLATFORM

logger = logging.getLogger(__name__)

CALLBACK_ID = "profile"
VALUE = "value"  # the action id of every input in the modal
_ERRORS = FormErrors(
    required=texts.ERROR_REQUIRED,
    too_short=texts.ERROR_TOO_SHORT,
    too_long=texts.ERROR_TOO_LONG,
    province=texts.ERROR_REQUIRED,
)


def _text_input(block_id: str, label: str, initial: str, *, hint: str | None = None) -> InputBlock:
    max_length, min_length, multiline = FIELDS[block_id]
    element = PlainTextInputElement(
        action_id=VALUE,
        multiline=multiline,
        max_length=max_length,
        initial_value=truncate(initial, max_length) if initial else None,
    )
    return InputBlock(
        block_id=block_id,
        label=PlainTextObject(text=label),
        element=element,
        optional=block_id not in REQUIRED,
        hint=PlainTextObject(text=hint) if hint else None,
    )


def profile_view(form: ProfileForm, *, origin_channel: str | None = None) -> dict[str, Any]:
    """The modal as a dict for ``views.open``/``views.update`` (≤ 100 blocks, titles ≤ 24 characters)."""
    blocks: list[Any] = [
        ContextBlock(elements=[MarkdownTextObject(text=mrkdwn(texts.PROFILE_HINT))]),
        _text_input("name", texts.LABEL_NAME, form.name),
        _text_input("title", texts.LABEL_TITLE, form.title),
    ]
    if form.org_name is None:
        blocks.append(_text_input("affiliation", texts.LABEL_ORG, form.affiliation))
    options = [Option(text=p, value=p) for p in PROVINCES]
    initial = next((o for o in options if o.value == form.province), None)
    blocks.append(
        InputBlock(
            block_id="province",
            label=PlainTextObject(text=texts.LABEL_PROVINCE),
            element=StaticSelectElement(action_id=VALUE, options=options, initial_option=initial),
            optional=True,
        )
    )
    blocks.append(_text_input("expertise", texts.LABEL_EXPERTISE, form.expertise))
    blocks.append(_text_input("interests", texts.LABEL_INTERESTS, form.interests))
    if form.org_name is not None:
        org = truncate(form.org_name, 60)
        blocks.append(_text_input("org_capabilities", f"What {org} offers", form.org_capabilities))
        blocks.append(_text_input("org_needs", f"What {org} is looking for", form.org_needs))
    choices = [Option(text=label, value=level) for level, label in VISIBILITY_CHOICES.items()]
    blocks.append(
        InputBlock(
            block_id="visibility",
            label=PlainTextObject(text=texts.LABEL_VISIBILITY),
            element=StaticSelectElement(action_id=VALUE, options=choices, initial_option=next(
                c for c in choices if c.value == (form.visibility or "public"))),
            optional=True,
            hint=PlainTextObject(text=texts.HINT_VISIBILITY),
        )
    )
    view = View(
        type="modal",
        callback_id=CALLBACK_ID,
        title=PlainTextObject(text=texts.PROFILE_TITLE),
        submit=PlainTextObject(text=texts.PROFILE_SUBMIT),
        close=PlainTextObject(text=texts.PROFILE_CLOSE),
        private_metadata=json.dumps({"origin_channel": origin_channel, "has_org": form.org_name is not None}),
        blocks=blocks,
    )
    return view.to_dict()


def open_profile_modal(
    client: WebClient, services: Any, *, trigger_id: str, team_id: str, user_id: str, origin_channel: str | None
) -> None:
    """Open the modal now: the trigger id is single-use and expires about 3 s after the click."""
    form = services.container.directory.load_profile(PLATFORM, team_id, user_id)
    client.views_open(trigger_id=trigger_id, view=profile_view(form, origin_channel=origin_channel))


def form_from_view(view: dict[str, Any]) -> ProfileForm:
    """Read the submitted values (``view.state.values[block_id][action_id]``)."""
    values = (view.get("state") or {}).get("values") or {}

    def text(block_id: str) -> str:
        raw = (values.get(block_id) or {}).get(VALUE) or {}
        return str(raw.get("value") or "").strip()

    selected = ((values.get("province") or {}).get(VALUE) or {}).get("selected_option") or {}
    chosen = ((values.get("visibility") or {}).get(VALUE) or {}).get("selected_option") or {}
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        meta = {}
    return ProfileForm(
        name=text("name"),
        title=text("title"),
        affiliation=text("affiliation"),
        province=selected.get("value") or None,
        expertise=text("expertise"),
        interests=text("interests"),
        org_name="" if meta.get("has_org") else None,
        org_capabilities=text("org_capabilities"),
        org_needs=text("org_needs"),
        visibility=chosen.get("value") or None,
    )


def validate(form: ProfileForm) -> dict[str, str]:
    """``{block_id: message}`` for every field that cannot be saved; empty when all is well."""
    return profile_form.validate(form, _ERRORS)
