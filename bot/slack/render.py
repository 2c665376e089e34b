"""Core replies out as Block Kit (slack_sdk block models), within Slack's limits, member text escaped.

Every mrkdwn string that holds member or directory text goes through ``escape`` (``&``, ``<``, ``>``), which
defuses ``<!channel>``, ``<@U…>`` and ``<url|label>`` tricks. ``text`` (the notification fallback) is always
set. Long profiles are cut with "…" so no block, button or message passes its limit.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.core import texts
from bot.core.intros.people import introducible
from bot.core.messages import MORE_LIKE_THIS, NOT_RELEVANT, REQUEST_INTRO, SAVE, Reply, Section, Suggestion
from bot.slack.translate import encode_value

MAX_BLOCKS = 50  # per message (modals and App Home: 100)
MAX_SECTION_TEXT = 3000
MAX_HEADER = 150
MAX_BUTTON_TEXT = 75
MAX_FALLBACK = 3000  # the top-level text is cut by Slack at 40,000; notifications need far less
MAX_REASON = 600
MAX_TITLE = 200
BLOCK_TEXT_BUDGET = 11_000  # Slack rejects messages near 13k characters of block text (msg_blocks_too_long)
ELLIPSIS = "…"

#: action name -> (button label, style). Flows that add actions (introductions, digests) register theirs.
BUTTONS: dict[str, tuple[str, str | None]] = {
    REQUEST_INTRO: ("Request introduction", "primary"),
    SAVE: ("Save", None),
    NOT_RELEVANT: ("Not relevant", None),
    MORE_LIKE_THIS: ("More like this", None),
}


def register_button(action: str, label: str, style: str | None = None) -> None:
    """Make ``action`` render as a button (its listener is registered by the flow that owns it)."""
    if style not in (None, "primary", "danger"):
        raise ValueError(f"button style must be None, 'primary' or 'danger', got {style!r}")
    BUTTONS[action] = (truncate(label, MAX_BUTTON_TEXT), style)


def escape(text: str) -> str:
    """Escape member text for mrkdwn: ``&`` first, then ``<`` and ``>``; nothing else."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, on a word boundary when one is near, ending in "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + ELLIPSIS


def mrkdwn(text: str, limit: int = MAX_SECTION_TEXT) -> str:
    """Plain member text -> safe mrkdwn within ``limit`` (cut before escaping grows it, then re-checked)."""
    out = escape(truncate(text, limit))
    while len(out) > limit:  # escaping can lengthen the text (& -> &amp;)
        text = truncate(text, len(text) - (len(out) - limit) - 1)
        out = escape(text)
    return out


def link(url: str | None, label: str) -> str:
    """``label`` (already escaped) as a link when ``url`` is a plain http(s) URL, else as is."""
    if not url or not url.lower().startswith(("http://", "https://")) or any(c.isspace() for c in url):
        return label
    safe = escape(url).replace("|", "%7C")
    return f"<{safe}|{label}>"


def kind_label(kind: str) -> str:
    return texts.KIND_LABELS.get(kind, kind.replace("_", " "))


def fallback_text(text: str) -> str:
    """The top-level ``text``: escaped (it is parsed for notifications) and short."""
    return mrkdwn(text or " ", MAX_FALLBACK)


def text_message(text: str) -> dict[str, Any]:
    """A plain answer (help, confirmations, errors) as ``text`` + one section per ≤3000 characters."""
    blocks: list[Block] = []
    remaining = text.strip() or " "
    while remaining and len(blocks) < 5:
        chunk, remaining = _split(remaining, MAX_SECTION_TEXT - 500)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=mrkdwn(chunk))))
    return {"text": fallback_text(text), "blocks": [b.to_dict() for b in blocks]}


def _split(text: str, size: int) -> tuple[str, str]:
    if len(text) <= size:
        return text, ""
    cut = text.rfind("\n", 0, size)
    if cut < size // 2:
        cut = size
    return text[:cut], text[cut:].lstrip("\n")


