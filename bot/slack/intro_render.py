"""Introduction messages as Block Kit: the ask, the introduction, notices, follow-ups, staff review items.

Every string that holds member or directory text goes through ``render.mrkdwn`` (escaped, cut to the block's
limit); headers are ``plain_text`` (no mentions parsed). Buttons carry ``{"r": "intro:<id>"}`` (or
``"sug:<id>"``) as their value, and action ids get ``:<position>`` in multi-item staff messages.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.blocks.blocks import InputBlock
from slack_sdk.models.views import View

from bot.core.intros import texts as t
from bot.core.intros.messages import FactBlock, IntroMessage
from bot.slack.render import MAX_BUTTON_TEXT, MAX_HEADER, MAX_SECTION_TEXT, fallback_text, mrkdwn, truncate
from bot.slack.translate import encode_value

ITEMS_PER_STAFF_MESSAGE = 10  # ≤ 4 blocks each + 2: well under 50 blocks and the text budget
NOTE_CALLBACK = "intro_note"
NOTE_BLOCK, NOTE_INPUT = "note", "value"
MAX_NOTE = 1000
MAX_FACT = 700


def _facts(block: FactBlock) -> str:
    """``*label:* value`` lines within one section's 3000 characters."""
    lines = [f"*{mrkdwn(block.heading, 150)}*"] if block.heading else []
    budget = MAX_SECTION_TEXT - sum(len(x) + 1 for x in lines) - 50
    per_fact = max(100, min(MAX_FACT, budget // max(1, len(block.facts))))
    for label, value in block.facts:
        lines.append(f"*{mrkdwn(label, 80)}:* {mrkdwn(value, per_fact)}")
    return truncate("\n".join(lines), MAX_SECTION_TEXT)


def buttons(message: IntroMessage, *, position: int | None = None) -> ActionsBlock | None:
    if not message.actions or message.status:
        return None
    suffix = f":{position}" if position is not None else ""
    elements = [
        ButtonElement(text=PlainTextObject(text=truncate(t.ACTION_LABELS[a], MAX_BUTTON_TEXT)),
                      action_id=f"{a}{suffix}", value=encode_value(message.ref, None), style=t.ACTION_STYLES.get(a))
        for a in message.actions
    ]
    return ActionsBlock(block_id=f"act{suffix or ''}"[:255], elements=elements)


def message_blocks(message: IntroMessage) -> list[Block]:
    """One introduction message (ask, introduction, notice, follow-up) as blocks."""
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=truncate(message.headline, MAX_HEADER)))]
    if message.lead:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=mrkdwn(message.lead))))
    blocks += [SectionBlock(text=MarkdownTextObject(text=_facts(b))) for b in message.blocks if b.facts]
    for extra in (message.footer, message.status):
        if extra:
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=mrkdwn(extra, 2000))]))
    actions = buttons(message)
    if actions is not None:
        blocks.append(actions)
    return blocks


def intro_message(message: IntroMessage) -> dict[str, Any]:
    """``{"text", "blocks"}`` for chat.postMessage."""
    return {"text": fallback_text(message.to_text()), "blocks": [b.to_dict() for b in message_blocks(message)]}


def staff_messages(
    items: Sequence[IntroMessage], *, title: str, summary: str
) -> list[tuple[list[int], dict[str, Any]]]:
    """Staff review items in as many messages as needed; each with the positions of the items it holds."""
    out = []
    chunks = [list(range(k, min(k + ITEMS_PER_STAFF_MESSAGE, len(items))))
              for k in range(0, len(items), ITEMS_PER_STAFF_MESSAGE)] or [[]]
    for n, chunk in enumerate(chunks, 1):
        head = title if len(chunks) == 1 else f"{title} ({n}/{len(chunks)})"
        out.append((chunk, staff_message([items[k] for k in chunk], title=head, summary=summary if n == 1 else "")))
    return out


def staff_message(items: Sequence[IntroMessage], *, title: str, summary: str) -> dict[str, Any]:
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=truncate(title, MAX_HEADER)))]
    if summary:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=mrkdwn(summary, 2000))]))
    for position, item in enumerate(items):
        text = "\n".join([f"*{mrkdwn(item.headline, 300)}*"] + [_facts(b) for b in item.blocks if b.facts])
        blocks += [DividerBlock(), SectionBlock(block_id=f"item:{position}",
                                                text=MarkdownTextObject(text=truncate(text, MAX_SECTION_TEXT)))]
        if item.status:
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=mrkdwn(item.status, 2000))]))
        actions = buttons(item, position=position)
        if actions is not None:
            blocks.append(actions)
    lines = [title, summary] + [i.headline + (f" ({i.status})" if i.status else "") for i in items]
    return {"text": fallback_text("\n".join(x for x in lines if x)), "blocks": [b.to_dict() for b in blocks]}


def answered(original_blocks: Sequence[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """The clicked message without its buttons, with what the click did underneath."""
    kept = [b for b in original_blocks if b.get("type") != "actions"][:48]
    kept.append(ContextBlock(elements=[MarkdownTextObject(text=mrkdwn(text, 2000))]).to_dict())
    return kept


def note_modal(ref: str, note: str, *, channel: str | None, ts: str | None) -> dict[str, Any]:
    """"Edit note": the staff member's note that goes with the introduction when it is approved."""
    metadata = json.dumps({"ref": ref, "channel": channel, "ts": ts}, separators=(",", ":"))
    view = View(
        type="modal", callback_id=NOTE_CALLBACK, private_metadata=metadata[:3000],
        title=PlainTextObject(text="Note for both sides"), submit=PlainTextObject(text="Save note"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            InputBlock(block_id=NOTE_BLOCK, optional=True,
                       label=PlainTextObject(text="Why should they meet? (shown to both when asked)"),
                       element=PlainTextInputElement(action_id=NOTE_INPUT, multiline=True, max_length=MAX_NOTE,
                                                     initial_value=note[:MAX_NOTE] or None)),
        ],
    )
    return view.to_dict()


def note_from_view(view: dict[str, Any]) -> tuple[str, str | None, str | None, str]:
    """(ref, channel, ts, note) from a submitted note modal."""
    meta = json.loads(view.get("private_metadata") or "{}")
    value = (((view.get("state") or {}).get("values") or {}).get(NOTE_BLOCK) or {}).get(NOTE_INPUT) or {}
    return str(meta.get("ref") or ""), meta.get("channel"), meta.get("ts"), str(value.get("value") or "")
