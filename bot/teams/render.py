"""The core's ``Reply`` as a Teams message: an Adaptive Card 1.5 plus a plain-text fallback.

Member-provided text (names, evidence, the question quoted back) goes into ``RichTextBlock`` /
``TextRun`` elements, which Teams renders literally: unlike ``TextBlock`` they do not parse Markdown,
so a profile called ``[click me](https://evil)`` or ``**urgent**`` shows exactly as typed. Only our own
fixed headings use ``TextBlock``. Buttons are ``Action.Submit`` whose ``data`` carries
``action``/``ref``/``query_id``; Teams posts it back as a ``message`` activity with that ``value``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlparse

from microsoft_agents.activity import Activity, ActivityTypes, Attachment
from microsoft_agents.hosting.core import CardFactory

from bot.core import texts
from bot.core.intros.people import introducible
from bot.core.intros.texts import ACTION_LABELS as INTRO_LABELS
from bot.core.intros.texts import MEMBER_ACTIONS, OUTCOME_ACTIONS
from bot.core.messages import MORE_LIKE_THIS, NOT_RELEVANT, REQUEST_INTRO, SAVE, Reply, Suggestion

logger = logging.getLogger(__name__)

CARD_VERSION = "1.5"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
#: Teams refuses bot messages above about 28 KB (card, summary and envelope together): card ≤ 24 KB,
#: summary and card fallback text ≤ 1,500 characters each.
MAX_CARD_BYTES = 24_000
MAX_SUMMARY = 1_500
MAX_TITLE = 200
MAX_SUBTITLE = 300
MAX_REASON = 700
MAX_TEXT = 4_000
MAX_SHARED_TERMS = 8

ACTION_LABELS: dict[str, str] = {
    REQUEST_INTRO: "Introduce me",
    SAVE: "Save",
    NOT_RELEVANT: "Not relevant",
    MORE_LIKE_THIS: "More like this",
}
ACTION_LABELS.update({a: INTRO_LABELS[a] for a in MEMBER_ACTIONS + OUTCOME_ACTIONS})  # digests, intro answers
OPEN_LINK = "Open"
MORE_NOT_SHOWN = "{count} more not shown here: ask a narrower question to see them."


def _cut(text: str, limit: int) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def literal(text: str, *, limit: int = MAX_TEXT, spacing: str | None = None, **run_style: Any) -> dict[str, Any]:
    """A block of text shown exactly as given (no Markdown), e.g. member-provided text."""
    run = {"type": "TextRun", "text": _cut(text, limit), **run_style}
    block: dict[str, Any] = {"type": "RichTextBlock", "inlines": [run]}
    if spacing:
        block["spacing"] = spacing
    return block


def heading(text: str) -> dict[str, Any]:
    """One of our own fixed headings (never member text: ``TextBlock`` parses Markdown)."""
    return {"type": "TextBlock", "text": text, "weight": "bolder", "size": "medium", "wrap": True, "spacing": "large"}


def submit(title: str, data: dict[str, Any], *, style: str | None = None) -> dict[str, Any]:
    action: dict[str, Any] = {"type": "Action.Submit", "title": title, "data": data}
    if style:
        action["style"] = style
    return action


def _safe_url(url: str | None) -> str | None:
    if not url:
        return None
    parsed = urlparse(url.strip())
    return url.strip() if parsed.scheme in {"http", "https"} and parsed.netloc else None


def suggestion_item(suggestion: Suggestion, query_id: str | None) -> dict[str, Any]:
    """One match: title, kind and affiliation, why it matched, shared terms, its buttons."""
    # the core's subtitle already names the kind where it matters (organizations, funding); else the kind
    label = texts.KIND_LABELS.get(suggestion.kind, suggestion.kind.replace("_", " "))
    subtitle = _cut(suggestion.subtitle, MAX_SUBTITLE) or label
    items: list[dict[str, Any]] = [
        {
            "type": "RichTextBlock",
            "inlines": [
                {"type": "TextRun", "text": _cut(suggestion.title, MAX_TITLE), "weight": "bolder"},
                {"type": "TextRun", "text": f"  {subtitle}", "isSubtle": True},
            ],
        }
    ]
    if suggestion.reason:
        items.append(literal(texts.WHY.format(reason=_cut(suggestion.reason, MAX_REASON)), spacing="small"))
    if suggestion.shared_terms:
        terms = ", ".join(suggestion.shared_terms[:MAX_SHARED_TERMS])
        items.append(literal(texts.SHARED.format(terms=terms), spacing="none", isSubtle=True))
    actions = [
        submit(ACTION_LABELS[name], {"action": name, "ref": suggestion.ref, "query_id": query_id})
        for name in suggestion.actions
        if name in ACTION_LABELS and (name != REQUEST_INTRO or introducible(suggestion.ref))  # not for courses
    ]
    url = _safe_url(suggestion.url)
    if url:
        actions.append({"type": "Action.OpenUrl", "title": OPEN_LINK, "url": url})
    if actions:
        items.append({"type": "ActionSet", "actions": actions, "spacing": "small"})
    return {"type": "Container", "items": items, "separator": True, "spacing": "medium"}


def card(
    body: Iterable[dict[str, Any]], *, fallback_text: str = "", actions: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A top-level Adaptive Card 1.5, full width in Teams."""
    content: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": CARD_SCHEMA,
        "version": CARD_VERSION,
        "body": list(body),
        "msteams": {"width": "Full"},
    }
    if actions:
        content["actions"] = actions
    if fallback_text:
        content["fallbackText"] = _cut(fallback_text, MAX_SUMMARY)
    return content


