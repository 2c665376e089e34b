"""App Home: the member's home sections (``bot.core.home``) rendered as one Block Kit view (≤ 100 blocks).

The sections, their order and what their buttons do are the core's (``container.home``), so Slack and Teams
show the same home; this module only turns them into blocks, leaving out whole sections that do not fit.
"""

from __future__ import annotations

import logging
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

from bot.core.home import MAX_ITEMS_PER_SECTION, OPEN_PROFILE, HomeButton, HomeRequest, HomeSection, collect_sections
from bot.slack import texts
from bot.slack.render import MAX_BUTTON_TEXT, MAX_HEADER, mrkdwn, suggestion_blocks, truncate

__all__ = ["OPEN_PROFILE", "HomeButton", "HomeRequest", "HomeSection", "collect_sections", "home_view"]

logger = logging.getLogger(__name__)

MAX_HOME_BLOCKS = 100


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
