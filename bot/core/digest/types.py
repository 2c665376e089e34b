"""What a digest is, platform-neutral: stored as JSON in the delivery ledger, rendered by each platform.

Items are ``Suggestion``s, so a digest item carries the same ref and actions as an answer to a question
and the platform's existing button listeners (Request introduction, Not relevant) handle its clicks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from sqlalchemy.orm import Session

from bot.core.messages import Reply, Section, Suggestion
from models.directory import PlatformAccount

MEMBER = "member"
STAFF = "staff"
DIRECTORY_PREFIXES = ("org", "person", "course", "funding", "need")


@runtime_checkable
class IntroductionsDigestSource(Protocol):
    """What the introductions service offers digests (``container.intros``).

    ``pending_for`` returns introductions waiting for this member's answer, as suggestions whose ``actions``
    are the introductions flow's own (accept / decline). ``weekly_summary`` returns counts and the
    requests nobody answered yet.
    """

    def pending_for(self, session: Session, account: PlatformAccount, now: datetime) -> Sequence[Suggestion]: ...

    def weekly_summary(self, session: Session, since: datetime, until: datetime) -> Mapping[str, Any]: ...


class Chart(Protocol):
    """A chart a staff digest carries as an image (the dashboard's ``ChartImage``)."""

    @property
    def name(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def alt(self) -> str: ...

    @property
    def data(self) -> dict[str, Any]: ...


#: The dashboard's ``chat_charts``: the charts of the staff digest, drawn fresh each week.
ChartSource = Callable[[], Sequence[Chart]]


@dataclass(frozen=True)
class DigestConfig:
    """What digests read from the settings (``DIGEST_*``, staff user ids), built once in ``bootstrap``."""

    day: str = "mon"  # the default day and hour, in the member's zone
    hour: int = 9
    timezone: str = "America/Toronto"  # for members whose zone the platform did not tell
    default_on: bool = False  # members opt in unless this is set
    funding_weeks: int = 6  # funding streams closing within this many weeks
    per_minute: int = 60  # messages per minute per workspace
    max_items: int = 6
    staff_users: frozenset[str] = frozenset()  # user ids that get the staff digest (besides staff accounts)


@dataclass(frozen=True)
class Recipient:
    """Who a digest goes to, with what a platform needs to reach them."""

    account_id: int
    platform: str
    workspace_id: str
    user_id: str
    display_name: str | None = None
    timezone: str | None = None
    conversation_ref: dict[str, Any] | None = None

    @classmethod
    def from_account(cls, account: PlatformAccount) -> Recipient:
        return cls(
            account_id=account.id,
            platform=account.platform,
            workspace_id=account.workspace_id,
            user_id=account.user_id,
            display_name=account.display_name,
            timezone=account.timezone,
            conversation_ref=dict(account.conversation_ref) if account.conversation_ref else None,
        )


@dataclass(frozen=True)
class Fact:
    """A labelled figure in the staff digest ("Introductions requested", "3")."""

    label: str
    value: str


@dataclass(frozen=True)
class Digest:
    """One composed digest. All text is plain member/directory text: renderers escape it."""

    kind: str  # member | staff
    iso_week: str
    title: str
    intro: str
    sections: tuple[Section, ...] = ()
    facts: tuple[Fact, ...] = ()
    footer: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    #: Charts the message carries (staff digest: funnel and gaps): ``{"name", "title", "alt", "data"}``, drawn by
    #: the platform sender from ``data`` (``bot.dashboard.charts``), so a retry sends the same figures.
    images: tuple[dict[str, Any], ...] = ()

    @property
    def suggestions(self) -> tuple[Suggestion, ...]:
        return tuple(s for section in self.sections for s in section.suggestions)

    @property
    def is_empty(self) -> bool:
        """Nothing worth a message: a member digest without items (a staff digest always reports)."""
        return self.kind == MEMBER and not self.suggestions

    def item_refs(self) -> list[str]:
        """Refs of the directory items shown (remembered so none repeats within four weeks)."""
        return [s.ref for s in self.suggestions if s.ref.split(":", 1)[0] in DIRECTORY_PREFIXES]

    def kinds(self) -> set[str]:
        return {s.kind for s in self.suggestions}

    # -- storage -----------------------------------------------------------------------------------
    def to_payload(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> Digest:
        sections = tuple(
            Section(
                heading=sec["heading"],
                suggestions=tuple(
                    Suggestion(**{**s, "shared_terms": tuple(s.get("shared_terms", ())),
                                  "actions": tuple(s.get("actions", ()))})
                    for s in sec["suggestions"]
                ),
            )
            for sec in data.get("sections", ())
        )
        return cls(
            kind=data["kind"],
            iso_week=data["iso_week"],
            title=data["title"],
            intro=data.get("intro", ""),
            sections=sections,
            facts=tuple(Fact(**f) for f in data.get("facts", ())),
            footer=data.get("footer", ""),
            meta=dict(data.get("meta", {})),
            images=tuple(dict(i) for i in data.get("images", ())),
        )

    # -- plain rendering ---------------------------------------------------------------------------
    def to_text(self) -> str:
        """The whole digest as plain text (terminal preview, notification fallback, Teams text)."""
        lines = [self.title, self.intro] if self.intro else [self.title]
        for fact in self.facts:
            lines.append(f"  {fact.label}: {fact.value}")
        for section in self.sections:
            lines.append("")
            lines.append(section.heading)
            for s in section.suggestions:
                head = f"  • {s.title}" + (f" ({s.subtitle})" if s.subtitle else "")
                lines.append(head)
                if s.reason:
                    lines.append(f"    Why: {s.reason}")
        if self.footer:
            lines.extend(["", self.footer])
        return "\n".join(lines)

    def to_reply(self) -> Reply:
        """The digest as a core ``Reply``, for renderers that already turn replies into messages."""
        facts = "\n".join(f"{f.label}: {f.value}" for f in self.facts)
        text = "\n".join(x for x in (self.title, self.intro, facts) if x)
        return Reply(text=text, sections=self.sections, meta={"digest": self.kind, "iso_week": self.iso_week})