def _size(content: dict[str, Any]) -> int:
    return len(json.dumps(content, ensure_ascii=False).encode("utf-8"))


SLACK_COMMAND = re.compile(r"/match\s+")


def typed_words(text: str) -> str:
    """Our sentences as Teams members type them: the core's hints name Slack's ``/match pause``, Teams takes
    ``pause`` typed to the bot."""
    return SLACK_COMMAND.sub("", text)


def _intro(reply: Reply) -> str:
    """The answer's opening sentence: the core's ``meta["intro"]``, else ``reply.text`` without the notice
    and the plain-text list of matches."""
    if reply.sections and reply.meta.get("intro"):
        return reply.meta["intro"]
    text = reply.text
    if reply.notice and text.startswith(reply.notice):
        text = text[len(reply.notice) :].lstrip("\n")
    if not reply.sections:
        return text
    cut = text.find(f"\n\n{reply.sections[0].heading}\n")
    return text[:cut] if cut >= 0 else text.split("\n", 1)[0]


def reply_card(reply: Reply) -> dict[str, Any]:
    """The Adaptive Card for a reply; suggestions past ``MAX_CARD_BYTES`` are left out with a note."""
    intro = typed_words(_intro(reply))
    head: list[dict[str, Any]] = []
    if reply.notice:
        head.append(literal(typed_words(reply.notice), isSubtle=True, italic=True))
    head.append(literal(intro))

    blocks: list[tuple[str | None, dict[str, Any]]] = []
    for section in reply.sections:
        if section.suggestions:
            blocks.append((None, heading(section.heading)))
        blocks.extend((s.ref, suggestion_item(s, reply.query_id)) for s in section.suggestions)

    content = card(head + [b for _, b in blocks], fallback_text=reply.text)
    dropped = 0
    while _size(content) > MAX_CARD_BYTES and any(ref for ref, _ in blocks):
        last = max(i for i, (ref, _) in enumerate(blocks) if ref)
        del blocks[last]
        if last > 0 and blocks[last - 1][0] is None and (last == len(blocks) or blocks[last][0] is None):
            del blocks[last - 1]  # a heading left without suggestions
        dropped += 1
        note = [literal(MORE_NOT_SHOWN.format(count=dropped), isSubtle=True)]
        content = card(head + [b for _, b in blocks] + note, fallback_text=reply.text)
    if dropped:
        logger.info("reply card trimmed: %d suggestions left out to stay under %d bytes", dropped, MAX_CARD_BYTES)
    return content


def card_activity(content: dict[str, Any], *, summary: str = "") -> Activity:
    """A message carrying one Adaptive Card; ``summary`` is what notifications and card-less clients show."""
    attachment: Attachment = CardFactory.adaptive_card(content)
    activity = Activity(type=ActivityTypes.message, attachments=[attachment])
    if summary:
        activity.summary = _cut(summary, MAX_SUMMARY)
    return activity


def to_activity(reply: Reply) -> Activity:
    """The Teams message for a core ``Reply``: the card, with the full plain-text answer as fallback."""
    return card_activity(reply_card(reply), summary=typed_words(reply.text))


def text_activity(text: str) -> Activity:
    """A plain message for our own fixed sentences (the apology after an unexpected failure)."""
    return Activity(type=ActivityTypes.message, text=typed_words(text), text_format="plain")
