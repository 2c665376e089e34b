"""Introduction messages, platform-neutral: what each side is shown, and when.

``IntroMessage`` is plain text in labelled blocks plus action names; Slack and Teams render it (escaping
member text) and ``to_reply`` gives every other surface a generic ``Reply``. Builders here decide what is
disclosed: an ``ask`` carries the asker's public profile and the public evidence only; the e-mail
addresses appear in ``connected``, which is sent once both sides accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.intros import texts as t
from bot.core.intros.people import Side
from bot.core.messages import Reply, Section, Suggestion


@dataclass(frozen=True)
class FactBlock:
    heading: str
    facts: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class IntroMessage:
    """One message of the flow. ``ref`` ("intro:<id>", "sug:<id>") goes into every button's value."""

    ref: str
    headline: str
    lead: str = ""
    blocks: tuple[FactBlock, ...] = ()
    footer: str = ""
    actions: tuple[str, ...] = ()
    status: str = ""  # staff items: who did what (replaces the buttons once handled)

    def to_text(self) -> str:
        lines = [self.headline]
        if self.lead:
            lines += ["", self.lead]
        for block in self.blocks:
            lines += ["", block.heading] if block.heading else [""]
            lines += [f"{label}: {value}" for label, value in block.facts]
        for extra in (self.footer, self.status):
            if extra:
                lines += ["", extra]
        return "\n".join(lines)

    def to_reply(self) -> Reply:
        """A generic ``Reply`` (terminal, digests): one suggestion carrying the message's buttons."""
        reason = next((v for b in self.blocks for label, v in b.facts if label == t.FACT_WHY), self.lead)
        item = Suggestion(ref=self.ref, kind="introduction", title=self.headline, reason=reason,
                          actions=() if self.status else self.actions)
        return Reply(text=self.to_text(), sections=(Section(self.headline, (item,)),),
                     meta={"intro": self.headline})


def _why(reason: str, reason_back: str, shared: tuple[str, ...] | list[str]) -> tuple[tuple[str, str], ...]:
    facts = []
    if reason:
        facts.append((t.FACT_WHY, reason))
    if reason_back:
        facts.append((t.FACT_WHY_BACK, reason_back))
    if shared:
        facts.append((t.FACT_SHARED, ", ".join(list(shared)[:8])))
    return tuple(facts)


def ask(
    ref: str, *, other: Side, origin: str, target_ref: str, target_title: str, reason: str, reason_back: str,
    shared: tuple[str, ...] | list[str], note: str | None, deadline: datetime, reminder: bool = False,
) -> IntroMessage:
    """The DM asking one side to accept: the other side's public profile and why, never contact details.

    ``reason`` is the recipient's own evidence (what in their profile answers the other side's need),
    ``reason_back`` the other side's evidence for the recipient's needs; both are public profile text.
    """
    if origin == "staff":
        headline = t.ASK_STAFF.format(name=other.label)
    elif target_ref.startswith("need:"):
        headline = t.ASK_MEMBER_NEED.format(name=other.label, need=target_title)
    elif target_ref.startswith("org:"):
        headline = t.ASK_MEMBER_ORG.format(name=other.label, org=target_title)
    else:
        headline = t.ASK_MEMBER.format(name=other.label)
    if reminder:
        headline = t.ASK_REMINDER.format(headline=headline)
    blocks = [FactBlock("", tuple(other.public_facts())), FactBlock("", _why(reason, reason_back, shared))]
    if note:
        blocks.append(FactBlock("", ((t.FACT_NOTE, note),)))
    return IntroMessage(
        ref=ref, headline=headline, lead=t.ASK_PRIVACY,
        blocks=tuple(b for b in blocks if b.facts),
        footer=t.ASK_DEADLINE.format(date=f"{deadline:%Y-%m-%d}"),
        actions=t.MEMBER_ACTIONS,
    )


def connected(ref: str, *, a: Side, b: Side, origin: str, reason: str, reason_back: str,
              shared: tuple[str, ...] | list[str], note: str | None) -> IntroMessage:
    """The introduction itself, to both: who is who, why, contacts, and a suggested next step."""
    lead = (t.CONNECTED_INTRO_STAFF if origin == "staff"
            else t.CONNECTED_INTRO_MEMBER.format(a=a.name, b=b.label, b_first=b.first_name))
    blocks = []
    for side in (a, b):
        facts = list(side.public_facts())
        if side.email:
            facts.append((t.CONNECTED_CONTACT, side.email))
        blocks.append(FactBlock(side.name, tuple(facts)))
    why = tuple((t.BRINGS.format(name=side.name), text) for side, text in ((b, reason), (a, reason_back)) if text)
    why += ((t.FACT_SHARED, ", ".join(list(shared)[:8])),) if shared else ()
    why += ((t.FACT_NOTE, note),) if note else ()
    if why:
        blocks.append(FactBlock("", why))
    topic = ", ".join(list(shared)[:2]) if shared else t.DEFAULT_TOPIC
    return IntroMessage(ref=ref, headline=t.CONNECTED.format(a=a.name, b=b.name), lead=lead, blocks=tuple(blocks),
                        footer=t.CONNECTED_NEXT.format(topic=topic))


def notice(ref: str, text: str) -> IntroMessage:
    """A short message without buttons (declined, expired, not forwarded, deprioritised)."""
    return IntroMessage(ref=ref, headline=text)


def followup(ref: str, *, other: Side) -> IntroMessage:
    return IntroMessage(ref=ref, headline=t.FOLLOWUP_HEADLINE.format(name=other.name),
                        lead=t.FOLLOWUP_TEXT.format(name=other.name), actions=t.OUTCOME_ACTIONS)


def staff_item(ref: str, *, a: Side, b: Side, score: float | None, why_a: str, why_b: str, note: str | None,
               pinned: bool = False, member_request: bool = False, status: str = "") -> IntroMessage:
    """One pair for staff review: both public profiles, the evidence both ways, the note, the buttons."""
    if member_request:
        headline = t.STAFF_REVIEW_HEADLINE.format(a=a.label, b=b.label)
    else:
        headline = f"{a.label} ↔ {b.label}"
    if score is not None:
        headline += f" · {score:.2f}" + (" · pinned" if pinned else "")
    facts = [(f"{b.name} → {a.name}", why_a)] if why_a else []
    if why_b:
        facts.append((f"{a.name} → {b.name}", why_b))
    blocks = [FactBlock("", tuple(facts))] if facts else []
    if note:
        blocks.append(FactBlock("", ((t.FACT_NOTE, note),)))
    actions = (t.STAFF_APPROVE, t.STAFF_NOTE, t.STAFF_SKIP) + (() if member_request else (t.STAFF_VETO,))
    return IntroMessage(ref=ref, headline=headline, blocks=tuple(blocks), actions=() if status else actions,
                        status=status)
