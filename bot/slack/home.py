"""App Home: one view built from "home section providers", an ordered registry other flows extend.

``container.services["home_sections"]`` is a ``dict[str, HomeSectionProvider]``; insertion order is display
order. The defaults are ``profile``, ``needs``, ``saved``, ``introductions`` and ``digest``; the last two are
placeholders that the introductions and digest flows replace by assigning their own provider to the same key::

    container.services["home_sections"]["introductions"] = my_intros_section

A provider gets a ``HomeRequest`` and returns a ``HomeSection`` (plain text, no Block Kit) or ``None`` to
hide itself. A provider that raises is logged and shown as "could not be loaded"; the rest of Home still
renders.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.messages import MORE_LIKE_THIS, REQUEST_INTRO, Suggestion
from bot.slack import texts
from bot.slack.profile import person_for
from bot.slack.render import MAX_BUTTON_TEXT, MAX_HEADER, mrkdwn, suggestion_blocks, truncate
from models.activity import SavedMatch
from models.directory import Need

logger = logging.getLogger(__name__)

MAX_HOME_BLOCKS = 100
MAX_ITEMS_PER_SECTION = 10
OPEN_PROFILE = "open_profile"


@dataclass(frozen=True)
class HomeRequest:
    """Who is looking at Home, and where to read from."""

    platform: str
    workspace_id: str
    user_id: str
    sessions: sessionmaker[Session]
    container: Any
    is_staff: bool = False


@dataclass(frozen=True)
class HomeButton:
    """A button under a section. The flow that adds it registers a listener for ``action_id``."""

    action_id: str
    label: str
    value: str = ""
    style: str | None = None  # None, "primary" or "danger"


@dataclass(frozen=True)
class HomeSection:
    heading: str
    text: str = ""  # plain text; escaped when rendered
    suggestions: tuple[Suggestion, ...] = ()  # rendered with their action buttons
    buttons: tuple[HomeButton, ...] = ()


HomeSectionProvider = Callable[[HomeRequest], HomeSection | None]


# -- default providers ----------------------------------------------------------------------------
def profile_section(req: HomeRequest) -> HomeSection:
    with req.sessions() as session:
        person = person_for(session, req.workspace_id, req.user_id)
        if person is None:
            return HomeSection(texts.HOME_YOU, texts.HOME_NOT_LINKED,
                               buttons=(HomeButton(OPEN_PROFILE, texts.HOME_CREATE_PROFILE, style="primary"),))
        org = person.organization
        where = org.name if org is not None else (person.affiliation or "")
        lines = [" · ".join(x for x in (person.name, person.title or "", where, person.province or "") if x)]
        if person.expertise:
            lines.append(f"Can help with: {truncate(person.expertise, 400)}")
        if person.interests:
            lines.append(f"Looking for: {truncate(person.interests, 400)}")
    return HomeSection(texts.HOME_YOU, "\n".join(lines),
                       buttons=(HomeButton(OPEN_PROFILE, texts.HOME_EDIT_PROFILE),))


def needs_section(req: HomeRequest) -> HomeSection:
    with req.sessions() as session:
        person = person_for(session, req.workspace_id, req.user_id)
        needs: list[Need] = []
        if person is not None:
            owner = Need.person_id == person.id
            if person.organization_id is not None:
                owner = owner | (Need.organization_id == person.organization_id)
            needs = list(session.scalars(select(Need).where(owner, Need.status == "open").order_by(Need.id)))
        if not needs:
            return HomeSection(texts.HOME_NEEDS, texts.HOME_NO_NEEDS)
        items = tuple(
            Suggestion(ref=f"need:{n.external_id}", kind="need", title=n.title, reason=truncate(n.description, 300),
                       actions=(MORE_LIKE_THIS,))
            for n in needs[:MAX_ITEMS_PER_SECTION]
        )
    return HomeSection(texts.HOME_NEEDS, suggestions=items)


def saved_section(req: HomeRequest) -> HomeSection:
    with req.sessions() as session:
        stmt = (
            select(SavedMatch)
            .where(SavedMatch.platform == req.platform, SavedMatch.workspace_id == req.workspace_id,
                   SavedMatch.user_id == req.user_id)
            .order_by(SavedMatch.created_at.desc(), SavedMatch.id.desc())
            .limit(MAX_ITEMS_PER_SECTION)
        )
        saved = list(session.scalars(stmt))
    if not saved:
        return HomeSection(texts.HOME_SAVED, texts.HOME_NO_SAVED)
    items = tuple(
        Suggestion(ref=s.ref, kind="", title=s.title, subtitle=f"saved {s.created_at:%Y-%m-%d}",
                   actions=(REQUEST_INTRO, MORE_LIKE_THIS))
        for s in saved
    )
    return HomeSection(texts.HOME_SAVED, suggestions=items)


def introductions_placeholder(req: HomeRequest) -> HomeSection:
    return HomeSection(texts.HOME_INTROS, texts.HOME_INTROS_SOON)


def digest_placeholder(req: HomeRequest) -> HomeSection:
    return HomeSection(texts.HOME_DIGEST, texts.HOME_DIGEST_SOON)


DEFAULT_SECTIONS: dict[str, HomeSectionProvider] = {
    "profile": profile_section,
    "needs": needs_section,
    "saved": saved_section,
    "introductions": introductions_placeholder,
    "digest": digest_placeholder,
}


def install_default_sections(registry: dict[str, Any]) -> None:
    """Add the defaults in display order, keeping any provider another flow registered first."""
    merged = {key: registry.get(key, provider) for key, provider in DEFAULT_SECTIONS.items()}
    merged.update({k: v for k, v in registry.items() if k not in merged})
    registry.clear()
    registry.update(merged)


# -- rendering ------------------------------------------------------------------------------------
def collect_sections(providers: dict[str, HomeSectionProvider], req: HomeRequest) -> list[HomeSection]:
    out: list[HomeSection] = []
    for key, provider in list(providers.items()):
        try:
            section = provider(req)
        except Exception:
            logger.exception("home section %r failed for %s in %s", key, req.user_id, req.workspace_id)
            section = HomeSection(key.replace("_", " ").capitalize(), texts.HOME_SECTION_FAILED)
        if section is not None:
            out.append(section)
    return out


def _section_blocks(section: HomeSection, position: int) -> tuple[list[Block], int]:
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=truncate(section.heading, MAX_HEADER)))]
    if section.text:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=mrkdwn(section.text))))
    for s in section.suggestions[:MAX_ITEMS_PER_SECTION]:
        blocks.extend(suggestion_blocks(s, query_id=None, position=position))
        position += 1
    if section.buttons:
        blocks.append(ActionsBlock(elements=[
            ButtonElement(text=PlainTextObject(text=truncate(b.label, MAX_BUTTON_TEXT)), action_id=b.action_id,
                          value=b.value or None, style=b.style)
            for b in section.buttons[:25]
        ]))
    return blocks, position


def home_view(sections: list[HomeSection]) -> dict[str, Any]:
    """The Home tab (≤ 100 blocks); sections that no longer fit are left out whole."""
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=mrkdwn(texts.HOME_INTRO)))]
    position = 0
    for section in sections:
        rendered, next_position = _section_blocks(section, position)
        if len(blocks) + 1 + len(rendered) > MAX_HOME_BLOCKS:
            logger.warning("home section %r left out: over %d blocks", section.heading, MAX_HOME_BLOCKS)
            continue
        blocks.append(DividerBlock())
        blocks.extend(rendered)
        position = next_position
    return View(type="home", blocks=blocks).to_dict()