def suggestion_text(s: Suggestion) -> str:
    """The mrkdwn of one suggestion: linked title, kind and subtitle, then why it matched."""
    title = link(s.url, f"*{mrkdwn(s.title, MAX_TITLE)}*")
    meta = s.subtitle or (kind_label(s.kind) if s.kind else "")  # the core's subtitle already names the kind
    lines = [f"{title}  _{mrkdwn(meta, 300)}_" if meta else title]
    if s.reason:
        lines.append(mrkdwn(texts.WHY.format(reason=truncate(s.reason, MAX_REASON)), MAX_REASON + 40))
    if s.shared_terms:
        lines.append(mrkdwn(texts.SHARED.format(terms=", ".join(s.shared_terms[:8])), 300))
    return "\n".join(lines)


def suggestion_blocks(s: Suggestion, *, query_id: str | None, position: int) -> list[Block]:
    """A section with the suggestion and its buttons; action ids get ``:<position>`` to stay unique."""
    blocks: list[Block] = [SectionBlock(block_id=f"s{position}", text=MarkdownTextObject(text=suggestion_text(s)))]
    buttons = []
    for action in s.actions:
        if action not in BUTTONS or (action == REQUEST_INTRO and not introducible(s.ref)):
            continue  # courses and funding streams have nobody to introduce: they get a link instead
        label, style = BUTTONS[action]
        buttons.append(
            ButtonElement(
                text=PlainTextObject(text=label, emoji=True),
                action_id=f"{action}:{position}",
                value=encode_value(s.ref, query_id),
                style=style,
            )
        )
    if not introducible(s.ref) and link(s.url, "x") != "x" and len(s.url or "") <= 3000:
        buttons.append(ButtonElement(text=PlainTextObject(text="Open"), action_id=f"open_link:{position}",
                                     url=s.url))
    if buttons:
        blocks.append(ActionsBlock(block_id=f"a{position}", elements=buttons[:25]))
    return blocks


def section_blocks(
    sections: tuple[Section, ...], *, query_id: str | None, max_blocks: int, start: int = 0
) -> tuple[list[Block], int]:
    """Blocks for grouped suggestions within ``max_blocks`` and the text budget; returns (blocks, omitted)."""
    blocks: list[Block] = []
    used_text = 0
    position = start
    omitted = 0
    for section in sections:
        header: list[Block] = [HeaderBlock(text=PlainTextObject(text=truncate(section.heading, MAX_HEADER)))]
        if blocks:
            header.insert(0, DividerBlock())
        for s in section.suggestions:
            rendered = suggestion_blocks(s, query_id=query_id, position=position)
            size = len(suggestion_text(s))
            need = len(rendered) + len(header)
            if len(blocks) + need > max_blocks - 1 or used_text + size > BLOCK_TEXT_BUDGET:
                omitted += 1
                continue
            blocks.extend(header)
            header = []
            blocks.extend(rendered)
            used_text += size
            position += 1
    return blocks, omitted


def to_slack_message(reply: Reply) -> dict[str, Any]:
    """``Reply`` -> ``{"text", "blocks"}`` for chat.postMessage / respond; ≤ 50 blocks, every field in limits."""
    if not reply.sections:
        message = text_message(reply.text)
        if reply.notice:
            message["blocks"].insert(0, _notice(reply.notice).to_dict())
        return message
    head: list[Block] = []
    if reply.notice:
        head.append(_notice(reply.notice))
    lead = _lead(reply)
    if lead:
        head.append(SectionBlock(text=MarkdownTextObject(text=mrkdwn(lead, 1000))))
    body, omitted = section_blocks(reply.sections, query_id=reply.query_id, max_blocks=MAX_BLOCKS - len(head) - 1)
    blocks = head + body
    if omitted:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(
            text=f"{omitted} more not shown. Ask a narrower question to see them.")]))
    return {"text": fallback_text(reply.text), "blocks": [b.to_dict() for b in blocks]}


def _lead(reply: Reply) -> str:
    """The answer's first line (e.g. 'Here is what matches "…":'), the notice excluded."""
    for line in reply.text.splitlines():
        line = line.strip()
        if line and line != (reply.notice or "").strip():
            return line
    return ""


def _notice(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=mrkdwn(text, 2000))])
